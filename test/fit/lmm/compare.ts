/**
 * Comparison of a FittedModel with an lme4 reference fit, at the tolerances of the LMM brief.
 */
import { expect } from "vitest";
import type { FittedModel } from "../../../src/fit/fitted.js";
import { covarianceMatrix } from "../../../src/model/covariance/index.js";
import type { Reference } from "./build-matrices.js";

/** Per-term VarCorr rows (SDs and correlations) from θ and σ: Σ_k = σ² Λ_k Λ_kᵀ. */
function varCorrRows(fit: FittedModel): { group: string; var1: string; var2: string | null; sdcor: number; vcov: number }[] {
  const rows: { group: string; var1: string; var2: string | null; sdcor: number; vcov: number }[] = [];
  const s2 = fit.sigma ** 2;
  for (const t of fit.matrices.reTerms) {
    const p = t.columnNames.length;
    const S = covarianceMatrix(t.covariance, fit.theta, 1);
    const cov = (i: number, j: number) => S[i][j] * s2;
    // lme4's order = "lower.tri": variances then, per column, covariances below it
    for (let j = 0; j < p; j++) {
      rows.push({ group: t.varCorrName, var1: t.columnNames[j], var2: null, vcov: cov(j, j), sdcor: Math.sqrt(cov(j, j)) });
      for (let i = j + 1; i < p; i++) {
        const c = cov(i, j);
        rows.push({ group: t.varCorrName, var1: t.columnNames[j], var2: t.columnNames[i], vcov: c, sdcor: c / Math.sqrt(cov(i, i) * cov(j, j)) });
      }
    }
  }
  return rows;
}

export function expectMatchesReference(fit: FittedModel, ref: Reference): void {
  const m = fit.matrices;
  // criterion: no worse than lme4's
  expect(fit.objective).toBeLessThanOrEqual(ref.objective + 1e-3);
  // fixed effects within 1% of their standard error; standard errors within 1%
  m.xNames.forEach((name, j) => {
    const se = Math.sqrt(fit.vcov[j + j * m.p]);
    expect(Math.abs(fit.beta[j] - ref.fixef[name])).toBeLessThanOrEqual(0.01 * ref.stderr[name]);
    expect(Math.abs(se - ref.stderr[name])).toBeLessThanOrEqual(0.01 * ref.stderr[name]);
  });
  // σ and variance components within 2% (correlations within 0.02)
  const sigmaRef = ref.sigma;
  expect(Math.abs(fit.sigma - sigmaRef)).toBeLessThanOrEqual(0.02 * sigmaRef);
  const ours = varCorrRows(fit);
  const refRows = ref.varcorr.filter((r) => r.group !== "Residual");
  expect(ours.length).toBe(refRows.length);
  for (const r of refRows) {
    const o = ours.find((x) => x.group === r.group && x.var1 === r.var1 && x.var2 === r.var2);
    expect(o, `${r.group} ${r.var1} ${r.var2}`).toBeDefined();
    if (r.var2 === null) expect(Math.abs(o!.sdcor - r.sdcor)).toBeLessThanOrEqual(0.02 * r.sdcor + 1e-4 * sigmaRef);
    else expect(Math.abs(o!.sdcor - r.sdcor)).toBeLessThanOrEqual(0.02);
  }
  // conditional modes within 2% of their conditional SD; conditional SDs within 2%
  const slack = 1e-6 * sigmaRef;
  for (const [group, entry] of Object.entries(ref.ranef)) {
    for (const column of Object.keys(entry.modes)) {
      const k = m.reTerms.findIndex((t) => t.group === group && t.columnNames.includes(column));
      expect(k, `${group} ${column}`).toBeGreaterThanOrEqual(0);
      const t = m.reTerms[k];
      const p = t.columnNames.length;
      const c = t.columnNames.indexOf(column);
      const levelIndex = new Map(t.levels.map((l, i) => [l, i] as const));
      entry.levels.forEach((level, i) => {
        const l = levelIndex.get(level);
        expect(l, `level ${level} of ${group}`).toBeDefined();
        const mode = fit.ranef[k][l! * p + c];
        const sd = fit.condSD[k][l! * p + c];
        const refSd = entry.condsd[column][i];
        expect(Math.abs(mode - entry.modes[column][i])).toBeLessThanOrEqual(0.02 * refSd + slack);
        expect(Math.abs(sd - refSd)).toBeLessThanOrEqual(0.02 * refSd + slack);
      });
    }
  }
  // fitted values (first rows), singularity
  ref.fitted_head.forEach((v, i) => expect(Math.abs(fit.mu[i] - v)).toBeLessThanOrEqual(0.01 * sigmaRef));
  expect(fit.messages.some((s) => s.startsWith("boundary (singular) fit"))).toBe(ref.singular);
}
