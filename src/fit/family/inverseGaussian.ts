/** The inverse Gaussian family (R's inverse.gaussian()). */
import { FamilyError } from "./errors.js";
import type { FamilyDefinition } from "./family.js";

export const inverseGaussian: FamilyDefinition = {
  name: "inverse.gaussian",
  canonicalLink: "1/mu^2",
  allowedLinks: ["1/mu^2", "inverse", "identity", "log"],
  estimatesScale: true,
  variance: (mu) => mu * mu * mu,
  varianceDeriv: (mu) => 3 * mu * mu,
  validmu: () => true,
  devResid: (y, mu, wt) => (wt * (y - mu) * (y - mu)) / (y * mu * mu),
  aic(y, _n, _mu, wt, dev) {
    let wtsum = 0;
    let logTerm = 0;
    for (let i = 0; i < y.length; i++) {
      wtsum += wt[i];
      logTerm += Math.log(y[i]) * wt[i];
    }
    return wtsum * (Math.log((dev / wtsum) * 2 * Math.PI) + 1) + 3 * logTerm + 2;
  },
  initialMu: (y) => y,
  checkResponse(y) {
    for (let i = 0; i < y.length; i++) {
      if (!(y[i] > 0)) {
        throw new FamilyError(
          `positive values only are allowed for the 'inverse.gaussian' family: row ${i + 1} has ${y[i]}`,
        );
      }
    }
  },
};
