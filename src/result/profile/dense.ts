/**
 * Dense kernels for the small systems profiling works on (q + p up to a few hundred). Matrices are
 * row-major Float64Array k × k. The full sparse machinery lives in src/linalg/; profiling and the
 * bootstrap only need the models small enough to profile in seconds.
 */

/** In-place lower Cholesky factor of a symmetric positive-definite k × k matrix (the upper
 *  triangle is zeroed). Returns false when a pivot is not positive. */
export function choleskyInPlace(a: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j];
    for (let s = 0; s < j; s++) d -= a[j * k + s] * a[j * k + s];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let v = a[i * k + j];
      for (let s = 0; s < j; s++) v -= a[i * k + s] * a[j * k + s];
      a[i * k + j] = v / ljj;
    }
    for (let i = 0; i < j; i++) a[i * k + j] = 0;
  }
  return true;
}

/** Solve L x = b in place (L lower, from choleskyInPlace). */
export function forwardSolve(l: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let v = b[i];
    for (let s = 0; s < i; s++) v -= l[i * k + s] * b[s];
    b[i] = v / l[i * k + i];
  }
}

/** Solve Lᵀ x = b in place. */
export function backSolve(l: Float64Array, k: number, b: Float64Array): void {
  for (let i = k - 1; i >= 0; i--) {
    let v = b[i];
    for (let s = i + 1; s < k; s++) v -= l[s * k + i] * b[s];
    b[i] = v / l[i * k + i];
  }
}

/** log det(L Lᵀ) = 2 Σ log L_ii. */
export function logDet2(l: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.log(l[i * k + i]);
  return 2 * s;
}

/** Inverse of L Lᵀ (row-major k × k) from its Cholesky factor. */
export function cholInverse(l: Float64Array, k: number): Float64Array {
  const inv = new Float64Array(k * k);
  const e = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    e.fill(0);
    e[c] = 1;
    forwardSolve(l, k, e);
    backSolve(l, k, e);
    for (let r = 0; r < k; r++) inv[r * k + c] = e[r];
  }
  return inv;
}
