/**
 * The GLMM dispersion σ̂ lme4 reports for a family with a scale (Gamma, inverse.gaussian, gaussian
 * with a non-identity link): σ̂² = pwrss / n, the penalized weighted residual sum of squares
 * Σ wt(y − μ)²/V(μ) + ‖u‖² over the number of observations (lme4 R/lmer.R mkMerMod:
 * sigmaML = sqrt(pwrss / n), with pwrss = wrss + ussq from the glmResp and merPredD). 1 for the
 * families without one. The one place the fit and its second stage's step sizes compute it.
 */
import type { GlmmDeviance } from "./deviance.js";

/** σ̂ at the deviance's current PIRLS state. */
export function glmmDispersion(dev: GlmmDeviance): number {
  if (!dev.family.estimatesScale) return 1;
  return Math.sqrt((dev.resp.pearsonSum() + dev.pirls.sqrLenU()) / dev.m.n);
}
