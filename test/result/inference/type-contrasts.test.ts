import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lmer } from "../../../src/lmer.js";
import { readCsv } from "../../../src/model/csv.js";
import { termHypotheses, type AnovaType } from "../../../src/result/inference/type-contrasts.js";

interface Case {
  id: string;
  dir?: string;
  data: string;
  formula: string;
  type: AnovaType;
  ddf: string;
  coefficients: string[] | string;
  /** By term; an intercept-only model's is lmerTest's unnamed list(<0-row matrix>), an array. */
  hypotheses: Record<string, number[][]> | unknown[];
}
const cases = (JSON.parse(readFileSync(new URL("../../fixtures/inference/anova.json", import.meta.url), "utf8")) as Case[]).filter(
  (c) => c.ddf === "Satterthwaite",
);
const dataDir = new URL("../../fixtures/beyond/data/", import.meta.url);
/** make-anova.R writes its own data sets (a missing cell) next to its JSON. */
const dirOf = (c: { dir?: string }) => new URL(`../../fixtures/${c.dir ?? "beyond/data"}/`, import.meta.url);

describe("Type I/II/III hypothesis matrices equal lmerTest's show_tests (test/fixtures/inference/make-anova.R)", () => {
  const fits = new Map<string, ReturnType<typeof lmer>>();
  for (const c of cases) {
    it(`${c.formula}, type ${c.type}`, () => {
      const key = c.data + c.formula;
      if (!fits.has(key)) fits.set(key, lmer(c.formula, readCsv(new URL(c.data, dirOf(c)).pathname)));
      const m = fits.get(key)!;
      expect(m.matrices.xNames).toEqual([c.coefficients].flat()); // jsonlite unboxes a single name
      const ours = termHypotheses(m, c.type);
      if (Array.isArray(c.hypotheses)) {
        expect(ours).toEqual([]); // no terms to test
        return;
      }
      expect(ours.map((h) => h.term)).toEqual(Object.keys(c.hypotheses));
      for (const h of ours) {
        const want = (c.hypotheses as Record<string, number[][]>)[h.term]!;
        expect(h.L.length, h.term).toBe(want.length);
        h.L.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - want[i]![j]!), `${h.term}[${i},${j}]`).toBeLessThan(1e-7 * Math.max(1, Math.abs(want[i]![j]!)))));
      }
    });
  }
});
