/**
 * augment()'s .hat and .cooksd (lme4's hatvalues and cooks.distance, src/result/inference/influence.ts)
 * against broom.mixed 0.2.9 on lme4 1.1-31 fits (test/fixtures/inference/make-augment.R): a random
 * slope, crossed random effects, prior weights, and a binomial GLMM.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { glmer, lmer, readCsv, type MixedModel } from "../../../src/index.js";
import { augment } from "../../../src/result/inference/tidy.js";
import { cooksDistance, hatValues } from "../../../src/result/inference/influence.js";
import { FIXTURES } from "../../result/reference-model.js";

interface Case { id: string; data: string; formula: string; weights?: string; family?: string; hat: number[]; cooksd: number[] }
const cases = JSON.parse(readFileSync(join(FIXTURES, "inference", "broom_augment.json"), "utf8")) as Case[];

function fit(c: Case): MixedModel {
  const data = readCsv(join(FIXTURES, "data", c.data));
  // R's formulas use period as a factor column and prop = incidence / size
  const formula = c.formula.replace(/~ period/, "~ factor(period)").replace(/^prop ~/, "I(incidence / size) ~");
  if (c.family) return glmer(formula, data, { family: c.family });
  return lmer(formula, data, c.weights ? { weights: c.weights } : {});
}

const maxRel = (got: ArrayLike<number>, want: number[]) =>
  Math.max(...want.map((w, i) => Math.abs(got[i] - w) / Math.max(Math.abs(w), 1e-12)));

describe("augment's .hat and .cooksd equal broom.mixed's (lme4's hatvalues, cooks.distance)", () => {
  it.each(cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const m = fit(c);
    const rows = augment(m);
    expect(rows).toHaveLength(c.hat.length);
    const hat = rows.map((r) => r[".hat"] as number);
    const cooksd = rows.map((r) => r[".cooksd"] as number);
    // LMMs: the same fit (measured: .hat within 2e-9, .cooksd 3e-6 — Penicillin, a Pearson residual
    // near 0 — or better); the GLMM: lme4's optimum and ours agree to the project's GLMM tolerances,
    // which moves μ and the PIRLS weights of the factor (measured .hat 6.3e-5, .cooksd 8.6e-4)
    expect(maxRel(hat, c.hat)).toBeLessThan(c.family ? 2e-4 : 1e-8);
    expect(maxRel(cooksd, c.cooksd)).toBeLessThan(c.family ? 2e-3 : 1e-5);
    if (c.family) expect(Math.max(...hat)).toBeGreaterThan(1); // lme4's GLMM formula, as it is
    // an LMM's hat values sum to the effective degrees of freedom: between p and p + q
    if (!c.family) {
      const s = hat.reduce((a, b) => a + b, 0);
      expect(s).toBeGreaterThan(m.matrices.p);
      expect(s).toBeLessThan(m.matrices.p + m.matrices.reTerms.reduce((a, t) => a + t.levels.length * t.columnNames.length, 0));
    }
  });
  it("hatValues/cooksDistance are what augment reports", () => {
    const m = fit(cases[0]!);
    const rows = augment(m);
    const hat = hatValues(m);
    expect(rows.map((r) => r[".hat"])).toEqual(Array.from(hat));
    expect(rows.map((r) => r[".cooksd"])).toEqual(Array.from(cooksDistance(m, hat)));
  });
});
