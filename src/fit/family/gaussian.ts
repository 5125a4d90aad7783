/** The Gaussian family (R's gaussian()); for a GLMM only with a non-identity link is it not an LMM. */
import { FamilyError } from "./errors.js";
import type { FamilyDefinition } from "./family.js";

export const gaussian: FamilyDefinition = {
  name: "gaussian",
  canonicalLink: "identity",
  allowedLinks: ["inverse", "log", "identity"],
  estimatesScale: true,
  variance: () => 1,
  varianceDeriv: () => 0,
  validmu: () => true,
  devResid: (y, mu, wt) => wt * (y - mu) * (y - mu),
  aic(y, _n, _mu, wt, dev) {
    const nobs = y.length;
    let logWt = 0;
    for (let i = 0; i < wt.length; i++) logWt += Math.log(wt[i]);
    return nobs * (Math.log((2 * Math.PI * dev) / nobs) + 1) + 2 - logWt;
  },
  initialMu: (y) => y,
  checkResponse(y) {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) {
        throw new FamilyError(`gaussian response must be finite: row ${i + 1} has ${y[i]}`);
      }
    }
  },
};
