/**
 * fitGlmmNb: a negative binomial GLMM with θ estimated, as lme4's glmer.nb (R/nbinom.R glmer.nb,
 * optTheta, est_theta):
 *
 *   1. a Poisson GLMM of the same model, and MASS's theta.ml on its fitted means: the start θ₀;
 *   2. R's optimize() (Brent) over log θ on [log θ₀ − 3, log θ₀ + 3], each evaluation the GLMM at
 *      fixed θ (negative.binomial(θ), fitGlmm) and its Laplace −2 log L — the alternation between
 *      the GLMM fit at fixed θ and a one-dimensional search over θ on the profiled log-likelihood.
 *
 * Where glmer.nb stops (tol 5e-5 on log θ) we go on: the search interval is moved when the
 * minimum lands on its edge, and the tolerance is 1e-6, so the θ reported is the maximiser of the
 * profiled likelihood and the log-likelihood is never below glmer.nb's. Each fit at fixed θ starts
 * afresh (lme4's refit starts from the previous fit), which makes the profiled deviance a
 * deterministic function of θ.
 *
 * With laplace "observed" (glmmTMB's Laplace approximation, deviance.ts) the same search finds
 * glmmTMB's joint maximum over (θ, β, θ_NB) — profiling θ_NB is maximising over it — and the
 * standard errors are then glmmTMB's, from the Hessian over θ_NB as well (tmb-vcov.ts).
 */
import { thetaMl } from "../family/index.js";
import type { FittedModel } from "../fitted.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { brentMinimize } from "../optimize/brent.js";
import { GlmmError } from "./errors.js";
import { fitGlmm, type GlmmOptions } from "./fit.js";
import { tmbVcov } from "./tmb-vcov.js";

/** R's optimize tolerance we use on log θ (glmer.nb's default is 5e-5). */
const LOG_THETA_TOL = 1e-6;
/** PIRLS's relative tolerance in the fits at fixed θ. lme4's 1e-7 leaves ~1.5e-4 of noise in a
 *  deviance of ~1500, as large as the profiled deviance's change over the last steps of the
 *  search for θ; at 1e-10 the search sees the Laplace deviance itself (on nbcrossed it then ends
 *  at glmer.nb's estimates, which lme4 reaches by warm-starting each refit, instead of ~0.3 SE
 *  away from them). */
const NB_PIRLS_TOL = 1e-10;
/** How many times the interval is moved when the minimum lands on an edge. */
const MAX_INTERVAL_MOVES = 4;

export type GlmmNbOptions = Omit<GlmmOptions, "family" | "nbTheta" | "tmbVcov">;

export function fitGlmmNb(m: ModelMatrices, options: GlmmNbOptions = {}): FittedModel {
  const started = performance.now();
  let evaluations = 0;
  const count = (fit: FittedModel): FittedModel => {
    evaluations += fit.evaluations;
    return fit;
  };
  // the start's Poisson fit has the canonical link, where both Laplace approximations are one
  const poisson = count(fitGlmm(m, { ...options, laplace: "expected", family: "poisson", link: options.link ?? "log" }));
  const theta0 = thetaMl(m.y, poisson.mu, m.weights);
  if (!Number.isFinite(theta0)) {
    throw new GlmmError("cannot start the negative binomial θ: MASS's theta.ml on the Poisson fit's means did not converge (no overdispersion?)");
  }
  const fits = new Map<number, FittedModel>();
  const profiled = (logTheta: number): number => {
    const fit = count(fitGlmm(m, { ...options, tmbVcov: false, pirls: { tol: NB_PIRLS_TOL, ...options.pirls }, family: "negative.binomial", nbTheta: Math.exp(logTheta) }));
    fits.set(logTheta, fit);
    return fit.objective;
  };
  let lo = Math.log(theta0) - 3;
  let hi = Math.log(theta0) + 3;
  let best = brentMinimize(profiled, lo, hi, LOG_THETA_TOL);
  let brentEvaluations = best.evaluations;
  for (let k = 0; k < MAX_INTERVAL_MOVES; k++) {
    const atEdge = Math.min(best.x - lo, hi - best.x) < 1e-3;
    if (!atEdge) break;
    const width = hi - lo;
    [lo, hi] = best.x - lo < hi - best.x ? [lo - width / 2, lo + 1] : [hi - 1, hi + width / 2];
    best = brentMinimize(profiled, lo, hi, LOG_THETA_TOL);
    brentEvaluations += best.evaluations;
  }
  const fit = fits.get(best.x)!;
  // glmmTMB's standard errors (laplace "observed" is its fit), over θ_NB too: tmb-vcov.ts
  const joint = options.laplace === "observed" ? tmbVcov(m, fit, true) : null;
  if (joint) evaluations += joint.evaluations;
  return {
    ...fit,
    ...(joint?.vcov ? { vcov: joint.vcov } : {}),
    evaluations,
    optsum: [
      ...fit.optsum,
      {
        stage: "negative binomial theta",
        optimizer: "optimize",
        lme4Name: "optimize",
        evaluations: brentEvaluations,
        objective: best.fx,
        code: 0,
        message: `log theta ${best.x} on [${lo}, ${hi}], starting from theta.ml = ${theta0}`,
      },
    ],
    fitSeconds: (performance.now() - started) / 1000,
  };
}

