/**
 * η = offset + Xβ + Zb (JSS 2015 eq. 2 / lme4's merPredD::linPred), straight from the compact
 * ReMat form: Z is never built. Allocation-free.
 */
import type { ModelMatrices } from "../../model/matrices.js";

/** out ← offset + Xβ. */
export function fixedPredictor(m: ModelMatrices, beta: ArrayLike<number>, out: Float64Array): void {
  const { n, p, X } = m;
  out.set(m.offset);
  for (let j = 0; j < p; j++) {
    const bj = beta[j];
    if (bj === 0) continue;
    const o = j * n;
    for (let i = 0; i < n; i++) out[i] += X[o + i] * bj;
  }
}

/** out += Zb, b on the original scale laid out term by term, level-major within a term. */
export function addRandomPredictor(m: ModelMatrices, b: Float64Array, out: Float64Array): void {
  const n = m.n;
  let off = 0;
  for (const t of m.reTerms) {
    const pk = t.columnNames.length;
    const refs = t.refs;
    const z = t.z;
    if (pk === 1) {
      for (let i = 0; i < n; i++) out[i] += z[i] * b[off + refs[i]];
    } else {
      for (let i = 0; i < n; i++) {
        const base = off + refs[i] * pk;
        let s = 0;
        for (let c = 0; c < pk; c++) s += z[i * pk + c] * b[base + c];
        out[i] += s;
      }
    }
    off += t.levels.length * pk;
  }
}
