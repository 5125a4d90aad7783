import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { makeDevfun } from "../../../src/fit/lmm/profiled-deviance.js";
import { fitLmm } from "../../../src/fit/lmm/fit-lmm.js";
import { buildMatrices } from "./build-matrices.js";
import { readLme4Reference } from "../../lme4-reference.js";

// lme4 1.1-31 on sleepstudy, Reaction ~ Days + (Days | Subject), weights = runif(180, 0.5, 2) with
// set.seed(1); devfun values at θ = (1, 0, 1) and the ML fit (values printed by R, see the JSON).
const lme4Weighted = JSON.parse(readFileSync(new URL("./weighted-sleepstudy.json", import.meta.url), "utf8")) as {
  weights: number[]; devfunMLAt101: number; devfunREMLAt101: number; mlTheta: number[]; mlDeviance: number; remlSigma: number;
};

describe("prior weights as lme4 does them (objective includes −Σ log wᵢ)", () => {
  const m = buildMatrices("sleepstudy_corr_ml");
  m.weights = Float64Array.from(lme4Weighted.weights);

  it("ML and REML devfun at θ = (1, 0, 1)", () => {
    expect(makeDevfun(m, { REML: false })([1, 0, 1])).toBeCloseTo(lme4Weighted.devfunMLAt101, 6);
    expect(makeDevfun(m, { REML: true })([1, 0, 1])).toBeCloseTo(lme4Weighted.devfunREMLAt101, 6);
  });

  it("weighted ML fit: θ and deviance; weighted REML fit: σ", () => {
    const fit = fitLmm(m, { REML: false });
    expect(fit.objective).toBeLessThanOrEqual(lme4Weighted.mlDeviance + 1e-3);
    lme4Weighted.mlTheta.forEach((t, i) => expect(Math.abs(fit.theta[i] - t)).toBeLessThan(0.01 * Math.max(t, 0.1)));
    const reml = fitLmm(m, { REML: true });
    expect(Math.abs(reml.sigma - lme4Weighted.remlSigma)).toBeLessThan(0.01 * lme4Weighted.remlSigma);
  });
});

describe("deviance of a REML fit is lme4's deviance(fit, REML = FALSE)", () => {
  it("sleepstudy_corr_reml", () => {
    const ref = readLme4Reference("reference", "sleepstudy_corr_reml");
    const fit = fitLmm(buildMatrices("sleepstudy_corr_reml"), { REML: true });
    // lme4 1.1-31: deviance(fm1, REML = FALSE) = 1751.985866432
    expect(fit.deviance).toBeCloseTo(1751.985866432, 3);
    expect(fit.objective).toBeCloseTo(ref.objective, 4);
  });
});

describe("an offset is subtracted from the response and added back to η, as lme4 does", () => {
  it("sleepstudy with offset = 3·Days (lme4 1.1-31 values)", () => {
    const m = buildMatrices("sleepstudy_corr_reml");
    m.offset = Float64Array.from({ length: m.n }, (_, i) => 3 * m.X[m.n + i]);
    const fit = fitLmm(m, { REML: true });
    // lmer(Reaction ~ Days + (Days | Subject), offset = 3 * Days): the slope drops by exactly 3
    expect(fit.objective).toBeCloseTo(1743.628271959952, 5);
    expect(fit.beta[0]).toBeCloseTo(251.405104848485, 3);
    expect(fit.beta[1]).toBeCloseTo(7.467285959596, 3);
    expect(fit.sigma).toBeCloseTo(25.591795721568, 3);
    [253.663655798523, 273.32991752367, 292.996179248817].forEach((v, i) => expect(fit.mu[i]).toBeCloseTo(v, 2));
  });
});
