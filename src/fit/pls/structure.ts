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
import { BitGraph, MAX_NODES_TO_ORDER, MIN_NODES_TO_ORDER, minimumDegreeOrdering, naturalOrdering } from "./ordering.js";

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
  /** Trailing index of the first column of level l of term k ≥ 1: levelStart[k][l] (entry 0 is
   *  empty). Levels are placed in a fill-reducing order (ordering.ts), each level's p_k columns
   *  contiguous. */
  levelStart: Int32Array[];
  /** For a trailing index r < q_rest, its offset in u's natural layout (terms in order, level-major)
   *  counted from the end of the first term. */
  naturalIndex: Int32Array;
  /** Panel boundaries for the dense factorisation: the supernodes of the trailing block, then X and
   *  y (ascending trailing indices, first 0, last m). */
  panels: Int32Array;
  /** A₂₁ pattern, compressed by first-term level: level j's rows are
   *  rowIdx[colPtr[j] .. colPtr[j+1]), ascending trailing indices; whole level blocks of the other
   *  terms, then always the p X rows and the y row. Values are stored nnz × p₁ row-major. */
  colPtr: Int32Array;
  rowIdx: Int32Array;
  /** The same pattern by trailing row: the positions q (into rowIdx) with rowIdx[q] = r are
   *  byRowPos[byRowStart[r] .. byRowStart[r+1]), and posEnd[q] is the end of q's level in rowIdx —
   *  so the Schur complement can be formed one column of L₂₂ at a time (update-l.ts). */
  byRowStart: Int32Array;
  byRowPos: Int32Array;
  posEnd: Int32Array;
  /** Per data row i and term k ≥ 1: position in rowIdx of the first row of that row's level block
   *  of term k, at [i * (K − 1) + k − 1]. */
  rowPos: Int32Array;
  /** Per trailing index r: how many rows of its level block from r on (p_k − c; 1 for X and y) and
   *  where Λ_k's column c starts below the diagonal in the flat Λ store (see lambda.ts). */
  rLen: Int32Array;
  rLamPtr: Int32Array;
}

/** Above this much clique work (Σ over first-term levels of (levels met)²) the trailing block keeps
 *  its natural order rather than spend the setup time on ordering it. */
const MAX_ORDERING_WORK = 5e7;

/**
 * Which level blocks meet in the data, which is all the layout needs from the rows: per first-term
 * level, the rest nodes (level blocks of terms 2..K, numbered term by term in natural order) its
 * rows meet, as compressed lists (`metPtr`, `metIdx`, each level's nodes ascending); and every pair
 * of rest nodes of different later terms sharing a row (`laterEdges`: node pairs, flat). From the
 * rows (levelPatternFromRows) or from GROUP BY queries (src/sql/blocks.ts).
 */
export interface LevelPattern {
  metPtr: Int32Array;
  metIdx: Int32Array;
  laterEdges: Int32Array;
}

/** Build the layout from the model's random-effects terms (a few passes over the rows, once), or
 *  from a level pattern computed elsewhere (then the rows are never read: rowPos stays empty). */
