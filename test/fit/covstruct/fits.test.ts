/**
 * lme4 2.0's covariance structures fitted against glmmTMB 1.1.5's fits of the same models
 * (test/fixtures/beyond/reference/*.json, kind "covstruct"; the README there says how they were
 * made), at issue 13's tolerances: −2 log L within 1e-3, fixed effects within 1% of their SE, SEs
 * within 1%, standard deviations within 2%, correlations within 0.01. Then the identities
 * us(x | g) ≡ (x | g) and diag(x | g) ≡ (x || g), AR(1) recovering ρ from simulated data, GLMMs,
 * anova between structures, and the errors an ambiguous ar1 term gets.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { anova, glmer, lmer, readCsv } from "../../../src/index.js";
import { makeRng } from "../../../src/result/confint/rng.js";
import { ModelError } from "../../../src/model/errors.js";

const BEYOND = join(import.meta.dirname, "..", "..", "fixtures", "beyond");
const data = (f: string) => readCsv(join(BEYOND, "data", f));
const reference = (id: string) => JSON.parse(readFileSync(join(BEYOND, "reference", `${id}.json`), "utf8"));

describe.each(["sleep_diag_reml", "sleep_us_ml", "visits_ar1_ml", "visits_cs_reml"])("%s agrees with glmmTMB", (id) => {
  const ref = reference(id);
  const m = lmer(ref.formula, data(ref.data), { REML: ref.REML });
  it("log-likelihood (REML's for REML fits) within 1e-3, and df", () => {
    expect(Math.abs(m.logLik - ref.logLik)).toBeLessThan(1e-3);
    expect(m.toJSON().df).toBe(ref.df);
  });
  it("fixed effects within 1% of their SE; SEs within 1%", () => {
    for (const [name, b] of Object.entries(ref.fixef as Record<string, number>)) {
      const se = ref.stderr[name];
      expect(Math.abs(m.fixef[name]! - b)).toBeLessThan(0.01 * se);
      expect(Math.abs(m.stderr[name]! / se - 1)).toBeLessThan(0.01);
    }
  });
  it("σ and each SD within 2%, each correlation within 0.01, in as.data.frame(VarCorr)'s rows", () => {
    expect(Math.abs(m.sigma / ref.sigma - 1)).toBeLessThan(0.02);
    for (const cov of ref.covariance) {
      const rows = m.varCorr.filter((r) => r.group === cov.group);
      cov.names.forEach((name: string, i: number) => {
        const sd = rows.find((r) => r.var1 === name && r.var2 === null)!.sdcor;
        expect(Math.abs(sd / cov.sd[i] - 1)).toBeLessThan(0.02);
        for (let k = 0; k < i; k++) {
          const c = rows.find((r) => r.var1 === cov.names[k] && r.var2 === name)!.sdcor;
          expect(Math.abs(c - cov.corr[i][k])).toBeLessThan(0.01);
        }
      });
    }
  });
});

describe("structures that are the familiar terms", () => {
  const sleep = data("sleepstudy.csv");
  it("us(Days | Subject) is exactly (Days | Subject): same θ, same criterion, same evaluations", () => {
    for (const REML of [true, false]) {
      const a = lmer("Reaction ~ Days + (Days | Subject)", sleep, { REML });
      const b = lmer("Reaction ~ Days + us(Days | Subject)", sleep, { REML });
      expect(b.theta).toEqual(a.theta);
      expect(b.fit.objective).toBe(a.fit.objective);
      expect(b.fit.evaluations).toBe(a.fit.evaluations);
      expect(b.thetaNames).toEqual(a.thetaNames);
    }
  });
  it("diag(Days | Subject) is (Days || Subject): the same θ and criterion", () => {
    const a = lmer("Reaction ~ Days + (Days || Subject)", sleep);
    const b = lmer("Reaction ~ Days + diag(Days | Subject)", sleep);
    expect(b.thetaNames).toEqual(a.thetaNames);
    b.theta.forEach((t, k) => expect(t).toBeCloseTo(a.theta[k]!, 6));
    expect(b.fit.objective).toBeCloseTo(a.fit.objective, 8);
    Object.entries(a.fixef).forEach(([k, v]) => expect(b.fixef[k]).toBeCloseTo(v, 6));
  });
  it("a 2 × 2 cs term is an unstructured one (same maximum), as lme4 2.0's vignette says", () => {
    const a = lmer("Reaction ~ Days + (Days | Subject)", sleep, { REML: false });
    const b = lmer("Reaction ~ Days + cs(Days | Subject)", sleep, { REML: false });
    expect(b.logLik).toBeCloseTo(a.logLik, 4);
    expect(b.thetaNames).toEqual(["Subject.(Intercept)", "Subject.Days", "Subject.rho"]);
  });
});

/** y = β + b_visit + ε, b ~ AR(1) with sd s and correlation ρ across `visits` visits, `reps`
 *  measurements per visit. */
function simulateAr1(seed: number, subjects: number, visits: number, rho: number, s: number, sigma: number, reps = 1) {
  const rng = makeRng(seed);
  const y: number[] = [], visit: string[] = [], subject: string[] = [];
  for (let i = 0; i < subjects; i++) {
    let b = s * rng.normal();
    for (let t = 0; t < visits; t++) {
      if (t > 0) b = rho * b + s * Math.sqrt(1 - rho * rho) * rng.normal();
      for (let r = 0; r < reps; r++) {
        y.push(10 + 0.5 * t + b + sigma * rng.normal());
        visit.push(`v${t + 1}`);
        subject.push(`s${String(i + 1).padStart(4, "0")}`);
      }
    }
  }
  return { y, visit, subject };
}

