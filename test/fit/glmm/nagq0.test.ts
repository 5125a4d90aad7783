import { describe, expect, it } from "vitest";
import { fitGlmm } from "../../../src/fit/glmm/fit.js";
import { cbppMatrices } from "./cases.js";

// lme4 1.1-31: glmer(cbind(incidence, size - incidence) ~ factor(period) + (1 | herd), cbpp,
//                    binomial, nAGQ = 0)
const LME4_NAGQ0 = {
  objective: 184.108693002453,
  theta: 0.641838555348909,
  fixef: [-1.36047572762631, -0.97617323609389, -1.11107278364302, -1.55967568377296],
  se: [0.227579022899923, 0.303286174991135, 0.323510368951478, 0.424451909521635],
  deviance: 73.4841956780976,
  ranef: [0.556932094692644, -0.329490340270182, 0.368980694544058, 0.0119061475102423],
};

describe("nAGQ = 0: lme4's first stage alone (β from PIRLS, vcov from R_X)", () => {
  it("cbpp", () => {
    const fit = fitGlmm(cbppMatrices(), { family: "binomial", nAGQ: 0 });
    const ref = LME4_NAGQ0;
    expect(fit.nAGQ).toBe(0);
    expect(fit.objective).toBeLessThanOrEqual(ref.objective + 1e-3);
    expect(Math.abs(fit.theta[0] / ref.theta - 1)).toBeLessThan(1e-3);
    ref.fixef.forEach((b, j) => {
      expect(Math.abs(fit.beta[j] - b)).toBeLessThanOrEqual(0.01 * ref.se[j]);
      expect(Math.abs(Math.sqrt(fit.vcov[j * 5]) / ref.se[j] - 1)).toBeLessThanOrEqual(0.01);
    });
    expect(Math.abs(fit.deviance - ref.deviance)).toBeLessThan(1e-3);
    ref.ranef.forEach((b, l) => expect(Math.abs(fit.ranef[0][l] - b)).toBeLessThan(1e-3));
  });
});
