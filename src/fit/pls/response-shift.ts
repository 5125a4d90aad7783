/**
 * Why the PLS system fits z − Xβ₀ instead of z: the penalised residual sum of squares is read off
 * the Cholesky factor of the augmented cross-product matrix as its last pivot,
 *
 *   r²(θ) = zᵀWz − ‖L⁻¹ [ΛᵀZᵀWz; XᵀWz]‖²                             (JSS 2015 eq. 19),
 *
 * a difference of two numbers of the size of zᵀWz. When the response is large beside its residual
 * scatter (lme4's tests/fewlevels.R: y ≈ 1 + 2x with x up to 10 000, σ = 1, so zᵀz ≈ 1.3·10¹² and
 * r² ≈ 10⁴) that subtraction cancels eight of sixteen digits, and the criterion and the optimum θ
 * follow the rounding (−4.7% on the group variance there). lme4 escapes it by computing r² from
 * the explicit residual y − μ on every evaluation (lmerResp::updateMu, wrss).
 *
 * We keep the O(1)-per-evaluation factor and instead remove the cancellation once: β₀, the
 * weighted least-squares fit of z on X, is subtracted row by row (z̃ = z − Xβ₀, exact to the
 * rounding of z itself), and the system solves for β̃ = β − β₀. Subtracting Xβ₀ is a change of
 * variables in β only — the criterion, θ̂, u and σ̂ are unchanged in exact arithmetic — while z̃ᵀWz̃
 * is now of the size of the residual and random-effect variation, so the last pivot loses no more
 * digits than a well-scaled response would. β₀ needs only to be close, not exact: it is computed
 * from the column-equilibrated normal equations and refined once on the residual.
 *
 * The subtraction cancels about log₁₀(zᵀWz / z̃ᵀWz̃) digits of r². We shift only when that is more
 * than 4 (MIN_CANCELLATION = 10⁴), i.e. when r² would keep fewer than 12 of its 16 digits:
 * fewlevels' ratio is ~10⁷, sleepstudy's ~45, machines' ~100. Below that r² is already as precise
 * as the optimiser can use (its ftol_abs 1e-8 on a criterion of 10²–10⁵), and the unshifted
 * system keeps lme4's iterates bit for bit on long, flat optimisations (bodyweight's 312
 * evaluations), where any change in the last bits moves the path.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { choleskyUnblocked } from "../../linalg/cholesky.js";
import { NotPositiveDefiniteError } from "../../linalg/errors.js";
import { forwardSolveInPlace } from "../../linalg/forward-solve.js";
import { backSolveTransposeInPlace } from "../../linalg/back-solve.js";

/**
 * β₀ with z − Xβ₀ small, for X (column-major n × p), row weights w and response z; z is replaced
 * by z − Xβ₀ in place. Returns zeros (and leaves z) when the shift would save fewer than 4 digits,
 * or when X'WX is numerically singular, where the fit's own rank checks report the problem.
 */
export const MIN_CANCELLATION = 1e4;

export function shiftResponse(m: ModelMatrices, w: Float64Array, z: Float64Array): Float64Array {
  const { n, p, X } = m;
  const beta0 = new Float64Array(p);
  if (p === 0 || n === 0) return beta0;
  const original = Float64Array.from(z);
  // equilibrate: D = diag(1/‖W^½x_j‖), so DXᵀWXD has a unit diagonal and a modest condition number
  const d = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    const o = j * n;
    for (let i = 0; i < n; i++) s += w[i] * X[o + i] * X[o + i];
    d[j] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  if (d.some((v) => v === 0)) return beta0;
  const a = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    const oj = j * n;
    for (let k = j; k < p; k++) {
      const ok = k * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += w[i] * X[oj + i] * X[ok + i];
      a[k + j * p] = s * d[j] * d[k];
    }
  }
  try {
    choleskyUnblocked(a, p);
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) return beta0;
    throw e;
  }
  const step = new Float64Array(p);
  for (let round = 0; round < 2; round++) {
    // step = D (DXᵀWXD)⁻¹ D XᵀW z̃ ; z̃ −= X step
    for (let j = 0; j < p; j++) {
      let s = 0;
      const o = j * n;
      for (let i = 0; i < n; i++) s += w[i] * X[o + i] * z[i];
      step[j] = s * d[j];
    }
    forwardSolveInPlace(a, p, step);
    backSolveTransposeInPlace(a, p, step);
    for (let j = 0; j < p; j++) {
      step[j] *= d[j];
      beta0[j] += step[j];
      const o = j * n;
      const sj = step[j];
      if (sj !== 0) for (let i = 0; i < n; i++) z[i] -= X[o + i] * sj;
    }
  }
  if (!(weightedSquares(original, w) > MIN_CANCELLATION * weightedSquares(z, w))) {
    z.set(original);
    return new Float64Array(p);
  }
  return beta0;
}

function weightedSquares(z: Float64Array, w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += w[i] * z[i] * z[i];
  return s;
}
