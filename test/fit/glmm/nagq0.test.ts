import { describe, expect, it } from "vitest";
import { fitGlmm } from "../../../src/fit/glmm/fit.js";
import { cbppMatrices, grouseticksMatrices, verbaggMatrices } from "./cases.js";

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
    // lme4 reports its optimiser's value, PIRLS from the initial η: reproduced to rounding
    expect(Math.abs(fit.objective - ref.objective)).toBeLessThan(1e-6);
    expect(Math.abs(fit.theta[0] / ref.theta - 1)).toBeLessThan(1e-3);
    ref.fixef.forEach((b, j) => {
      expect(Math.abs(fit.beta[j] - b)).toBeLessThanOrEqual(0.01 * ref.se[j]);
      expect(Math.abs(Math.sqrt(fit.vcov[j * 5]) / ref.se[j] - 1)).toBeLessThanOrEqual(0.01);
    });
    expect(Math.abs(fit.deviance - ref.deviance)).toBeLessThan(1e-3);
    ref.ranef.forEach((b, l) => expect(Math.abs(fit.ranef[0][l] - b)).toBeLessThan(1e-3));
  });
  // lme4 1.1-31, nAGQ = 0: -2*logLik(m) and getME(m, "theta")
  const more = [
    ["grouseticks", grouseticksMatrices, "poisson", 1782.40339605941, [0.536971328647199, 0.736283561974747, 0.557284893041646]],
    ["VerbAgg", verbaggMatrices, "binomial", 8151.58993506182, [1.3393956373525, 0.496819255850531]],
  ] as const;
  for (const [name, matrices, family, objective, theta] of more) {
    it(`${name}: objective and θ`, () => {
      const fit = fitGlmm(matrices(), { family, nAGQ: 0 });
      expect(Math.abs(fit.objective - objective)).toBeLessThan(1e-6);
      theta.forEach((t, k) => expect(Math.abs(fit.theta[k] / t - 1)).toBeLessThan(1e-4));
    });
  }
});
