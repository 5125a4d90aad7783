/**
 * lme4's convergence checks after a fit (R/checkConv.R checkConv and checkHess, lme4 1.1-31,
 * with glmerControl()'s defaults), giving its messages word for word:
 *
 *  - singular fit (θ with lower bound 0 below 1e-4): only "boundary (singular) fit: …", no others;
 *  - gradient: the smaller of |H^{-1/2}g| (R's solve(chol(H), g)) and |g| per component must stay
 *    below 0.002;
 *  - Hessian of (θ, β), tolerance 1e-6: negative eigenvalues, numerical singularity, a very
 *    large eigenvalue or a large eigenvalue ratio. (checkConv would first check the β block
 *    alone, but glmer passes the bounds of all of (θ, β) as the θ bounds, so that check never
 *    runs for a GLMM; we follow glmer.)
 *
 * Scaled with the number of observations n (issue 11 item 5; lme4 issues #120, #783). lme4's two
 * tolerances are absolute and both grow wrong with n. (1) The scaled gradient R⁻¹g (H = RᵀR) is the
 * Newton step measured in θ's standard errors (×√2). The optimiser stops at a precision in θ that
 * does not depend on n (NLopt's xtol_rel = 1e-4 on ‖θ‖, BOBYQA's final trust-region radius), while
 * the standard errors shrink as 1/√n: a fit at its optimum to the optimiser's precision shows a
 * scaled gradient growing as √n (and an absolute gradient growing as n). Measured: a 300 000-row
 * y ~ x + (x | g) stopped 9·10⁻⁶ from the optimum in one θ entry, 1% of its standard error, a
 * deviance still to gain of 1e-4, and lme4's test reads that as a scaled gradient of 0.0136 > 0.002.
 * (2) H is twice the observed information of θ and grows as n, so the "very large eigenvalue" bound
 * (1/tol = 10⁶) is crossed by any large, well-determined fit.
 * The rule: with N₀ = 1000 rows, the gradient tolerance is 0.002·max(1, √(n/N₀)) and the largest
 * eigenvalue allowed 10⁶·max(1, n/N₀); the eigenvalue-ratio test is scale-free and unchanged. Up to
 * 1000 rows (every lme4 reference case with a convergence warning has fewer) these are lme4's
 * checks and messages verbatim. A fit truly off its optimum still fails at any n: c standard errors
 * away gives a scaled gradient of about c√2 at every n, so the check flags c > 0.025 at 3·10⁵ rows
 * and c > 0.14 at 10⁷ (a deviance still to gain of c², 0.02).
 */
import { choleskyInPlace, NotPositiveDefiniteError } from "../../linalg/index.js";
import type { Derivatives } from "./deriv12.js";
import { isSingular, SINGULAR_MESSAGE } from "./singular.js";

const GRAD_TOL = 0.002;
const HESS_TOL = 1e-6;
/** Rows up to which lme4's absolute tolerances apply unchanged (N₀ above). */
export const CONV_CHECK_NOBS = 1000;

