/**
 * How the random effects are laid out in b and u, and lme4's names for the profile parameters
 * (`.sig01`, `.sig02`, …, `.sigma`). θ's own layout — how each term's slice fills its Λ block and
 * reads as sd/cor — belongs to the term's type (src/model/covariance/).
 *
 * Layout (as in FittedModel.ranef): terms in matrices.reTerms order; within a term with p columns
 * and ℓ levels, level l column j is at termOffset + l·p + j.
 */
import { lambdaBlock, lambdaTimes as blockTimes } from "../../model/covariance/index.js";
import type { ModelMatrices } from "../../model/matrices.js";

/** Start of each term's columns in b, and q = total number of random effects. */
export function reOffsets(m: ModelMatrices): { offsets: number[]; q: number } {
  const offsets: number[] = [];
  let q = 0;
  for (const t of m.reTerms) {
    offsets.push(q);
    q += t.levels.length * t.columnNames.length;
  }
  return { offsets, q };
}

/** b = Λ(θ) u, term by term and level by level. */
export function lambdaTimes(m: ModelMatrices, theta: ArrayLike<number>, u: ArrayLike<number>, out?: Float64Array): Float64Array {
  const { offsets, q } = reOffsets(m);
  const b = out ?? new Float64Array(q);
  m.reTerms.forEach((t, k) => blockTimes(lambdaBlock(t.covariance, theta), 0, t.columnNames.length, t.levels.length, u, b, offsets[k]));
  return b;
}

/** lme4's profile names: `.sig01`, `.sig02`, … one per θ entry, then `.sigma` when the family
 *  has a scale (LMMs). */
export function sdCorNames(m: ModelMatrices, useScale: boolean): string[] {
  const names = m.thetaNames.map((_, i) => `.sig${String(i + 1).padStart(2, "0")}`);
  if (useScale) names.push(".sigma");
  return names;
}
