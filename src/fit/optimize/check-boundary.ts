/**
 * lme4's check.boundary (R/modular.R, boundary.tol = 1e-5), run after the optimiser in both
 * optimizeLmer and optimizeGlmer: each parameter strictly within the tolerance above its lower
 * bound is, one at a time (each trial keeping the earlier ones' changes), put on the bound when
 * that gives a deviance below the optimiser's. The one copy, for the LMM's θ and the GLMM's
 * (θ, β) alike.
 */
export const BOUNDARY_TOL = 1e-5;

/**
 * Snaps `pars` (changed in place) and returns the deviance there. `nBounded` leading entries have
 * the bounds in `lower` (the θ part of a GLMM's (θ, β)). When it tries any point, it evaluates
 * `devfun` at the returned pars last, so a stateful deviance (PIRLS) is left there.
 */
export function snapToBoundary(
  pars: Float64Array,
  fx: number,
  lower: ArrayLike<number>,
  devfun: (pars: Float64Array) => number,
  nBounded: number = lower.length,
): number {
  let tried = false;
  let changed = false;
  const trial = new Float64Array(pars.length);
  for (let t = 0; t < nBounded; t++) {
    const gap = pars[t] - lower[t];
    if (!(gap > 0 && gap < BOUNDARY_TOL)) continue;
    trial.set(pars);
    trial[t] = lower[t];
    tried = true;
    if (devfun(trial) < fx) {
      pars[t] = lower[t];
      changed = true;
    }
  }
  if (!tried) return fx;
  const f = devfun(pars);
  return changed ? f : fx;
}