export function analyzeStructure(mm: ModelMatrices, lamOffsets: Int32Array, lamOne: number, pattern?: LevelPattern): BlockStructure {
  const terms = mm.reTerms;
  const K = terms.length;
  const n = mm.n;
  const p = mm.p;
  const t1 = terms[0];
  const p1 = t1.columnNames.length;
  const l1 = t1.levels.length;
  // rest nodes (level blocks of terms 2..K), numbered in natural order
  const nodeOffset = new Int32Array(K + 1);
  for (let k = 1; k < K; k++) nodeOffset[k + 1] = nodeOffset[k] + terms[k].levels.length;
  nodeOffset[0] = 0;
  const nNodes = K > 1 ? nodeOffset[K] : 0;
  const nodeTerm = new Int32Array(nNodes);
  for (let k = 1; k < K; k++) nodeTerm.fill(k, nodeOffset[k], nodeOffset[k + 1]);
  const pat = pattern ?? levelPatternFromRows(terms, n, l1, nodeOffset);
  const ordering = orderNodes(nNodes, pat);

  // place level blocks in that order
  const levelStart: Int32Array[] = terms.map((t, k) => new Int32Array(k === 0 ? 0 : t.levels.length));
  const naturalStart = new Int32Array(K);
  for (let k = 2; k < K; k++) naturalStart[k] = naturalStart[k - 1] + terms[k - 1].levels.length * terms[k - 1].columnNames.length;
  const nodeStart = new Int32Array(nNodes + 1);
  let qRest = 0;
  ordering.order.forEach((v, i) => {
    const k = nodeTerm[v];
    const l = v - nodeOffset[k];
    levelStart[k][l] = qRest;
    nodeStart[i] = qRest;
    qRest += terms[k].columnNames.length;
  });
  nodeStart[nNodes] = qRest;
  const q = l1 * p1 + qRest;
  const m = qRest + p + 1;
  const naturalIndex = new Int32Array(qRest);
  const rLen = new Int32Array(m).fill(1);
  const rLamPtr = new Int32Array(m).fill(lamOne);
  for (let k = 1; k < K; k++) {
    const pk = terms[k].columnNames.length;
    for (let l = 0; l < terms[k].levels.length; l++) {
      for (let c = 0; c < pk; c++) {
        const r = levelStart[k][l] + c;
        naturalIndex[r] = naturalStart[k] + l * pk + c;
        rLen[r] = pk - c;
        rLamPtr[r] = lamOffsets[k] + c * pk + c;
      }
    }
  }
  const panels: number[] = Array.from(ordering.supernodeStarts, (t) => nodeStart[t]);
  if (qRest > 0 || panels.length === 0) panels.push(qRest);
  panels.push(m);
  const { colPtr, rowIdx } = offDiagonalPattern(pat, l1, nodeTerm, nodeOffset, levelStart, rLen, qRest, p);
  const rowPos = pattern ? new Int32Array(0) : rowPositions(terms, n, colPtr, rowIdx, levelStart);
  const { byRowStart, byRowPos, posEnd } = patternByRow(colPtr, rowIdx, m);
  return {
    n, p, l1, p1, q, qRest, m, levelStart, naturalIndex, panels: Int32Array.from(new Set(panels)),
    colPtr, rowIdx, byRowStart, byRowPos, posEnd, rowPos, rLen, rLamPtr,
  };
}

/** The level pattern of the rows (see LevelPattern). */
function levelPatternFromRows(terms: ReMat[], n: number, l1: number, nodeOffset: Int32Array): LevelPattern {
  const sets: Set<number>[] = Array.from({ length: l1 }, () => new Set<number>());
  const refs1 = terms[0].refs;
  for (let k = 1; k < terms.length; k++) {
    const refs = terms[k].refs;
    const o = nodeOffset[k];
    for (let i = 0; i < n; i++) sets[refs1[i]].add(o + refs[i]);
  }
  const metPtr = new Int32Array(l1 + 1);
  for (let j = 0; j < l1; j++) metPtr[j + 1] = metPtr[j] + sets[j].size;
  const metIdx = new Int32Array(metPtr[l1]);
  for (let j = 0; j < l1; j++) metIdx.set(Array.from(sets[j]).sort((a, b) => a - b), metPtr[j]);
  const edges: number[] = [];
  if (terms.length > 2) {
    const seen = new Set<number>();
    const nNodes = nodeOffset[terms.length];
    for (let i = 0; i < n; i++)
      for (let k = 1; k < terms.length; k++)
        for (let k2 = k + 1; k2 < terms.length; k2++) {
          const a = nodeOffset[k] + terms[k].refs[i];
          const b = nodeOffset[k2] + terms[k2].refs[i];
          const key = a * nNodes + b;
          if (seen.has(key)) continue;
          seen.add(key);
          edges.push(a, b);
        }
  }
  return { metPtr, metIdx, laterEdges: Int32Array.from(edges) };
}