/** The gradient tolerance and the largest-eigenvalue bound for n observations (see above). */
export function convergenceTolerances(nobs: number | undefined): { grad: number; maxEigen: number } {
  const r = nobs === undefined ? 1 : Math.max(1, nobs / CONV_CHECK_NOBS);
  return { grad: GRAD_TOL * Math.sqrt(r), maxEigen: r / HESS_TOL };
}
/** C's printf("%g"), as R's gettextf formats the gradient. */
export function formatG(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [mant, e] = x.toExponential(5).split("e");
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const en = Number(e);
    return `${m}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  return String(Number(x.toPrecision(6)));
}

/** The messages lme4's checkConv gives (empty when all is well). `derivs` is null for nAGQ = 0,
 *  where lme4 computes no derivatives. `nobs`: the number of observations, which scales the
 *  tolerances above 1000 rows (see above); omitted, lme4's own. `upper`: θ's upper bounds (a cs/ar1
 *  ρ at either end is singular). */
export function convergenceMessages(
  derivs: Derivatives | null,
  theta: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper?: ArrayLike<number>,
  nobs?: number,
): string[] {
  if (isSingular(theta, lower, upper)) return [SINGULAR_MESSAGE];
  if (derivs === null) return [];
  const k = derivs.gradient.length;
  const out: string[] = [];
  if (derivs.gradient.some((g) => Number.isNaN(g))) return ["Gradient contains NAs"];
  const tol = convergenceTolerances(nobs);
  const g = gradientMessage(derivs.hessian, derivs.gradient, k, tol.grad);
  if (g) out.push(g);
  out.push(...hessianMessages(derivs.hessian, k, "", tol.maxEigen));
  return out;
}

function gradientMessage(hessian: Float64Array, gradient: Float64Array, k: number, gradTol: number): string | null {
  const l = Float64Array.from(hessian);
  try {
    choleskyInPlace(l, k);
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) return "unable to evaluate scaled gradient";
    throw e;
  }
  // R's solve(chol(H), g): chol(H) = Lᵀ (upper), so back-substitute Lᵀ s = g
  const s = Float64Array.from(gradient);
  for (let i = k - 1; i >= 0; i--) {
    let v = s[i];
    for (let r = i + 1; r < k; r++) v -= l[r + i * k] * s[r];
    s[i] = v / l[i + i * k];
  }
  let worst = 0;
  for (let i = 0; i < k; i++) {
    const mg = Math.min(Math.abs(s[i]), Math.abs(gradient[i]));
    if (Number.isNaN(mg)) return "unable to evaluate scaled gradient";
    worst = Math.max(worst, mg);
  }
  if (worst <= gradTol) return null;
  // lme4 takes which.max() of the (scalar) maximum, so it always names component 1
  return `Model failed to converge with max|grad| = ${formatG(worst)} (tol = ${formatG(gradTol)}, component 1)`;
}

/** lme4's checkHess. */
function hessianMessages(h: Float64Array, k: number, hesstype: string, maxEigen: number): string[] {
  const ev = symmetricEigenvalues(h, k);
  if (ev === null) return ["Problem with Hessian check (infinite or missing values?)"];
  const negative = ev.filter((e) => e < -HESS_TOL).length;
  if (negative > 0) {
    return [`Model failed to converge: degenerate ${hesstype} Hessian with ${negative} negative eigenvalues`];
  }
  const zero = ev.filter((e) => Math.abs(e) < HESS_TOL).length;
  let cholOk = true;
  try {
    choleskyInPlace(Float64Array.from(h), k);
  } catch (e) {
    if (!(e instanceof NotPositiveDefiniteError)) throw e;
    cholOk = false;
  }
  if (zero > 0 || !cholOk) return [`${hesstype} Hessian is numerically singular: parameters are not uniquely determined`];
  const out: string[] = [];
  const max = Math.max(...ev);
  const min = Math.min(...ev);
  if (max > maxEigen) out.push("Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?");
  if (min / max < HESS_TOL) out.push("Model is nearly unidentifiable: large eigenvalue ratio\n - Rescale variables?");
  return out;
}

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5);
 *  null if it has non-finite entries. */
export function symmetricEigenvalues(a: Float64Array, k: number): number[] | null {
  for (const v of a) if (!Number.isFinite(v)) return null;
  const m = Float64Array.from(a);
  // symmetrise, as R's eigen(symmetric = TRUE) reads only the lower triangle
  for (let j = 0; j < k; j++) for (let i = j + 1; i < k; i++) m[j + i * k] = m[i + j * k];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let j = 0; j < k; j++) for (let i = j + 1; i < k; i++) off += m[i + j * k] * m[i + j * k];
    if (off < 1e-30) break;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = m[p + q * k];
        if (apq === 0) continue;
        const theta = (m[q + q * k] - m[p + p * k]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const mrp = m[r + p * k];
          const mrq = m[r + q * k];
          m[r + p * k] = c * mrp - s * mrq;
          m[r + q * k] = s * mrp + c * mrq;
        }
        for (let r = 0; r < k; r++) {
          const mpr = m[p + r * k];
          const mqr = m[q + r * k];
          m[p + r * k] = c * mpr - s * mqr;
          m[q + r * k] = s * mpr + c * mqr;
        }
      }
    }
  }
  return Array.from({ length: k }, (_, i) => m[i + i * k]);
}
