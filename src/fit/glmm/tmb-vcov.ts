/**
 * vcov(β) as glmmTMB reports it, for fits with laplace "observed": the ββ block of the inverse of
 * the Hessian of the Laplace deviance ÷ 2 over all the model's parameters — θ, β and, for a
 * negative binomial whose θ_NB was estimated, log θ_NB. (glmmTMB's vcov is TMB's sdreport
 * covariance of the fixed parameters: the inverse of optimHess over all of them; glmmTMB
 * R/methods.R vcov.glmmTMB.) lme4 (and our default) leave θ_NB out: glmer.nb's Hessian is that of
 * a fit at fixed θ_NB.
 *
 * The Hessian is deriv12's central differences with δ = 1e-3, each deviance's PIRLS started from
 * the optimum's η and run until û itself has converged (PirlsOptions.uTol): the Laplace deviance's
 * log-determinant moves to first order with the error in û, which lme4's test on the penalized
 * deviance bounds only by ~√tol, and divided by δ² that noise is a few tenths of a percent of the
 * Hessian (grouseticks: SE(intercept) 0.23706–0.23731 over PIRLS tolerances, glmmTMB 0.237657).
 * With û converged, δ = 1e-4, 1e-3 and 1e-2 agree to 1e-5, and with θ_NB in, grouseticks' three
 * SEs and nbcrossed's two equal glmmTMB's to 6 digits (test/fit/glmm/laplace.test.ts). Without
 * θ_NB they would be 0.12% smaller on grouseticks.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { makeFamily } from "../family/index.js";
import type { FamilyName } from "../fitted.js";
import { GlmmDeviance } from "./deviance.js";
import { deriv12, vcovFromHessian } from "./hessian.js";
import { DEFAULT_PIRLS_OPTIONS } from "./options.js";

const DELTA = 1e-3;
const PIRLS = { tol: 1e-12, uTol: 1e-11 };

export interface TmbVcovInput {
  family: FamilyName;
  link: string;
  /** The negative binomial's θ at the optimum. */
  nbTheta?: number;
  theta: Float64Array;
  beta: Float64Array;
  /** η at the optimum: every deviance evaluation's PIRLS starts there. */
  eta: Float64Array;
}

/** vcov(β), p × p column-major; `withNbTheta` adds log θ_NB to the Hessian's parameters. null when
 *  the Hessian is not positive definite (the caller keeps its own vcov). */
export function tmbVcov(m: ModelMatrices, fit: TmbVcovInput, withNbTheta: boolean): { vcov: Float64Array | null; evaluations: number } {
  const nTheta = fit.theta.length;
  const p = fit.beta.length;
  const k = nTheta + p;
  const pirls = { ...DEFAULT_PIRLS_OPTIONS, ...PIRLS };
  const devs = new Map<number, GlmmDeviance>();
  // one deviance per θ_NB value (the family is fixed inside a GlmmDeviance), all from the same η
  const devAt = (nbTheta: number | undefined): GlmmDeviance => {
    const key = nbTheta ?? NaN;
    let dev = devs.get(key);
    if (!dev) {
      dev = new GlmmDeviance(m, makeFamily(fit.family, fit.link, nbTheta !== undefined ? { theta: nbTheta } : {}), pirls, "observed");
      dev.pirls.setStart(fit.eta);
      devs.set(key, dev);
    }
    return dev;
  };
  const x0 = Float64Array.from([...fit.theta, ...fit.beta, ...(withNbTheta ? [Math.log(fit.nbTheta!)] : [])]);
  const f = withNbTheta
    ? (x: Float64Array): number => devAt(Math.exp(x[k])).stage2(x.subarray(0, k))
    : (x: Float64Array): number => devAt(fit.nbTheta).stage2(x);
  const derivs = deriv12(f, x0, f(x0), DELTA);
  const q = withNbTheta ? p + 1 : p;
  // the covariance of (β[, log θ_NB]), q × q column-major; β's is its leading p × p block
  const v = vcovFromHessian(derivs.hessian, nTheta, q);
  const vcov = v && Float64Array.from({ length: p * p }, (_, idx) => v[(idx % p) + Math.floor(idx / p) * q]);
  return { vcov, evaluations: derivs.evaluations + 1 };
}
