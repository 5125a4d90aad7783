/**
 * Rank of the fixed-effects model matrix as R's qr(X, tol = 1e-7, LAPACK = FALSE) finds it:
 * LINPACK's dqrdc2 (R's modified dqrdc), a Householder QR with "limited column pivoting": a column
 * whose remaining norm has fallen below tol × its original norm is moved to the end, the others
 * keep their order. lme4's chkRank.drop.cols then keeps pivot[1..rank] and drops the rest.
 */

export interface PivotedQr {
  rank: number;
  /** 0-based original column index in pivoted order. */
  pivot: Int32Array;
}

/** dqrdc2 on a copy of column-major n × p X. */
export function pivotedQrRank(X: Float64Array, n: number, p: number, tol = 1e-7): PivotedQr {
  const x = Float64Array.from(X);
  const qraux = new Float64Array(p);
  const work1 = new Float64Array(p);
  const work2 = new Float64Array(p);
  const pivot = new Int32Array(p);
  for (let j = 0; j < p; j++) {
    pivot[j] = j;
    const nrm = norm(x, j * n, n);
    qraux[j] = nrm;
    work1[j] = nrm;
    work2[j] = nrm === 0 ? 1 : nrm;
  }
  const lup = Math.min(n, p);
  let k = p; // 1-based "k = p + 1" in the Fortran; columns k.. are the negligible ones
  const tmp = new Float64Array(n);
  for (let l = 0; l < lup; l++) {
    // Cycle negligible columns to the end (the `l < k` check avoids cycling forever).
    while (l < k && qraux[l]! < work2[l]! * tol) {
      moveColumnToEnd(x, n, p, l, tmp);
      rotateLeft(pivot, l);
      rotateLeft(qraux, l);
      rotateLeft(work1, l);
      rotateLeft(work2, l);
      k--;
    }
    if (l === n - 1) break;
    const ll = l * n + l;
    let nrmxl = norm(x, ll, n - l);
    if (nrmxl === 0) continue;
    if (x[ll] !== 0) nrmxl = Math.abs(nrmxl) * Math.sign(x[ll]!);
    for (let i = l; i < n; i++) x[l * n + i]! /= nrmxl;
    x[ll] = 1 + x[ll]!;
    for (let j = l + 1; j < p; j++) {
      let dot = 0;
      for (let i = l; i < n; i++) dot += x[l * n + i]! * x[j * n + i]!;
      const t = -dot / x[ll]!;
      for (let i = l; i < n; i++) x[j * n + i]! += t * x[l * n + i]!;
      if (qraux[j] === 0) continue;
      const r = Math.abs(x[j * n + l]!) / qraux[j]!;
      const tt = Math.max(1 - r * r, 0);
      // "modified 9/99 by doug bates": recompute the norm instead of downdating when it is tiny.
      if (Math.abs(tt) < 1e-6) {
        qraux[j] = norm(x, j * n + l + 1, n - l - 1);
        work1[j] = qraux[j]!;
      } else {
        qraux[j] = qraux[j]! * Math.sqrt(tt);
      }
    }
    qraux[l] = x[ll]!;
    x[ll] = -nrmxl;
  }
  return { rank: Math.min(k, n), pivot };
}

function norm(x: Float64Array, start: number, len: number): number {
  // Scaled as BLAS dnrm2 to avoid overflow.
  let scale = 0;
  let ssq = 1;
  for (let i = start; i < start + len; i++) {
    const v = x[i]!;
    if (v === 0) continue;
    const a = Math.abs(v);
    if (scale < a) {
      ssq = 1 + ssq * (scale / a) * (scale / a);
      scale = a;
    } else {
      ssq += (a / scale) * (a / scale);
    }
  }
  return scale * Math.sqrt(ssq);
}

function moveColumnToEnd(x: Float64Array, n: number, p: number, l: number, tmp: Float64Array): void {
  tmp.set(x.subarray(l * n, l * n + n));
  x.copyWithin(l * n, (l + 1) * n, p * n);
  x.set(tmp, (p - 1) * n);
}

function rotateLeft(a: Float64Array | Int32Array, from: number): void {
  const first = a[from]!;
  a.copyWithin(from, from + 1);
  a[a.length - 1] = first;
}
