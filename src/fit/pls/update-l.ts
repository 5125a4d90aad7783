/**
 * updateL: the blocked Cholesky factor L(θ) of
 *
 *   Ω(θ) = ⎡ ΛᵀZᵀWZΛ + I   ΛᵀZᵀWX   ΛᵀZᵀWy ⎤
 *          ⎢ XᵀWZΛ         XᵀWX     XᵀWy   ⎥  = L Lᵀ        (JSS 2015 eqs. 17–18, with the
 *          ⎣ yᵀWZΛ         yᵀWX     yᵀWy   ⎦                 response appended as in MixedModels.jl)
 *
 * so that L's Z block is L_θ and its X block R_Xᵀ (eq. 18), and its last pivot is
 * r(θ) = √(penalised weighted RSS) (eq. 19). Works entirely on the stored cross-products; no
 * allocation.
 *   L₁₁ = chol(Λ₁ᵀA₁₁Λ₁ + I)                          level by level, p₁ × p₁
 *   L₂₁ = Λ₂ᵀA₂₁Λ₁ L₁₁⁻ᵀ                              on A₂₁'s sparse pattern
 *   L₂₂ = chol(Λ₂ᵀA₂₂Λ₂ + I_Z − L₂₁L₂₁ᵀ)                dense, blocked (src/linalg/cholesky.ts)
 */
import { choleskyInPlace, choleskyUnblocked } from "../../linalg/cholesky.js";
import { forwardSolveInPlace } from "../../linalg/forward-solve.js";
import { NotPositiveDefiniteError } from "../../linalg/errors.js";
import type { CrossProducts } from "./cross-products.js";
import type { LambdaStore } from "./lambda.js";
import type { BlockStructure } from "./structure.js";
import type { TrailingPattern } from "./trailing-pattern.js";
import type { FactorThreads } from "./update-l-threads.js";

export interface Factor {
  l11: Float64Array;
  l21: Float64Array;
  l22: Float64Array;
  /** p₁-vector scratch. */
  tmp: Float64Array;
  /** The later terms' part of u in trailing order (scratch of solve.ts). */
  uTrailing: Float64Array;
  /** Per trailing index, its Λ diagonal entry (scratch of formTrailing). */
  lamRow: Float64Array;
  /** When the first term is scalar and every level's pattern holds every trailing row (fully
   *  crossed factors, e.g. VerbAgg's subjects × items): L₂₁ transposed, trailing row r's entries
   *  for all levels contiguous at r·ℓ₁ (scratch of subtractSchurComplement); otherwise null. */
  l21ByRow: Float64Array | null;
  /** Where L₂₂ can be nonzero, when that is sparse (trailing-pattern.ts; set by PlsSystem):
   *  formTrailing then writes only there, the rest of l22 staying 0. */
  trailing: TrailingPattern | null;
  /** The worker that takes part of the Schur complement and of the trailing Cholesky, when the
   *  block is large enough to pay (update-l-threads.ts; set by PlsSystem); then l21, l21ByRow and
   *  l22 live in shared memory. */
  threads: FactorThreads | null;
}

/** `alloc` makes the arrays a worker shares (l21, l21ByRow, l22): shared memory for threads. */
export function allocateFactor(s: BlockStructure, alloc: (n: number) => Float64Array = (n) => new Float64Array(n)): Factor {
  return {
    l11: new Float64Array(s.l1 * s.p1 * s.p1),
    l21: alloc(s.rowIdx.length * s.p1),
    l22: alloc(s.m * s.m),
    tmp: new Float64Array(s.p1),
    uTrailing: new Float64Array(s.qRest),
    lamRow: new Float64Array(s.m),
    l21ByRow: hasFullPattern(s) ? alloc(s.l1 * s.m) : null,
    trailing: null,
    threads: null,
  };
}

/** Scalar first term, and level j's pattern is every trailing row 0 … m−1 in order at j·m. */
function hasFullPattern(s: BlockStructure): boolean {
  const { p1, l1, m, rowIdx, colPtr } = s;
  if (p1 !== 1 || rowIdx.length !== l1 * m) return false;
  for (let j = 0; j < l1; j++) {
    if (colPtr[j] !== j * m) return false;
    for (let r = 0; r < m; r++) if (rowIdx[j * m + r] !== r) return false;
  }
  return true;
}

