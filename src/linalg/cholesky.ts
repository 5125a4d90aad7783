/**
 * Dense Cholesky factorisation A = L Lᵀ, in place, lower triangle, column-major.
 *
 * Right-looking blocked algorithm (Golub & Van Loan, 4th ed., Alg. 4.2.10): factor a panel of NB
 * columns, solve the rows below it, then update the trailing lower triangle by the panel's outer
 * product. The update — nearly all the work — reads the panel packed row-major so each entry of the
 * trailing matrix is a contiguous dot product, computed four rows × two columns at a time to keep
 * eight independent accumulators in registers. Only the lower triangle (including the diagonal) is
 * read or written; the strict upper triangle is left untouched.
 */
import { NotPositiveDefiniteError } from "./errors.js";

/** Panel width: the packed panel (n × NB doubles) stays in L2 cache for n up to a few thousand. */
const NB = 48;

let packBuffer = new Float64Array(0);

/**
 * Factor the n × n symmetric positive-definite matrix stored column-major in `a` (element (i, j) at
 * `offset + i + j * ld`) into its lower Cholesky factor, overwriting the lower triangle.
 * Throws NotPositiveDefiniteError on a non-positive (or non-finite) pivot.
 */
export function choleskyInPlace(a: Float64Array, n: number, offset = 0, ld = n): void {
  if (n <= NB) {
    choleskyUnblocked(a, n, offset, ld, 0);
    return;
  }
  if (packBuffer.length < n * NB) packBuffer = new Float64Array(n * NB);
  const pt = packBuffer;
  for (let j0 = 0; j0 < n; j0 += NB) {
    const jb = Math.min(NB, n - j0);
    choleskyDiagonalBlock(a, jb, offset + j0 + j0 * ld, ld, j0);
    const r0 = j0 + jb;
    if (r0 >= n) break;
    solvePanelRows(a, offset, ld, j0, jb, r0, n);
    packPanel(a, offset, ld, j0, jb, r0, n, pt);
    updateTrailing(a, offset, ld, jb, r0, n, pt);
  }
}

/** Unblocked (column, left-looking) Cholesky of a small matrix; `base` only labels errors. */
export function choleskyUnblocked(a: Float64Array, n: number, offset = 0, ld = n, base = 0): void {
  for (let j = 0; j < n; j++) {
    const cj = offset + j * ld;
    // column j -= L[j:n, 0:j] L[j, 0:j]ᵀ
    for (let k = 0; k < j; k++) {
      const ck = offset + k * ld;
      const ljk = a[ck + j];
      if (ljk === 0) continue;
      for (let i = j; i < n; i++) a[cj + i] -= ljk * a[ck + i];
    }
    const d = a[cj + j];
    if (!(d > 0) || !Number.isFinite(d)) throw new NotPositiveDefiniteError(base + j, d);
    const s = Math.sqrt(d);
    a[cj + j] = s;
    const inv = 1 / s;
    for (let i = j + 1; i < n; i++) a[cj + i] *= inv;
  }
}

function choleskyDiagonalBlock(a: Float64Array, jb: number, off: number, ld: number, base: number): void {
  choleskyUnblocked(a, jb, off, ld, base);
}

/** Rows r0..n of the panel columns j0..j0+jb: A ← A L_dᵀ⁻¹ (column by column, contiguous rows). */
function solvePanelRows(a: Float64Array, offset: number, ld: number, j0: number, jb: number, r0: number, n: number): void {
  for (let c = j0; c < j0 + jb; c++) {
    const cc = offset + c * ld;
    for (let k = j0; k < c; k++) {
      const ck = offset + k * ld;
      const lck = a[ck + c];
      if (lck === 0) continue;
      for (let i = r0; i < n; i++) a[cc + i] -= lck * a[ck + i];
    }
    const inv = 1 / a[cc + c];
    for (let i = r0; i < n; i++) a[cc + i] *= inv;
  }
}

/** Copy the panel's rows r0..n into `pt`, row-major with stride jb. */
function packPanel(a: Float64Array, offset: number, ld: number, j0: number, jb: number, r0: number, n: number, pt: Float64Array): void {
  for (let k = 0; k < jb; k++) {
    const ck = offset + (j0 + k) * ld;
    for (let i = r0; i < n; i++) pt[(i - r0) * jb + k] = a[ck + i];
  }
}

/** Trailing lower triangle: A[i, j] -= ⟨P_i, P_j⟩ for r0 ≤ j ≤ i < n (SYRK). */
function updateTrailing(a: Float64Array, offset: number, ld: number, jb: number, r0: number, n: number, pt: Float64Array): void {
  const m = n - r0;
  let j = 0;
  for (; j + 1 < m; j += 2) {
    const pj0 = j * jb;
    const pj1 = pj0 + jb;
    const c0 = offset + (r0 + j) * ld + r0;
    const c1 = c0 + ld;
    // the 2 × 2 diagonal corner (i = j, j + 1)
    {
      let s00 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < jb; k++) {
        const x0 = pt[pj0 + k], x1 = pt[pj1 + k];
        s00 += x0 * x0; s10 += x1 * x0; s11 += x1 * x1;
      }
      a[c0 + j] -= s00; a[c0 + j + 1] -= s10; a[c1 + j + 1] -= s11;
    }
    let i = j + 2;
    for (; i + 3 < m; i += 4) {
      const p0 = i * jb, p1 = p0 + jb, p2 = p1 + jb, p3 = p2 + jb;
      let s00 = 0, s10 = 0, s20 = 0, s30 = 0, s01 = 0, s11 = 0, s21 = 0, s31 = 0;
      for (let k = 0; k < jb; k++) {
        const y0 = pt[pj0 + k], y1 = pt[pj1 + k];
        const x0 = pt[p0 + k], x1 = pt[p1 + k], x2 = pt[p2 + k], x3 = pt[p3 + k];
        s00 += x0 * y0; s10 += x1 * y0; s20 += x2 * y0; s30 += x3 * y0;
        s01 += x0 * y1; s11 += x1 * y1; s21 += x2 * y1; s31 += x3 * y1;
      }
      a[c0 + i] -= s00; a[c0 + i + 1] -= s10; a[c0 + i + 2] -= s20; a[c0 + i + 3] -= s30;
      a[c1 + i] -= s01; a[c1 + i + 1] -= s11; a[c1 + i + 2] -= s21; a[c1 + i + 3] -= s31;
    }
    for (; i < m; i++) {
      const p0 = i * jb;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < jb; k++) {
        const x = pt[p0 + k];
        s0 += x * pt[pj0 + k]; s1 += x * pt[pj1 + k];
      }
      a[c0 + i] -= s0; a[c1 + i] -= s1;
    }
  }
  if (j < m) {
    // last single column: only its diagonal entry remains
    const pj = j * jb;
    let s = 0;
    for (let k = 0; k < jb; k++) s += pt[pj + k] * pt[pj + k];
    a[offset + (r0 + j) * ld + r0 + j] -= s;
  }
}
