/**
 * Forward substitution: solve L x = b in place for lower-triangular L (column-major).
 */

/** Overwrite `b[boff .. boff+n)` with L⁻¹ b; L is n × n lower, element (i, j) at `loff + i + j*ld`. */
export function forwardSolveInPlace(l: Float64Array, n: number, b: Float64Array, loff = 0, ld = n, boff = 0): void {
  // column-oriented: contiguous reads down each column of L
  for (let j = 0; j < n; j++) {
    const cj = loff + j * ld;
    const xj = b[boff + j] / l[cj + j];
    b[boff + j] = xj;
    if (xj === 0) continue;
    for (let i = j + 1; i < n; i++) b[boff + i] -= l[cj + i] * xj;
  }
}