/**
 * With `randomOnly`, L₂₂'s columns for [X, y] (from qRest on; qRest is always a panel boundary,
 * structure.ts) are neither formed nor factored: every other entry of L comes out with the same bits
 * (no column reads a later one), which is all that logDetL2 and solveU (u for fixed β) read. A₂₂'s
 * [X, y] block is then not needed either (cross-products.ts skips it).
 */
export function updateL(s: BlockStructure, a: CrossProducts, lam: LambdaStore, f: Factor, randomOnly = false): void {
  const cols = randomOnly ? s.qRest : s.m;
  factorFirstTermBlocks(s, a.a11, lam, f.l11);
  formOffDiagonal(s, a.a21, lam, f);
  if (f.l21ByRow) transposeL21(s, f.l21, f.l21ByRow);
  // with a worker: it forms and updates columns [split, cols) of L₂₂ while this thread does
  // [0, split), then takes part of each large panel's update (update-l-threads.ts); every entry
  // sees the same operations in the same order as here, so the factor has the same bits
  const t = f.threads;
  if (t && t.formColumns(s, a.a22, lam, f, cols)) {
    if (t.factorTrailing(s, f, cols)) return;
  } else {
    formTrailing(s, a.a22, lam, f.l22, f.lamRow, 0, cols, f.trailing);
    schurColumns(s, f, 0, cols);
    choleskyInPlace(f.l22, s.m, 0, s.m, s.panels, cols);
    return;
  }
  // the worker failed (it is not used again): the whole factor once more on this thread
  f.threads = null;
  updateL(s, a, lam, f, randomOnly);
}

/** Columns [c0, c1) of L₂₂ − L₂₁L₂₁ᵀ, by the kernel that suits the pattern. */
export function schurColumns(s: BlockStructure, f: Factor, c0: number, c1: number): void {
  if (f.l21ByRow) subtractSchurComplementDense(s, f.l21ByRow, f.l22, c0, c1);
  else subtractSchurComplement(s, f.l21, f.l22, c0, c1);
}

/** L₁₁ block j = chol(Λ₁ᵀ A₁₁[j] Λ₁ + I). */
function factorFirstTermBlocks(s: BlockStructure, a11: Float64Array, lam: LambdaStore, l11: Float64Array): void {
  const { l1, p1 } = s;
  const L = lam.values;
  const lo = lam.offsets[0];
  const p1sq = p1 * p1;
  if (p1 === 1) {
    const l = L[lo];
    const l2 = l * l;
    for (let j = 0; j < l1; j++) l11[j] = Math.sqrt(l2 * a11[j] + 1);
    return;
  }
  if (p1 === 2) return factorFirstTermBlocks2(l1, a11, L, lo, l11);
  for (let j = 0; j < l1; j++) {
    const o = j * p1sq;
    // (Λᵀ A Λ)[r, c] = Σ_{a ≥ r} Σ_{b ≥ c} Λ[a, r] A[a, b] Λ[b, c]; lower triangle only
    for (let c = 0; c < p1; c++) {
      for (let r = c; r < p1; r++) {
        let sum = 0;
        for (let aa = r; aa < p1; aa++) {
          const lar = L[lo + aa + r * p1];
          if (lar === 0) continue;
          let inner = 0;
          for (let bb = c; bb < p1; bb++) inner += a11[o + aa + bb * p1] * L[lo + bb + c * p1];
          sum += lar * inner;
        }
        l11[o + r + c * p1] = r === c ? sum + 1 : sum;
      }
    }
    choleskyUnblocked(l11, p1, o, p1);
  }
}

/**
 * factorFirstTermBlocks for 2 × 2 blocks ((x | g), a million levels at scale): the general loops'
 * operations in the same order (so the same bits), unrolled, and the Cholesky of the block inline.
 */