describe("AR(1) recovers ρ from simulated repeated measures", () => {
  it.each([1, 2, 3, 4])("seed %i: 150 subjects × 6 visits × 2 measurements, ρ = 0.6, sd 1.5, σ 0.5", (seed) => {
    const d = simulateAr1(seed, 150, 6, 0.6, 1.5, 0.5, 2);
    const m = lmer("y ~ visit + ar1(0 + visit | subject)", d, { REML: false });
    const rho = m.theta[1]!;
    expect(m.thetaNames).toEqual(["subject.*", "subject.rho"]);
    expect(Math.abs(rho - 0.6)).toBeLessThan(0.1);
    expect(Math.abs(m.varCorr[0]!.sdcor / 1.5 - 1)).toBeLessThan(0.15);
    expect(Math.abs(m.sigma / 0.5 - 1)).toBeLessThan(0.1);
  });
  it("one measurement per visit (n = q, allowed for a structured term as in lme4 2.0): ρ still recovered", () => {
    const d = simulateAr1(9, 300, 6, 0.6, 1.5, 0.5);
    const m = lmer("y ~ visit + ar1(0 + visit | subject)", d, { REML: false });
    expect(Math.abs(m.theta[1]! - 0.6)).toBeLessThan(0.1);
  });
});

describe("GLMMs, several terms, crossed factors", () => {
  it("a Poisson us(…) term is exactly the (…) term", () => {
    const d = simulateAr1(7, 60, 4, 0.5, 0.4, 0.2);
    const counts = { ...d, y: d.y.map((v) => Math.round(Math.exp(v / 10))) };
    const a = glmer("y ~ visit + (1 | subject)", counts, { family: "poisson" });
    const b = glmer("y ~ visit + us(1 | subject)", counts, { family: "poisson" });
    expect(b.theta).toEqual(a.theta);
    expect(b.fit.objective).toBe(a.fit.objective);
  });
  it("a Poisson ar1 term next to a crossed intercept recovers ρ", () => {
    const rng = makeRng(11);
    const y: number[] = [], visit: string[] = [], subject: string[] = [], site: string[] = [];
    const siteEffect = Array.from({ length: 8 }, () => 0.3 * rng.normal());
    for (let i = 0; i < 300; i++) {
      let b = 0.6 * rng.normal();
      for (let t = 0; t < 5; t++) {
        if (t > 0) b = 0.7 * b + 0.6 * Math.sqrt(1 - 0.49) * rng.normal();
        const k = (i + t) % 8; // site crossed with subject
        y.push(rng.poisson(Math.exp(1 + 0.1 * t + b + siteEffect[k]!)));
        visit.push(`v${t + 1}`);
        subject.push(`s${i}`);
        site.push(`k${k}`);
      }
    }
    const m = glmer("y ~ visit + ar1(0 + visit | subject) + (1 | site)", { y, visit, subject, site }, { family: "poisson" });
    expect(m.thetaNames).toEqual(["subject.*", "subject.rho", "site.(Intercept)"]);
    expect(Math.abs(m.theta[1]! - 0.7)).toBeLessThan(0.15);
    expect(Math.abs(m.theta[0]! - 0.6)).toBeLessThan(0.15);
    expect(m.fit.converged).toBe(true);
  });
  it("cs and diag terms together in an LMM, REML", () => {
    const d = simulateAr1(5, 80, 4, 0.3, 1, 0.5);
    const grp = d.subject.map((s) => `c${Number(s.slice(1)) % 10}`);
    const m = lmer("y ~ visit + cs(0 + visit | subject) + diag(1 | grp)", { ...d, grp });
    expect(m.thetaNames).toEqual(["subject.visitv1", "subject.visitv2", "subject.visitv3", "subject.visitv4", "subject.rho", "grp.(Intercept)"]);
    expect(m.fit.converged).toBe(true);
    const rho = m.theta[4]!;
    expect(rho).toBeGreaterThanOrEqual(-1 / 3);
    expect(rho).toBeLessThanOrEqual(1);
  });
});

describe("anova between structures, nested by their number of parameters", () => {
  it("ar1 (2 θ) against cs (5 θ) and us (10 θ) on the visits data", () => {
    const d = data("visits.csv");
    const ar1 = lmer("y ~ vf * arm + ar1(0 + vf | id)", d, { REML: false });
    const cs = lmer("y ~ vf * arm + cs(0 + vf | id)", d, { REML: false });
    const us = lmer("y ~ vf * arm + (0 + vf | id)", d, { REML: false });
    const a = anova({ ar1, cs, us });
    expect(a.rows.map((r) => r.npar)).toEqual([11, 14, 19]);
    expect(a.rows[1]!.Df).toBe(3);
    expect(a.rows[2]!.Df).toBe(5);
    expect(a.rows[2]!.logLik).toBeGreaterThanOrEqual(a.rows[0]!.logLik - 1e-6);
  });
});

describe("ar1 needs its columns in time order", () => {
  const d = data("visits.csv");
  it.each([
    ["y ~ vf + ar1(vf | id)", "intercept"],
    ["y ~ vf + ar1(0 + visit | id)", "not a factor"],
    ["y ~ vf + ar1(0 + vf + arm | id)", "several variables"],
  ])("%s is refused (%s)", (formula, why) => {
    expect(() => lmer(formula, d)).toThrow(ModelError);
    expect(() => lmer(formula, d)).toThrow(why);
  });
});
