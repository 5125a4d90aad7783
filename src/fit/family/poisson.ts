/** The Poisson family for counts (R's poisson()). */
import { FamilyError } from "./errors.js";
import type { FamilyDefinition } from "./family.js";
import { dpoisLog } from "./special.js";

export const poisson: FamilyDefinition = {
  name: "poisson",
  canonicalLink: "log",
  allowedLinks: ["log", "identity", "sqrt"],
  estimatesScale: false,
  variance: (mu) => mu,
  validmu: (mu) => Number.isFinite(mu) && mu > 0,
  // 2 wt (y log(y/μ) − (y − μ)), with y log(y/μ) = 0 at y = 0
  devResid: (y, mu, wt) => 2 * wt * ((y === 0 ? 0 : y * Math.log(y / mu)) - (y - mu)),
  aic(y, _n, mu, wt) {
    let ans = 0;
    for (let i = 0; i < y.length; i++) ans += dpoisLog(y[i], mu[i]) * wt[i];
    return -2 * ans;
  },
  // R: mustart <- y + 0.1
  initialMu: (y) => y + 0.1,
  checkResponse(y) {
    for (let i = 0; i < y.length; i++) {
      if (!(y[i] >= 0)) {
        throw new FamilyError(`negative values not allowed for the 'Poisson' family: row ${i + 1} has ${y[i]}`);
      }
      if (!Number.isInteger(y[i])) {
        throw new FamilyError(
          `the 'Poisson' family needs whole-number counts: row ${i + 1} has ${y[i]} (its log-likelihood would be −∞)`,
        );
      }
    }
  },
};
