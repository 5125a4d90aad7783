/**
 * FittedModel: the fit stage's output, everything src/result/ needs to build the user's fit object.
 * Produced by the LMM fit (src/fit/lmm/) and the GLMM fit (src/fit/glmm/) alike.
 */
import type { ModelMatrices } from "../model/matrices.js";

export type FamilyName = "gaussian" | "binomial" | "poisson" | "Gamma" | "inverse.gaussian";

export interface FittedModel {
  family: FamilyName;
  link: string;
  /** REML (true) or ML; always false for GLMMs. */
  REML: boolean;
  /** Quadrature points: 1 = Laplace, > 1 = adaptive Gauss–Hermite; 0 = PIRLS-only β. */
  nAGQ: number;
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
  /** Number of objective evaluations, and whether the optimiser reports convergence. */
  evaluations: number;
  converged: boolean;
  /** Warnings and notes in lme4's words: singular fit, convergence, dropped columns. */
  messages: string[];
  /** Seconds the fit took, excluding reading data. */
  fitSeconds: number;
  /**
   * Set when the rows stayed in a SQL engine (src/sql/): `eta`, `mu` and the matrices' row arrays
   * are then empty, and what the summary and toJSON need from the rows was computed there.
   */
  engineRows?: EngineRows;
}

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
}
