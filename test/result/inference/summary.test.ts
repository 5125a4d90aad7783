/**
 * m.summary({ ddf }) against lmerTest's printed summary (test/fixtures/inference/summary_*.txt,
 * make.R): title "… t-tests use Satterthwaite's method [lmerModLmerTest]", the df and Pr(>|t|)
 * columns formatted with Estimate and Std. Error as printCoefmat does, stars and the legend. Our
 * fit and lme4's agree to ~1e-8, so a printed number may differ in its last digit or by 1e-7
 * relative (cake's KR df: 254.015759 here, 254.015763 in R).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { glmer } from "../../../src/glmer.js";
import { readCsv } from "../../../src/model/csv.js";
import { sameUpToLastDigit } from "../reference-model.js";
import { BEYOND, INFERENCE, ROOT, fitCase } from "./helpers.js";

function expectSameLines(got: string, wantFile: string): void {
  const g = got.trimEnd().split("\n");
  const w = readFileSync(join(INFERENCE, wantFile), "utf8").trimEnd().split("\n");
  expect(g.length).toBe(w.length);
  g.forEach((line, i) => expect(sameUpToLastDigit(line, w[i], 1e-7), `line ${i + 1}:\n${line}\n${w[i]}`).toBe(true));
}

describe("lmerTest's summary layout", () => {
  it("Satterthwaite, sleepstudy", () => {
    const m = fitCase(join(ROOT, "data", "sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)", true, "sleepstudy");
    expectSameLines(m.summary({ ddf: "Satterthwaite" }), "summary_sleepstudy_satt.txt");
  });
  it("Kenward-Roger, cake", () => {
    const m = fitCase(join(BEYOND, "data", "cake.csv"), "angle ~ recipe * temp + (1 | recipe:replicate)", true, "cake");
    expectSameLines(m.summary({ ddf: "kenward-roger" }), "summary_cake_kr.txt");
  });
  it("no ddf: lme4's own summary, unchanged", () => {
    const m = fitCase(join(ROOT, "data", "sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)", true, "sleepstudy");
    expect(m.summary()).toBe(m.summary({}));
    expect(m.summary()).toMatch(/\['lmerMod'\]/);
    expect(m.summary()).not.toMatch(/Pr\(/);
  });
  it("Wald on an LMM: z value and Pr(>|z|) as lme4 prints for a GLMM", () => {
    const m = fitCase(join(ROOT, "data", "sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)");
    const s = m.summary({ ddf: "Wald" });
    expect(s).toMatch(/Estimate Std\. Error z value Pr\(>\|z\|\)/);
  });
  it("GLMMs: only Wald, which is their summary", () => {
    const g = glmer("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", readCsv(join(ROOT, "data", "cbpp.csv")), { family: "binomial" });
    expect(g.summary({ ddf: "Wald" })).toBe(g.summary());
    expect(() => g.summary({ ddf: "Satterthwaite" })).toThrow(/for linear mixed models/);
  });
});
