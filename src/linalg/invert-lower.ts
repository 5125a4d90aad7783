/**
 * Inverse of a lower-triangular matrix (column-major), into a new array.
 */

/**
 * Return L⁻¹ (n × n lower, column-major) for the n × n lower-triangular L whose element (i, j) is at
 * `loff + i + j * ld`. Column j of L⁻¹ is the forward solve of L x = e_j, which is zero above j; the
 * solve runs column-oriented so every inner loop is a contiguous axpy (n³/6 multiply-adds).
 */
export function invertLower(l: Float64Array, n: number, loff = 0, ld = n): Float64Array {
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const oj = j * n;
    out[oj + j] = 1;
    for (let k = j; k < n; k++) {
      const ck = loff + k * ld;
      const xk = out[oj + k] / l[ck + k];
      out[oj + k] = xk;
      if (xk === 0) continue;
      for (let i = k + 1; i < n; i++) out[oj + i] -= l[ck + i] * xk;
    }
  }
  return out;
}
