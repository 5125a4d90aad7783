/**
 * Selected inverse of a sparse-patterned Cholesky factor: the entries of Σ = (L Lᵀ)⁻¹ on the
 * (numerical) nonzero pattern of L and its diagonal, by the Takahashi recurrences (Takahashi, Fagan
 * & Chen 1973; Erisman & Tinney 1975). From Lᵀ Σ = L⁻¹, whose row j is zero right of the diagonal
 * and 1/L_jj on it, with S_j the rows below j where L[·, j] ≠ 0:
 *
 *   Σ[i, j] = −(1/L_jj) Σ_{k∈S_j} L[k, j] Σ[k, i]              (i ∈ S_j)
 *   Σ[j, j] =  (1/L_jj) (1/L_jj − Σ_{k∈S_j} L[k, j] Σ[k, j])
 *
 * taken for j = n−1 down to 0. S_j is a clique of the filled pattern, so every Σ[k, i] these need is
 * on the pattern and already computed. The cost is Σ_j |S_j|², the order of the factorisation's,
 * against n³/6 for the whole inverse — what conditional variances need (a few entries per level).
 */

/**
 * Σ = (L Lᵀ)⁻¹ on L's pattern, for the n × n lower-triangular L at `loff + i + j * ld`: returned as an
 * n × n column-major array whose LOWER triangle holds those entries (Σ[i, j], i ≥ j, at i + j·n; read
 * Σ[a, b] at max(a, b) + min(a, b)·n). Entries off the pattern are left 0 and are NOT those of the
 * inverse; the strict upper triangle is 0.
 *
 * The pattern is L's numerical nonzeros, and rows from `denseFrom` on count as nonzero in every
 * column. That matters where a structurally nonzero entry comes out exactly 0 by cancellation (a
 * balanced design's X columns): the recurrence needs S_j to be a clique of the symbolic pattern, and
 * such a zero would leave out an entry a later column reads. `out` (n² doubles) is reused when given.
 */
export function selectedInverse(
  l: Float64Array, n: number, loff = 0, ld = n, denseFrom = n, out?: Float64Array,
): Float64Array {
  const sig = out ?? new Float64Array(n * n);
  if (out) sig.fill(0, 0, n * n);
  // S_j as runs of consecutive rows [runStart, runEnd): a factor ordered for fill (supernodes,
  // a final clique) has long runs, and each run is a contiguous loop
  const runStart = new Int32Array(n);
  const runEnd = new Int32Array(n);
  const y = new Float64Array(n); // y[k] for k ∈ S_j, indexed by row
  for (let j = n - 1; j >= 0; j--) {
    const cj = loff + j * ld;
    let runs = 0;
    for (let i = j + 1; i < n; i++) {
      if (l[cj + i] === 0 && i < denseFrom) continue;
      y[i] = 0;
      if (runs > 0 && runEnd[runs - 1] === i) runEnd[runs - 1] = i + 1;
      else {
        runStart[runs] = i;
        runEnd[runs] = i + 1;
        runs++;
      }
    }
    // y = Σ[S_j, S_j] ℓ_j as a symmetric matrix-vector product reading the lower triangle only (half
    // the memory traffic): entry (k, i), k > i, adds to y_i and y_k
    for (let r = 0; r < runs; r++) {
      let i = runStart[r];
      // two columns i, i + 1 at a time: each y[k] is loaded and stored once for both
      for (; i + 1 < runEnd[r]; i += 2) {
        const c0 = i * n;
        const c1 = c0 + n;
        const l0 = l[cj + i];
        const l1 = l[cj + i + 1];
        const t10 = sig[c0 + i + 1];
        let y0 = y[i] + sig[c0 + i] * l0 + t10 * l1;
        let y1 = y[i + 1] + t10 * l0 + sig[c1 + i + 1] * l1;
        for (let r2 = r; r2 < runs; r2++) {
          for (let k = r2 === r ? i + 2 : runStart[r2]; k < runEnd[r2]; k++) {
            const t0 = sig[c0 + k];
            const t1 = sig[c1 + k];
            const lk = l[cj + k];
            y0 += t0 * lk;
            y1 += t1 * lk;
            y[k] += t0 * l0 + t1 * l1;
          }
        }
        y[i] = y0;
        y[i + 1] = y1;
      }
      if (i < runEnd[r]) {
        const ci = i * n;
        const li = l[cj + i];
        let yi = y[i] + sig[ci + i] * li;
        for (let r2 = r + 1; r2 < runs; r2++) {
          for (let k = runStart[r2]; k < runEnd[r2]; k++) {
            const t = sig[ci + k];
            yi += t * l[cj + k];
            y[k] += t * li;
          }
        }
        y[i] = yi;
      }
    }
    const inv = 1 / l[cj + j];
    let diag = inv;
    const col = j * n;
    for (let r = 0; r < runs; r++) {
      for (let i = runStart[r]; i < runEnd[r]; i++) {
        const v = -y[i] * inv;
        sig[col + i] = v;
        diag -= l[cj + i] * v;
      }
    }
    sig[col + j] = diag * inv;
  }
  return sig;
}
