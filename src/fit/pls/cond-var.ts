/**
 * Conditional variances of the random effects (lme4's condVar / postVar; JSS 2015 eqs. 56–58):
 * the diagonal p_k × p_k blocks of Λ (L_θ L_θᵀ)⁻¹ Λᵀ, to be scaled by σ². β is held at β̂, as in lme4.
 *
 * (L Lᵀ)⁻¹ = L⁻ᵀL⁻¹. For the blocked L_θ = [L₁₁ 0; L₂₁ L₂₂] and Σ₂₂ = (L₂₂L₂₂ᵀ)⁻¹ (Z part of L₂₂):
 *   block of a first-term level j: X₁ᵀX₁ + (L₂₁X₁)ᵀ Σ₂₂ (L₂₁X₁),  X₁ = L₁₁[j]⁻¹
 *     (the column x₂ = −L₂₂⁻¹L₂₁x₁ of L⁻¹ has x₂ᵀx₂ = x₁ᵀL₂₁ᵀΣ₂₂L₂₁x₁)
 *   block of a later term's level:   the block of Σ₂₂ itself.
 * Both need Σ₂₂ only where L₂₂ is nonzero (a level's rows of L₂₁ form a clique of L₂₂'s pattern, a
 * level block is dense), so the selected inverse (Takahashi) suffices — no dense L₂₂⁻¹.
 * Runs once after a fit; allocates freely.
 */
import { invertLower } from "../../linalg/invert-lower.js";
import { selectedInverse } from "../../linalg/selected-inverse.js";
import type { ReMat } from "../../model/matrices.js";
import type { LambdaStore } from "./lambda.js";
import type { BlockStructure } from "./structure.js";
import type { Factor } from "./update-l.js";

/** Per term: level-major p_k × p_k column-major blocks of Λ(LLᵀ)⁻¹Λᵀ (level l at l·p_k²). */
export function conditionalVarianceBlocks(s: BlockStructure, f: Factor, lam: LambdaStore, terms: ReMat[]): Float64Array[] {
  const { qRest, m } = s;
  const sigma = qRest > 0 ? selectedInverse(f.l22, qRest, 0, m) : new Float64Array(0);
  const out: Float64Array[] = [firstTermBlocks(s, f, lam, sigma)];
  // later terms: their diagonal blocks of Σ₂₂
  for (let k = 1; k < terms.length; k++) {
    const pk = terms[k].columnNames.length;
    const lk = terms[k].levels.length;
    const blocks = new Float64Array(lk * pk * pk);
    const inner = new Float64Array(pk * pk);
    for (let l = 0; l < lk; l++) {
      const base = s.levelStart[k][l];
      for (let c = 0; c < pk; c++)
        for (let d = 0; d < pk; d++) inner[c + d * pk] = sigma[base + Math.max(c, d) + (base + Math.min(c, d)) * qRest];
      sandwich(lam, k, pk, inner, blocks, l * pk * pk);
    }
    out.push(blocks);
  }
  return out;
}

/** First-term level blocks: X₁ᵀX₁ + VᵀΣ₂₂V with V = L₂₁X₁ on the level's Z rows. */
function firstTermBlocks(s: BlockStructure, f: Factor, lam: LambdaStore, sigma: Float64Array): Float64Array {
  const { qRest, l1, p1, colPtr, rowIdx, p } = s;
  const p1sq = p1 * p1;
  const blocks = new Float64Array(l1 * p1sq);
  const inner = new Float64Array(p1sq);
  let v = new Float64Array(0);
  for (let j = 0; j < l1; j++) {
    const x1 = invertLower(f.l11, p1, j * p1sq, p1);
    for (let c = 0; c < p1; c++)
      for (let d = 0; d < p1; d++) {
        let t = 0;
        for (let r = 0; r < p1; r++) t += x1[r + c * p1] * x1[r + d * p1];
        inner[c + d * p1] = t;
      }
    const start = colPtr[j];
    const cnt = colPtr[j + 1] - p - 1 - start; // the level's Z rows (X and y rows excluded)
    if (cnt > 0) {
      if (v.length < cnt * p1) v = new Float64Array(cnt * p1);
      // V[a, c] = Σ_r L₂₁[a, r] X₁[r, c], a over the level's pattern rows
      for (let a = 0; a < cnt; a++)
        for (let c = 0; c < p1; c++) {
          let t = 0;
          for (let r = 0; r < p1; r++) t += f.l21[(start + a) * p1 + r] * x1[r + c * p1];
          v[a * p1 + c] = t;
        }
      // the level's rows ascend, so Σ₂₂[row_b, row_a] for b ≥ a is in the stored lower triangle
      for (let a = 0; a < cnt; a++) {
        const col = rowIdx[start + a] * qRest;
        for (let b = a; b < cnt; b++) {
          const sab = sigma[col + rowIdx[start + b]];
          if (sab === 0) continue;
          for (let c = 0; c < p1; c++) {
            const vac = v[a * p1 + c] * sab;
            const vbc = v[b * p1 + c] * sab;
            for (let d = 0; d < p1; d++) {
              inner[c + d * p1] += vac * v[b * p1 + d];
              if (b !== a) inner[c + d * p1] += vbc * v[a * p1 + d];
            }
          }
        }
      }
    }
    sandwich(lam, 0, p1, inner, blocks, j * p1sq);
  }
  return blocks;
}

/** out = Λ_k · inner · Λ_kᵀ (p × p, column-major). */
function sandwich(lam: LambdaStore, k: number, pk: number, inner: Float64Array, out: Float64Array, oo: number): void {
  const L = lam.values;
  const lo = lam.offsets[k];
  for (let r = 0; r < pk; r++)
    for (let c = 0; c < pk; c++) {
      let v = 0;
      for (let a = 0; a <= r; a++) {
        const lra = L[lo + r + a * pk];
        if (lra === 0) continue;
        for (let b = 0; b <= c; b++) v += lra * inner[a + b * pk] * L[lo + c + b * pk];
      }
      out[oo + r + c * pk] = v;
    }
}
