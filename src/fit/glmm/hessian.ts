/**
 * Finite-difference gradient and Hessian of the deviance at the optimum, and the covariance of β
 * lme4 derives from it (R/deriv.R deriv12; vcov.merMod's calc.vcov.hess in R/methods.R):
 *
 *   H_jj = (f(x + δe_j) − 2f(x) + f(x − δe_j)) / δ²
 *   H_ij = (f(x+δe_i+δe_j) − f(x+δe_i−δe_j) − f(x−δe_i+δe_j) + f(x−δe_i−δe_j)) / (2δ)²
 *   g_j  = (f(x + δe_j) − f(x − δe_j)) / (2δ),         δ = 1e-4, no bounds (as lme4 calls it)
 *
 * Since the deviance is −2 log L, the observed information over (θ, β) is H/2 and
 * vcov(β) = [(H/2)⁻¹]_ββ, which is what lme4's `solve(h)[β, β]` symmetrised as h + hᵀ computes.
 */
import { LuDecomposition, Matrix } from "ml-matrix";
import type { Derivatives } from "../convergence/deriv12.js";
export { deriv12, type Derivatives } from "../convergence/deriv12.js";
import { choleskyInPlace, NotPositiveDefiniteError } from "../../linalg/index.js";

/** Inverse of a small dense matrix (k × k, column-major) through ml-matrix's LU decomposition
 *  with partial pivoting (as R's solve()); null when it is singular. */
export function invertDense(a: Float64Array, k: number): Float64Array | null {
  const m = new Matrix(k, k);
  for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) m.set(i, j, a[i + j * k]);
  const lu = new LuDecomposition(m);
  if (lu.isSingular()) return null;
  const solved = lu.solve(Matrix.eye(k));
  const inv = new Float64Array(k * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) inv[i + j * k] = solved.get(i, j);
  return inv;
}

/** vcov(β) from the Hessian over (θ, β) (nTheta θ entries first), or null when that is not
 *  positive definite or H is singular — lme4 then falls back to the R_X-based covariance. */
export function vcovFromHessian(hessian: Float64Array, nTheta: number, p: number): Float64Array | null {
  const k = nTheta + p;
  const inv = invertDense(hessian, k);
  if (inv === null) return null;
  const v = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < p; i++) {
      const a = inv[nTheta + i + (nTheta + j) * k];
      const b = inv[nTheta + j + (nTheta + i) * k];
      v[i + j * p] = a + b;
    }
  }
  for (const x of v) if (!Number.isFinite(x)) return null;
  // positive definite? (lme4 checks the eigenvalues of the symmetrised matrix)
  const c = Float64Array.from(v);
  try {
    choleskyInPlace(c, p);
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) return null;
    throw e;
  }
  return v;
}
