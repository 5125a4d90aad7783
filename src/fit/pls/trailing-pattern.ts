/**
 * Where the dense trailing block L₂₂ can ever be nonzero, for nested or otherwise sparse later terms
 * (grouseticks: broods within locations), so that update-l.ts's formTrailing need not rewrite the
 * zeros of an m × m block at every updateL.
 *
 * An entry of l22 is written with a possibly nonzero value only by
 *   formTrailing     — where A₂₂ is structurally nonzero (two of a data row's later-term levels;
 *                      the X and y rows, dense);
 *   the Schur update — two rows of one first-term level's A₂₁ pattern (structure.ts);
 *   the Cholesky     — within a panel's diagonal block, and for the rows below a panel that are
 *                      nonzero in one of its columns, those rows × the panel's columns and every
 *                      pair of them (src/linalg/cholesky.ts: its NB sub-panels of a panel touch a
 *                      subset of this, and its numeric nonzero rows are a subset of these).
 * Simulated here once on booleans in the same panel order (George & Liu 1981 §5, symbolic
 * factorisation, made conservative for whole panels), so every other entry stays 0 forever.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import type { BlockStructure } from "./structure.js";

/** Per column j of L₂₂, the rows i ≥ j that can be nonzero: idx[ptr[j] .. ptr[j+1]), ascending. */
export interface TrailingPattern {
  ptr: Int32Array;
  idx: Int32Array;
}

/** Trailing blocks larger than this keep the dense pass: their cost is the factorisation's, and
 *  InstEval's (m = 1159, ~48% possibly nonzero) gains nothing from the pattern. */
const MAX_ORDER = 1000;
/** Below this the dense pass is as cheap as the indirection. */
const MIN_ORDER = 48;
/** Used only when at most this fraction of the lower triangle can be nonzero (grouseticks: 7%,
 *  updateL ~25% faster). */
const MAX_DENSITY = 0.25;

/** The pattern, or null when the block is small, large or dense, or a later term is vector-valued
 *  (formTrailing's scalar pass is the one that uses it). */
export function trailingPattern(mm: ModelMatrices, s: BlockStructure, laterEdges?: Int32Array): TrailingPattern | null {
  const { m, qRest, n, panels, colPtr, rowIdx, l1 } = s;
  if (m < MIN_ORDER || m > MAX_ORDER) return null;
  if (mm.reTerms.some((t) => t.columnNames.length !== 1)) return null;
  const nz = new Uint8Array(m * m); // nz[i + j·m], i ≥ j
  const mark = (i: number, j: number): void => {
    if (i >= j) nz[i + j * m] = 1;
    else nz[j + i * m] = 1;
  };
  // A₂₂: the diagonal, the X and y rows throughout, the later terms' levels of each data row
  for (let j = 0; j < m; j++) {
    nz[j + j * m] = 1;
    for (let i = Math.max(j, qRest); i < m; i++) nz[i + j * m] = 1;
  }
  const K = mm.reTerms.length;
  if (laterEdges) {
    // the same pairs, given as node pairs (terms 2..K numbered in natural order, see LevelPattern)
    const nodeTerm: number[] = [];
    const nodeLevel: number[] = [];
    for (let k = 1; k < K; k++) for (let l = 0; l < mm.reTerms[k].levels.length; l++) (nodeTerm.push(k), nodeLevel.push(l));
    const at = (v: number) => s.levelStart[nodeTerm[v]][nodeLevel[v]];
    for (let e = 0; e < laterEdges.length; e += 2) mark(at(laterEdges[e]), at(laterEdges[e + 1]));
  } else {
    for (let i = 0; i < n; i++) {
      for (let k = 1; k < K; k++) {
        const a = s.levelStart[k][mm.reTerms[k].refs[i]];
        for (let k2 = k + 1; k2 < K; k2++) mark(a, s.levelStart[k2][mm.reTerms[k2].refs[i]]);
      }
    }
  }
  // the Schur update: pairs within each first-term level's pattern
  for (let j = 0; j < l1; j++) {
    for (let a = colPtr[j]; a < colPtr[j + 1]; a++) for (let b = a; b < colPtr[j + 1]; b++) mark(rowIdx[a], rowIdx[b]);
  }
  // the Cholesky, panel by panel
  const rows = new Int32Array(m);
  for (let t = 0; t + 1 < panels.length; t++) {
    const a = panels[t];
    const b = panels[t + 1];
    for (let j = a; j < b; j++) for (let i = j; i < b; i++) nz[i + j * m] = 1;
    let cnt = 0;
    for (let r = b; r < m; r++) {
      let hit = false;
      for (let c = a; c < b && !hit; c++) hit = nz[r + c * m] === 1;
      if (hit) rows[cnt++] = r;
    }
    for (let x = 0; x < cnt; x++) {
      for (let c = a; c < b; c++) nz[rows[x] + c * m] = 1;
      for (let y = 0; y <= x; y++) nz[rows[x] + rows[y] * m] = 1;
    }
  }
  let count = 0;
  for (let j = 0; j < m; j++) for (let i = j; i < m; i++) count += nz[i + j * m];
  if (count > MAX_DENSITY * ((m * (m + 1)) / 2)) return null;
  const ptr = new Int32Array(m + 1);
  const idx = new Int32Array(count);
  let q = 0;
  for (let j = 0; j < m; j++) {
    ptr[j] = q;
    for (let i = j; i < m; i++) if (nz[i + j * m]) idx[q++] = i;
  }
  ptr[m] = q;
  return { ptr, idx };
}
