/**
 * The profiled deviance of a linear mixed model as a function of θ alone (σ and β profiled out):
 *
 *   ML:    d(θ)   = log|L_θ|² + n (1 + log(2π r²(θ) / n))                       (JSS 2015 eq. 34)
 *   REML:  d_R(θ) = log|L_θ|² + log|R_X|² + (n − p)(1 + log(2π r²(θ) / (n − p)))  (eq. 41)
 *
 * minus Σ log wᵢ for prior weights, as lme4's lmerResp::Laplace subtracts its ldW (checked against
 * lme4 1.1-31 with weights). The hot path is MixedModels.jl's objective(updateL!(setθ!(m, θ))):
 * setTheta → updateL → objective, all allocation-free.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { PlsSystem, type PrecomputedBlocks } from "../pls/pls-system.js";
import { CountGroupedSystem, type CountGroupedData } from "../pls/count-grouped.js";

/** What the LMM fit reads from a PLS system: PlsSystem (blocked Cholesky over rows or blocks) or
 *  CountGroupedSystem (a scalar first term eliminated in closed form, count-grouped.ts). */
export interface LmmSystem {
  readonly matrices: ModelMatrices;
  readonly n: number;
  readonly p: number;
  readonly beta: Float64Array;
  readonly rowsAbsent: boolean;
  setTheta(theta: ArrayLike<number>): this;
  updateL(): this;
  pwrss(): number;
  logDetL2(): number;
  logDetRX2(): number;
  sumLogWeights(): number;
  solve(): number;
  unscaledVcov(): Float64Array;
  b(out?: Float64Array): Float64Array;
  splitByTerm(v: Float64Array): Float64Array[];
  conditionalVarianceBlocks(): Float64Array[];
  criterionGradient(REML: boolean, out?: Float64Array): Float64Array;
}

/**
 * The LMM criterion from its pieces: log|L_θ|², log|R_X|², the penalized weighted residual sum
 * of squares r²(θ), n, p and Σ log wᵢ. With σ profiled out (sigma undefined) it is the ML
 * deviance (eq. 34) or REML criterion (eq. 41) the fit minimises; at a given σ (β still
 * profiled) it is −2 log L(θ, σ) = log|L_θ|² − Σ log wᵢ + r²/σ² + n log(2πσ²) (eq. 32; with
 * log|R_X|² and n − p for REML), lme4's devfun2 that profile() and its intervals move along
 * (R/profile.R). The one formula for the fit, refitML and the profile.
 */
export function lmmDeviance(
  ldL2: number, ldRX2: number, r2: number, n: number, p: number, ldW: number, REML: boolean, sigma?: number,
): number {
  if (sigma === undefined) {
    if (!REML) return ldL2 + n * (1 + Math.log((2 * Math.PI * r2) / n)) - ldW;
    const nmp = n - p;
    return ldL2 + ldRX2 + nmp * (1 + Math.log((2 * Math.PI * r2) / nmp)) - ldW;
  }
  const s2 = sigma * sigma;
  const dof = REML ? n - p : n;
  return ldL2 + (REML ? ldRX2 : 0) - ldW + r2 / s2 + dof * Math.log(2 * Math.PI * s2);
}

/** The criterion at the system's current factor (after setTheta(θ).updateL()), σ profiled out
 *  or fixed. */
export function objective(sys: LmmSystem, REML: boolean, sigma?: number): number {
  const r2 = sys.pwrss();
  return lmmDeviance(sys.logDetL2(), REML ? sys.logDetRX2() : 0, r2, sys.n, sys.p, sys.sumLogWeights(), REML, sigma);
}

/** setTheta → updateL → objective. */
export function profiledDeviance(sys: LmmSystem, theta: ArrayLike<number>, REML: boolean): number {
  return objective(sys.setTheta(theta).updateL(), REML);
}

/** lme4's devfun: the criterion at any θ, with the system it evaluates on (its state is that of the
 *  last θ evaluated, so a caller can solve() for β and u there). */
export interface Devfun {
  (theta: ArrayLike<number>): number;
  system: LmmSystem;
  REML: boolean;
}

/** Build the deviance function for a model (lme4's mkLmerDevfun). One O(n) pass, here only. */
export function makeDevfun(
  m: ModelMatrices, options: { REML: boolean; blocks?: PrecomputedBlocks; countGrouped?: CountGroupedData },
): Devfun {
  const system: LmmSystem = options.countGrouped
    ? new CountGroupedSystem(m, options.countGrouped)
    : new PlsSystem(m, { blocks: options.blocks });
  const REML = options.REML;
  const f = ((theta: ArrayLike<number>) => profiledDeviance(system, theta, REML)) as Devfun;
  f.system = system;
  f.REML = REML;
  return f;
}