function factorFirstTermBlocks2(l1: number, a11: Float64Array, L: Float64Array, lo: number, l11: Float64Array): void {
  const L00 = L[lo];
  const L10 = L[lo + 1];
  const L11 = L[lo + 3];
  for (let j = 0; j < l1; j++) {
    const o = j * 4;
    const a0 = a11[o], a1 = a11[o + 1], a2 = a11[o + 2], a3 = a11[o + 3];
    // (ΛᵀAΛ)[0,0] = Λ00 (A00Λ00 + A01Λ10) + Λ10 (A10Λ00 + A11Λ10), skipping zero Λ entries as the loops do
    let s00 = 0;
    if (L00 !== 0) s00 += L00 * (a0 * L00 + a2 * L10);
    const inner1 = a1 * L00 + a3 * L10;
    if (L10 !== 0) s00 += L10 * inner1;
    let s10 = 0;
    if (L11 !== 0) s10 += L11 * inner1;
    let s11 = 0;
    if (L11 !== 0) s11 += L11 * (a3 * L11);
    // chol of [s00 + 1, ·; s10, s11 + 1] (choleskyUnblocked's steps)
    const d0 = s00 + 1;
    if (!(d0 > 0) || !Number.isFinite(d0)) throw new NotPositiveDefiniteError(0, d0);
    const r0 = Math.sqrt(d0);
    const l10 = s10 * (1 / r0);
    let d1 = s11 + 1;
    if (l10 !== 0) d1 -= l10 * l10;
    if (!(d1 > 0) || !Number.isFinite(d1)) throw new NotPositiveDefiniteError(1, d1);
    l11[o] = r0;
    l11[o + 1] = l10;
    l11[o + 3] = Math.sqrt(d1);
  }
}

/** L₂₁ = Λ₂ᵀ A₂₁ Λ₁ L₁₁⁻ᵀ on the sparse pattern (row-major nnz × p₁). */
function formOffDiagonal(s: BlockStructure, a21: Float64Array, lam: LambdaStore, f: Factor): void {
  const { l1, p1, colPtr, rowIdx, rLen, rLamPtr } = s;
  const L = lam.values;
  const lo = lam.offsets[0];
  const l21 = f.l21;
  if (p1 === 1) {
    const lam1 = L[lo];
    for (let j = 0; j < l1; j++) {
      const scale = lam1 / f.l11[j];
      for (let q = colPtr[j]; q < colPtr[j + 1]; q++) {
        const r = rowIdx[q];
        const len = rLen[r];
        const lp = rLamPtr[r];
        let v = 0;
        for (let a = 0; a < len; a++) v += L[lp + a] * a21[q + a];
        l21[q] = v * scale;
      }
    }
    return;
  }
  if (p1 === 2) return formOffDiagonal2(s, a21, L, lo, f);
  const tmp = f.tmp;
  const p1sq = p1 * p1;
  for (let j = 0; j < l1; j++) {
    for (let q = colPtr[j]; q < colPtr[j + 1]; q++) {
      const r = rowIdx[q];
      const len = rLen[r];
      const lp = rLamPtr[r];
      // left: row q of Λ₂ᵀA₂₁ mixes the rows below it in its level block
      for (let c = 0; c < p1; c++) {
        let v = 0;
        for (let a = 0; a < len; a++) v += L[lp + a] * a21[(q + a) * p1 + c];
        tmp[c] = v;
      }
      // right: × Λ₁, then solve x L₁₁ᵀ = v, i.e. L₁₁ xᵀ = vᵀ
      const o = q * p1;
      for (let c = 0; c < p1; c++) {
        let v = 0;
        for (let a = c; a < p1; a++) v += tmp[a] * L[lo + a + c * p1];
        l21[o + c] = v;
      }
      forwardSolveInPlace(f.l11, p1, l21, j * p1sq, p1, o);
    }
  }
}

/** formOffDiagonal for p₁ = 2: the general loops' operations in the same order, unrolled, with the
 *  2 × 2 forward solve (forwardSolveInPlace's steps) inline. */
