/**
 * Solves with the random-effects block of the blocked factor alone: M x = v for
 * M = ΛᵀZᵀWZΛ + I = L_θ L_θᵀ (JSS 2015 eq. 18), v and x in u's natural layout (terms in order,
 * level-major). What the Kenward–Roger adjustment (src/result/inference/kenward-roger.ts) needs to
 * apply M⁻¹ to a column without forming M⁻¹.
 *
 * With L_θ = [L₁₁ 0; L₂₁ L₂₂] (first term block diagonal, the rest in the trailing order):
 *   forward  w₁ = L₁₁⁻¹ v₁,  w₂ = L₂₂⁻¹ (v₂ − L₂₁ w₁)
 *   back     x₂ = L₂₂⁻ᵀ w₂,  x₁ = L₁₁⁻ᵀ (w₁ − L₂₁ᵀ x₂)
 * One pass costs O(nnz(L₂₁)·p₁ + q_rest²). Allocates only scratch of length q_rest.
 */
import { backSolveTransposeInPlace } from "../../linalg/back-solve.js";
import { forwardSolveInPlace } from "../../linalg/forward-solve.js";
import type { BlockStructure } from "./structure.js";
import type { Factor } from "./update-l.js";

/** Overwrites `v` (length q, natural layout) with M⁻¹v; `scratch` has length ≥ q_rest. */
export function solveM(s: BlockStructure, f: Factor, v: Float64Array, scratch: Float64Array): void {
  const { l1, p1, qRest, m, p, colPtr, rowIdx, naturalIndex } = s;
  const { l11, l21, l22 } = f;
  const q1 = l1 * p1;
  const p1sq = p1 * p1;
  const v2 = scratch;
  for (let r = 0; r < qRest; r++) v2[r] = v[q1 + naturalIndex[r]];
  for (let j = 0; j < l1; j++) {
    forwardSolveInPlace(l11, p1, v, j * p1sq, p1, j * p1);
    const end = colPtr[j + 1] - p - 1; // the level's Z rows; X and y rows follow
    for (let a = colPtr[j]; a < end; a++) {
      let t = 0;
      for (let c = 0; c < p1; c++) t += l21[a * p1 + c] * v[j * p1 + c];
      v2[rowIdx[a]] -= t;
    }
  }
  if (qRest > 0) {
    forwardSolveInPlace(l22, qRest, v2, 0, m, 0);
    backSolveTransposeInPlace(l22, qRest, v2, 0, m, 0);
  }
  for (let j = 0; j < l1; j++) {
    const end = colPtr[j + 1] - p - 1;
    for (let a = colPtr[j]; a < end; a++) {
      const x = v2[rowIdx[a]];
      for (let c = 0; c < p1; c++) v[j * p1 + c] -= l21[a * p1 + c] * x;
    }
    backSolveTransposeInPlace(l11, p1, v, j * p1sq, p1, j * p1);
  }
  for (let r = 0; r < qRest; r++) v[q1 + naturalIndex[r]] = v2[r];
}
