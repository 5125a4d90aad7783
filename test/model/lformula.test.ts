/**
 * Harder formulas against lme4's own construction (test/model/fixtures/lformula.R ran lFormula /
 * glFormula and the devFunOnly response on the fixture data): names, dropped columns, θ, levels,
 * messages, and every value of y, weights, offset, X and Z through the identities Σx, Σx², Σ i·x
 * per X column and Zᵀ·1, Zᵀ·(1..n) per random term.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileModel, readCsv, type DataTable, type ModelMatrices } from "../../src/model/index.js";

interface Lme4Term {
  group: string[];
  levels: string[];
  columns: string[];
  zt1: number[];
  ztIndex: number[];
}

interface Lme4Case {
  id: string[];
  data: string[];
  formula: string[];
  family: string[];
  na: boolean[];
  weightsColumn: string[];
  n: number[];
  xNames: string[];
  droppedX: string[];
  X: number[][];
  y: number[];
  weights: number[];
  offset: number[];
  theta: number[];
  lower: (number | string)[];
  thetaNames: (string | string[])[];
  ngroups: Record<string, number[]>;
  terms: Lme4Term[];
  messages: string[];
}

const cases = JSON.parse(readFileSync(join(__dirname, "fixtures/lformula.json"), "utf8")) as Lme4Case[];

/** Σx, Σx², Σ i·x with i = 1..n, as the R script computes them. */
function summary(x: ArrayLike<number>): number[] {
  let s = 0;
  let s2 = 0;
  let si = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i]!;
    s2 += x[i]! * x[i]!;
    si += (i + 1) * x[i]!;
  }
  return [s, s2, si];
}

function expectSummary(actual: number[], expected: number[], n: number, what: string): void {
  const tol = 1e-9 * (1 + n * Math.sqrt(Math.abs(expected[1]!)));
  actual.forEach((a, k) => {
    if (Math.abs(a - expected[k]!) > tol) throw new Error(`${what}: sum ${k} is ${a}, lme4 ${expected[k]}`);
  });
}

/** lme4's Zᵀ·v for one term: rows level-major, columns within a level. */
function ztTimes(t: ModelMatrices["reTerms"][number], v: (i: number) => number): number[] {
  const p = t.columnNames.length;
  const out = new Array<number>(t.levels.length * p).fill(0);
  for (let i = 0; i < t.refs.length; i++) for (let j = 0; j < p; j++) out[t.refs[i]! * p + j]! += t.z[i * p + j]! * v(i);
  return out;
}

/** The R script's missing values: Reaction in rows 5 and 17, Days in row 40 (1-based). */
function withMissing(t: DataTable): DataTable {
  const columns = new Map(t.columns);
  const reaction = Float64Array.from((t.columns.get("Reaction") as { values: Float64Array }).values);
  const days = Float64Array.from((t.columns.get("Days") as { values: Float64Array }).values);
  reaction[4] = reaction[16] = NaN;
  days[39] = NaN;
  columns.set("Reaction", { kind: "numeric", values: reaction });
  columns.set("Days", { kind: "numeric", values: days });
  return { ...t, columns };
}

describe("lme4's lFormula on harder formulas", () => {
  for (const c of cases) {
    it(`${c.id[0]}: ${c.formula[0]}`, () => {
      let data = readCsv(join(__dirname, "../fixtures/data", c.data[0]!));
      if (c.na[0]) data = withMissing(data);
      const weights = c.weightsColumn[0];
      const m = compileModel(c.formula[0]!, data, { family: c.family[0]!, ...(weights ? { weights } : {}) });
      const n = c.n[0]!;
      expect(m.n).toBe(n);
      expect(m.xNames).toEqual(c.xNames);
      expect(m.droppedX).toEqual(c.droppedX);
      expect(m.messages.filter((s) => s.startsWith("fixed-effect"))).toEqual([...new Set(c.messages)]);
      expect(m.thetaNames).toEqual(c.thetaNames.flat());
      expect(Array.from(m.theta0)).toEqual(c.theta);
      expect(Array.from(m.lower)).toEqual(c.lower.map((v) => (v === "-Inf" ? -Infinity : v)));
      expect(m.ngroups).toEqual(Object.fromEntries(Object.entries(c.ngroups).map(([k, v]) => [k, v[0]])));
      expectSummary(summary(m.y), c.y, n, "y");
      expectSummary(summary(m.weights), c.weights, n, "weights");
      expectSummary(summary(m.offset), c.offset, n, "offset");
      c.X.forEach((s, j) => expectSummary(summary(m.X.subarray(j * n, (j + 1) * n)), s, n, `X column ${c.xNames[j]}`));
      expect(m.reTerms.map((t) => t.group)).toEqual(c.terms.map((t) => t.group[0]));
      m.reTerms.forEach((t, k) => {
        const ref = c.terms[k]!;
        expect(t.levels).toEqual(ref.levels);
        expect(t.columnNames).toEqual(ref.columns);
        const tol = (v: number) => 1e-9 * (1 + Math.abs(v));
        ztTimes(t, () => 1).forEach((v, r) => expect(Math.abs(v - ref.zt1[r]!)).toBeLessThanOrEqual(tol(ref.zt1[r]!)));
        ztTimes(t, (i) => i + 1).forEach((v, r) => expect(Math.abs(v - ref.ztIndex[r]!)).toBeLessThanOrEqual(tol(ref.ztIndex[r]!)));
      });
    });
  }
});
