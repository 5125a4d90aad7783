/**
 * FittedModel: the fit stage's output, everything src/result/ needs to build the user's fit object.
 * Produced by the LMM fit (src/fit/lmm/) and the GLMM fit (src/fit/glmm/) alike.
 */
import type { ModelMatrices } from "../model/matrices.js";

/** Which information matrix the Laplace approximation takes its log-determinant from: "expected"
 *  (the PIRLS weights, lme4's glmer) or "observed" (the Hessian of the conditional log-likelihood
 *  in u, TMB's and so glmmTMB's). They are the same for canonical links (Family.observedWeight). */
export type LaplaceKind = "expected" | "observed";

export type FamilyName = "gaussian" | "binomial" | "poisson" | "Gamma" | "inverse.gaussian" | "negative.binomial";

/** The number of estimated parameters, lme4's npar.merMod (the df of logLik): β, θ, σ when the
 *  family has a scale, and one more for a negative binomial family (lme4 counts its θ even when
 *  it was fixed, R/lmer.R npar.merMod). */
export function parameterCount(fit: Pick<FittedModel, "matrices" | "theta" | "hasScale" | "family">): number {
  return fit.matrices.p + fit.theta.length + (fit.hasScale ? 1 : 0) + (fit.family === "negative.binomial" ? 1 : 0);
}

/** One optimisation stage of a fit, as lme4's optinfo records it (its `optimizer`, `feval`, `fval`,
 *  `conv$opt`, `message`), plus the name of the optimiser that actually ran. */
export interface OptimizerStage {
  /** What was optimised: "theta" (LMM), "theta (nAGQ = 0)" and "theta, beta" (glmer's two
   *  stages), "negative binomial theta" (glmer.nb's search over θ). */
  stage: "theta" | "theta (nAGQ = 0)" | "theta, beta" | "negative binomial theta";
  /** The optimiser that ran: "bobyqa" (ours, src/fit/optimize/bobyqa.ts), "Nelder_Mead" (lme4's,
   *  nelder-mead.ts), "optimize" (Brent, brent.ts), "projected-bfgs" (lmer with many θ:
   *  projected-bfgs.ts on the analytic gradient). */
  optimizer: "bobyqa" | "Nelder_Mead" | "optimize" | "projected-bfgs";
  /** lme4's name for this stage's optimiser in the same call — what its optinfo$optimizer and so
   *  summary()'s "optimizer (…) convergence code" line say: "nloptwrap" for lmer, glmerControl's
   *  "bobyqa" then "Nelder_Mead" for glmer's stages, "optimize" for glmer.nb's θ. Where we run
   *  BOBYQA in place of lme4's Nelder–Mead (GlmmOptions.stage2Optimizer), the two differ. An lmer
   *  fit on the gradient path names "projected-bfgs", which lme4 has no counterpart of: the summary
   *  then says which optimiser ran rather than borrow nloptwrap's name. */
  lme4Name: "nloptwrap" | "bobyqa" | "Nelder_Mead" | "optimize" | "projected-bfgs";
  /** Evaluations of the objective in this stage. */
  evaluations: number;
  /** The objective at the stage's result. */
  objective: number;
  /** 0 when the optimiser's own stopping test was met, 1 otherwise (lme4's conv$opt). */
  code: number;
  message: string;
}

/** The stage whose optimiser lme4's summary names (optinfo$optimizer): the last GLMM/LMM stage. */
export function reportedOptimizer(optsum: readonly OptimizerStage[]): string | null {
  for (let i = optsum.length - 1; i >= 0; i--) if (optsum[i].stage !== "negative binomial theta") return optsum[i].lme4Name;
  return null;
}

