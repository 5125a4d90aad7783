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
  condsd: [0.0305223399106272],
};

// lme4 1.1-31: glmer(Reaction ~ Days + (1 | Subject), sleepstudy, inverse.gaussian(link = "log"))
const LME4_INVERSE_GAUSSIAN = {
  objective: 1738.15236964876,
  deviance: 0.00539576533391963,
  theta: 12.0006351498389,
  fixef: [5.54615986583812, 0.0325104330735818],
  se: [0.0427158801055587, 0.00243364675988906],
  sigma: 0.00614728264517119,
  ranef: [0.0990218675816284, -0.269683749766936, -0.21517623460775, 0.0253007521019909, 0.038328953476878, 0.0247012413041709],
  condsd: [0.0316973286375112, 0.0271448250890007, 0.0277895454153393, 0.0307525693180624, 0.0309183385801273, 0.0307449703590798],
};

describe("families with a dispersion parameter, log link, on sleepstudy, against lme4", () => {
  const cases = [["Gamma", LME4_GAMMA], ["inverse.gaussian", LME4_INVERSE_GAUSSIAN]] as const;
  for (const [family, ref] of cases) {
    it(`${family}: objective (aic with the dispersion from the deviance), σ from the Pearson residuals, β, SEs, modes`, () => {
      const m = compileModel("Reaction ~ Days + (1 | Subject)", readCsv(`${DATA}sleepstudy.csv`), { family });
      const fit = fitGlmm(m, { family, link: "log" });
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
      ref.ranef.forEach((b, l) => {
        const sd = ref.condsd[Math.min(l, ref.condsd.length - 1)];
        expect(Math.abs(fit.ranef[0][l] - b)).toBeLessThanOrEqual(0.02 * sd);
        expect(Math.abs(fit.condSD[0][l] / sd - 1)).toBeLessThan(0.02);
      });
    });
  }
});

describe("Gamma with its canonical inverse link: lme4's numbers and its convergence warnings", () => {
  it("sleepstudy", () => {
    // lme4 1.1-31: glmer(Reaction ~ Days + (1 | Subject), sleepstudy, family = Gamma)
    const m = compileModel("Reaction ~ Days + (1 | Subject)", readCsv(`${DATA}sleepstudy.csv`), { family: "Gamma" });
    const fit = fitGlmm(m, { family: "Gamma" });
    expect(fit.link).toBe("inverse");
    expect(Math.abs(fit.objective - 1731.19713858091)).toBeLessThan(1e-3);
    expect(Math.abs(fit.theta[0] / 0.00265959961767689 - 1)).toBeLessThan(0.01);
    const fixef = [0.00404876058323473, -0.000115968059571599];
    const se = [0.000163439068913671, 9.20418178851732e-6];
    fixef.forEach((b, j) => {
      expect(Math.abs(fit.beta[j] - b)).toBeLessThanOrEqual(0.01 * se[j]);
      expect(Math.abs(Math.sqrt(fit.vcov[j * 3]) / se[j] - 1)).toBeLessThanOrEqual(0.01);
    });
    expect(Math.abs(fit.sigma / 0.102823441576376 - 1)).toBeLessThan(1e-3);
    expect(fit.converged).toBe(false);
    // lme4: "Model failed to converge with max|grad| = 0.0641719 (tol = 0.002, component 1)" and
    // "Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?"
    expect(fit.messages).toHaveLength(2);
    const grad = /^Model failed to converge with max\|grad\| = ([0-9.e+-]+) \(tol = 0\.002, component 1\)$/.exec(fit.messages[0]);
    expect(grad).not.toBeNull();
    expect(Math.abs(Number(grad![1]) / 0.0641719 - 1)).toBeLessThan(0.05);
    expect(fit.messages[1]).toBe("Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?");
  });
});
