import { describe, expect, it } from "vitest";
import { fitGlmm } from "../../../src/fit/glmm/fit.js";
import type { FamilyName } from "../../../src/fit/fitted.js";
import type { ModelMatrices } from "../../../src/model/matrices.js";
import { cbppMatrices, grouseticksMatrices, readReference, seedPoissonMatrices, verbaggMatrices } from "./cases.js";
import { expectMatchesLme4, varianceComponents } from "./compare.js";

const CASES: [string, () => ModelMatrices, FamilyName][] = [
  ["cbpp_binomial", cbppMatrices, "binomial"],
  ["cbpp_binomial_agq25", cbppMatrices, "binomial"],
  ["grouseticks_poisson", grouseticksMatrices, "poisson"],
  ["verbagg_bernoulli", verbaggMatrices, "binomial"],
];

describe("glmer fits against lme4 1.1-31", () => {
  for (const [id, matrices, family] of CASES) {
    it(id, () => {
      const ref = readReference(id);
      const fit = fitGlmm(matrices(), { family, nAGQ: ref.nAGQ });
      expect(fit.family).toBe(family);
      expect(fit.nAGQ).toBe(ref.nAGQ);
      expect(fit.converged).toBe(true);
      expectMatchesLme4(fit, ref);
      // lme4's deviance(): Σ deviance residuals at the fitted μ
      expect(Math.abs(fit.deviance - ref.lme4_deviance) / ref.lme4_deviance).toBeLessThan(1e-4);
    });
  }

  it("seed_poisson: a lower deviance than lme4's default, which stops in a boundary local optimum", () => {
    // lme4's default glmer (bobyqa with minqa's npt = n + 2 in stage 1) ends at the singular
    // θ = (0, −0.292, 0.011), −2 log L = 615.316; lme4's own Nelder–Mead and nloptwrap stages find
    // the interior optimum. Numbers below: lme4 1.1-31,
    //   glmer(y ~ Days + (Days | Subject), seed_poisson, poisson,
    //         control = glmerControl(optimizer = "Nelder_Mead"))
    const ref = readReference("seed_poisson");
    const fit = fitGlmm(seedPoissonMatrices(), { family: "poisson" });
    expect(fit.objective).toBeLessThan(ref.objective - 4);
    expect(fit.objective).toBeLessThanOrEqual(611.012123987793 + 1e-3);
    const fixef = [0.0656051858256513, 0.0286057084997623];
    const se = [0.17215401039057, 0.0674162479867388];
    fixef.forEach((b, j) => {
      expect(Math.abs(fit.beta[j] - b)).toBeLessThanOrEqual(0.01 * se[j]);
      expect(Math.abs(Math.sqrt(fit.vcov[j * 3]) / se[j] - 1)).toBeLessThanOrEqual(0.01);
    });
    // VarCorr: var(Intercept), cov, var(Days) in lme4's lower-triangle order
    const vc = varianceComponents(fit);
    [0.1695409670890629, 0.0450560255264902, 0.0645222138702617].forEach((v, i) =>
      expect(Math.abs(vc[i] - v)).toBeLessThanOrEqual(0.02 * v),
    );
    expect(fit.messages).not.toContain("boundary (singular) fit: see help('isSingular')");
  });
});