function formOffDiagonal2(s: BlockStructure, a21: Float64Array, L: Float64Array, lo: number, f: Factor): void {
  const { l1, colPtr, rowIdx, rLen, rLamPtr } = s;
  const l21 = f.l21;
  const l11 = f.l11;
  const L00 = L[lo];
  const L10 = L[lo + 1];
  const L11 = L[lo + 3];
  for (let j = 0; j < l1; j++) {
    const g00 = l11[j * 4];
    const g10 = l11[j * 4 + 1];
    const g11 = l11[j * 4 + 3];
    for (let q = colPtr[j]; q < colPtr[j + 1]; q++) {
      const r = rowIdx[q];
      const len = rLen[r];
      const lp = rLamPtr[r];
      let t0 = 0;
      let t1 = 0;
      for (let a = 0; a < len; a++) {
        const la = L[lp + a];
        t0 += la * a21[(q + a) * 2];
        t1 += la * a21[(q + a) * 2 + 1];
      }
      let v0 = 0;
      v0 += t0 * L00;
      v0 += t1 * L10;
      let v1 = 0;
      v1 += t1 * L11;
      const x0 = v0 / g00;
      if (x0 !== 0) v1 -= g10 * x0;
      l21[q * 2] = x0;
      l21[q * 2 + 1] = v1 / g11;
    }
  }
}

/** Lower triangle of Λ₂ᵀ A₂₂ Λ₂ + I_Z into l22 (Λ₂ = blockdiag(Λ_k per level, …, I_{p+1})), its
 *  columns [c0, cols). Self-contained: a worker runs its source (update-l-threads.ts). */
export function formTrailing(
  s: BlockStructure, a22: Float64Array, lam: LambdaStore, l22: Float64Array, lamRow: Float64Array, c0: number, cols: number,
  pattern: TrailingPattern | null,
): void {
  const { m, qRest, rLen, rLamPtr } = s;
  const L = lam.values;
  let allScalar = true;
  for (let i = 0; i < m; i++) {
    if (rLen[i] !== 1) allScalar = false;
    lamRow[i] = L[rLamPtr[i]];
  }
  if (allScalar && pattern) {
    // as below, on the entries that can be nonzero (the others are 0 here and stay 0)
    const { ptr, idx } = pattern;
    for (let j = c0; j < cols; j++) {
      const cj = j * m;
      const lamj = lamRow[j];
      for (let t = ptr[j]; t < ptr[j + 1]; t++) {
        const i = idx[t];
        l22[i + cj] = lamRow[i] * lamj * a22[i + cj];
      }
      if (j < qRest) l22[j + cj] += 1;
    }
    return;
  }
  if (allScalar) {
    // scalar terms only (Λ₂ diagonal): entry (i, j) is λ_i λ_j A₂₂[i, j]
    for (let j = c0; j < cols; j++) {
      const cj = j * m;
      const lamj = lamRow[j];
      for (let i = j; i < m; i++) l22[i + cj] = lamRow[i] * lamj * a22[i + cj];
      if (j < qRest) l22[j + cj] += 1;
    }
    return;
  }
  for (let j = c0; j < cols; j++) {
    const lj = rLen[j];
    const pj = rLamPtr[j];
    const cj = j * m;
    if (lj === 1) {
      const lamj = L[pj];
      for (let i = j; i < m; i++) {
        const li = rLen[i];
        const pi = rLamPtr[i];
        if (li === 1) {
          l22[i + cj] = L[pi] * lamj * a22[i + cj];
        } else {
          let v = 0;
          for (let a = 0; a < li; a++) v += L[pi + a] * a22[i + a + cj];
          l22[i + cj] = v * lamj;
        }
      }
    } else {
      for (let i = j; i < m; i++) {
        const li = rLen[i];
        const pi = rLamPtr[i];
        let v = 0;
        for (let b = 0; b < lj; b++) {
          const lb = L[pj + b];
          if (lb === 0) continue;
          const col = j + b;
          let inner = 0;
          for (let a = 0; a < li; a++) {
            const row = i + a;
            inner += L[pi + a] * (row >= col ? a22[row + col * m] : a22[col + row * m]);
          }
          v += lb * inner;
        }
        l22[i + cj] = v;
      }
    }
    if (j < qRest) l22[j + cj] += 1;
  }
}

/**
 * L₂₂ ← L₂₂ − L₂₁ L₂₁ᵀ (lower triangle). Column c of the product gathers, from every first-term
 * level whose pattern holds row c, that level's entries at and below c times its entry at c; going
 * column by column keeps the writes within one column of L₂₂ (cache-resident) while the reads come
 * from the much smaller L₂₁. Columns [c0, c1) only; self-contained (a worker runs its source).
 */
