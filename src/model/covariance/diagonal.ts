/**
 * `(x || g)`'s pieces and lme4 2.0's `diag(x | g, hom = FALSE)`: Λ_k is diagonal, its entries the
 * columns' standard deviations relative to σ — one θ each, or a single shared one with
 * `hom = TRUE` (lme4 2.0 Covariance.diag; glmmTMB's `diag`/`homdiag`). Σ_k = σ²diag(θ)².
 */
import type { LambdaEntry } from "../plan.js";
import type { Covariance } from "./covariance.js";
import type { TermLabels } from "./index.js";

export class Diagonal implements Covariance {
  readonly structure = "diag" as const;
  readonly shape = "diagonal" as const;
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

  constructor(labels: TermLabels, thetaOffset: number, hom = false) {
    const p = labels.columnNames.length;
    this.hom = hom;
    this.size = p;
    this.thetaOffset = thetaOffset;
    this.thetaCount = hom ? 1 : p;
    // lme4 2.0 getParNames: a homogeneous term's one parameter is `group.*`
    this.names = hom ? [`${labels.group}.*`] : labels.columnNames.map((c) => `${labels.group}.${c}`);
    this.start = this.names.map(() => 1);
    this.lower = this.names.map(() => 0);
    this.upper = this.names.map(() => Infinity);
    this.sdCorLower = this.lower;
    this.sdCorUpper = this.upper;
  }

  fillLambda(theta: ArrayLike<number>, out: Float64Array, offset: number): void {
    const p = this.size;
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < p; i++) out[offset + i + j * p] = 0;
      out[offset + j + j * p] = theta[this.thetaOffset + (this.hom ? 0 : j)];
    }
  }

  /** The standard deviations σθ (written √(σ²θ²), as Σ's diagonal gives them). */
  toSdCor(theta: ArrayLike<number>, sigma: number, out: Float64Array): void {
    for (let k = this.thetaOffset; k < this.thetaOffset + this.thetaCount; k++) {
      const t = theta[k];
      const v = Math.sqrt(sigma * sigma * (t * t));
      out[k] = Number.isFinite(v) ? v : 0;
    }
  }

  fromSdCor(pars: ArrayLike<number>, sigma: number, out: Float64Array): boolean {
    for (let k = this.thetaOffset; k < this.thetaOffset + this.thetaCount; k++) out[k] = pars[k] / sigma;
    return true;
  }

  /** One sd per column; a homogeneous term only when every column has the same scale. */
  columnScaling(s: readonly number[]): number[] | null {
    if (!this.hom) return s.map((v) => 1 / v);
    return s.every((v) => v === s[0]) ? [1 / s[0]] : null;
  }

  planEntries(): LambdaEntry[] {
    return Array.from({ length: this.size }, (_, i) => {
      const k = this.hom ? 0 : i;
      return { row: i, col: i, thetaIndex: this.thetaOffset + k, thetaName: this.names[k], lower: 0 };
    });
  }
}
