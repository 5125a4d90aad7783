/**
 * Residuals of a fit as lme4's residuals() defines them (R's glm conventions): response y − μ,
 * Pearson (y − μ)·√(w / V(μ)), deviance sign(y − μ)·√d_i, working (y − μ)/μ'(η). V, d and μ'(η)
 * are the fit's family's own (src/fit/family/): no link or variance is re-derived here.
 */
import type { Family } from "../fit/family/index.js";

export type ResidualType = "response" | "pearson" | "deviance" | "working";

export interface ResidualInput {
  family: Family;
  y: Float64Array;
  mu: Float64Array;
  eta: Float64Array;
  weights: Float64Array;
}

export function computeResiduals(r: ResidualInput, type: ResidualType): Float64Array {
  const n = r.y.length;
  const out = new Float64Array(n);
  const { variance, devResid, link } = r.family;
  for (let i = 0; i < n; i++) {
    const y = r.y[i], mu = r.mu[i], w = r.weights[i];
    switch (type) {
      case "response":
        out[i] = y - mu;
        break;
      case "pearson":
        out[i] = (y - mu) * Math.sqrt(w / variance(mu));
        break;
      case "deviance":
        out[i] = Math.sign(y - mu) * Math.sqrt(Math.max(0, devResid(y, mu, w)));
        break;
      case "working":
        out[i] = (y - mu) / link.muEta(r.eta[i]);
        break;
      default:
        throw new RangeError(`unknown residual type '${String(type)}': use "response", "pearson", "deviance" or "working"`);
    }
  }
  return out;
}