export function subtractSchurComplement(s: BlockStructure, l21: Float64Array, l22: Float64Array, c0: number, c1: number): void {
  const { p1, m, rowIdx, byRowStart, byRowPos, posEnd } = s;
  for (let c = c0; c < c1; c++) {
    const col = c * m;
    for (let t = byRowStart[c]; t < byRowStart[c + 1]; t++) {
      const b = byRowPos[t];
      const end = posEnd[b];
      if (p1 === 1) {
        const vb = l21[b];
        if (vb === 0) continue;
        // four rows at a time: independent loads and stores in flight (rows differ within a level)
        let a = b;
        for (; a + 3 < end; a += 4) {
          const r0 = rowIdx[a] + col, r1 = rowIdx[a + 1] + col, r2 = rowIdx[a + 2] + col, r3 = rowIdx[a + 3] + col;
          const x0 = l21[a] * vb, x1 = l21[a + 1] * vb, x2 = l21[a + 2] * vb, x3 = l21[a + 3] * vb;
          l22[r0] -= x0; l22[r1] -= x1; l22[r2] -= x2; l22[r3] -= x3;
        }
        for (; a < end; a++) l22[rowIdx[a] + col] -= l21[a] * vb;
      } else if (p1 === 2) {
        const ob = b * 2;
        const w0 = l21[ob];
        const w1 = l21[ob + 1];
        for (let a = b; a < end; a++) {
          let v = 0;
          v += l21[a * 2] * w0;
          v += l21[a * 2 + 1] * w1;
          l22[rowIdx[a] + col] -= v;
        }
      } else {
        const ob = b * p1;
        for (let a = b; a < end; a++) {
          const oa = a * p1;
          let v = 0;
          for (let k = 0; k < p1; k++) v += l21[oa + k] * l21[ob + k];
          l22[rowIdx[a] + col] -= v;
        }
      }
    }
  }
}

/** Factor.l21ByRow ← L₂₁ transposed (full pattern: level j's row r at j·m + r). */
function transposeL21(s: BlockStructure, l21: Float64Array, t: Float64Array): void {
  const { l1, m } = s;
  for (let j = 0; j < l1; j++) {
    const o = j * m;
    for (let r = 0; r < m; r++) t[r * l1 + j] = l21[o + r];
  }
}

/**
 * subtractSchurComplement for a full pattern (Factor.l21ByRow): entry (r, c) still loses
 * L₂₁[j, r]·L₂₁[j, c] level by level in ascending j, skipping the levels where L₂₁[j, c] = 0 — the
 * same subtractions in the same order, so the same bits — but accumulated in a register over
 * contiguous rows of the transposed L₂₁ (transposeL21), four entries of a column at a time.
 * Columns [c0, c1) only; self-contained (a worker runs its source).
 */
export function subtractSchurComplementDense(s: BlockStructure, t: Float64Array, l22: Float64Array, c0: number, c1: number): void {
  const { l1, m } = s;
  for (let c = c0; c < c1; c++) {
    const col = c * m;
    const oc = c * l1;
    let r = c;
    for (; r + 3 < m; r += 4) {
      const o0 = r * l1, o1 = o0 + l1, o2 = o1 + l1, o3 = o2 + l1;
      let s0 = l22[r + col], s1 = l22[r + 1 + col], s2 = l22[r + 2 + col], s3 = l22[r + 3 + col];
      for (let j = 0; j < l1; j++) {
        const vb = t[oc + j];
        if (vb === 0) continue;
        s0 -= t[o0 + j] * vb; s1 -= t[o1 + j] * vb; s2 -= t[o2 + j] * vb; s3 -= t[o3 + j] * vb;
      }
      l22[r + col] = s0; l22[r + 1 + col] = s1; l22[r + 2 + col] = s2; l22[r + 3 + col] = s3;
    }
    for (; r < m; r++) {
      const o0 = r * l1;
      let s0 = l22[r + col];
      for (let j = 0; j < l1; j++) {
        const vb = t[oc + j];
        if (vb === 0) continue;
        s0 -= t[o0 + j] * vb;
      }
      l22[r + col] = s0;
    }
  }
}
