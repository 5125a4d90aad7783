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

/** The criterion at the system's current factor (after setTheta(θ).updateL()). */
export function objective(sys: PlsSystem, REML: boolean): number {
  const r2 = sys.pwrss();
  const n = sys.n;
  const ldW = sys.sumLogWeights();
  if (!REML) return sys.logDetL2() + n * (1 + Math.log((2 * Math.PI * r2) / n)) - ldW;
  const nmp = n - sys.p;
  return sys.logDetL2() + sys.logDetRX2() + nmp * (1 + Math.log((2 * Math.PI * r2) / nmp)) - ldW;
}

/** setTheta → updateL → objective. */
export function profiledDeviance(sys: PlsSystem, theta: ArrayLike<number>, REML: boolean): number {
  return objective(sys.setTheta(theta).updateL(), REML);
}

/** lme4's devfun: the criterion at any θ, with the system it evaluates on (its state is that of the
 *  last θ evaluated, so a caller can solve() for β and u there). */
export interface Devfun {
  (theta: ArrayLike<number>): number;
  system: PlsSystem;
  REML: boolean;
}

/** Build the deviance function for a model (lme4's mkLmerDevfun). One O(n) pass, here only. */
export function makeDevfun(m: ModelMatrices, options: { REML: boolean; blocks?: PrecomputedBlocks }): Devfun {
  const system = new PlsSystem(m, options.blocks);
  const REML = options.REML;
  const f = ((theta: ArrayLike<number>) => profiledDeviance(system, theta, REML)) as Devfun;
  f.system = system;
  f.REML = REML;
  return f;
}
