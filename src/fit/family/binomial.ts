/** The binomial family: y is the proportion of successes out of wt trials (R's binomial()). */
import { FamilyError } from "./errors.js";
import type { FamilyDefinition } from "./family.js";
import { DBL_EPSILON, dbinomLog, lchoose } from "./special.js";

/** y·log(y/μ) with 0·log 0 = 0 (lme4's Y_log_Y). */
function yLogY(y: number, mu: number): number {
  return y === 0 ? 0 : y * Math.log(y / mu);
}

export const binomial: FamilyDefinition = {
  name: "binomial",
  canonicalLink: "logit",
  allowedLinks: ["logit", "probit", "cloglog", "cauchit", "log"],
  estimatesScale: false,
  // lme4's x1mx: μ(1−μ) bounded below by machine epsilon
  variance: (mu) => Math.max(DBL_EPSILON, mu * (1 - mu)),
  // V = μ(1 − μ)
  varianceDeriv: (mu) => 1 - 2 * mu,
  validmu: (mu) => Number.isFinite(mu) && mu > 0 && mu < 1,
  // 2 wt (y log(y/μ) + (1−y) log((1−y)/(1−μ))); the 0/1 cases (every Bernoulli row) need one log
  devResid: (y, mu, wt) => {
    if (y === 0) return -2 * wt * Math.log(1 - mu);
    if (y === 1) return -2 * wt * Math.log(mu);
    return 2 * wt * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
  },
  aic(y, n, mu, wt) {
    // m = n when any n > 1 (trial counts given), else the prior weights, as R's binomial()$aic
    let anyN = false;
    for (let i = 0; i < n.length; i++) if (n[i] > 1) anyN = true;
    const m = anyN ? n : wt;
    let ans = 0;
    for (let i = 0; i < y.length; i++) {
      const mi = Math.round(m[i]);
      if (m[i] <= 0) continue;
      ans += (wt[i] / m[i]) * dbinomLog(Math.round(m[i] * y[i]), mi, mu[i]);
    }
    return -2 * ans;
  },
  aicForResponse(y, n, wt) {
    // aic()'s sum with each row's (wt/m, k, m − k, log C(m, k)) fixed; dbinomLog's steps in order
    let anyN = false;
    for (let i = 0; i < n.length; i++) if (n[i] > 1) anyN = true;
    const m = anyN ? n : wt;
    const rows: number[] = [];
    for (let i = 0; i < y.length; i++) if (m[i] > 0) rows.push(i);
    const len = rows.length;
    const row = Int32Array.from(rows);
    const factor = new Float64Array(len);
    const k = new Float64Array(len);
    const nk = new Float64Array(len);
    const logChoose = new Float64Array(len);
    for (let r = 0; r < len; r++) {
      const i = row[r];
      const mi = Math.round(m[i]);
      factor[r] = wt[i] / m[i];
      k[r] = Math.round(m[i] * y[i]);
      nk[r] = mi - k[r];
      logChoose[r] = k[r] < 0 || k[r] > mi ? -Infinity : lchoose(mi, k[r]);
    }
    return (mu) => {
      let ans = 0;
      for (let r = 0; r < len; r++) {
        let d = logChoose[r];
        if (d !== -Infinity) {
          const p = mu[row[r]];
          if (k[r] > 0) d += k[r] * Math.log(p);
          if (nk[r] > 0) d += nk[r] * Math.log1p(-p);
        }
        ans += factor[r] * d;
      }
      return -2 * ans;
    };
  },
  // R: mustart <- (weights * y + 0.5)/(weights + 1)
  initialMu: (y, wt) => (wt * y + 0.5) / (wt + 1),
  checkResponse(y, wt) {
    for (let i = 0; i < y.length; i++) {
      if (!(y[i] >= 0 && y[i] <= 1)) {
        throw new FamilyError(
          `binomial response must be a proportion in [0, 1] (or 0/1, or cbind(successes, failures)); row ${i + 1} has ${y[i]}`,
        );
      }
      if (!(wt[i] >= 0)) {
        throw new FamilyError(`binomial weights (trial counts) must be non-negative; row ${i + 1} has ${wt[i]}`);
      }
      const successes = wt[i] * y[i];
      // R's binomial initialize: any(abs(m*y - round(m*y)) > 1e-3) flags non-integer successes
      if (Math.abs(successes - Math.round(successes)) > 1e-3) {
        throw new FamilyError(
          `non-integer number of successes in a binomial model: row ${i + 1} has ${successes} successes out of ${wt[i]} trials`,
        );
      }
    }
  },
};
