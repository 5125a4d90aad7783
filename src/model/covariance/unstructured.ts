/**
 * `(x | g)` and lme4 2.0's `us(x | g)`: Λ_k is a full lower triangle whose entries are θ, filled
 * in column-major order (lme4 mkBlist; JSS 2015 §2.3; lme4 2.0 Covariance.us). Any positive
 * semi-definite Σ_k has such a factor, so the structure imposes nothing.
 */
import type { LambdaEntry } from "../plan.js";
import { correlationCholesky, type Covariance } from "./covariance.js";
import type { TermLabels } from "./index.js";

export class Unstructured implements Covariance {
  readonly structure = "us" as const;
  readonly hom = false;
  readonly shape = "lower-triangular" as const;
  readonly size: number;
  readonly thetaOffset: number;
  readonly thetaCount: number;
  readonly names: string[] = [];
  readonly start: number[] = [];
  readonly lower: number[] = [];
  readonly upper: number[] = [];
  readonly sdCorLower: number[] = [];
  readonly sdCorUpper: number[] = [];

  constructor(labels: TermLabels, thetaOffset: number) {
    const p = labels.columnNames.length;
    const col = labels.columnNames;
    this.size = p;
    this.thetaOffset = thetaOffset;
    this.thetaCount = (p * (p + 1)) / 2;
    for (let j = 0; j < p; j++) {
      for (let i = j; i < p; i++) {
        const diag = i === j;
        this.names.push(diag ? `${labels.group}.${col[i]}` : `${labels.group}.${col[i]}.${col[j]}`);
        this.start.push(diag ? 1 : 0);
        this.lower.push(diag ? 0 : -Infinity);
        this.upper.push(Infinity);
        this.sdCorLower.push(diag ? 0 : -1);
        this.sdCorUpper.push(diag ? Infinity : 1);
      }
    }
  }

  fillLambda(theta: ArrayLike<number>, out: Float64Array, offset: number): void {
    const p = this.size;
    let k = this.thetaOffset;
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < j; i++) out[offset + i + j * p] = 0;
      for (let i = j; i < p; i++) out[offset + i + j * p] = theta[k++];
    }
  }

  /** θ's order: position (i, i) the sd of column i, (i, j) the correlation of columns i and j
   *  (lme4's Cv_to_Sv). A zero sd leaves its correlations undefined; lme4 reports 0 there. */
  toSdCor(theta: ArrayLike<number>, sigma: number, out: Float64Array): void {
    const p = this.size;
    const T = new Float64Array(p * p);
    let k = this.thetaOffset;
    for (let j = 0; j < p; j++) for (let i = j; i < p; i++) T[i * p + j] = theta[k++];
    const S = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let j = 0; j <= i; j++) {
        let v = 0;
        for (let s = 0; s <= j; s++) v += T[i * p + s] * T[j * p + s];
        S[i * p + j] = S[j * p + i] = sigma * sigma * v;
      }
    k = this.thetaOffset;
    for (let j = 0; j < p; j++)
      for (let i = j; i < p; i++, k++) {
        const v = i === j ? Math.sqrt(S[i * p + i]) : S[i * p + j] / Math.sqrt(S[i * p + i] * S[j * p + j]);
        out[k] = Number.isFinite(v) ? v : 0;
      }
  }

  /** lme4's Sv_to_Cv: Λ_k is σ⁻¹ diag(sd) times the Cholesky factor of the correlations. */
  fromSdCor(pars: ArrayLike<number>, sigma: number, out: Float64Array): boolean {
    const p = this.size;
    const sd = new Float64Array(p);
    const C = new Float64Array(p * p);
    let k = this.thetaOffset;
    for (let j = 0; j < p; j++)
      for (let i = j; i < p; i++, k++) {
        if (i === j) sd[i] = pars[k];
        else C[i * p + j] = C[j * p + i] = pars[k];
      }
    for (let i = 0; i < p; i++) C[i * p + i] = 1;
    const L = correlationCholesky(C, p);
    if (!L) return false;
    k = this.thetaOffset;
    for (let j = 0; j < p; j++) for (let i = j; i < p; i++, k++) out[k] = (sd[i] * L[i * p + j]) / sigma;
    return true;
  }

  /** Λ's row i carries column i's scale: entry (i, j) of the column-major lower triangle. */
  columnScaling(s: readonly number[]): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.size; j++) for (let i = j; i < this.size; i++) out.push(1 / s[i]);
    return out;
  }

  planEntries(): LambdaEntry[] {
    const p = this.size;
    const out: LambdaEntry[] = [];
    let k = 0;
    for (let j = 0; j < p; j++)
      for (let i = j; i < p; i++, k++) {
        out.push({ row: i, col: j, thetaIndex: this.thetaOffset + k, thetaName: this.names[k], lower: this.lower[k] });
      }
    return out;
  }
}
