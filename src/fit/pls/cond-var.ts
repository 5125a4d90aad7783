/**
 * Conditional variances of the random effects (lme4's condVar / postVar; JSS 2015 eqs. 56–58):
 * the diagonal p_k × p_k blocks of Λ (L_θ L_θᵀ)⁻¹ Λᵀ, to be scaled by σ². β is held at β̂, as in lme4.
 *
 * (L Lᵀ)⁻¹ = L⁻ᵀL⁻¹, so a diagonal block over index set S is (L⁻¹)[:, S]ᵀ (L⁻¹)[:, S]. For the
 * blocked L_θ = [L₁₁ 0; L₂₁ L₂₂], with M = L₂₂⁻¹ (dense, once):
 *   column of a first-term level: x₁ = L₁₁⁻¹e (local), x₂ = −M L₂₁ x₁ (sparse L₂₁ x₁)
 *   column of a later term:       x₁ = 0,               x₂ = M e.
 * Runs once after a fit; allocates freely.
 */
import { invertLower } from "../../linalg/invert-lower.js";
import type { ReMat } from "../../model/matrices.js";
import type { LambdaStore } from "./lambda.js";
import type { BlockStructure } from "./structure.js";
import type { Factor } from "./update-l.js";

/** Per term: level-major p_k × p_k column-major blocks of Λ(LLᵀ)⁻¹Λᵀ (level l at l·p_k²). */
export function conditionalVarianceBlocks(s: BlockStructure, f: Factor, lam: LambdaStore, terms: ReMat[]): Float64Array[] {
  const { qRest, m, l1, p1, colPtr, rowIdx, p } = s;
  const M = qRest > 0 ? invertLower(f.l22, qRest, 0, m) : new Float64Array(0);
  const out: Float64Array[] = [];
  // first term
  {
    const blocks = new Float64Array(l1 * p1 * p1);
    const x1 = new Float64Array(p1 * p1);
    const sp = new Float64Array(qRest * p1);
    const x2 = new Float64Array(qRest);
    const inner = new Float64Array(p1 * p1);
    for (let j = 0; j < l1; j++) {
      // x₁ = L₁₁⁻¹ (p₁ × p₁ lower inverse)
      const li = invertLower(f.l11, p1, j * p1 * p1, p1);
      x1.set(li);
      inner.fill(0);
      for (let c = 0; c < p1; c++)
        for (let d = 0; d < p1; d++) {
          let v = 0;
          for (let r = 0; r < p1; r++) v += x1[r + c * p1] * x1[r + d * p1];
          inner[c + d * p1] = v;
        }
      if (qRest > 0) {
        const end = colPtr[j + 1] - p - 1;
        // s = L₂₁ x₁ on the level's Z rows (sparse), per column c of x₁
        for (let c = 0; c < p1; c++) {
          x2.fill(0);
          let minRow = qRest;
          for (let a = colPtr[j]; a < end; a++) {
            let v = 0;
            for (let r = 0; r < p1; r++) v += f.l21[a * p1 + r] * x1[r + c * p1];
            const row = rowIdx[a];
            if (row < minRow) minRow = row;
            // x₂ += M[:, row] v  (M lower: rows ≥ row)
            const mc = row * qRest;
            for (let i = row; i < qRest; i++) x2[i] += M[mc + i] * v;
          }
          sp.set(x2, c * qRest);
          for (let d = 0; d <= c; d++) {
            let v = 0;
            const oc = c * qRest, od = d * qRest;
            for (let i = minRow; i < qRest; i++) v += sp[oc + i] * sp[od + i];
            inner[c + d * p1] += v;
            if (d !== c) inner[d + c * p1] += v;
          }
        }
      }
      sandwich(lam, 0, p1, inner, blocks, j * p1 * p1);
    }
    out.push(blocks);
  }
  // later terms: columns of M
  for (let k = 1; k < terms.length; k++) {
    const pk = terms[k].columnNames.length;
    const lk = terms[k].levels.length;
    const blocks = new Float64Array(lk * pk * pk);
    const inner = new Float64Array(pk * pk);
    for (let l = 0; l < lk; l++) {
      const base = s.levelStart[k][l];
      for (let c = 0; c < pk; c++)
        for (let d = 0; d <= c; d++) {
          const oc = (base + c) * qRest, od = (base + d) * qRest;
          let v = 0;
          for (let i = base + c; i < qRest; i++) v += M[oc + i] * M[od + i];
          inner[c + d * pk] = v;
          inner[d + c * pk] = v;
        }
      sandwich(lam, k, pk, inner, blocks, l * pk * pk);
    }
    out.push(blocks);
  }
  return out;
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
