/**
 * Satterthwaite's denominator df as lmerTest 3.1 computes them (R/lmer.R: as_lmerModLT, devfun_vp,
 * get_covbeta; R/contest.R: contest1D, contestMD, get_Fstat_ddf).
 *
 * The variance parameters are lmerTest's "varpar" = (θ, σ). From the fit it takes
 *   A = 2 H⁺, H = ∂²d/∂varpar² of the (RE)ML deviance NOT profiled over σ (devfun_vp):
 *         d(θ, σ) = log|L_θ|² + r²(θ)/σ² + n log(2πσ²)   [+ log|R_X|² − p log(2πσ²) for REML],
 *       r²(θ) the penalised RSS at β̂(θ) — both from the blocked PLS factor, no n × n matrix;
 *       H⁺ its Moore–Penrose inverse over eigenvalues > 1e-8;
 *   J_i = ∂Var(β̂)/∂varpar_i, Var(β̂)(θ, σ) = σ²(R_XᵀR_X)⁻¹ (get_covbeta).
 * Both by numDeriv's Richardson extrapolation (numderiv.ts), as lmerTest does.
 * For a contrast l: ν = 2 (lᵀVl)² / gᵀAg with g_i = lᵀJ_i l (contest1D); for a matrix L the
 * eigen-decomposition of LVLᵀ splits F into independent t's, whose ν_m are combined by
 * get_Fstat_ddf (contestMD).
 */
import type { MixedModel } from "../model.js";
import { PlsSystem } from "../../fit/pls/pls-system.js";
import { hessian, jacobian } from "./numderiv.js";
import { symmetricEigen } from "./linalg.js";

/** What lmerTest stores on an lmerModLmerTest: vcov_varpar and Jac_list (and its warnings). */
export interface SatterthwaiteParts {
  /** Asymptotic covariance of (θ, σ), k × k column-major (k = #θ + 1). */
  vcovVarpar: Float64Array;
  /** ∂vcov(β)/∂varpar_i, each p × p column-major. */
  jacobian: Float64Array[];
  /** lmerTest's messages about the Hessian (negative or zero eigenvalues). */
  messages: string[];
}

/** lmerTest's tolerance on the Hessian's eigenvalues (as_lmerModLT, tol = 1e-8). */
const EIGEN_TOL = 1e-8;

export function satterthwaiteParts(model: MixedModel): SatterthwaiteParts {
  const fit = model.fit;
  const sys = new PlsSystem(model.matrices);
  const k = fit.theta.length;
  const REML = fit.REML;
  const n = sys.n;
  const p = sys.p;
  const setTheta = (varpar: Float64Array) => sys.setTheta(varpar.subarray(0, k)).updateL();
  // lmerTest's devfun_vp (its constant Σ log wᵢ of prior weights left out, as lmerTest does)
  const devfunVp = (varpar: Float64Array): number => {
    setTheta(varpar);
    const s2 = varpar[k] * varpar[k];
    const dev = sys.logDetL2() + sys.pwrss() / s2 + n * Math.log(2 * Math.PI * s2);
    return REML ? dev + sys.logDetRX2() - p * Math.log(2 * Math.PI * s2) : dev;
  };
  const covBeta = (varpar: Float64Array): Float64Array => {
    setTheta(varpar);
    const s2 = varpar[k] * varpar[k];
    return sys.unscaledVcov().map((v) => v * s2);
  };
  const varpar = Float64Array.of(...fit.theta, fit.sigma);
  const H = hessian(devfunVp, varpar);
  const { values, vectors } = symmetricEigen(H, k + 1);
  const messages: string[] = [];
  const neg = values.filter((v) => v < -EIGEN_TOL);
  if (neg.length > 0) {
    messages.push(`Model failed to converge with ${neg.length} negative ${neg.length > 1 ? "eigenvalues" : "eigenvalue"}: ${neg.map((v) => v.toExponential(1)).join(" ")}`);
  }
  const zero = values.filter((v) => v > -EIGEN_TOL && v < EIGEN_TOL).length;
  if (zero > 0) messages.push(`Model may not have converged with ${zero} ${zero > 1 ? "eigenvalues" : "eigenvalue"} close to zero: ${values.filter((v) => Math.abs(v) < EIGEN_TOL).map((v) => v.toExponential(1)).join(" ")}`);
  // vcov(varpar) = 2 H⁺ over the positive eigenvalues
  const K = k + 1;
  const vcovVarpar = new Float64Array(K * K);
  values.forEach((ev, e) => {
    if (!(ev > EIGEN_TOL)) return;
    const v = vectors[e];
    for (let j = 0; j < K; j++) for (let i = 0; i < K; i++) vcovVarpar[i + j * K] += (2 * v[i] * v[j]) / ev;
  });
  const jac = jacobian(covBeta, varpar);
  // leave the system at the optimum (nothing reads it later, but keep it honest)
  setTheta(varpar);
  return { vcovVarpar, jacobian: jac, messages };
}

/** ν = 2 (lᵀVl)² / gᵀAg (contest1D), V = vcov(β̂). */
export function satterthwaiteDf(parts: SatterthwaiteParts, l: ArrayLike<number>, varCon: number, p: number): number {
  const g = parts.jacobian.map((J) => {
    let s = 0;
    for (let j = 0; j < p; j++) {
      if (l[j] === 0) continue;
      let t = 0;
      for (let i = 0; i < p; i++) t += l[i] * J[i + j * p];
      s += t * l[j];
    }
    return s;
  });
  const K = g.length;
  let denom = 0;
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) denom += g[i] * parts.vcovVarpar[i + j * K] * g[j];
  return (2 * varCon * varCon) / denom;
}

/** lmerTest's get_Fstat_ddf: the df of an F built from q independent t's with ν_m df. */
export function fStatDdf(nu: number[], tol = 1e-8): number {
  if (nu.length === 1) return nu[0];
  if (nu.every((v, i) => i === 0 || Math.abs(v - nu[i - 1]) < tol)) return nu.reduce((a, b) => a + b, 0) / nu.length;
  if (nu.some((v) => v <= 2)) return 2;
  const E = nu.reduce((a, v) => a + v / (v - 2), 0);
  return (2 * E) / (E - nu.length);
}
