import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lmer } from "../../../src/lmer.js";
import { readCsv } from "../../../src/model/csv.js";
import { termHypotheses, type AnovaType } from "../../../src/result/inference/type-contrasts.js";

interface Case {
  id: string;
  data: string;
  formula: string;
  type: AnovaType;
  ddf: string;
  coefficients: string[];
  hypotheses: Record<string, number[][]>;
}
const cases = (JSON.parse(readFileSync(new URL("../../fixtures/inference/anova.json", import.meta.url), "utf8")) as Case[]).filter(
  (c) => c.ddf === "Satterthwaite",
);
const dataDir = new URL("../../fixtures/beyond/data/", import.meta.url);

describe("Type I/II/III hypothesis matrices equal lmerTest's show_tests (test/fixtures/inference/make-anova.R)", () => {
  const fits = new Map<string, ReturnType<typeof lmer>>();
  for (const c of cases) {
    it(`${c.formula}, type ${c.type}`, () => {
      const key = c.data + c.formula;
      if (!fits.has(key)) fits.set(key, lmer(c.formula, readCsv(new URL(c.data, dataDir).pathname)));
      const m = fits.get(key)!;
      expect(m.matrices.xNames).toEqual(c.coefficients);
      const ours = termHypotheses(m, c.type);
      expect(ours.map((h) => h.term)).toEqual(Object.keys(c.hypotheses));
      for (const h of ours) {
        const want = c.hypotheses[h.term]!;
        expect(h.L.length, h.term).toBe(want.length);
        h.L.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - want[i]![j]!), `${h.term}[${i},${j}]`).toBeLessThan(1e-7 * Math.max(1, Math.abs(want[i]![j]!)))));
      }
    });
  }
});