export interface FittedModel {
  family: FamilyName;
  link: string;
  /** Whether this is a linear mixed model (gaussian, identity link: lme4's isLMM), fitted by PLS;
   *  false for every GLMM, including gaussian with another link. */
  isLmm: boolean;
  /** Whether the family has a free scale σ that is estimated (lme4's useSc: gaussian, Gamma,
   *  inverse.gaussian; not binomial, Poisson or the negative binomial). Read it; never re-derive it. */
  hasScale: boolean;
  /** The negative binomial's θ (Var = μ + μ²/θ), estimated (glmer.nb) or fixed; absent otherwise. */
  nbTheta?: number;
  /** REML (true) or ML; always false for GLMMs. */
  REML: boolean;
  /** Quadrature points: 1 = Laplace, > 1 = adaptive Gauss–Hermite; 0 = PIRLS-only β. */
  nAGQ: number;
  /** The Laplace approximation's information matrix when it is not lme4's (nAGQ = 1 GLMMs fitted
   *  with { laplace: "observed" }); absent for lme4's "expected" and for LMMs. */
  laplace?: "observed";
  matrices: ModelMatrices;
  theta: Float64Array;
  beta: Float64Array;
  /** Residual standard deviation; 1 for families without a dispersion parameter. */
  sigma: number;
  /** The optimised criterion as lme4 reports it: the REML criterion, or −2 log-likelihood
   *  (ML; Laplace/AGQ for GLMMs, with lme4's constants: log y! for Poisson, the binomial
   *  coefficient for binomial). */
  objective: number;
  /** Covariance matrix of β, p × p column-major, as lme4's vcov() gives it. */
  vcov: Float64Array;
  /** Conditional modes b = Λ(θ)u of each random-effects term (in matrices.reTerms order), laid
   *  out level-major: level l, column j at [l * p + j]. */
  ranef: Float64Array[];
  /** Conditional standard deviations of the same, same layout (lme4's condVar, the square roots
   *  of the diagonal of its postVar). */
  condSD: Float64Array[];
  /** Linear predictor η = Xβ + Zb + offset, and fitted values μ = g⁻¹(η). */
  eta: Float64Array;
  mu: Float64Array;
  /** For GLMMs: the sum of squared deviance residuals at the optimum (lme4's deviance() of a
   *  glmerMod); for LMMs: the objective's ML deviance. */
  deviance: number;
  /** Each optimisation stage that ran, in order (lme4's optinfo). */
  optsum: OptimizerStage[];
  /** Number of objective evaluations, and whether the optimiser reports convergence. */
  evaluations: number;
  converged: boolean;
  /** lme4's isSingular() verdict when the fit decided it on another scale than `theta`'s (the LMM
   *  fit rescales random-effects columns on very different scales: src/fit/lmm/re-scaling.ts);
   *  absent: isSingular(theta, lower). */
  singular?: boolean;
  /** Warnings and notes in lme4's words: singular fit, convergence, dropped columns. */
  messages: string[];
  /** Seconds the fit took, excluding reading data. */
  fitSeconds: number;
  /** Which linear algebra evaluated the LMM criterion (absent for GLMMs). */
  solver?: SolverReport;
  /**
   * Set when the rows stayed in a SQL engine (src/sql/): `eta`, `mu` and the matrices' row arrays
   * are then empty, and what the summary and toJSON need from the rows was computed there.
   */
  engineRows?: EngineRows;
}

/** The exact path (the blocked Cholesky factor) or the Krylov path (src/fit/krylov/: PCG and
 *  stochastic Lanczos quadrature), with the Krylov path's accuracy controls and work done. */
export type SolverReport =
  | { path: "cholesky" }
  | {
    path: "krylov";
    /** Fixed Rademacher probes, Lanczos steps at most per probe and its stopping change, CG's
     *  relative residual. */
    probes: number;
    lanczosMaxSteps: number;
    lanczosTol: number;
    cgTol: number;
    /** Totals over the fit's criterion evaluations. */
    cgIterations: number;
    lanczosSteps: number;
    krylovEvaluations: number;
  };

export interface EngineRows {
  /** The engine's name (`duckdb`, `postgres`). */
  engine: string;
  /** Quantiles 0, ¼, ½, ¾, 1 (R's type 7) of the scaled Pearson residuals. */
  residualQuantiles: number[];
  /** μ of the model frame's first rows (up to 10), in the source's order. */
  fittedHead: number[];
  /** Seconds spent in the engine's queries, and how many queries. */
  engineSeconds: number;
  queries: number;
  /** How the PLS system was formed from the engine's sums: "direct" (the blocked Cholesky on
   *  per-level and per-pair blocks) or "count-grouped" (src/fit/pls/count-grouped.ts). */
  route?: "direct" | "count-grouped";
}
