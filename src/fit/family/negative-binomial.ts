/**
 * The negative binomial family with a known θ (MASS's negative.binomial(theta), the family lme4's
 * glmer.nb fits at each θ): Var(Y) = μ + μ²/θ, log link by default. Its variance, deviance
 * residuals, aic and starting values are MASS's (MASS/R/negbin.R negative.binomial); lme4's C++
 * (src/glmFamily.cpp, negativeBinomialDist) computes the same deviance residuals.
 */
import { FamilyError } from "./errors.js";
import type { FamilyDefinition } from "./family.js";
import { digamma, lgamma, trigamma } from "./special.js";
import { formatRNumber } from "../../rformat.js";

/** y·log(y/μ), taken as 0 at y = 0 (MASS writes y·log(pmax(1, y)/μ), the same for counts). */
function yLogY(y: number, mu: number): number {
  return y > 0 ? y * Math.log(y / mu) : 0;
}

/** R's family()$family of negative.binomial(θ): "Negative Binomial(4.0604)" (format(round(θ, 4))). */
export function negativeBinomialLabel(theta: number): string {
  return `Negative Binomial(${formatRNumber(Number(theta.toFixed(4)))})`;
}

/** MASS's negative.binomial(theta). Throws FamilyError unless θ is a positive finite number. */
export function negativeBinomial(theta: number): FamilyDefinition {
  if (!(Number.isFinite(theta) && theta > 0)) {
    throw new FamilyError(`the negative binomial θ must be a positive number, not ${theta}`);
  }
  // log Γ(θ) and θ log θ enter every row's aic term; computed once
  const lgTheta = lgamma(theta);
  const thetaLogTheta = theta * Math.log(theta);
  // −log P(Y = y) = (y+θ) log(μ+θ) − y log μ + log y! − θ log θ + log Γ(θ) − log Γ(θ+y)  (MASS aic's term)
  const term = (y: number, mu: number, lgY1: number, lgThetaY: number): number =>
    (y + theta) * Math.log(mu + theta) - (y === 0 ? 0 : y * Math.log(mu)) + lgY1 - thetaLogTheta + lgTheta - lgThetaY;
  const def: FamilyDefinition = {
    name: "negative.binomial",
    label: negativeBinomialLabel(theta),
    theta,
    canonicalLink: "log",
    defaultLinkNotCanonical: true,
    allowedLinks: ["log", "identity", "sqrt"],
    estimatesScale: false,
    variance: (mu) => mu + (mu * mu) / theta,
    varianceDeriv: (mu) => 1 + (2 * mu) / theta,
    validmu: (mu) => Number.isFinite(mu) && mu > 0,
    // 2 wt (y log(y/μ) − (y + θ) log((y + θ)/(μ + θ)))
    devResid: (y, mu, wt) => 2 * wt * (yLogY(y, mu) - (y + theta) * Math.log((y + theta) / (mu + theta))),
    aic(y, _n, mu, wt) {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += wt[i] * term(y[i], mu[i], lgamma(y[i] + 1), lgamma(theta + y[i]));
      return 2 * s;
    },
    aicForResponse(y, _n, wt) {
      // log y! and log Γ(θ + y) do not depend on μ
      const n = y.length;
      const lgY1 = new Float64Array(n);
      const lgThetaY = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        lgY1[i] = lgamma(y[i] + 1);
        lgThetaY[i] = lgamma(theta + y[i]);
      }
      return (mu) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += wt[i] * term(y[i], mu[i], lgY1[i], lgThetaY[i]);
        return 2 * s;
      };
    },
    // MASS: mustart <- y + (y == 0)/6
    initialMu: (y) => y + (y === 0 ? 1 / 6 : 0),
    checkResponse(y) {
      for (let i = 0; i < y.length; i++) {
        if (!(y[i] >= 0)) {
          throw new FamilyError(`negative values not allowed for the negative binomial family: row ${i + 1} has ${y[i]}`);
        }
      }
    },
  };
  return def;
}

/**
 * MASS's theta.ml(y, mu, weights, limit, eps): the maximum-likelihood θ of a negative binomial with
 * the means μ held fixed, by Newton's method on the score
 *   Σ w (ψ(θ + y) − ψ(θ) + log θ + 1 − log(θ + μ) − (y + θ)/(μ + θ))
 * from the moment estimate n / Σ w (y/μ − 1)². lme4's glmer.nb starts its search for θ here, from
 * a Poisson fit's μ (R/nbinom.R est_theta). Returns NaN when Newton leaves the positive axis.
 */
export function thetaMl(y: ArrayLike<number>, mu: ArrayLike<number>, wt: ArrayLike<number>, limit = 20, eps = 1e-4): number {
  let n = 0;
  let moment = 0;
  for (let i = 0; i < y.length; i++) {
    n += wt[i];
    moment += wt[i] * (y[i] / mu[i] - 1) ** 2;
  }
  let t = n / moment;
  let del = 1;
  for (let it = 1; it < limit && Math.abs(del) > eps; it++) {
    t = Math.abs(t);
    let score = 0;
    let info = 0;
    for (let i = 0; i < y.length; i++) {
      const yi = y[i], mi = mu[i], w = wt[i];
      score += w * (digamma(t + yi) - digamma(t) + Math.log(t) + 1 - Math.log(t + mi) - (yi + t) / (mi + t));
      info += w * (-trigamma(t + yi) + trigamma(t) - 1 / t + 2 / (mi + t) - (yi + t) / (mi + t) ** 2);
    }
    del = score / info;
    t += del;
  }
  return t > 0 && Number.isFinite(t) ? t : NaN;
}
