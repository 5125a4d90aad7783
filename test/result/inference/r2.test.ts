/**
 * Nakagawa's R² and the ICC against performance 0.10: every *_r2.json case of the beyond-lme4
 * set (within 1e-4, issue 10) and performance::icc for the same models (icc.json, make.R).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { glmer } from "../../../src/glmer.js";
import { readCsv } from "../../../src/model/csv.js";
import { icc, r2, varianceComponents } from "../../../src/result/inference/r2.js";
import { BEYOND, INFERENCE, ROOT, fitCase, readJSON } from "./helpers.js";

interface R2Case {
  id: string;
  data: string;
  formula: string;
  r2_marginal: number;
  r2_conditional: number;
}

const cases = readdirSync(join(BEYOND, "reference")).filter((f) => /_r2\.json$/.test(f)).sort();
const iccs = readJSON<{ id: string; formula: string; icc_adjusted: number; icc_unadjusted: number }[]>(join(INFERENCE, "icc.json"));

describe.each(cases)("r2 vs performance::r2_nakagawa: %s", (file) => {
  const ref = readJSON<R2Case>(join(BEYOND, "reference", file));
  const m = fitCase(join(BEYOND, "data", ref.data), ref.formula);
  it("marginal and conditional within 1e-4", () => {
    const r = r2(m);
    expect(Math.abs(r.marginal - ref.r2_marginal)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(r.conditional - ref.r2_conditional)).toBeLessThanOrEqual(1e-4);
  });
  it("icc as performance::icc", () => {
    const want = iccs.find((c) => c.formula === ref.formula)!;
    expect(want).toBeDefined();
    const got = icc(m);
    expect(Math.abs(got.adjusted - want.icc_adjusted)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(got.unadjusted - want.icc_unadjusted)).toBeLessThanOrEqual(1e-4);
    // the identity between them: unadjusted ICC = R²_c − R²_m
    const r = r2(m);
    expect(got.unadjusted).toBeCloseTo(r.conditional - r.marginal, 12);
  });
});

describe("r2 edge cases", () => {
  it("only the first term of a grouping factor counts, as performance (VarCorr[names(ranef)])", () => {
    const m = fitCase(join(BEYOND, "data", "sleepstudy.csv"), "Reaction ~ Days + (Days || Subject)");
    const v = varianceComponents(m);
    // σ²_r is the (Intercept) variance alone (the Days term is named "Subject.1")
    const intercept = m.varCorrBlocks[0].cov[0][0];
    expect(v.random).toBeCloseTo(intercept, 10);
  });
  it("a singular fit has no random variance: conditional R² and ICC NaN (performance: NA, marginal 0)", () => {
    const m = fitCase(join(ROOT, "data", "Dyestuff2.csv"), "Yield ~ 1 + (1 | Batch)");
    expect(m.singular).toBe(true);
    const r = r2(m);
    expect(Number.isNaN(r.conditional)).toBe(true);
    expect(r.marginal).toBe(0); // an intercept-only model explains nothing by its fixed part
    expect(Number.isNaN(icc(m).adjusted)).toBe(true);
  });
  it("GLMMs: a clear error", () => {
    const g = glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", readCsv(join(ROOT, "data", "cbpp.csv")), { family: "binomial" });
    expect(() => r2(g)).toThrow(/linear mixed models only/);
  });
});
