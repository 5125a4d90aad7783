/** The Poisson family for counts (R's poisson()). */
import { FamilyError } from "./errors.js";
import type { FamilyDefinition } from "./family.js";
import { dpoisLog, lgamma } from "./special.js";

export const poisson: FamilyDefinition = {
  name: "poisson",
  canonicalLink: "log",
  allowedLinks: ["log", "identity", "sqrt"],
  estimatesScale: false,
  variance: (mu) => mu,
  varianceDeriv: () => 1,
  validmu: (mu) => Number.isFinite(mu) && mu > 0,
  // 2 wt (y log(y/μ) − (y − μ)), with y log(y/μ) = 0 at y = 0
  devResid: (y, mu, wt) => 2 * wt * ((y === 0 ? 0 : y * Math.log(y / mu)) - (y - mu)),
  aic(y, _n, mu, wt) {
    let ans = 0;
    for (let i = 0; i < y.length; i++) ans += dpoisLog(y[i], mu[i]) * wt[i];
    return -2 * ans;
  },
  aicForResponse(y, _n, wt) {
    // aic()'s sum with each row's log y! fixed; dpoisLog's steps in order
    const n = y.length;
    const logFact = new Float64Array(n);
    let regular = true;
    for (let i = 0; i < n; i++) {
      if (y[i] < 0 || !Number.isInteger(y[i])) regular = false;
      else logFact[i] = y[i] === 0 ? 0 : lgamma(y[i] + 1);
    }
    if (!regular) return (mu) => poisson.aic(y, _n, mu, wt, NaN);
    return (mu) => {
      let ans = 0;
      for (let i = 0; i < n; i++) {
        const yi = y[i];
        const d = yi === 0 ? -mu[i] : yi * Math.log(mu[i]) - mu[i] - logFact[i];
        ans += d * wt[i];
      }
      return -2 * ans;
    };
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
