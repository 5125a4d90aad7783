/**
 * What lme4 2.0's `cs` and `ar1` classes share (R/covariance.R, Covariance.cs / Covariance.ar1):
 * θ is the columns' standard deviations relative to σ — p of them, or one with `hom = TRUE` —
 * followed, when p > 1, by one correlation ρ kept on its own scale inside the box the optimiser
 * respects (lme4 2.0 does not transform it, unlike glmmTMB). Λ_k = diag(s)·C(ρ), with C(ρ) the
 * Cholesky factor of the structure's correlation matrix R(ρ), so Σ_k = σ² diag(s) R(ρ) diag(s).
 * A subclass supplies C(ρ)'s entries and ρ's range.
 */
import type { LambdaEntry } from "../plan.js";
import type { Covariance, CovarianceStructure } from "./covariance.js";
import type { TermLabels } from "./index.js";

export abstract class SdAndCorrelation implements Covariance {
  abstract readonly structure: CovarianceStructure;
  readonly shape = "lower-triangular" as const;
  readonly hom: boolean;
  readonly size: number;
  readonly thetaOffset: number;
  readonly thetaCount: number;
  readonly names: string[];
  readonly start: number[];
  readonly lower: number[];
  readonly upper: number[];
  readonly sdCorLower: number[];
  readonly sdCorUpper: number[];
  /** Number of standard deviations in θ (1 or p); ρ, when p > 1, follows them. */
  protected readonly nSd: number;

  constructor(labels: TermLabels, thetaOffset: number, hom: boolean, rhoLower: number) {
    const p = labels.columnNames.length;
    this.hom = hom;
    this.size = p;
    this.thetaOffset = thetaOffset;
    this.nSd = hom ? 1 : p;
    this.thetaCount = this.nSd + (p > 1 ? 1 : 0);
    // lme4 2.0 getParNames (old = TRUE): `g.col` per sd (`g.*` when homogeneous), then `g.rho`
    const sdNames = hom ? [`${labels.group}.*`] : labels.columnNames.map((c) => `${labels.group}.${c}`);
    this.names = p > 1 ? [...sdNames, `${labels.group}.rho`] : sdNames;
    this.start = this.names.map((_, k) => (k < this.nSd ? 1 : 0));
    this.lower = this.names.map((_, k) => (k < this.nSd ? 0 : rhoLower));
    this.upper = this.names.map((_, k) => (k < this.nSd ? Infinity : 1));
    this.sdCorLower = this.lower;
    this.sdCorUpper = this.upper;
  }

  /** ρ's range is [lower, upper]; the sds are ≥ 0. */
  protected get rhoLower(): number {
    return this.lower[this.thetaCount - 1];
  }

  /** C(ρ) into out (column-major p × p, zeros above the diagonal), unscaled. */
  protected abstract fillCorrelationFactor(rho: number, out: Float64Array, offset: number): void;

  /** Text for C(ρ)'s entry (i, j), i ≥ j, for the plan. */
  protected abstract entryText(i: number, j: number): string;

  fillLambda(theta: ArrayLike<number>, out: Float64Array, offset: number): void {
    const p = this.size;
    const o = this.thetaOffset;
    const rho = p > 1 ? theta[o + this.nSd] : 0;
    this.fillCorrelationFactor(rho, out, offset);
    // row i scaled by s_i: diag(s)·C(ρ)
    for (let i = 0; i < p; i++) {
      const s = theta[o + (this.hom ? 0 : i)];
      for (let j = 0; j <= i; j++) out[offset + i + j * p] *= s;
    }
  }

  /** lme4 2.0 getProfPar: the standard deviations σ·s (as √(σ²s²)) and ρ. */
  toSdCor(theta: ArrayLike<number>, sigma: number, out: Float64Array): void {
    const o = this.thetaOffset;
    for (let k = 0; k < this.nSd; k++) {
      const t = theta[o + k];
      const v = Math.sqrt(sigma * sigma * (t * t));
      out[o + k] = Number.isFinite(v) ? v : 0;
    }
    if (this.thetaCount > this.nSd) out[o + this.nSd] = theta[o + this.nSd];
  }

