/**
 * Balanced designs, where Satterthwaite's and Kenward–Roger's df are the textbook containment df
 * exactly (the estimate's variance is a multiple of one stratum's mean square, a scaled χ²):
 *
 * Split plot (test/fixtures/inference/splitplot.csv, made by make.R): R = 5 blocks (random), whole
 * plots = block × A with A at a = 3 levels, each split into b = 4 subplots for B;
 * y ~ A * B + (1 | block) + (1 | block:A). The strata: blocks (R − 1 = 4 df), whole plots
 * ((R − 1)(a − 1) = 8 df for the whole-plot error), subplots (a(R − 1)(b − 1) = 36 df).
 *  - a whole-plot contrast, a2 − a1 averaged over B (β_Aa2 + ¼ Σ_k β_Aa2:Bbk): its estimate is a
 *    difference of whole-plot means, block effects cancel, Var = 2(σ² + bσ²_wp)/(Rb), estimated
 *    by the whole-plot error mean square: df = (R − 1)(a − 1) = 8;
 *  - B's coefficients and the A:B interaction (contrasts within whole plots): whole-plot and
 *    block effects cancel, Var ∝ σ², estimated by the subplot mean square: df = a(R − 1)(b − 1) = 36.
 * One-way random model (Dyestuff-like, generated here): y_ij = μ + a_i + e_ij, i = 1 … g,
 * j = 1 … n: the intercept's variance is (σ² + nσ²_a)/(gn), estimated by the between-group mean
 * square: df = g − 1.
 * Also checked against lmerTest's own numbers for the split plot (splitplot.json).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lmer } from "../../../src/lmer.js";
import { coefficients } from "../../../src/result/inference/coefficients.js";
import { contrastT } from "../../../src/result/inference/contrast.js";
import { INFERENCE, expectCoefRow, expectP, expectRel, fitCase, readJSON, type CoefRef } from "./helpers.js";

interface SplitPlot {
  formula: string;
  data: string;
  L_whole_plot: Record<string, number>;
  satt: CoefRef[];
  kr: CoefRef[];
  whole_plot_satt: Record<string, number>;
  whole_plot_kr: Record<string, number>;
}

/** Satterthwaite's df use the observed Hessian, exact only at the exact REML optimum: the
 *  optimiser's tolerance (and numDeriv's steps) leave ~1e-6 (lmerTest's own: 8.00000007, ours
 *  7.9999915). Kenward–Roger's use the expected information, containment to rounding. */
function tolerance(ddf: "Satterthwaite" | "Kenward-Roger"): number {
  return ddf === "Satterthwaite" ? 1e-5 : 1e-9;
}

const ref = readJSON<SplitPlot>(join(INFERENCE, "splitplot.json"));
const m = fitCase(join(INFERENCE, ref.data), ref.formula);

describe("balanced split plot", () => {
  it("has positive variance components (else the containment df do not apply)", () => {
    expect(m.singular).toBe(false);
  });
  for (const ddf of ["Satterthwaite", "Kenward-Roger"] as const) {
    it(`${ddf}: the whole-plot contrast has (R − 1)(a − 1) = 8 df`, () => {
      const l = m.matrices.xNames.map((n) => ref.L_whole_plot[n]);
      const t = contrastT(m, l, ddf);
      expectRel(t.df, 8, tolerance(ddf), `${ddf} whole-plot df`);
      const want = ddf === "Satterthwaite" ? ref.whole_plot_satt : ref.whole_plot_kr;
      expectRel(t.estimate, want.Estimate, 1e-6, "estimate");
      expectRel(t.stderr, want["Std. Error"], 1e-6, "SE");
      expectP(t.p, want["Pr(>|t|)"], "whole-plot");
    });
    it(`${ddf}: B and A:B coefficients have a(R − 1)(b − 1) = 36 df`, () => {
      const rows = coefficients(m, { ddf });
      const within = rows.filter((r) => /^Bb/.test(r.term) || /:/.test(r.term));
      expect(within.length).toBe(9);
      for (const r of within) expectRel(r.df, 36, tolerance(ddf), `${ddf} ${r.term} df`);
    });
    it(`${ddf}: every coefficient as lmerTest's`, () => {
      const rows = coefficients(m, { ddf });
      const want = ddf === "Satterthwaite" ? ref.satt : ref.kr;
      rows.forEach((r, i) => expectCoefRow(r, want[i], `splitplot ${ddf}`));
    });
  }
});

describe("balanced one-way random model", () => {
  // g = 7 groups of n = 4; a small LCG so the data are fixed without a fixture file
  let seed = 12345;
  const unif = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const normal = () => Math.sqrt(-2 * Math.log(unif() + 1e-12)) * Math.cos(2 * Math.PI * unif());
  const rows: { y: number; g: string }[] = [];
  for (let i = 0; i < 7; i++) {
    const a = 3 * normal();
    for (let j = 0; j < 4; j++) rows.push({ y: 50 + a + normal(), g: `g${i}` });
  }
  const fit = lmer("y ~ 1 + (1 | g)", rows);
  it("has a positive group variance", () => expect(fit.singular).toBe(false));
  for (const ddf of ["Satterthwaite", "Kenward-Roger"] as const) {
    it(`${ddf}: the intercept has g − 1 = 6 df`, () => {
      const [row] = coefficients(fit, { ddf });
      expectRel(row.df, 6, tolerance(ddf), `${ddf} df`);
    });
  }
});
