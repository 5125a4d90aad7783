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
import { invertLower } from "../../linalg/invert-lower.js";
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

/**
 * M⁻¹ as a dense q × q matrix (column-major, natural layout), from the blocked factor without q
 * separate solves. With L_θ = [L₁₁ 0; L₂₁ L₂₂], T = L₂₁L₁₁⁻¹ (sparse, L₂₁'s pattern) and
 * C = L₂₂⁻ᵀL₂₂⁻¹:
 *   L_θ⁻¹ = [L₁₁⁻¹ 0; −L₂₂⁻¹T L₂₂⁻¹],   M⁻¹ = L_θ⁻ᵀL_θ⁻¹ = [L₁₁⁻ᵀL₁₁⁻¹ + TᵀCT   −TᵀC; −CT   C].
 * Cost: O(q_rest³) for C, O(nnz(L₂₁)·p₁·q) for the rest — for InstEval's (1|s) + (1|d) about
 * 1e9 multiply-adds, against 5e9 for q trailing solves. Memory: the result (q²) and C (q_rest²).
 */
export function denseInverseM(s: BlockStructure, f: Factor): Float64Array {
  const { l1, p1, qRest, m, p, colPtr, rowIdx, naturalIndex } = s;
  const q1 = l1 * p1;
  const q = q1 + qRest;
  const p1sq = p1 * p1;
  const out = new Float64Array(q * q);
  // C = G'G, G = L₂₂⁻¹ (trailing order), symmetric
  const G = qRest > 0 ? invertLower(f.l22, qRest, 0, m) : new Float64Array(0);
  const C = new Float64Array(qRest * qRest);
  for (let a = 0; a < qRest; a++) {
    const ga = a * qRest;
    for (let b = a; b < qRest; b++) {
      const gb = b * qRest;
      let t = 0;
      for (let k = b; k < qRest; k++) t += G[ga + k] * G[gb + k];
      C[a + b * qRest] = t;
      C[b + a * qRest] = t;
    }
  }
  const nat = (r: number) => q1 + naturalIndex[r];
  for (let b = 0; b < qRest; b++) for (let a = 0; a < qRest; a++) out[nat(a) + nat(b) * q] = C[a + b * qRest];
  // T's values per pattern position, T[a, ·] = L₂₁[a, ·] L₁₁[j]⁻¹ (row vector times inverse)
  const zEnd = (j: number) => colPtr[j + 1] - p - 1;
  const T = new Float64Array(rowIdx.length * p1);
  const row = new Float64Array(p1);
  for (let j = 0; j < l1; j++) {
    for (let a = colPtr[j]; a < zEnd(j); a++) {
      for (let c = 0; c < p1; c++) row[c] = f.l21[a * p1 + c];
      // x L₁₁ = row  ⇔  L₁₁ᵀ xᵀ = rowᵀ
      backSolveTransposeInPlace(f.l11, p1, row, j * p1sq, p1, 0);
      for (let c = 0; c < p1; c++) T[a * p1 + c] = row[c];
    }
  }
  // −CT: column (j, c) = −Σ_a T[a, c] C[:, rowIdx[a]], into rows of the trailing part, and mirrored
  const ct = new Float64Array(qRest);
  for (let j = 0; j < l1; j++) {
    for (let c = 0; c < p1; c++) {
      ct.fill(0);
      for (let a = colPtr[j]; a < zEnd(j); a++) {
        const t = T[a * p1 + c];
        if (t === 0) continue;
        const cc = rowIdx[a] * qRest;
        for (let r = 0; r < qRest; r++) ct[r] += t * C[cc + r];
      }
      const col = j * p1 + c;
      for (let r = 0; r < qRest; r++) {
        out[nat(r) + col * q] = -ct[r];
        out[col + nat(r) * q] = -ct[r];
      }
      // the first-term block, column (j, c): TᵀCT column = Σ over levels j' of T[a', c'] ct[rowIdx[a']]
      for (let j2 = 0; j2 < l1; j2++) {
        for (let c2 = 0; c2 < p1; c2++) {
          let t = 0;
          for (let a = colPtr[j2]; a < zEnd(j2); a++) t += T[a * p1 + c2] * ct[rowIdx[a]];
          out[j2 * p1 + c2 + col * q] = t;
        }
      }
    }
    // plus L₁₁[j]⁻ᵀL₁₁[j]⁻¹ on the level's diagonal block
    const inv = invertLower(f.l11, p1, j * p1sq, p1);
    for (let c = 0; c < p1; c++)
      for (let d = 0; d < p1; d++) {
        let t = 0;
        for (let k = Math.max(c, d); k < p1; k++) t += inv[k + c * p1] * inv[k + d * p1];
        out[j * p1 + c + (j * p1 + d) * q] += t;
      }
  }
  return out;
}
