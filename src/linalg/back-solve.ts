/**
 * Back substitution with a transposed lower factor: solve Lᵀ x = b in place (L column-major).
 */

/** Overwrite `b[boff .. boff+n)` with L⁻ᵀ b; L is n × n lower, element (i, j) at `loff + i + j*ld`. */
export function backSolveTransposeInPlace(l: Float64Array, n: number, b: Float64Array, loff = 0, ld = n, boff = 0): void {
  // row j of Lᵀ is column j of L: a contiguous dot product per unknown
  for (let j = n - 1; j >= 0; j--) {
    const cj = loff + j * ld;
    let s = b[boff + j];
    for (let i = j + 1; i < n; i++) s -= l[cj + i] * b[boff + i];
    b[boff + j] = s / l[cj + j];
  }
}
