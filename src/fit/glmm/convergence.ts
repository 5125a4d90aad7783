/**
 * lme4's gradient convergence check (R/checkConv.R, check.conv.grad with tol 0.002): the scaled
 * gradient H^{-1/2}g — Newton's step in the Hessian's metric — or the raw gradient, whichever is
 * smaller per component, must be below the tolerance; parameters on their bounds are left out.
 */
import { choleskyInPlace, NotPositiveDefiniteError } from "../../linalg/index.js";
import type { Derivatives } from "./hessian.js";

const GRAD_TOL = 0.002;

/** A message in lme4's words when the gradient test fails, else null. */
export function checkGradient(d: Derivatives, pars: Float64Array, lower: Float64Array): string | null {
  const k = pars.length;
  const free: number[] = [];
  for (let i = 0; i < k; i++) if (!(i < lower.length && pars[i] === lower[i])) free.push(i);
  const f = free.length;
  if (f === 0) return null;
  const h = new Float64Array(f * f);
  const g = new Float64Array(f);
  for (let b = 0; b < f; b++) {
    g[b] = d.gradient[free[b]];
    for (let a = 0; a < f; a++) h[a + b * f] = d.hessian[free[a] + free[b] * k];
  }
  try {
    choleskyInPlace(h, f);
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) return "unable to evaluate scaled gradient";
    throw e;
  }
  // R's solve(chol(H), g): chol(H) = Lᵀ (upper), so solve Lᵀ s = g by back substitution
  const s = Float64Array.from(g);
  for (let i = f - 1; i >= 0; i--) {
    let v = s[i];
    for (let r = i + 1; r < f; r++) v -= h[r + i * f] * s[r];
    s[i] = v / h[i + i * f];
  }
  let worst = 0;
  let which = 0;
  for (let i = 0; i < f; i++) {
    const mg = Math.min(Math.abs(s[i]), Math.abs(g[i]));
    if (mg > worst) {
      worst = mg;
      which = free[i];
    }
  }
  if (worst > GRAD_TOL) {
    return `Model failed to converge with max|grad| = ${worst.toPrecision(6)} (tol = ${GRAD_TOL}, component ${which + 1})`;
  }
  return null;
}
