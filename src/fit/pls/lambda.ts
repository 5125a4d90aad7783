/**
 * Λ(θ): one p_k × p_k lower-triangular block per term, repeated for every level (JSS 2015
 * eqs. 4 and 11: Σ = σ²ΛΛᵀ, B = ΛU). Stored flat, column-major per term, followed by a single 1 used as the
 * "Λ" of the X and y rows of the trailing block.
 */
import type { ReMat } from "../../model/matrices.js";

export interface LambdaStore {
  /** Flat storage: term k's block at offsets[k] (p_k² entries, column-major), then the constant 1. */
  values: Float64Array;
  offsets: Int32Array;
  /** Index of the constant 1. */
  one: number;
}

export function makeLambdaStore(terms: ReMat[]): LambdaStore {
  const offsets = new Int32Array(terms.length);
  let len = 0;
  terms.forEach((t, k) => {
    offsets[k] = len;
    len += t.columnNames.length ** 2;
  });
  const values = new Float64Array(len + 1);
  values[len] = 1;
  return { values, offsets, one: len };
}

/** Fill every term's block from θ: correlated terms take θ's column-major lower triangle,
 *  uncorrelated terms their diagonal (lme4's Lind mapping). */
export function setLambda(store: LambdaStore, terms: ReMat[], theta: ArrayLike<number>): void {
  const v = store.values;
  for (let k = 0; k < terms.length; k++) {
    const t = terms[k];
    const pk = t.columnNames.length;
    const off = store.offsets[k];
    let ti = t.thetaOffset;
    for (let j = 0; j < pk; j++) {
      for (let i = 0; i < pk; i++) {
        const at = off + i + j * pk;
        if (i < j) v[at] = 0;
        else if (t.correlated) v[at] = theta[ti++];
        else v[at] = i === j ? theta[ti++] : 0;
      }
    }
  }
}
