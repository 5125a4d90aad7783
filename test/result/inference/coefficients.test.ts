/**
 * coefficients(m, { ddf }) against lmerTest 3.1 (Satterthwaite) and pbkrtest 0.5 via lmerTest
 * (Kenward–Roger): every *_coef_*.json case of test/fixtures/beyond/reference, within issue 10's
 * tolerances; and the engine's F tests (contrastF) against the rows of lmerTest's Type III tables
 * whose contrasts do not depend on the coding (the highest-order interaction, a covariate).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coefficients } from "../../../src/result/inference/coefficients.js";
import { contrastF, contrastT, vcovBeta } from "../../../src/result/inference/contrast.js";
import { parseDdf } from "../../../src/result/inference/ddf.js";
import { BEYOND, expectCoefRow, expectP, expectRel, fitCase, readJSON, type CoefRef } from "./helpers.js";

interface CoefCase {
  id: string;
  data: string;
  formula: string;
  REML: boolean;
  ddf: string;
  coefficients: CoefRef[];
}

const cases = readdirSync(join(BEYOND, "reference")).filter((f) => /_coef_/.test(f)).sort();

describe.each(cases)("coefficients vs lmerTest: %s", (file) => {
  it("agrees row by row", () => {
    const ref = readJSON<CoefCase>(join(BEYOND, "reference", file));
    const m = fitCase(join(BEYOND, "data", ref.data), ref.formula, ref.REML);
    const rows = coefficients(m, { ddf: ref.ddf });
    expect(rows.map((r) => r.term)).toEqual(ref.coefficients.map((r) => r.term));
    rows.forEach((r, i) => expectCoefRow(r, ref.coefficients[i], ref.id));
  });
});

it("has reference cases for both methods", () => {
  const methods = new Set(cases.map((f) => readJSON<CoefCase>(join(BEYOND, "reference", f)).ddf));
  expect([...methods].sort()).toEqual(["Kenward-Roger", "Satterthwaite"]);
});

interface AnovaCase {
  data: string;
  formula: string;
  ddf: string;
  rows: { term: string; sumsq: number; meansq: number; numdf: number; dendf: number; F: number; p: number }[];
}

describe("contrastF vs lmerTest's anova rows whose contrast is coding-free", () => {
  const checks: [string, string, string[]][] = [
    ["cake_aov_t3_satt.json", "recipe:temp", ["recipeB:temp", "recipeC:temp"]],
    ["cake_aov_t3_kr.json", "recipe:temp", ["recipeB:temp", "recipeC:temp"]],
    ["unbal_aov_t3_satt.json", "a:b", ["alo:btrt", "amid:btrt"]],
    ["unbal_aov_t3_kr.json", "a:b", ["alo:btrt", "amid:btrt"]],
    ["unbal_aov_t3_satt.json", "x", ["x"]],
    ["unbal_aov_t3_kr.json", "x", ["x"]],
  ];
  it.each(checks)("%s row %s", (file, term, cols) => {
    const ref = readJSON<AnovaCase>(join(BEYOND, "reference", file));
    const want = ref.rows.find((r) => r.term === term)!;
    const m = fitCase(join(BEYOND, "data", ref.data), ref.formula);
    const names = m.matrices.xNames;
    const L = cols.map((c) => names.map((n) => (n === c ? 1 : 0)));
    const got = contrastF(m, L, parseDdf(ref.ddf));
    expect(got.numdf).toBe(want.numdf);
    expectRel(got.dendf, want.dendf, 5e-3, `${file} ${term} dendf`);
    expectRel(got.F, want.F, 5e-3, `${file} ${term} F`);
    expectP(got.p, want.p, `${file} ${term}`);
    // lmerTest's Mean Sq = unscaled F × σ² (for KR the F before pbkrtest's scaling)
    expectRel(got.unscaledF * m.sigma ** 2, want.meansq, 1e-5, `${file} ${term} meansq`);
  });
});

describe("engine details", () => {
  const m = fitCase(join(BEYOND, "data", "unbalanced.csv"), "y ~ a * b + x + (1 | g)");
  it("a one-row contrastF is the square of contrastT", () => {
    const l = [0, 1, -1, 0, 0, 0, 0];
    for (const ddf of ["Satterthwaite", "Kenward-Roger", "Wald"] as const) {
      const t = contrastT(m, l, ddf);
      const F = contrastF(m, [l], ddf);
      expectRel(F.F, t.statistic ** 2, 1e-10, `${ddf} F = t²`);
      if (ddf === "Wald") expect(F.dendf).toBe(Infinity);
      else expectRel(F.dendf, t.df, 1e-10, `${ddf} df`);
      expectRel(F.p, t.p, 1e-8, `${ddf} p`);
    }
  });
  it("Wald: df = Infinity and normal p-values", () => {
    const t = contrastT(m, [0, 0, 0, 0, 1, 0, 0], "Wald");
    expect(t.df).toBe(Infinity);
    expectRel(t.stderr, Math.sqrt(m.fit.vcov[4 + 4 * 7]), 1e-12, "se");
    // R 4.2: 2 * pnorm(-5.17050463316958) = 2.33462684926674e-07 (z = lmerTest's t value for x)
    expectRel(t.statistic, 5.17050463316958, 1e-6, "z");
    expectRel(t.p, 2.33462684926674e-7, 1e-5, "p");
  });
  it("vcovBeta: lme4's vcov, or Φ_A whose diagonal gives the KR standard errors", () => {
    expect(Array.from(vcovBeta(m, "Satterthwaite"))).toEqual(Array.from(m.fit.vcov));
    const PhiA = vcovBeta(m, "Kenward-Roger");
    const kr = coefficients(m, { ddf: "KR" });
    kr.forEach((r, j) => expectRel(r.stderr, Math.sqrt(PhiA[j + j * 7]), 1e-12, r.term));
    // Φ_A ⪰ Φ on the diagonal (Kenward & Roger 1997: the adjustment inflates)
    for (let j = 0; j < 7; j++) expect(PhiA[j + j * 7]).toBeGreaterThanOrEqual(m.fit.vcov[j + j * 7]);
  });
  it("rank-deficient contrasts: Satterthwaite tests the rank, KR reduces L to full rank", () => {
    const L = [[0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 1]];
    const full = [[0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1]];
    for (const ddf of ["Satterthwaite", "Kenward-Roger"] as const) {
      const a = contrastF(m, L, ddf);
      const b = contrastF(m, full, ddf);
      expect(a.numdf).toBe(2);
      expectRel(a.F, b.F, 1e-8, `${ddf} F`);
      expectRel(a.dendf, b.dendf, 1e-6, `${ddf} df`);
    }
  });
  it("bad input: a clear error naming the problem", () => {
    expect(() => contrastT(m, [1, 0], "Satterthwaite")).toThrow(/2 entries; the model has 7/);
    expect(() => contrastT(m, [NaN, 0, 0, 0, 0, 0, 0], "Satterthwaite")).toThrow(/entry 1 is not a finite number/);
    expect(() => contrastF(m, [], "Satterthwaite")).toThrow(/no rows/);
    expect(() => parseDdf("bogus")).toThrow(/unknown ddf method 'bogus'/);
    const ml = fitCase(join(BEYOND, "data", "unbalanced.csv"), "y ~ a * b + x + (1 | g)", false);
    expect(() => contrastT(ml, [0, 1, 0, 0, 0, 0, 0], "Kenward-Roger")).toThrow(/only available for REML/);
  });
  it("parseDdf accepts lmerTest's names and the CLI's aliases", () => {
    expect(parseDdf("satterthwaite")).toBe("Satterthwaite");
    expect(parseDdf("Kenward-Roger")).toBe("Kenward-Roger");
    expect(parseDdf("kenward-roger")).toBe("Kenward-Roger");
    expect(parseDdf("KR")).toBe("Kenward-Roger");
    expect(parseDdf("wald")).toBe("Wald");
  });
});
