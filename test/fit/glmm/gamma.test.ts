import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fitGlmm } from "../../../src/fit/glmm/fit.js";
import { compileModel, readCsv } from "../../../src/model/index.js";

const DATA = fileURLToPath(new URL("../../fixtures/data/", import.meta.url));

// lme4 1.1-31: glmer(Reaction ~ Days + (1 | Subject), sleepstudy, family = Gamma(link = "log"))
const LME4_GAMMA = {
  objective: 1740.80868520546,
  deviance: 1.59357538552638,
  theta: 0.72047117119115,
  fixef: [5.53174820557444, 0.0338087086721721],
  se: [0.0438617955608391, 0.00252256688963548],
  sigma: 0.10540814019902,
  ranef: [0.116026894043832, -0.259055141226387, -0.20409021581457, 0.0274793800312105, 0.0427045178941458, 0.0331001983836169],
  condsd: 0.0305223399106272,
};

describe("a family with a dispersion parameter: Gamma(log) on sleepstudy against lme4", () => {
  it("objective (aic with the dispersion from the deviance), σ from the Pearson residuals, β, SEs, modes", () => {
    const m = compileModel("Reaction ~ Days + (1 | Subject)", readCsv(`${DATA}sleepstudy.csv`), { family: "Gamma" });
    const fit = fitGlmm(m, { family: "Gamma", link: "log" });
    const ref = LME4_GAMMA;
    expect(fit.link).toBe("log");
    expect(fit.objective).toBeLessThanOrEqual(ref.objective + 1e-3);
    expect(Math.abs(fit.objective - ref.objective)).toBeLessThan(1e-3);
    expect(Math.abs(fit.deviance / ref.deviance - 1)).toBeLessThan(1e-4);
    expect(Math.abs(fit.sigma / ref.sigma - 1)).toBeLessThan(1e-3);
    expect(Math.abs(fit.theta[0] / ref.theta - 1)).toBeLessThan(0.01);
    ref.fixef.forEach((b, j) => {
      expect(Math.abs(fit.beta[j] - b)).toBeLessThanOrEqual(0.01 * ref.se[j]);
      expect(Math.abs(Math.sqrt(fit.vcov[j * 3]) / ref.se[j] - 1)).toBeLessThanOrEqual(0.01);
    });
    ref.ranef.forEach((b, l) => expect(Math.abs(fit.ranef[0][l] - b)).toBeLessThanOrEqual(0.02 * ref.condsd));
    expect(Math.abs(fit.condSD[0][0] / ref.condsd - 1)).toBeLessThan(0.02);
  });
});
