/**
 * Λ(θ)'s store for the PLS system: one p_k × p_k block per term, repeated for every level (JSS 2015
 * eqs. 4 and 11: Σ = σ²ΛΛᵀ, B = ΛU), stored flat, column-major per term, followed by a single 1
 * used as the "Λ" of the X and y rows of the trailing block. Each term's type fills its own block
 * (src/model/covariance/); this file only lays the blocks out.
 */
import type { ReMat } from "../../model/matrices.js";
import { lambdaTimes } from "../../model/covariance/index.js";

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

/** Fill every term's block from θ. */
export function setLambda(store: LambdaStore, terms: ReMat[], theta: ArrayLike<number>): void {
  for (let k = 0; k < terms.length; k++) terms[k].covariance.fillLambda(theta, store.values, store.offsets[k]);
}

/** b = Λ(θ)u, term by term (u and b level-major per term, terms in order), into `out`. */
export function bFromU(store: LambdaStore, terms: ReMat[], u: Float64Array, out: Float64Array): Float64Array {
  let off = 0;
  for (let k = 0; k < terms.length; k++) {
    const pk = terms[k].columnNames.length;
    lambdaTimes(store.values, store.offsets[k], pk, terms[k].levels.length, u, out, off);
    off += terms[k].levels.length * pk;
  }
  return out;
}

/** Split a length-q vector (u or b) into per-term arrays (level-major). */
export function splitByTerm(terms: ReMat[], v: Float64Array): Float64Array[] {
  const out: Float64Array[] = [];
  let off = 0;
  for (const t of terms) {
    const len = t.levels.length * t.columnNames.length;
    out.push(v.slice(off, off + len));
    off += len;
  }
  return out;
}
