import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { glmer } from "../../src/glmer.js";
import { lmer } from "../../src/lmer.js";
import { readCsv } from "../../src/model/csv.js";
import { confint, formatConfint, percentLabels, type IntervalRow } from "../../src/result/confint/index.js";
import { cbppFit, dyestuffFit, sleepstudyFit } from "./fits.js";
import { fixtures, readJson } from "./matrices.js";

interface RefRow {
  parm: string;
  lower: number;
  upper: number;
}

/** Each limit within `fraction` of the reference interval's width. */
function expectIntervals(rows: IntervalRow[], ref: RefRow[], fraction: number): void {
  expect(rows.map((r) => r.parm)).toEqual(ref.map((r) => r.parm));
  rows.forEach((r, i) => {
    const width = ref[i].upper - ref[i].lower;
    expect(Math.abs(r.lower! - ref[i].lower), `${r.parm} lower`).toBeLessThan(fraction * width);
    expect(Math.abs(r.upper! - ref[i].upper), `${r.parm} upper`).toBeLessThan(fraction * width);
  });
}

const cases = [
  { name: "sleepstudy", fit: () => sleepstudyFit(), ref: readJson("reference-postfit/confint_sleepstudy.json") },
  { name: "Dyestuff", fit: dyestuffFit, ref: readJson("reference-postfit/confint_dyestuff.json") },
  { name: "cbpp", fit: cbppFit, ref: readJson("reference-postfit/confint_cbpp.json") },
];

describe.each(cases)("confint for $name", ({ fit, ref }) => {
  test("Wald intervals of the fixed effects match lme4's", () => {
    const r = confint(fit(), { method: "Wald", parm: "beta_" });
    expectIntervals(r.rows, ref.Wald, 2e-3);
  });

  test("profile intervals match lme4's within 1% of the width", () => {
    const r = confint(fit(), { method: "profile" });
    expectIntervals(r.rows, ref.profile, 0.01);
    expect(r.profile).toBeDefined();
    expect(r.profile!.parameters.map((p) => p.name)).toEqual(ref.profile.map((p: RefRow) => p.parm));
  });
});

test("Wald gives NA rows for the variance parameters, as lme4", () => {
  const r = confint(sleepstudyFit(), { method: "Wald" });
  expect(r.rows.slice(0, 4).map((x) => [x.parm, x.lower, x.upper])).toEqual([
    [".sig01", null, null],
    [".sig02", null, null],
    [".sig03", null, null],
    [".sigma", null, null],
  ]);
  const text = formatConfint(r);
  const lines = text.split("\n");
  expect(lines[0]).toMatch(/^ {12}\s+2\.5 %\s+97\.5 %$/);
  // NA right-aligned under each column, row names left-aligned to the longest ("(Intercept)").
  expect(lines[1]).toMatch(/^\.sig01 {5}\s+NA\s+NA$/);
  expect(lines.every((l) => l === "" || l.length === lines[0].length)).toBe(true);
});

test("the profile is ζ = 0 at the estimate and monotone", () => {
  const prof = confint(dyestuffFit(), { method: "profile" }).profile!;
  for (const p of prof.parameters) {
    const at = p.rows.find((r) => r.pars[p.index] === p.estimate);
    expect(at?.zeta).toBe(0);
    const zs = p.rows.map((r) => r.zeta);
    zs.slice(1).forEach((z, i) => expect(z).toBeGreaterThan(zs[i]));
  }
});

test("parm = \"theta_\" profiles only the variance parameters", () => {
  const r = confint(dyestuffFit(), { method: "profile", parm: "theta_" });
  expect(r.rows.map((x) => x.parm)).toEqual([".sig01", ".sigma"]);
  expect(r.profile!.parameters.length).toBe(2);
});

test("percent labels as R's format.perc", () => {
  expect(percentLabels(0.95)).toEqual(["2.5 %", "97.5 %"]);
  expect(percentLabels(0.9)).toEqual(["5 %", "95 %"]);
});

describe("parametric bootstrap", () => {
  test("is reproducible for a seed and brackets the estimates", () => {
    const a = confint(dyestuffFit(), { method: "boot", nsim: 20, seed: 20261125 });
    const b = confint(dyestuffFit(), { method: "boot", nsim: 20, seed: 20261125 });
    expect(a.rows).toEqual(b.rows);
    expect(a.boot!.replicates.map((r) => Array.from(r!))).toEqual(b.boot!.replicates.map((r) => Array.from(r!)));
    expect(a.rows.map((r) => r.parm)).toEqual([".sig01", ".sigma", "(Intercept)"]);
    const fixef = dyestuffFit().fit.beta[0];
    expect(a.rows[2].lower!).toBeLessThan(fixef);
    expect(a.rows[2].upper!).toBeGreaterThan(fixef);
  });

  test("binomial GLMM: refits by fitGlmm, reproducible for a seed", () => {
    const a = confint(cbppFit(), { method: "boot", nsim: 4, seed: 11 });
    const b = confint(cbppFit(), { method: "boot", nsim: 4, seed: 11 });
    expect(a.rows).toEqual(b.rows);
    expect(a.rows.map((r) => r.parm)).toEqual([".sig01", "(Intercept)", "factor(period)2", "factor(period)3", "factor(period)4"]);
    expect(a.boot!.failures).toEqual([]);
  });

  test("a different seed gives different replicates", () => {
    const a = confint(dyestuffFit(), { method: "boot", nsim: 5, seed: 1 });
    const b = confint(dyestuffFit(), { method: "boot", nsim: 5, seed: 2 });
    expect(a.boot!.replicates[0]).not.toEqual(b.boot!.replicates[0]);
  });
});

describe("profile intervals in harder cases (lme4 1.1.31, test/postfit/fixtures/confint_extra_lme4.R)", () => {
  const extra = JSON.parse(readFileSync(new URL("./fixtures/confint_extra_lme4.json", import.meta.url), "utf8"));
  test.each(extra.cases as { data: string; formula: string; profile: RefRow[] }[])("$formula on $data", (c) => {
    const m = lmer(c.formula, readCsv(`${fixtures}data/${c.data}`));
    expectIntervals(confint(m, { method: "profile" }).rows, c.profile, 0.01);
  });
});

test("a GLMM fitted by adaptive Gauss–Hermite is profiled on its AGQ deviance (lme4, nAGQ = 25)", () => {
  const ref = JSON.parse(readFileSync(new URL("./fixtures/confint_cbpp_agq_lme4.json", import.meta.url), "utf8"));
  const g = glmer(ref.formula, readCsv(`${fixtures}data/${ref.data}`), { family: "binomial", nAGQ: ref.nAGQ });
  const which = [".sig01", "(Intercept)"];
  const r = confint(g, { method: "profile", parm: which });
  expectIntervals(r.rows, ref.profile.filter((x: RefRow) => which.includes(x.parm)), 0.01);
});
