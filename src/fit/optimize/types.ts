/**
 * Shared option and result types of the derivative-free optimisers (BOBYQA, Nelder–Mead) that
 * minimise the profiled deviance over θ (LMM) or the Laplace/AGQ deviance over (θ, β) (GLMM).
 */
import { FitError } from "../../errors.js";

/** The function minimised. It receives a view it must not keep (the optimiser reuses it). */
export type Objective = (x: Float64Array) => number;

/** Options both optimisers accept. */
export interface OptimizerOptions {
  /** Lower bounds, one per coordinate; −Infinity (or omitted) for an unbounded coordinate. */
  lower?: ArrayLike<number>;
  /** Upper bounds, one per coordinate; +Infinity (or omitted) for an unbounded coordinate. */
  upper?: ArrayLike<number>;
  /** Most objective evaluations allowed (default 10000). Reaching it gives converged = false. */
  maxEval?: number;
  /** Stop (converged) once an improvement of the best value is smaller than this (nlopt's
   *  ftol_abs, as lme4's nloptwrap uses it). Off when omitted. */
  ftolAbs?: number;
  /** Called after every evaluation with its 1-based count and the value f returned. */
  onEvaluation?: (k: number, fx: number) => void;
}

/** BOBYQA's options (Powell 2009 §1: ρ_beg is the initial, ρ_end the final trust-region radius). */
export interface BobyqaOptions extends OptimizerOptions {
  /** Initial trust-region radius (default 0.2, reduced to half the narrowest bound interval). */
  rhobeg?: number;
  /** Final trust-region radius: the accuracy wanted in x (default 1e-6). */
  rhoend?: number;
  /** Number of interpolation points, clamped to [n+2, 2n+1] (default 2n+1, NLopt's choice;
   *  minqa's default, used by lme4's glmer, is n+2). */
  npt?: number;
  /** NLopt's per-coordinate initial steps dx: when given, coordinates are rescaled by
   *  s_i = dx_i/dx_0 (NLopt's nlopt_compute_rescaling) so the steps are equal, rhobeg becomes |dx_0|,
   *  and rhoend is measured in the rescaled coordinates — NLopt's BOBYQA exactly. */
  initialStep?: ArrayLike<number>;
}

/** Nelder–Mead's options (lme4's Nelder_Mead names in brackets). */
export interface NelderMeadOptions extends OptimizerOptions {
  /** Initial simplex edge along each coordinate [xst]: one number or one per coordinate
   *  (default 0.02, lme4's). */
  step?: number | ArrayLike<number>;
  /** Converged when every coordinate's largest deviation from the centroid is below this
   *  [xt]: one number or one per coordinate (default step · 5e-4, lme4's). */
  xtolAbs?: number | ArrayLike<number>;
  /** Or below xtolRel relative to itself [XtolRel] (default 1e-7, as lme4; in practice inert). */
  xtolRel?: number;
  /** ftolAbs (inherited) stops when max f − min f over the simplex is below it. lme4 sets its
   *  FtolAbs but never tests it, so the default is off. */
  /** Rebuild the simplex around the best vertex when projection onto the bounds has flattened
   *  it (default false: lme4 does not). */
  restartOnCollapse?: boolean;
}

/** What every optimiser returns. */
export interface OptimizerResult {
  /** The best point found (always within the bounds). */
  x: Float64Array;
  /** f(x); the least finite value seen (Infinity only if f never returned a finite value). */
  fx: number;
  /** Number of calls of f. */
  evaluations: number;
  /** True when the algorithm's own stopping test was met, false when stopped by maxEval or by
   *  rounding errors. */
  converged: boolean;
  /** Why it stopped, in words. */
  message: string;
}

/** Invalid arguments to an optimiser (the message says which and how to fix it). */
export class OptimizerError extends FitError {
  constructor(message: string) {
    super(message);
    this.name = "OptimizerError";
  }
}
