/**
 * Residuals of a fit as lme4's residuals() defines them (R's glm conventions): response y − μ,
 * Pearson (y − μ)·√(w / V(μ)), deviance sign(y − μ)·√d_i, working (y − μ)/μ'(η).
 */
import type { FamilyName } from "../fit/fitted.js";

export type ResidualType = "response" | "pearson" | "deviance" | "working";

/** The family's variance function V(μ). */
export function varianceFunction(family: FamilyName, mu: number): number {
  switch (family) {
    case "gaussian":
      return 1;
    case "binomial":
      return mu * (1 - mu);
    case "poisson":
      return mu;
    case "Gamma":
      return mu * mu;
    case "inverse.gaussian":
      return mu * mu * mu;
  }
}

/** y·log(y/μ), taken as 0 at y = 0 (R's y_log_y in family.c). */
function yLogY(y: number, mu: number): number {
  return y > 0 ? y * Math.log(y / mu) : 0;
}

/** The unit deviance d_i of one observation with prior weight w (R's family$dev.resids). */
export function unitDeviance(family: FamilyName, y: number, mu: number, w: number): number {
  switch (family) {
    case "gaussian":
      return w * (y - mu) * (y - mu);
    case "binomial":
      return 2 * w * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
    case "poisson":
      return 2 * w * (yLogY(y, mu) - (y - mu));
    case "Gamma":
      return -2 * w * (Math.log(y === 0 ? 1 : y / mu) - (y - mu) / mu);
    case "inverse.gaussian":
      return (w * (y - mu) * (y - mu)) / (y * mu * mu);
  }
}

/** dμ/dη for the link functions lme4 supports. */
export function muEta(link: string, eta: number): number {
  switch (link) {
    case "identity":
      return 1;
    case "log":
      return Math.exp(eta);
    case "logit": {
      const e = Math.exp(-Math.abs(eta));
      return e / ((1 + e) * (1 + e));
    }
    case "probit":
      return Math.exp(-0.5 * eta * eta) / Math.sqrt(2 * Math.PI);
    case "cloglog":
      return Math.exp(eta - Math.exp(eta));
    case "inverse":
      return -1 / (eta * eta);
    case "sqrt":
      return 2 * eta;
    case "1/mu^2":
      return -1 / (2 * Math.pow(eta, 1.5));
    default:
      throw new Error(`unknown link function '${link}'`);
  }
}

export interface ResidualInput {
  family: FamilyName;
  link: string;
  y: Float64Array;
  mu: Float64Array;
  eta: Float64Array;
  weights: Float64Array;
}

export function computeResiduals(r: ResidualInput, type: ResidualType): Float64Array {
  const n = r.y.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = r.y[i], mu = r.mu[i], w = r.weights[i];
    switch (type) {
      case "response":
        out[i] = y - mu;
        break;
      case "pearson":
        out[i] = (y - mu) * Math.sqrt(w / varianceFunction(r.family, mu));
        break;
      case "deviance":
        out[i] = Math.sign(y - mu) * Math.sqrt(Math.max(0, unitDeviance(r.family, y, mu, w)));
        break;
      case "working":
        out[i] = (y - mu) / muEta(r.link, r.eta[i]);
        break;
    }
  }
  return out;
}
