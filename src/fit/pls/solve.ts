/**
 * Solves with the blocked factor of update-l.ts (no allocation).
 *
 * With L's rows ordered [Z, X, y] and its last row ℓ_y = (ℓ_yZ, ℓ_yX, r), the normal equations of the
 * PLS problem are solved by back substitution (JSS 2015 eqs. 17–18; the vignette's eqs. 51–52):
 *   R_X β̂ = c_β:      β̂ = L_XXᵀ⁻¹ ℓ_yX
 *   L_θᵀ u = c_u − R_ZX β:   u = L_ZZᵀ⁻¹ (ℓ_yZ − L_XZᵀ β)
 * The second line holds for any β, which is what a PIRLS step on u with β fixed needs.
 */
import { backSolveTransposeInPlace } from "../../linalg/back-solve.js";
import type { TrailingPattern } from "./trailing-pattern.js";
import type { Factor } from "./update-l.js";
import type { BlockStructure } from "./structure.js";

/** β̂ into `beta` (length p). */
export function solveBeta(s: BlockStructure, f: Factor, beta: Float64Array): void {
  const { m, qRest, p } = s;
  const l22 = f.l22;
  for (let c = 0; c < p; c++) beta[c] = l22[m - 1 + (qRest + c) * m];
  backSolveTransposeInPlace(l22, p, beta, qRest + qRest * m, m, 0);
}

/** Spherical random effects u for the given β, into `u` (length q: first term, then the rest, in
 *  the natural layout). */
export function solveU(s: BlockStructure, f: Factor, beta: ArrayLike<number>, u: Float64Array): void {
  const { m, qRest, p, l1, p1, colPtr, rowIdx, naturalIndex } = s;
  const { l11, l21, l22 } = f;
  const u2 = f.uTrailing;
  const q1 = l1 * p1;
  // trailing Z part (trailing order): v₂ = ℓ_yZ − L_XZᵀβ, then L₂₂zᵀ u₂ = v₂
  for (let r = 0; r < qRest; r++) {
    const col = r * m;
    let v = l22[m - 1 + col];
    for (let c = 0; c < p; c++) v -= l22[qRest + c + col] * beta[c];
    u2[r] = v;
  }
  if (f.trailing) backSolveTrailing(l22, qRest, m, u2, f.trailing);
  else backSolveTransposeInPlace(l22, qRest, u2, 0, m, 0);
  for (let r = 0; r < qRest; r++) u[q1 + naturalIndex[r]] = u2[r];
  // first term, level by level: L₁₁ᵀ u₁ = ℓ_yZ₁ − L_XZ₁ᵀβ − L₂₁zᵀ u₂
  const p1sq = p1 * p1;
  for (let j = 0; j < l1; j++) {
    const end = colPtr[j + 1];
    const xPos = end - p - 1;
    const uo = j * p1;
    for (let c = 0; c < p1; c++) {
      let v = l21[(end - 1) * p1 + c];
      for (let x = 0; x < p; x++) v -= l21[(xPos + x) * p1 + c] * beta[x];
      for (let a = colPtr[j]; a < xPos; a++) v -= l21[a * p1 + c] * u2[rowIdx[a]];
      u[uo + c] = v;
    }
    backSolveTransposeInPlace(l11, p1, u, j * p1sq, p1, uo);
  }
}

/**
 * backSolveTransposeInPlace on L₂₂'s random-effects block over its pattern (trailing-pattern.ts):
 * the entries left out are +0, so each skipped term is a ±0 subtracted — which leaves a nonzero
 * sum exactly as it is, but can flip the sign of a zero one, and turns into NaN against an
 * infinite x. Where the sum comes out 0, or once some x is not finite, that unknown is summed over
 * the whole column as backSolveTransposeInPlace does: the same bits in every case.
 */
function backSolveTrailing(l22: Float64Array, n: number, m: number, x: Float64Array, pattern: TrailingPattern): void {
  const { ptr, idx } = pattern;
  let allFinite = true;
  for (let j = n - 1; j >= 0; j--) {
    const cj = j * m;
    let s = x[j];
    if (allFinite) {
      // idx[ptr[j]] is j itself; rows are ascending, those from n on belong to X and y
      for (let t = ptr[j] + 1; t < ptr[j + 1]; t++) {
        const i = idx[t];
        if (i >= n) break;
        s -= l22[cj + i] * x[i];
      }
    }
    if (!allFinite || s === 0) {
      s = x[j];
      for (let i = j + 1; i < n; i++) s -= l22[cj + i] * x[i];
    }
    const v = s / l22[cj + j];
    x[j] = v;
    if (!Number.isFinite(v)) allFinite = false;
  }
}