  fromSdCor(pars: ArrayLike<number>, sigma: number, out: Float64Array): boolean {
    const o = this.thetaOffset;
    for (let k = 0; k < this.nSd; k++) out[o + k] = pars[o + k] / sigma;
    if (this.thetaCount === this.nSd) return true;
    const rho = pars[o + this.nSd];
    out[o + this.nSd] = rho;
    return rho >= this.rhoLower && rho <= 1;
  }

  /** The sds follow their columns' scales (one sd: only equal scales); ρ is scale-free. */
  columnScaling(s: readonly number[]): number[] | null {
    if (this.hom && !s.every((v) => v === s[0])) return null;
    const sds = this.hom ? [1 / s[0]] : s.map((v) => 1 / v);
    return this.thetaCount > this.nSd ? [...sds, 1] : sds;
  }

  planEntries(): LambdaEntry[] {
    const p = this.size;
    const out: LambdaEntry[] = [];
    for (let j = 0; j < p; j++)
      for (let i = j; i < p; i++) {
        const sd = this.names[this.hom ? 0 : i];
        const text = this.entryText(i, j);
        out.push({ row: i, col: j, thetaIndex: -1, thetaName: p === 1 || text === "1" ? sd : `${sd}·${text}`, lower: i === j ? 0 : -Infinity });
      }
    if (p === 1) out[0].thetaIndex = this.thetaOffset;
    return out;
  }
}

/**
 * lme4 2.0's `cs(x | g)`: R(ρ) has 1 on the diagonal and ρ elsewhere, positive definite for
 * ρ ∈ (−1/(p−1), 1). Its Cholesky factor has one value below the diagonal per column (by symmetry):
 * with S_j = Σ_{k<j} c_k², C[j, j] = √(1 − S_j) and C[i, j] = (ρ − S_j)/C[j, j] for i > j — the
 * recursion of lme4 2.0's getTheta for Covariance.cs, where ρ²a_j = S_j.
 */
export class CompoundSymmetry extends SdAndCorrelation {
  readonly structure = "cs" as const;

  constructor(labels: TermLabels, thetaOffset: number, hom = false) {
    const p = labels.columnNames.length;
    super(labels, thetaOffset, hom, p > 1 ? -1 / (p - 1) : -1);
  }

  protected fillCorrelationFactor(rho: number, out: Float64Array, offset: number): void {
    const p = this.size;
    let S = 0;
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < j; i++) out[offset + i + j * p] = 0;
      const d = Math.sqrt(Math.max(0, 1 - S));
      // at ρ's bounds a pivot reaches 0 and the rest of its column is 0 too (R(ρ) is singular)
      const c = d > 0 ? (rho - S) / d : 0;
      out[offset + j + j * p] = d;
      for (let i = j + 1; i < p; i++) out[offset + i + j * p] = c;
      S += c * c;
    }
  }

  protected entryText(i: number, j: number): string {
    return i === j ? `√(1 − S${j + 1}(ρ))` : `c${j + 1}(ρ)`;
  }
}

/**
 * lme4 2.0's `ar1(0 + f | g)`: R(ρ)[i, j] = ρ^|i−j|, positive definite for ρ ∈ (−1, 1), with the
 * closed-form Cholesky factor C[i, 0] = ρ^i and C[i, j] = ρ^(i−j)·√(1 − ρ²) for 1 ≤ j ≤ i (lme4 2.0
 * getTheta for Covariance.ar1; the AR(1) innovations form x_i = ρx_{i−1} + √(1−ρ²)e_i).
 */
export class Ar1 extends SdAndCorrelation {
  readonly structure = "ar1" as const;

  constructor(labels: TermLabels, thetaOffset: number, hom = true) {
    super(labels, thetaOffset, hom, -1);
  }

  protected fillCorrelationFactor(rho: number, out: Float64Array, offset: number): void {
    const p = this.size;
    const r = Math.sqrt(Math.max(0, 1 - rho * rho));
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < j; i++) out[offset + i + j * p] = 0;
      let v = j === 0 ? 1 : r;
      for (let i = j; i < p; i++) {
        out[offset + i + j * p] = v;
        v *= rho;
      }
    }
  }

  protected entryText(i: number, j: number): string {
    const pw = i - j === 0 ? "" : i - j === 1 ? "ρ" : `ρ^${i - j}`;
    if (j === 0) return pw === "" ? "1" : pw;
    return `${pw}${pw ? "·" : ""}√(1 − ρ²)`;
  }
}
