/**
 * Small dense helpers for the p × p and k × k matrices of this folder (column-major
 * Float64Arrays). The symmetric eigen-decomposition and inverses come from ml-matrix, already a
 * dependency; these are the few products around them.
 */
import { EigenvalueDecomposition, Matrix, inverse, pseudoInverse } from "ml-matrix";

/** Column-major n × n → ml-matrix. */
export function toMatrix(a: ArrayLike<number>, n: number, m = n): Matrix {
  const out = new Matrix(n, m);
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) out.set(i, j, a[i + j * n]);
  return out;
}

export function fromMatrix(a: Matrix): Float64Array {
  const n = a.rows;
  const m = a.columns;
  const out = new Float64Array(n * m);
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) out[i + j * n] = a.get(i, j);
  return out;
}

/** Eigenvalues (decreasing, as R's eigen) and the matching unit eigenvectors (columns) of a
 *  symmetric n × n matrix. */
export function symmetricEigen(a: ArrayLike<number>, n: number): { values: number[]; vectors: number[][] } {
  const e = new EigenvalueDecomposition(toMatrix(a, n), { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const V = e.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((x, y) => vals[y] - vals[x]);
  return { values: order.map((i) => vals[i]), vectors: order.map((i) => V.getColumn(i)) };
}

/** Inverse of a symmetric positive definite (or merely nonsingular) n × n matrix. */
export function inv(a: ArrayLike<number>, n: number): Float64Array {
  return fromMatrix(inverse(toMatrix(a, n)));
}

/** Moore–Penrose inverse (MASS::ginv's role). */
export function ginv(a: ArrayLike<number>, n: number): Float64Array {
  return fromMatrix(pseudoInverse(toMatrix(a, n)));
}

/** x'Ay for an n × n column-major A. */
export function qform(x: ArrayLike<number>, a: ArrayLike<number>, y: ArrayLike<number> = x): number {
  const n = x.length;
  let s = 0;
  for (let j = 0; j < n; j++) {
    if (y[j] === 0) continue;
    let t = 0;
    for (let i = 0; i < n; i++) t += x[i] * a[i + j * n];
    s += t * y[j];
  }
  return s;
}

/** C = A B for column-major A (n × k) and B (k × m). */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let j = 0; j < m; j++)
    for (let l = 0; l < k; l++) {
      const blj = b[l + j * k];
      if (blj === 0) continue;
      for (let i = 0; i < n; i++) c[i + j * n] += a[i + l * n] * blj;
    }
  return c;
}

/** Aᵀ for a column-major n × m A. */
export function transpose(a: ArrayLike<number>, n: number, m: number): Float64Array {
  const t = new Float64Array(n * m);
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) t[j + i * m] = a[i + j * n];
  return t;
}

/** tr(A B) for n × n A, B. */
export function traceProduct(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += a[i + j * n] * b[j + i * n];
  return s;
}

/** Σ A∘B (R's sum(A * B)). */
export function sumProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** L (rows, r × p) as a column-major r × p array. */
export function rowsToColumnMajor(L: number[][], p: number): Float64Array {
  const r = L.length;
  const out = new Float64Array(r * p);
  for (let i = 0; i < r; i++) for (let j = 0; j < p; j++) out[i + j * r] = L[i][j];
  return out;
}

/** L A Lᵀ for L (r × p, column-major) and A (p × p). */
export function sandwich(L: ArrayLike<number>, a: ArrayLike<number>, r: number, p: number): Float64Array {
  const la = matmul(L, a, r, p, p);
  return matmul(la, transpose(L, r, p), r, p, r);
}
