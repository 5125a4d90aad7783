/**
 * lme4's isSingular(): a fit is singular ("on the boundary") when some θ entry whose lower bound is
 * 0 — a diagonal of a relative covariance factor — lies below 1e-4 (lmerControl's
 * check.conv.singular tolerance).
 */
export const SINGULAR_TOL = 1e-4;
export const SINGULAR_MESSAGE = "boundary (singular) fit: see help('isSingular')";

export function isSingular(theta: ArrayLike<number>, lower: ArrayLike<number>, tol = SINGULAR_TOL): boolean {
  for (let k = 0; k < theta.length; k++) if (lower[k] === 0 && theta[k] < tol) return true;
  return false;
}
