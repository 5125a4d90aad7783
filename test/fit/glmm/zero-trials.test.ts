import { describe, expect, it } from "vitest";
import { fitGlmm } from "../../../src/fit/glmm/fit.js";
import { cbppMatrices } from "./cases.js";

describe("binomial rows with no trials", () => {
  it("carry no information (R's binomial initialize: y ← 0 where the weight is 0), as in lme4", () => {
    // lme4 1.1-31 on cbpp with rows 3 and 10 set to 0 of 0 trials
    const m = cbppMatrices();
    for (const i of [2, 9]) {
      m.weights[i] = 0;
      m.y[i] = NaN; // 0/0, as a proportion from cbind(0, 0)
    }
    const fit = fitGlmm(m, { family: "binomial" });
    expect(fit.objective).toBeLessThanOrEqual(170.18101252848 + 1e-3);
    expect(Math.abs(fit.objective - 170.18101252848)).toBeLessThan(1e-3);
    const fixef = [-1.40274760016771, -0.99203000012934, -1.26133703704313, -1.6089583308394];
    const se = [0.228502867528088, 0.303085409472992, 0.369888285206491, 0.422386727707395];
    fixef.forEach((b, j) => {
      expect(Math.abs(fit.beta[j] - b)).toBeLessThanOrEqual(0.01 * se[j]);
      expect(Math.abs(Math.sqrt(fit.vcov[j * 5]) / se[j] - 1)).toBeLessThanOrEqual(0.01);
    });
    expect(Math.abs(fit.theta[0] / 0.625979657334035 - 1)).toBeLessThan(0.01);
  });
});
