/**
 * fitLmm: a Gaussian linear mixed model by profiled (RE)ML, lme4's lmer pipeline
 * (mkLmerDevfun → optimizeLmer → mkMerMod) over the blocked PLS system.
 */
import type { FittedModel } from "../fitted.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { bobyqa } from "../optimize/bobyqa.js";
import { lme4NloptwrapOptions } from "../optimize/presets.js";
import type { BobyqaOptions } from "../optimize/types.js";
import type { OptimizerResult } from "../optimize/types.js";
import { NotPositiveDefiniteError } from "../../linalg/errors.js";
import { makeDevfun, objective, type Devfun } from "./profiled-deviance.js";
import type { PrecomputedBlocks } from "../pls/pls-system.js";
import { lmmResults } from "./results.js";
import { lme4StartTheta } from "./start.js";
import { deriv12 } from "../convergence/deriv12.js";
import { convergenceMessages } from "../convergence/check-conv.js";
import { isSingular, SINGULAR_MESSAGE } from "../convergence/singular.js";

export interface FitLmmOptions {
  REML: boolean;
  /** Called after every evaluation of the objective with the count and the value. */
  onProgress?: (evaluations: number, objective: number) => void;
  /** Optimiser settings. By default lme4's own (nloptwrap's BOBYQA: NLopt's initial steps and
   *  rescaling, xtol_rel 1e-4, ftol_abs 1e-8, 2n+1 points, at most 100 000 evaluations), so the fit
   *  follows lme4's iterates; a given rhobeg replaces NLopt's initial steps by one radius. */
  rhobeg?: number;
  rhoend?: number;
  ftolAbs?: number;
  maxEval?: number;
  /** The cross-products computed elsewhere (a SQL engine, src/sql/): the fit then never reads the
   *  rows, and η, μ stay empty (src/sql/fit.ts adds what the summary needs from one more query). */
  blocks?: PrecomputedBlocks;
  /** lme4's starting θ when the rows are not here to compute it (lme4StartTheta otherwise). */
  startTheta?: Float64Array;
}

/** lme4's optimizeLmer boundary.tol and its restart_edge step (btol). */
const BOUNDARY_TOL = 1e-5;
const EDGE_STEP = 1e-5;

export function fitLmm(m: ModelMatrices, options: FitLmmOptions): FittedModel {
  const t0 = performance.now();
  checkDimensions(m, options.REML);
  const devfun = makeDevfun(m, { REML: options.REML, blocks: options.blocks });
  let evaluations = 0;
  const f = (theta: Float64Array): number => {
    evaluations++;
    // the first evaluation (at θ₀) throws, with a clear message, for a rank-deficient X or a
    // response without residual variation; later ones treat a failed factorisation as +∞
    const d = evaluations === 1 ? devfun(theta) : guardedDeviance(devfun, theta);
    options.onProgress?.(evaluations, d);
    return d;
  };
  const upper = new Float64Array(m.lower.length).fill(Infinity);
  // lme4's optwrap recomputes NLopt's initial steps from each start (the restart's too)
  const run = (x0: ArrayLike<number>) => bobyqa(f, x0, optimizerOptions(x0, m.lower, upper, options));
  let opt = run(options.startTheta ?? lme4StartTheta(m));
  opt = restartFromEdge(devfun, m, opt, run);
  const theta = snapToBoundary(devfun, m, opt);

  const sys = devfun.system;
  sys.setTheta(theta).updateL();
  const value = objective(sys, options.REML);
  const messages = [...m.messages];
  if (!opt.converged) messages.push(`convergence: ${opt.message}`);
  // lme4's checkConv (optimizeLmer, calc.derivs = TRUE): finite-difference gradient and Hessian of
  // the criterion over θ at the optimum, skipped for a singular fit. Its evaluations are not
  // counted, as lme4's feval does not count them.
  const derivs = isSingular(theta, m.lower) ? null : deriv12((t) => guardedDeviance(devfun, t), theta, value);
  const convMessages = convergenceMessages(derivs, theta, m.lower);
  messages.push(...convMessages);
  const converged = opt.converged && convMessages.every((msg) => msg === SINGULAR_MESSAGE);
  sys.setTheta(theta).updateL();
  const results = lmmResults(sys, options.REML);
  return {
    family: "gaussian",
    link: "identity",
    REML: options.REML,
    nAGQ: 1,
    matrices: m,
    theta,
    objective: value,
    evaluations,
    converged,
    messages,
    ...results,
    fitSeconds: (performance.now() - t0) / 1000,
  };
}

