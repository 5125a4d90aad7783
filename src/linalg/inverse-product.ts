/**
 * (L Lᵀ)⁻¹ for a lower-triangular factor, into a new array: the unscaled vcov(β) of every PLS
 * system, from its X block (JSS 2015 eq. 54, lme4's RX: (RXᵀRX)⁻¹ with RX = L_XXᵀ).
 */

/**
 * Return (L Lᵀ)⁻¹ (n × n, column-major) for the n × n lower-triangular L whose element (i, j) is at
 * `loff + i + j * ld`. Column j is a forward solve of L x = e_j followed by a back solve of Lᵀ y = x.
 */
export function inverseOfLowerProduct(l: Float64Array, n: number, loff = 0, ld = n): Float64Array {
  const out = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    for (let c = 0; c < n; c++) {
      const cc = loff + c * ld;
      const x = col[c] / l[cc + c];
      col[c] = x;
      for (let i = c + 1; i < n; i++) col[i] -= l[cc + i] * x;
    }
    for (let c = n - 1; c >= 0; c--) {
      const cc = loff + c * ld;
      let s = col[c];
      for (let i = c + 1; i < n; i++) s -= l[cc + i] * col[i];
      col[c] = s / l[cc + c];
    }
    out.set(col, j * n);
  }
  return out;
}
