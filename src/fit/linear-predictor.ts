/**
 * The linear predictor η = offset + Xβ + Zb (JSS 2015 eq. 2 / lme4's merPredD::linPred), straight
 * from the compact ReMat form: Z is never built. The one place η is computed — by PIRLS (every
 * GLMM evaluation), the LMM's results, fitted values, predict (at new data, with all, some or none
 * of the random-effects terms) and simulate. Allocation-free given `out`.
 */

/** What η needs of a design: the fit's ModelMatrices, or new data's design under the fit's plan
 *  (src/result/predict.ts). X is n × p column-major; each term's z is row-major n × p_k with
 *  refs[i] its level index. */
export interface LinearDesign {
  n: number;
  p: number;
  X: Float64Array;
  offset: Float64Array;
  reTerms: readonly { refs: Int32Array; z: Float64Array; columnNames: readonly string[]; levels: readonly string[] }[];
}

/** out ← offset + Xβ. */
export function fixedPredictor(m: LinearDesign, beta: ArrayLike<number>, out: Float64Array): void {
  const { n, p, X } = m;
  out.set(m.offset);
  for (let j = 0; j < p; j++) {
    const bj = beta[j];
    if (bj === 0) continue;
    const o = j * n;
    for (let i = 0; i < n; i++) out[i] += X[o + i] * bj;
  }
}

/** out += Zb, b on the original scale laid out term by term, level-major within a term (the
 *  layout of Pirls.b and of concatenated FittedModel.ranef). */
export function addRandomPredictor(m: LinearDesign, b: ArrayLike<number>, out: Float64Array): void {
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

/** η = offset + Xβ (+ Zb when b is given) into out (a new array by default). */
export function linearPredictor(
  m: LinearDesign,
  beta: ArrayLike<number>,
  b: ArrayLike<number> | null,
  out: Float64Array = new Float64Array(m.n),
): Float64Array {
  fixedPredictor(m, beta, out);
  if (b !== null) addRandomPredictor(m, b, out);
  return out;
}
