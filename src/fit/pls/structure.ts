/**
 * The symbolic (θ- and weight-independent) layout of the blocked penalized least-squares system,
 * MixedModels.jl's way (src/linearmixedmodel.jl, src/remat.jl):
 *
 *        ⎡ A₁₁  ·  ⎤   A₁₁ = Z₁ᵀWZ₁: block diagonal, ℓ₁ blocks of p₁ × p₁ (first term only)
 *   A =  ⎣ A₂₁ A₂₂ ⎦   A₂₁: sparse, rows = [Z₂ … Z_K, X, y], columns = Z₁ (pattern of Z_kᵀZ₁)
 *                      A₂₂: dense m × m over [Z₂ … Z_K, X, y] (m = q_rest + p + 1)
 *
 * The first term has the most levels (terms arrive sorted by decreasing levels), so keeping its
 * diagonal block block-diagonal leaves only the trailing block dense; the Schur complement of A₁₁
 * fills it in through A₂₁.
 */
import type { ModelMatrices, ReMat } from "../../model/matrices.js";

export interface BlockStructure {
  n: number;
  /** Number of fixed-effects columns. */
  p: number;
  /** First term: levels and columns per level. */
  l1: number;
  p1: number;
  /** Total random-effects dimension q = Σ ℓ_k p_k, and the part after the first term. */
  q: number;
  qRest: number;
  /** Order of the dense trailing block: q_rest + p + 1 (the last row/column is y). */
  m: number;
  /** Trailing index of the first column of each term k ≥ 1 (entry 0 unused, = −1). */
  trailStart: Int32Array;
  /** A₂₁ pattern, compressed by first-term level: level j's rows are
   *  rowIdx[colPtr[j] .. colPtr[j+1]), ascending trailing indices; whole level blocks of the other
   *  terms, then always the p X rows and the y row. Values are stored nnz × p₁ row-major. */
  colPtr: Int32Array;
  rowIdx: Int32Array;
  /** Per data row i and term k ≥ 1: position in rowIdx of the first row of that row's level block
   *  of term k, at [i * (K − 1) + k − 1]. */
  rowPos: Int32Array;
  /** Per trailing index r: how many rows of its level block from r on (p_k − c; 1 for X and y) and
   *  where Λ_k's column c starts below the diagonal in the flat Λ store (see lambda.ts). */
  rLen: Int32Array;
  rLamPtr: Int32Array;
}

/** Build the layout from the model's random-effects terms (one pass over the rows). */
export function analyzeStructure(mm: ModelMatrices, lamOffsets: Int32Array, lamOne: number): BlockStructure {
  const terms = mm.reTerms;
  const K = terms.length;
  const n = mm.n;
  const p = mm.p;
  const t1 = terms[0];
  const p1 = t1.columnNames.length;
  const l1 = t1.levels.length;
  const trailStart = new Int32Array(K).fill(-1);
  let qRest = 0;
  for (let k = 1; k < K; k++) {
    trailStart[k] = qRest;
    qRest += terms[k].levels.length * terms[k].columnNames.length;
  }
  const q = l1 * p1 + qRest;
  const m = qRest + p + 1;

  const { colPtr, rowIdx } = offDiagonalPattern(terms, n, l1, trailStart, qRest, p);
  const rowPos = rowPositions(terms, n, colPtr, rowIdx, trailStart);
  const rLen = new Int32Array(m).fill(1);
  const rLamPtr = new Int32Array(m).fill(lamOne);
  for (let k = 1; k < K; k++) {
    const pk = terms[k].columnNames.length;
    for (let l = 0; l < terms[k].levels.length; l++) {
      for (let c = 0; c < pk; c++) {
        const r = trailStart[k] + l * pk + c;
        rLen[r] = pk - c;
        rLamPtr[r] = lamOffsets[k] + c * pk + c;
      }
    }
  }
  return { n, p, l1, p1, q, qRest, m, trailStart, colPtr, rowIdx, rowPos, rLen, rLamPtr };
}

/** Sorted, de-duplicated level blocks of terms 2..K met by each first-term level, plus X and y. */
function offDiagonalPattern(terms: ReMat[], n: number, l1: number, trailStart: Int32Array, qRest: number, p: number) {
  const K = terms.length;
  const sets: Set<number>[] = Array.from({ length: l1 }, () => new Set<number>());
  const refs1 = terms[0].refs;
  for (let k = 1; k < K; k++) {
    const refs = terms[k].refs;
    const pk = terms[k].columnNames.length;
    const s0 = trailStart[k];
    for (let i = 0; i < n; i++) sets[refs1[i]].add(s0 + refs[i] * pk);
  }
  const colPtr = new Int32Array(l1 + 1);
  const blockLen = (start: number): number => {
    for (let k = K - 1; k >= 1; k--) if (start >= trailStart[k]) return terms[k].columnNames.length;
    return 1;
  };
  const lists: number[][] = [];
  let nnz = 0;
  for (let j = 0; j < l1; j++) {
    const starts = Array.from(sets[j]).sort((a, b) => a - b);
    const rows: number[] = [];
    for (const s of starts) for (let c = 0; c < blockLen(s); c++) rows.push(s + c);
    for (let c = 0; c <= p; c++) rows.push(qRest + c);
    lists.push(rows);
    nnz += rows.length;
    colPtr[j + 1] = nnz;
  }
  const rowIdx = new Int32Array(nnz);
  for (let j = 0; j < l1; j++) rowIdx.set(lists[j], colPtr[j]);
  return { colPtr, rowIdx };
}

function rowPositions(terms: ReMat[], n: number, colPtr: Int32Array, rowIdx: Int32Array, trailStart: Int32Array): Int32Array {
  const K = terms.length;
  const rowPos = new Int32Array(n * Math.max(K - 1, 0));
  const refs1 = terms[0].refs;
  for (let k = 1; k < K; k++) {
    const refs = terms[k].refs;
    const pk = terms[k].columnNames.length;
    for (let i = 0; i < n; i++) {
      const target = trailStart[k] + refs[i] * pk;
      rowPos[i * (K - 1) + k - 1] = binarySearch(rowIdx, colPtr[refs1[i]], colPtr[refs1[i] + 1], target);
    }
  }
  return rowPos;
}

function binarySearch(a: Int32Array, lo: number, hi: number, target: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
