/**
 * Issue 12's bugs, fixed through the owners (test/fixtures/owners/make.R has R's answers): the
 * family owns its link math (working residuals of a cauchit fit threw "unknown link function"),
 * the fit owns "does this model have a scale?" (.sigma rows in Wald and bootstrap intervals of
 * Gamma(log) and gaussian(log) fits), and src/rformat.ts owns R number formatting (a term label
 * with a tiny constant failed with "internal error… toFixed()").
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { confint, glmer, lmer, readCsv } from "../../src/index.js";
import { formatRNumber } from "../../src/rformat.js";
import { FIXTURES } from "./reference-model.js";

const ref = JSON.parse(readFileSync(join(FIXTURES, "owners", "owners.json"), "utf8"));
const data = (name: string) => readCsv(join(FIXTURES, "data", `${name}.csv`));

describe("the family owns its math", () => {
  it("residuals of a cauchit glmer fit, every type, as lme4's", () => {
    const m = glmer(ref.cauchit.formula, data("cbpp"), { family: "binomial", link: "cauchit" });
    for (const type of ["working", "pearson", "deviance"] as const) {
      const got = m.residuals(type);
      (ref.cauchit[`${type}_head`] as number[]).forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
    }
  });
});

describe("the fit says once whether the model has a scale", () => {
  const sleep = data("sleepstudy");
  it("Gamma(log): Wald and bootstrap intervals both have lme4's .sigma row", () => {
    const m = glmer("Reaction ~ Days + (1 | Subject)", sleep, { family: "Gamma", link: "log" });
    expect(m.fit.hasScale).toBe(true);
    expect(m.fit.isLmm).toBe(false);
    expect(confint(m, { method: "Wald" }).rows.map((r) => r.parm)).toEqual(ref.gamma_log.wald);
    expect(confint(m, { method: "boot", nsim: 2, seed: 1 }).rows.map((r) => r.parm)).toEqual(ref.gamma_log.boot);
  });
  it("gaussian(log): Wald keeps .sigma", () => {
    const m = glmer("Reaction ~ Days + (1 | Subject)", sleep, { family: "gaussian", link: "log" });
    expect(m.fit.hasScale).toBe(true);
    expect(confint(m, { method: "Wald" }).rows.map((r) => r.parm)).toEqual(ref.gaussian_log.wald);
  });
  it("Poisson and the negative binomial have none; an LMM has one", () => {
    const lmm = lmer("Reaction ~ Days + (1 | Subject)", sleep);
    expect([lmm.fit.isLmm, lmm.fit.hasScale]).toEqual([true, true]);
    const g = glmer("TICKS ~ YEAR + (1 | BROOD)", data("grouseticks"), { family: "negative.binomial(2)" });
    expect([g.fit.isLmm, g.fit.hasScale, g.useScale]).toEqual([false, false, false]);
    expect(confint(g, { method: "Wald" }).rows.map((r) => r.parm)).toEqual([".sig01", "(Intercept)", "YEAR"]);
  });
});

describe("one owner for R number formatting", () => {
  it("formats any exponent as R's as.character does", () => {
    expect(formatRNumber(1e-120)).toBe("1e-120");
    expect(formatRNumber(-2.5e-300)).toBe("-2.5e-300");
    expect(formatRNumber(1e5)).toBe("1e+05");
    expect(formatRNumber(0.001)).toBe("0.001");
    expect(formatRNumber(123456.7)).toBe("123456.7");
  });
  it("y ~ I(x * 1e-120) + (1 | g) fits, with lme4's column name and estimates", () => {
    const m = lmer(ref.tiny_constant.formula, data("sleepstudy"));
    expect(Object.keys(m.fixef)).toEqual(Object.keys(ref.tiny_constant.fixef));
    for (const [k, v] of Object.entries(ref.tiny_constant.fixef as Record<string, number>)) expect(m.fixef[k] / v).toBeCloseTo(1, 6);
    expect(m.objective).toBeCloseTo(ref.tiny_constant.REMLcrit, 6);
  });
});

describe("the fit's optimizer record (lme4's optinfo)", () => {
  const odd = readCsv(join(FIXTURES, ref.optimizer.data));
  it("names each stage that ran, and the summary prints lme4's name for the last one", () => {
    const m0 = glmer(ref.optimizer.formula, odd, { family: "poisson", nAGQ: 0 });
    expect(m0.fit.optsum.map((s) => [s.stage, s.optimizer])).toEqual([["theta (nAGQ = 0)", "bobyqa"]]);
    expect(m0.summary().split("\n")).toContain(ref.optimizer.nagq0);
    const m1 = glmer(ref.optimizer.formula, odd, { family: "poisson" });
    expect(m1.fit.optsum.map((s) => s.stage)).toEqual(["theta (nAGQ = 0)", "theta, beta"]);
    expect(m1.fit.optsum.reduce((a, s) => a + s.evaluations, 0)).toBe(m1.evaluations);
    expect(m1.fit.optsum.at(-1)!.objective).toBe(m1.objective);
    expect(m1.summary().split("\n")).toContain(ref.optimizer.nagq1);
    const lmm = lmer("Reaction ~ Days + (Days | Subject)", data("sleepstudy"));
    expect(lmm.fit.optsum).toMatchObject([{ stage: "theta", optimizer: "bobyqa", lme4Name: "nloptwrap", code: 0, evaluations: lmm.evaluations }]);
  });
});