/** Minimum-degree order of the rest nodes on the pattern of A₂₂ + L₂₁L₂₁ᵀ (ordering.ts). */
function orderNodes(nNodes: number, pat: LevelPattern) {
  const { metPtr, metIdx, laterEdges } = pat;
  const l1 = metPtr.length - 1;
  let work = 0;
  for (let j = 0; j < l1; j++) work += (metPtr[j + 1] - metPtr[j]) ** 2;
  if (nNodes < MIN_NODES_TO_ORDER || nNodes > MAX_NODES_TO_ORDER || work > MAX_ORDERING_WORK) return naturalOrdering(nNodes);
  const g = new BitGraph(nNodes);
  // A₂₂: levels of different later terms sharing a row
  for (let e = 0; e < laterEdges.length; e += 2) g.addEdge(laterEdges[e], laterEdges[e + 1]);
  // L₂₁L₂₁ᵀ: a clique per first-term level
  for (let j = 0; j < l1; j++) {
    for (let a = metPtr[j]; a < metPtr[j + 1]; a++) for (let b = a + 1; b < metPtr[j + 1]; b++) g.addEdge(metIdx[a], metIdx[b]);
  }
  return minimumDegreeOrdering(g);
}

/** Sorted level blocks met by each first-term level, plus X and y. */
function offDiagonalPattern(
  pat: LevelPattern, l1: number, nodeTerm: Int32Array, nodeOffset: Int32Array, levelStart: Int32Array[], rLen: Int32Array,
  qRest: number, p: number,
) {
  const { metPtr, metIdx } = pat;
  const colPtr = new Int32Array(l1 + 1);
  // sizes first, so that a large pattern (millions of levels) is filled without per-level arrays
  const startOf = (v: number) => levelStart[nodeTerm[v]][v - nodeOffset[nodeTerm[v]]];
  for (let j = 0; j < l1; j++) {
    let len = p + 1;
    for (let a = metPtr[j]; a < metPtr[j + 1]; a++) len += rLen[startOf(metIdx[a])];
    colPtr[j + 1] = colPtr[j] + len;
  }
  const rowIdx = new Int32Array(colPtr[l1]);
  let starts = new Int32Array(16);
  for (let j = 0; j < l1; j++) {
    const cnt = metPtr[j + 1] - metPtr[j];
    if (starts.length < cnt) starts = new Int32Array(cnt * 2);
    for (let a = 0; a < cnt; a++) starts[a] = startOf(metIdx[metPtr[j] + a]);
    const sorted = starts.subarray(0, cnt).sort();
    let o = colPtr[j];
    for (const s of sorted) for (let c = 0; c < rLen[s]; c++) rowIdx[o++] = s + c;
    for (let c = 0; c <= p; c++) rowIdx[o++] = qRest + c;
  }
  return { colPtr, rowIdx };
}

/** Transpose of the A₂₁ pattern (positions grouped by trailing row), and each position's level end. */
function patternByRow(colPtr: Int32Array, rowIdx: Int32Array, m: number) {
  const nnz = rowIdx.length;
  const byRowStart = new Int32Array(m + 1);
  for (let q = 0; q < nnz; q++) byRowStart[rowIdx[q] + 1]++;
  for (let r = 0; r < m; r++) byRowStart[r + 1] += byRowStart[r];
  const fill = byRowStart.slice(0, m);
  const byRowPos = new Int32Array(nnz);
  const posEnd = new Int32Array(nnz);
  for (let j = 0; j + 1 < colPtr.length; j++) {
    for (let q = colPtr[j]; q < colPtr[j + 1]; q++) {
      byRowPos[fill[rowIdx[q]]++] = q;
      posEnd[q] = colPtr[j + 1];
    }
  }
  return { byRowStart, byRowPos, posEnd };
}

function rowPositions(terms: ReMat[], n: number, colPtr: Int32Array, rowIdx: Int32Array, levelStart: Int32Array[]): Int32Array {
  const K = terms.length;
  const rowPos = new Int32Array(n * Math.max(K - 1, 0));
  const refs1 = terms[0].refs;
  for (let k = 1; k < K; k++) {
    const refs = terms[k].refs;
    for (let i = 0; i < n; i++) {
      const target = levelStart[k][refs[i]];
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
