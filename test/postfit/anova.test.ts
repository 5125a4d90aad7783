import { describe, expect, test } from "vitest";
import { lmer } from "../../src/lmer.js";
import { readCsv } from "../../src/model/csv.js";
import { anova, AnovaError, formatAnova, REFIT_MESSAGE } from "../../src/result/anova.js";
import { sleepstudyFit } from "./fits.js";
import { fixtures, readJson } from "./matrices.js";

const ref = readJson("reference-postfit/anova_sleepstudy.json");
const fm1 = () => sleepstudyFit("Reaction ~ Days + (Days | Subject)");
const fm2 = () => sleepstudyFit("Reaction ~ Days + (Days || Subject)");
const fm0 = () => sleepstudyFit("Reaction ~ 1 + (Days | Subject)");

describe("anova of the sleepstudy models (lme4's anova(fm2, fm1, fm0))", () => {
  const result = anova({ fm2: fm2(), fm1: fm1(), fm0: fm0() });

  test("refits the REML fits by ML and says so", () => {
    expect(result.refitted).toBe(true);
    expect(result.messages).toEqual([REFIT_MESSAGE]);
    expect(result.fits.every((f) => !f.REML)).toBe(true);
  });

  test("orders rows by npar, stably, and matches lme4's numbers", () => {
    expect(result.rows.map((r) => r.model)).toEqual(ref.rows.map((r: { model: string }) => r.model));
    result.rows.forEach((row, i) => {
      const e = ref.rows[i];
      expect(row.npar).toBe(e.npar);
      for (const k of ["AIC", "BIC", "logLik", "deviance"] as const) expect(row[k]).toBeCloseTo(e[k], 4);
      if (e.Chisq === null) expect(row.Chisq).toBeNull();
      else expect(row.Chisq!).toBeCloseTo(e.Chisq, 4);
      expect(row.Df).toBe(e.Df);
      if (e.p === null) expect(row.p).toBeNull();
      else expect(row.p! / e.p).toBeCloseTo(1, 4);
    });
  });

  test("prints like R's print.anova", () => {
    const text = formatAnova(result);
    expect(text).toContain("fm2: Reaction ~ Days + ((1 | Subject) + (0 + Days | Subject))");
    expect(text).toContain("    npar    AIC    BIC  logLik deviance  Chisq Df Pr(>Chisq)    ");
    expect(text).toContain("fm1    6 1763.9 1783.1 -875.97   1751.9 23.537  1  1.226e-06 ***");
    expect(text).toContain("Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1");
  });
});

test("(Days || Subject) against (Days | Subject): χ² = 0.0639 on 1 Df", () => {
  const r = anova({ fm2: fm2(), fm1: fm1() });
  expect(r.rows[1].Chisq!).toBeCloseTo(0.0639, 4);
  expect(r.rows[1].Df).toBe(1);
  expect(r.rows[1].p!).toBeCloseTo(0.8004, 4);
  expect(formatAnova(r)).toContain("fm1    6 1763.9 1783.1 -875.97   1751.9 0.0639  1     0.8004");
});

test("models fitted to different rows are refused", () => {
  const table = readCsv(`${fixtures}data/sleepstudy.csv`);
  const rows = Array.from({ length: 170 }, (_, i) => ({
    Reaction: (table.columns.get("Reaction") as { values: Float64Array }).values[i],
    Days: (table.columns.get("Days") as { values: Float64Array }).values[i],
    Subject: String((table.columns.get("Subject") as { values: Float64Array }).values[i]),
  }));
  const small = lmer("Reaction ~ Days + (Days | Subject)", rows);
  expect(() => anova({ fm2: fm2(), small })).toThrow(AnovaError);
  expect(() => anova({ fm2: fm2(), small })).toThrow(/same size of dataset/);
});

test("one model in a record is not a comparison; one model alone gets its F-test table (lmerTest)", () => {
  expect(() => anova({ fm1: fm1() })).toThrow(AnovaError);
  expect(anova(fm1()).heading).toBe("Type III Analysis of Variance Table with Satterthwaite's method");
});
