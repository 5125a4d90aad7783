/**
 * The small dense-matrix steps the hypothesis matrices need (matrices as arrays of rows), and the
 * least-squares solve against the n × p design through a Householder QR (never X'X, whose
 * condition number is the square of X's).
 */
import { zapsmall } from "../../rformat.js";

export type Rows = number[][];

export function transpose(a: Rows, cols = a[0]?.length ?? 0): Rows {
  return Array.from({ length: cols }, (_, j) => a.map((row) => row[j]!));
}

/** X'X of a column-major n × p matrix. */
export function crossprod(X: Float64Array, n: number, p: number): Rows {
  const out: Rows = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    const xj = X.subarray(j * n, j * n + n);
    for (let k = 0; k <= j; k++) {
      const xk = X.subarray(k * n, k * n + n);
      let s = 0;
      for (let i = 0; i < n; i++) s += xj[i]! * xk[i]!;
      out[j]![k] = s;
      out[k]![j] = s;
    }
  }
  return out;
}

/** The columns `cols` of a column-major n × p matrix, as a new column-major n × cols.length one. */
export function selectColumns(X: Float64Array, n: number, cols: number[]): Float64Array {
  const out = new Float64Array(n * cols.length);
  cols.forEach((j, k) => out.set(X.subarray(j * n, j * n + n), k * n));
  return out;
}

/**
 * B ↦ X⁺B for a full-column-rank X (MASS::ginv(X) %*% B, which lmerTest uses): one Householder QR
 * of X (Golub & Van Loan, Matrix Computations, Alg. 5.2.1), kept as its reflectors, then R⁻¹Q'b per
 * column b, so B's columns can be produced one at a time. Written on column-major typed arrays
 * because X can have tens of thousands of rows (InstEval: 73,421), where a generic matrix class's
 * element accessors dominate.
 */
export class LeastSquares {
  private readonly v: Float64Array[] = [];
  private readonly beta: number[] = [];
  private readonly r: Rows;
  readonly p: number;

  constructor(X: Float64Array, readonly n: number, p: number) {
    this.p = p;
    const A = Float64Array.from(X.subarray(0, n * p));
    this.r = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let k = 0; k < p; k++) {
      const col = A.subarray(k * n + k, k * n + n);
      let norm = 0;
      for (let i = 0; i < col.length; i++) norm += col[i]! * col[i]!;
      norm = Math.sqrt(norm);
      const alpha = col[0]! > 0 ? -norm : norm;
      const v = Float64Array.from(col);
      v[0]! -= alpha;
      let vv = 0;
      for (let i = 0; i < v.length; i++) vv += v[i]! * v[i]!;
      const beta = vv > 0 ? 2 / vv : 0;
      this.v.push(v);
      this.beta.push(beta);
      this.r[k]![k] = alpha;
      for (let j = k + 1; j < p; j++) {
        const cj = A.subarray(j * n + k, j * n + n);
        let d = 0;
        for (let i = 0; i < v.length; i++) d += v[i]! * cj[i]!;
        d *= beta;
        for (let i = 0; i < v.length; i++) cj[i]! -= d * v[i]!;
        this.r[k]![j] = cj[0]!;
      }
    }
  }

  /** X⁺b for one column b of length n. */
  solve(b: ArrayLike<number>): number[] {
    const p = this.p;
    const y = Float64Array.from(b);
    for (let k = 0; k < p; k++) {
      const v = this.v[k]!;
      const tail = y.subarray(k);
      let d = 0;
      for (let i = 0; i < v.length; i++) d += v[i]! * tail[i]!;
      d *= this.beta[k]!;
      for (let i = 0; i < v.length; i++) tail[i]! -= d * v[i]!;
    }
    const x = new Array<number>(p).fill(0);
    for (let j = p - 1; j >= 0; j--) {
      let s = y[j]!;
      for (let k = j + 1; k < p; k++) s -= this.r[j]![k]! * x[k]!;
      x[j] = s / this.r[j]![j]!;
    }
    return x;
  }
}

/**
 * Residuals of the columns of Y (m × k) regressed on the columns of A (m × c), as R's
 * resid(lm.fit(A, Y)): Y minus its projection on the span of A. A may be rank deficient: as R's
 * LINPACK dqrdc2 (tol 1e-7), a column whose part orthogonal to the columns before it is below 1e-7
 * of its own norm adds nothing to the span.
 */
export function residualsOn(A: Rows, Y: Rows): Rows {
  const m = A.length;
  const c = A[0]?.length ?? 0;
  const basis: Float64Array[] = [];
  for (let j = 0; j < c; j++) {
    const v = Float64Array.from(A, (row) => row[j]!);
    const norm0 = Math.hypot(...v);
    if (norm0 === 0) continue;
    // modified Gram–Schmidt, twice for orthogonality to working precision
    for (let pass = 0; pass < 2; pass++) {
      for (const u of basis) {
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i]! * v[i]!;
        for (let i = 0; i < m; i++) v[i]! -= d * u[i]!;
      }
    }
    const norm = Math.hypot(...v);
    if (norm <= 1e-7 * norm0) continue;
    for (let i = 0; i < m; i++) v[i]! /= norm;
    basis.push(v);
  }
  const k = Y[0]?.length ?? 0;
  const out: Rows = Y.map((row) => row.slice());
  for (let j = 0; j < k; j++) {
    for (const u of basis) {
      let d = 0;
      for (let i = 0; i < m; i++) d += u[i]! * out[i]![j]!;
      for (let i = 0; i < m; i++) out[i]![j]! -= d * u[i]!;
    }
  }
  return out;
}

/** R's zapsmall(x) (digits 7) over a whole matrix: entries tiny next to the largest become 0. */
export function zapsmallRows(a: Rows, digits = 7): Rows {
  const flat = zapsmall(a.flat(), digits);
  let k = 0;
  return a.map((row) => row.map(() => flat[k++]!));
}
