import { describe, expect, it } from "vitest";
import { makeFamily } from "../../../src/fit/family/index.js";
import { AgqDeviance } from "../../../src/fit/glmm/agq.js";
import { GlmmDeviance } from "../../../src/fit/glmm/deviance.js";
import { GlmmError } from "../../../src/fit/glmm/errors.js";
import { fitGlmm } from "../../../src/fit/glmm/fit.js";
import { ghRule } from "../../../src/fit/glmm/ghrule.js";
import { DEFAULT_PIRLS_OPTIONS } from "../../../src/fit/glmm/options.js";
import type { ModelMatrices } from "../../../src/model/matrices.js";
import { cbppMatrices, grouseticksMatrices, seedPoissonMatrices, verbaggMatrices } from "./cases.js";
import { readLme4Reference } from "../../lme4-reference.js";

function lme4Pars(id: string, m: ModelMatrices): Float64Array {
  const ref = readLme4Reference("reference", id);
  return Float64Array.from([...([] as number[]).concat(ref.theta), ...m.xNames.map((n) => ref.fixef[n])]);
}

describe("the deviance at lme4's (θ, β), no optimiser", () => {
  // Here PIRLS runs to 1e-12, giving the exact Laplace deviance; lme4's value carries its PIRLS
  // tolerance (1e-7 relative on the penalized deviance, from a start that depends on its
  // optimiser's path), which puts it up to ~8e-4 above the exact value in these cases.
  const laplace: [string, () => ModelMatrices, string][] = [
    ["cbpp_binomial", cbppMatrices, "binomial"],
    ["grouseticks_poisson", grouseticksMatrices, "poisson"],
    ["verbagg_bernoulli", verbaggMatrices, "binomial"],
    ["seed_poisson", seedPoissonMatrices, "poisson"],
  ];
  for (const [id, matrices, family] of laplace) {
    it(`${id}: Laplace deviance = lme4's objective`, () => {
      const m = matrices();
      const dev = new GlmmDeviance(m, makeFamily(family), { ...DEFAULT_PIRLS_OPTIONS, tol: 1e-12 });
      const value = dev.stage2(lme4Pars(id, m));
      expect(Math.abs(value - readLme4Reference("reference", id).objective)).toBeLessThan(1e-3);
      // and lme4's deviance(): Σ deviance residuals at that mode
      expect(Math.abs(dev.resp.devianceSum() - readLme4Reference("reference", id).lme4_deviance)).toBeLessThan(1e-3);
    });
  }
  it("cbpp_binomial_agq25: 25-point adaptive Gauss–Hermite deviance = lme4's objective", () => {
    const m = cbppMatrices();
    const dev = new GlmmDeviance(m, makeFamily("binomial"), DEFAULT_PIRLS_OPTIONS);
    const agq = new AgqDeviance(dev, ghRule(25));
    expect(agq.evaluate(lme4Pars("cbpp_binomial_agq25", m))).toBeCloseTo(readLme4Reference("reference", "cbpp_binomial_agq25").objective, 6);
  });
  it("one-point AGQ is the Laplace approximation without the saturated-likelihood constant", () => {
    const m = cbppMatrices();
    const dev = new GlmmDeviance(m, makeFamily("binomial"), DEFAULT_PIRLS_OPTIONS);
    const pars = lme4Pars("cbpp_binomial", m);
    const laplace = dev.stage2(pars);
    const aicMinusDev = dev.resp.aic() - dev.resp.devianceSum();
    const agq1 = new AgqDeviance(dev, ghRule(1)).evaluate(pars);
    expect(agq1).toBeCloseTo(laplace - aicMinusDev, 9);
  });
});

describe("PIRLS conditional modes", () => {
  it("satisfy the penalized score equations u = ΛᵀZᵀ(y − μ)·wt (canonical link) at convergence", () => {
    const m = cbppMatrices();
    const dev = new GlmmDeviance(m, makeFamily("binomial"), { ...DEFAULT_PIRLS_OPTIONS, tol: 1e-12 });
    const theta = 0.642069927729179;
    dev.stage2(lme4Pars("cbpp_binomial", m));
    const refs = m.reTerms[0].refs;
    const score = new Float64Array(m.reTerms[0].levels.length);
    for (let i = 0; i < m.n; i++) score[refs[i]] += theta * m.weights[i] * (m.y[i] - dev.resp.mu[i]);
    score.forEach((s, j) => expect(dev.pirls.u[j]).toBeCloseTo(s, 8));
  });
});

describe("Gauss–Hermite rules as lme4's GHrule", () => {
  it("GHrule(25) knots and weights, and GHrule(3)", () => {
    const r = ghRule(25);
    // lme4 1.1-31: GHrule(25)[1:2, ] and the middle row
    expect(r.z[0]).toBeCloseTo(-8.7175976783995885, 12);
    expect(r.w[0] / 1.530038997998701e-17).toBeCloseTo(1, 10);
    expect(r.z[1]).toBeCloseTo(-7.6560379553930744, 12);
    expect(r.w[1] / 7.1021030370039291e-14).toBeCloseTo(1, 10);
    expect(r.w[12]).toBeCloseTo(0.24816935117648514, 13);
    expect(r.ldnorm[0]).toBeCloseTo(-38.91719317442362325, 10);
    const r3 = ghRule(3);
    expect(Array.from(r3.z)).toEqual([-Math.sqrt(3), 0, Math.sqrt(3)].map((v) => expect.closeTo(v, 14)));
    expect(Array.from(r3.w)).toEqual([1 / 6, 2 / 3, 1 / 6].map((v) => expect.closeTo(v, 14)));
  });
});

describe("errors", () => {
  it("nAGQ > 1 needs a single scalar random-effects term, as lme4 says", () => {
    expect(() => fitGlmm(grouseticksMatrices(), { family: "poisson", nAGQ: 5 })).toThrow(
      "nAGQ > 1 is only available for models with a single, scalar random-effects term",
    );
    expect(() => fitGlmm(seedPoissonMatrices(), { family: "poisson", nAGQ: 2 })).toThrow(GlmmError);
  });
  it("gaussian with the identity link belongs to lmer", () => {
    expect(() => fitGlmm(cbppMatrices(), { family: "gaussian" })).toThrow(/fit it with lmer\(\)/);
  });
  it("nAGQ out of range, and a response outside the family's support", () => {
    expect(() => fitGlmm(cbppMatrices(), { family: "binomial", nAGQ: 101 })).toThrow(/nAGQ must be a whole number from 0 to 100/);
    expect(() => fitGlmm(cbppMatrices(), { family: "poisson" })).toThrow(/whole-number counts/);
    const m = seedPoissonMatrices();
    m.y[3] = -2;
    expect(() => fitGlmm(m, { family: "poisson" })).toThrow(/negative values not allowed for the 'Poisson' family: row 4/);
  });
});
