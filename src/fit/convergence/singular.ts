/**
 * lme4's isSingular(): a fit is singular ("on the boundary") when some θ entry whose lower bound is
 * 0 — a diagonal of a relative covariance factor — lies below 1e-4 (lmerControl's
 * check.conv.singular tolerance), or — lme4 2.0 — when a cs or ar1 correlation is within 1e-4 of
 * either end of its range.
 */
export const SINGULAR_TOL = 1e-4;
export const SINGULAR_MESSAGE = "boundary (singular) fit: see help('isSingular')";

export function isSingular(
  theta: ArrayLike<number>, lower: ArrayLike<number>, upper?: ArrayLike<number>, tol = SINGULAR_TOL,
): boolean {
  for (let k = 0; k < theta.length; k++) {
    if (lower[k] === 0 && theta[k] < tol) return true;
    // a correlation parameter of a cs or ar1 term (the only θ with a finite upper bound) at either
    // end of its range: lme4 2.0's isSingular methods for Covariance.cs / Covariance.ar1
    if (upper && Number.isFinite(upper[k]) && (theta[k] - lower[k] < tol || upper[k] - theta[k] < tol)) return true;
  }
  return false;
}
