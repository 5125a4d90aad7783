/** The Gamma family for positive continuous responses (R's Gamma()). */
import { FamilyError } from "./errors.js";
import type { FamilyDefinition } from "./family.js";
import { dgammaLog } from "./special.js";

export const gamma: FamilyDefinition = {
  name: "Gamma",
  canonicalLink: "inverse",
  allowedLinks: ["inverse", "identity", "log"],
  estimatesScale: true,
  variance: (mu) => mu * mu,
  varianceDeriv: (mu) => 2 * mu,
  validmu: (mu) => Number.isFinite(mu) && mu > 0,
  // −2 wt (log(y/μ) − (y − μ)/μ), with log(y/μ) taken as 0 at y = 0
  devResid: (y, mu, wt) => -2 * wt * ((y === 0 ? 0 : Math.log(y / mu)) - (y - mu) / mu),
  aic(y, _n, mu, wt, dev) {
    // dispersion estimated as dev / Σwt, as R's Gamma()$aic
    let nn = 0;
    for (let i = 0; i < wt.length; i++) nn += wt[i];
    const disp = dev / nn;
    let ans = 0;
    for (let i = 0; i < y.length; i++) ans += wt[i] * dgammaLog(y[i], 1 / disp, mu[i] * disp);
    return -2 * ans + 2;
  },
  initialMu: (y) => y,
  checkResponse(y) {
    for (let i = 0; i < y.length; i++) {
      if (!(y[i] > 0)) {
        throw new FamilyError(`non-positive values not allowed for the 'Gamma' family: row ${i + 1} has ${y[i]}`);
      }
    }
  },
};
