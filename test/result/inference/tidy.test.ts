/**
 * tidy, glance and augment against broom.mixed 0.2.9 on an lmerTest fit (sleepstudy, Satterthwaite
 * and Kenward–Roger) and a glmer fit (cbpp): row order, columns and their names, and values
 * (estimates 1e-6 relative; ran_pars SDs and correlations 1e-4 as the fits themselves agree;
 * df 0.5%; p-values 1% or 1e-6), plus cross-checks against the fit's own fields.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { glmer } from "../../../src/glmer.js";
import { readCsv } from "../../../src/model/csv.js";
import { augment, glance, tidy, type TidyRow } from "../../../src/result/inference/tidy.js";
import { INFERENCE, ROOT, expectP, expectRel, fitCase, readJSON } from "./helpers.js";

type Rec = Record<string, number | string | null>;
const sleepPath = join(ROOT, "data", "sleepstudy.csv");
const m = fitCase(sleepPath, "Reaction ~ Days + (Days | Subject)");

function expectTidy(got: TidyRow[], want: Rec[], label: string): void {
  expect(got.map((r) => [r.effect, r.group, r.term])).toEqual(want.map((r) => [r.effect, r.group ?? null, r.term]));
  got.forEach((g, i) => {
    const w = want[i];
    expect(Object.keys(g)).toEqual(Object.keys(w));
    const tol = g.effect === "fixed" ? 1e-6 : 1e-4;
    expectRel(g.estimate, w.estimate as number, tol, `${label} ${g.term} estimate`);
    for (const k of ["std.error", "statistic", "df", "p.value", "conf.low", "conf.high"] as const) {
      if (!(k in w)) continue;
      if (w[k] === null) {
        expect(g[k], `${label} ${g.term} ${k}`).toBeNull();
        continue;
      }
      const gv = g[k] as number;
      const wv = w[k] as number;
      if (k === "p.value") expectP(gv, wv, `${label} ${g.term}`);
      else expectRel(gv, wv, k === "std.error" ? 1e-6 : 5e-3, `${label} ${g.term} ${k}`);
    }
  });
}

describe("broom.mixed on an lmerTest fit", () => {
  const ref = readJSON<{ tidy: Rec[]; tidy_conf_int: Rec[]; glance: Rec[]; augment_head: Rec[] }>(join(INFERENCE, "broom_sleepstudy.json"));
  it("tidy(m): fixed rows (Satterthwaite) then ran_pars, broom's names", () => expectTidy(tidy(m), ref.tidy, "tidy"));
  it("tidy(m, conf.int): t intervals with each row's df, none for ran_pars", () =>
    expectTidy(tidy(m, { "conf.int": true }), ref.tidy_conf_int, "tidy conf.int"));
  it("tidy(m, ddf.method = Kenward-Roger)", () => {
    const kr = readJSON<{ tidy: Rec[] }>(join(INFERENCE, "broom_sleepstudy_kr.json"));
    expectTidy(tidy(m, { ddf: "Kenward-Roger" }), kr.tidy, "tidy KR");
  });
  it("tidy's values are the fit's own", () => {
    const rows = tidy(m);
    expect(rows.filter((r) => r.effect === "fixed").map((r) => r.estimate)).toEqual(Object.values(m.fixef));
    expect(rows.filter((r) => r.effect === "ran_pars").map((r) => r.estimate)).toEqual(m.varCorr.map((v) => v.sdcor));
    expect(tidy(m, { effects: ["fixed"] }).length).toBe(2);
    expect(tidy(m, { effects: ["ran_pars"] }).length).toBe(4);
  });
  it("glance(m): one row, REMLcrit in place of deviance for a REML fit", () => {
    const [g] = glance(m);
    const [w] = ref.glance;
    expect(Object.keys(g)).toEqual(Object.keys(w));
    for (const k of Object.keys(w)) expectRel(g[k as keyof typeof g] as number, w[k] as number, 1e-6, `glance ${k}`);
    expect(g.nobs).toBe(m.nobs);
    expect(g.logLik).toBe(m.logLik);
  });
  it("augment(m, data): the data's columns, then broom's", () => {
    const rows = augment(m, readCsv(sleepPath));
    expect(rows.length).toBe(180);
    ref.augment_head.forEach((w, i) => {
      for (const [k, v] of Object.entries(w)) {
        if (k === "Subject") expect(String(rows[i][k])).toBe(String(v));
        else expectRel(rows[i][k] as number, v as number, 1e-6, `augment row ${i} ${k}`);
      }
    });
    const noData = augment(m);
    expect(Object.keys(noData[0])).toEqual([".fitted", ".resid", ".hat", ".cooksd", ".fixed", ".mu", ".offset", ".weights", ".wtres"]);
    expect(noData.map((r) => r[".fitted"])).toEqual(Array.from(m.fitted));
  });
  it("bad input: clear errors", () => {
    expect(() => tidy(m, { effects: ["ran_vals" as never] })).toThrow(/unknown effect type 'ran_vals'/);
    expect(() => tidy(m, { "conf.int": true, "conf.level": 95 })).toThrow(/conf.level must be between 0 and 1/);
    expect(() => augment(m, [{ Reaction: 1, Days: 0, Subject: "308" }])).toThrow(/the data have 1 rows/);
  });
});

describe("broom.mixed on a glmer fit", () => {
  const ref = readJSON<{ tidy: Rec[]; glance: Rec[] }>(join(INFERENCE, "broom_cbpp.json"));
  const g = glmer("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", readCsv(join(ROOT, "data", "cbpp.csv")), { family: "binomial" });
  it("tidy: z tests, no df column", () => {
    const rows = tidy(g);
    // lme4 and our Laplace fits agree to ~1e-5 on cbpp: compare fixed rows at that level
    expect(rows.map((r) => r.term)).toEqual(ref.tidy.map((r) => r.term));
    rows.forEach((r, i) => {
      const w = ref.tidy[i];
      expect(Object.keys(r)).toEqual(Object.keys(w));
      expectRel(r.estimate, w.estimate as number, 1e-4, `${r.term} estimate`);
      if (w["p.value"] !== null) expectP(r["p.value"] as number, w["p.value"] as number, r.term);
    });
  });
  it("glance: deviance is the GLMM's deviance", () => {
    const [gl] = glance(g);
    const [w] = ref.glance;
    expect(Object.keys(gl)).toEqual(Object.keys(w));
    for (const k of Object.keys(w)) expectRel(gl[k as keyof typeof gl] as number, w[k] as number, 1e-4, `glance ${k}`);
  });
});
