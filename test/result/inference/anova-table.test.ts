import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lmer } from "../../../src/lmer.js";
import { readCsv } from "../../../src/model/csv.js";
import type { MixedModel } from "../../../src/result/model.js";
import { anova } from "../../../src/result/anova.js";
import { anovaTable, formatAnovaTable, type AnovaTableRow } from "../../../src/result/inference/anova-table.js";

interface RefRow { term: string; sumsq: number; meansq: number; numdf: number; dendf: number; F: number; p: number }
interface Case { id: string; dir?: string; data: string; formula: string; type: 1 | 2 | 3; ddf: string; printed?: string; rows: RefRow[] }

const dataDir = new URL("../../fixtures/beyond/data/", import.meta.url);
/** make-anova.R writes its own data sets (a missing cell) next to its JSON. */
const dirOf = (c: { dir?: string }) => new URL(`../../fixtures/${c.dir ?? "beyond/data"}/`, import.meta.url);
const fits = new Map<string, MixedModel>();
function fit(data: string, formula: string, dir = dataDir): MixedModel {
  const key = `${data}|${formula}`;
  if (!fits.has(key)) fits.set(key, lmer(formula, readCsv(new URL(data, dir).pathname)));
  return fits.get(key)!;
}

/** Issue 10's tolerances: Sum Sq and Mean Sq 1e-6 relative, DenDF and F 0.5%, p 1% or 1e-6 absolute. */
function expectRows(got: AnovaTableRow[], want: RefRow[]): void {
  expect(got.map((r) => r.term)).toEqual(want.map((r) => r.term));
  got.forEach((g, i) => {
    const w = want[i]!;
    const rel = (a: number | null, b: number) => Math.abs(a! - b) / Math.abs(b);
    expect(g.numdf, w.term).toBe(w.numdf);
    expect(rel(g.sumsq, w.sumsq), `${w.term} Sum Sq ${g.sumsq} vs ${w.sumsq}`).toBeLessThan(1e-6);
    expect(rel(g.meansq, w.meansq), `${w.term} Mean Sq`).toBeLessThan(1e-6);
    expect(rel(g.dendf, w.dendf), `${w.term} DenDF ${g.dendf} vs ${w.dendf}`).toBeLessThan(5e-3);
    expect(rel(g.F, w.F), `${w.term} F ${g.F} vs ${w.F}`).toBeLessThan(5e-3);
    expect(Math.abs(g.p! - w.p) <= 1e-6 || rel(g.p, w.p) < 1e-2, `${w.term} p ${g.p} vs ${w.p}`).toBe(true);
  });
}

describe("anova(m, { type, ddf }) equals lmerTest::anova on the shared references (test/fixtures/beyond)", () => {
  const refDir = new URL("../../fixtures/beyond/reference/", import.meta.url);
  const refs = readdirSync(refDir)
    .filter((f) => f.includes("_aov_"))
    .map((f) => JSON.parse(readFileSync(new URL(f, refDir), "utf8")) as Case);
  expect(refs.length).toBeGreaterThanOrEqual(6);
  for (const ref of refs) {
    it(`${ref.id}: ${ref.formula}, type ${ref.type}, ${ref.ddf}`, () => {
      const t = anova(fit(ref.data, ref.formula), { type: ref.type, ddf: ref.ddf });
      expect(t.type).toBe(ref.type);
      expectRows(t.rows, ref.rows);
    });
  }
});

describe("anova tables on more designs, and lmerTest's printed layout (test/fixtures/inference/make-anova.R)", () => {
  const cases = JSON.parse(readFileSync(new URL("../../fixtures/inference/anova.json", import.meta.url), "utf8")) as Case[];
  for (const c of cases) {
    it(`${c.formula}, type ${c.type}, ${c.ddf}`, () => {
      const t = anovaTable(fit(c.data, c.formula, dirOf(c)), { type: c.type, ddf: c.ddf });
      expectRows(t.rows, c.rows);
      expect(formatAnovaTable(t).trimEnd()).toBe(c.printed);
    });
  }
});

describe("anova() arguments", () => {
  const m = () => fit("cake.csv", "angle ~ recipe * temp + (1 | recipe:replicate)");
  it("defaults to Type III with Satterthwaite's method, as lmerTest", () => {
    const t = anova(m());
    expect(t.heading).toBe("Type III Analysis of Variance Table with Satterthwaite's method");
    expect(t.ddf).toBe("Satterthwaite");
  });
  it("reads roman types and ddf aliases", () => {
    expect(anova(m(), { type: "II", ddf: "kr" }).heading).toBe("Type II Analysis of Variance Table with Kenward-Roger's method");
  });
  it("rejects an unknown type or ddf with a clear message", () => {
    expect(() => anova(m(), { type: 4 as never })).toThrow(/unknown ANOVA type '4'/);
    expect(() => anova(m(), { ddf: "containment" })).toThrow(/unknown ddf method 'containment'/);
    expect(() => anova(m(), { ddf: "Wald" })).toThrow(/Satterthwaite.*Kenward-Roger/);
  });
  it("still compares two models by likelihood ratio", () => {
    const d = readCsv(new URL("cake.csv", dataDir).pathname);
    const m0 = lmer("angle ~ recipe + temp + (1 | recipe:replicate)", d, { REML: false });
    const m1 = lmer("angle ~ recipe * temp + (1 | recipe:replicate)", d, { REML: false });
    const lr = anova(m0, m1);
    expect(lr.rows).toHaveLength(2);
    expect(lr.rows[1]!.Df).toBe(2);
  });
});
