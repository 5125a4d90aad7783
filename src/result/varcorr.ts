/**
 * Variance components as lme4's VarCorr() reports them: per random-effects term the covariance
 * σ²·Λ_i Λ_iᵀ of its columns (JSS 2015 eq. 4: Σ_θ = σ² Λ_θ Λ_θᵀ), as standard deviations and
 * correlations, laid out as as.data.frame(VarCorr(m), order = "lower.tri").
 */
import { covarianceMatrix, type CovarianceStructure } from "../model/covariance/index.js";
import type { ReMat } from "../model/matrices.js";

export interface VarCorrRow {
  /** lme4's VarCorr name: `Subject`, `Subject.1` for a further `||` piece, or `Residual`. */
  group: string;
  var1: string | null;
  var2: string | null;
  /** A variance (var2 null) or a covariance. */
  vcov: number;
  /** A standard deviation (var2 null) or a correlation (NaN next to a zero standard deviation). */
  sdcor: number;
}

/** One term's covariance block: names, standard deviations and the correlation matrix. */
export interface VarCorrBlock {
  group: string;
  /** The term's covariance structure and `hom` (lme4 2.0's class; how print() lays it out). */
  structure: CovarianceStructure;
  hom: boolean;
  names: string[];
  /** p × p covariance, row-major. */
  cov: number[][];
  sd: number[];
  corr: number[][];
}

export function varCorrBlocks(terms: ReMat[], theta: ArrayLike<number>, sigma: number): VarCorrBlock[] {
  return terms.map((term) => {
    const cov = covarianceMatrix(term.covariance, theta, sigma);
    const sd = cov.map((row, i) => Math.sqrt(row[i]));
    const corr = cov.map((row, i) => row.map((c, j) => (i === j ? 1 : c / (sd[i] * sd[j]))));
    const { structure, hom } = term.covariance;
    return { group: term.varCorrName, structure, hom, names: term.columnNames.slice(), cov, sd, corr };
  });
}

/** The rows of as.data.frame(VarCorr(m), order = "lower.tri"), Residual last when σ is estimated. */
export function varCorrRows(blocks: VarCorrBlock[], sigma: number, useScale: boolean): VarCorrRow[] {
  const rows: VarCorrRow[] = [];
  for (const b of blocks) {
    const p = b.names.length;
    for (let j = 0; j < p; j++) {
      for (let i = j; i < p; i++) {
        if (i === j) rows.push({ group: b.group, var1: b.names[i], var2: null, vcov: b.cov[i][i], sdcor: b.sd[i] });
        else rows.push({ group: b.group, var1: b.names[j], var2: b.names[i], vcov: b.cov[i][j], sdcor: b.corr[i][j] });
      }
    }
  }
  if (useScale) rows.push({ group: "Residual", var1: null, var2: null, vcov: sigma * sigma, sdcor: sigma });
  return rows;
}