/** lme4's nloptwrap settings for this start, with any of the caller's overrides. */
function optimizerOptions(
  x0: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, options: FitLmmOptions,
): BobyqaOptions {
  const o = lme4NloptwrapOptions(x0, lower, upper);
  if (options.rhobeg !== undefined) {
    o.initialStep = undefined;
    o.rhobeg = options.rhobeg;
    o.rhoend = Math.min(options.rhoend ?? 1e-6, options.rhobeg);
  } else if (options.rhoend !== undefined) o.rhoend = options.rhoend;
  if (options.ftolAbs !== undefined) o.ftolAbs = options.ftolAbs;
  if (options.maxEval !== undefined) o.maxEval = options.maxEval;
  return o;
}

/** The fit cannot be made: the message says why. */
export class LmmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LmmError";
  }
}

/** σ must be estimable: n > p (REML needs n − p > 0 degrees of freedom; ML n > 0). */
function checkDimensions(m: ModelMatrices, REML: boolean): void {
  if (m.n === 0) throw new LmmError("no observations to fit (0 rows after removing missing values)");
  if (REML && m.n <= m.p) {
    throw new LmmError(
      `REML needs more observations (${m.n}) than fixed-effects columns (${m.p}); use fewer fixed effects or REML = false`,
    );
  }
}

/** The criterion, or +Infinity where Ω(θ) is numerically not positive definite (extreme θ). */
function guardedDeviance(devfun: Devfun, theta: ArrayLike<number>): number {
  try {
    return devfun(theta);
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) return Infinity;
    throw e;
  }
}

/**
 * lme4's optimizeLmer(restart_edge = TRUE): when the optimum has θ on a bound and a forward
 * difference shows the deviance decreasing into the interior, run the optimiser again from there.
 */
function restartFromEdge(
  devfun: Devfun, m: ModelMatrices, opt: OptimizerResult, run: (x0: ArrayLike<number>) => OptimizerResult,
): OptimizerResult {
  const x = opt.x;
  const onBound: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === m.lower[i]) onBound.push(i);
  if (onBound.length === 0) return opt;
  const d0 = guardedDeviance(devfun, x);
  const probe = Float64Array.from(x);
  let decreasing = false;
  for (const i of onBound) {
    probe[i] = m.lower[i] + EDGE_STEP;
    if ((guardedDeviance(devfun, probe) - d0) / EDGE_STEP < 0) decreasing = true;
    probe[i] = x[i];
  }
  if (!decreasing) return opt;
  const again = run(x);
  return again.fx <= opt.fx ? again : opt;
}

/**
 * lme4's check.boundary (boundary.tol = 1e-5): each θ entry strictly within the tolerance above its
 * lower bound is, one at a time, set to the bound when that lowers the deviance.
 */
function snapToBoundary(devfun: Devfun, m: ModelMatrices, opt: OptimizerResult): Float64Array {
  const theta = Float64Array.from(opt.x);
  let best = opt.fx;
  for (let i = 0; i < theta.length; i++) {
    const gap = theta[i] - m.lower[i];
    if (!(gap > 0 && gap < BOUNDARY_TOL)) continue;
    const trial = Float64Array.from(theta);
    trial[i] = m.lower[i];
    const d = guardedDeviance(devfun, trial);
    if (d < best) {
      theta.set(trial);
      best = d;
    }
  }
  return theta;
}
