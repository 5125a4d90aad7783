/**
 * The raw weighted cross-products of [Z, X, y] in the blocked layout of structure.ts, accumulated in
 * ONE pass over the rows. After this no objective evaluation touches the n rows again.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import type { BlockStructure } from "./structure.js";

export interface CrossProducts {
  /** Z₁ᵀWZ₁: ℓ₁ full symmetric p₁ × p₁ blocks, column-major, level j at j·p₁². */
  a11: Float64Array;
  /** [Z₂…Z_K, X, y]ᵀ W Z₁ on the pattern of structure.rowIdx: nnz × p₁, row-major. */
  a21: Float64Array;
  /** [Z₂…Z_K, X, y]ᵀ W [Z₂…Z_K, X, y]: m × m, lower triangle only, column-major. */
  a22: Float64Array;
}

export function allocateCrossProducts(s: BlockStructure): CrossProducts {
  return {
    a11: new Float64Array(s.l1 * s.p1 * s.p1),
    a21: new Float64Array(s.rowIdx.length * s.p1),
    a22: new Float64Array(s.m * s.m),
  };
}

/** Scratch for one row's trailing entries (indices ascending, values), reused across calls; and,
 *  for all-scalar models, every row's later-term entries laid out once (scalarRows). */
export interface RowScratch {
  idx: Int32Array;
  val: Float64Array;
  pos: Int32Array;
  scalar?: ScalarRows | null;
  /** The second thread, when one is configured and the pass is big enough to pay. */
  parallel?: ParallelRows | null;
}

/** A helper thread taking rows [split, n) of each pass (cross-products-threads.ts). */
export interface ParallelRows {
  /** Hand the worker its rows; returns the split (n when this pass stays on one thread). */
  start(mm: ModelMatrices, s: BlockStructure, w: Float64Array, z: Float64Array, scratch: RowScratch, withFixedBlock: boolean): number;
  /** Wait for the worker and add its partial sums into `out`. */
  finish(out: CrossProducts, withFixedBlock: boolean): void;
}

/** Row i's entry for later term k (k = 1 … K−1) at i·(K−1) + k−1: its trailing index and Z value.
 *  Weight- and response-independent, so built on the first pass and reused. */
export interface ScalarRows {
  idx: Int32Array;
  val: Float64Array;
}

export function allocateRowScratch(mm: ModelMatrices): RowScratch {
  let len = mm.p + 1;
  for (let k = 1; k < mm.reTerms.length; k++) len += mm.reTerms[k].columnNames.length;
  return { idx: new Int32Array(len), val: new Float64Array(len), pos: new Int32Array(len) };
}

/**
 * Recompute all cross-products for row weights `w` and response `z` (the PLS problem
 * min ‖W^½(z − Xβ − ZΛu)‖² + ‖u‖², JSS 2015 eq. 14, with W the prior × working weights).
 * Without `withFixedBlock` the [X, y]ᵀW[X, y] block of A₂₂ (no row pass writes it) is left at 0:
 * a u-only solve never reads it; fixedBlock() fills it in later when wanted.
 */
export function accumulateCrossProducts(
  mm: ModelMatrices, s: BlockStructure, w: Float64Array, z: Float64Array, out: CrossProducts, scratch: RowScratch,
  withFixedBlock = true,
): void {
  out.a11.fill(0);
  out.a21.fill(0);
  out.a22.fill(0);
  if (scratch.scalar === undefined) scratch.scalar = scalarRows(mm, s);
  // rows [split, n) go to a worker thread when that pays (cross-products-threads.ts); the rest here
  const split = scratch.parallel ? scratch.parallel.start(mm, s, w, z, scratch, withFixedBlock) : s.n;
  accumulateRows(mm, s, w, z, out, scratch, withFixedBlock, 0, split);
  if (split < s.n) scratch.parallel!.finish(out, withFixedBlock);
}

/**
 * The row pass over rows [i0, i1) into zeroed `out` (and, with `withFixedBlock`, the [X, y] block
 * over the same rows). The one kernel both threads run: a worker runs this very function's source
 * (cross-products-threads.ts), so every function it calls must be self-contained (no imports).
 */
export function accumulateRows(
  mm: ModelMatrices, s: BlockStructure, w: Float64Array, z: Float64Array, out: CrossProducts, scratch: RowScratch,
  withFixedBlock: boolean, i0: number, i1: number,
): void {
  if (scratch.scalar) {
    accumulateScalar(mm, s, w, z, out, scratch.scalar, i0, i1);
    if (withFixedBlock) fixedBlock(mm, s, w, z, out.a22, i0, i1);
    return;
  }
  const { a11, a21, a22 } = out;
  const terms = mm.reTerms;
  const K = terms.length;
  const { n, p, p1, m, qRest, colPtr, rowPos, levelStart } = s;
  const X = mm.X;
  const t1 = terms[0];
  const refs1 = t1.refs;
  const z1 = t1.z;
  const { idx, val, pos } = scratch;
  const p1sq = p1 * p1;
  for (let i = i0; i < i1; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    const l = refs1[i];
    const z1o = i * p1;
    // A₁₁ block of level l
    const ao = l * p1sq;
    for (let b = 0; b < p1; b++) {
      const zb = wi * z1[z1o + b];
      for (let a = 0; a < p1; a++) a11[ao + a + b * p1] += z1[z1o + a] * zb;
    }
    // this row's trailing entries: other terms' columns (the first cntZ), X, y
    let cnt = 0;
    for (let k = 1; k < K; k++) {
      const t = terms[k];
      const pk = t.columnNames.length;
      const start = levelStart[k][t.refs[i]];
      const ps = rowPos[i * (K - 1) + k - 1];
      for (let c = 0; c < pk; c++) {
        idx[cnt] = start + c;
        val[cnt] = t.z[i * pk + c];
        pos[cnt] = ps + c;
        cnt++;
      }
    }
    const cntZ = cnt;
    const xPos = colPtr[l + 1] - p - 1;
    for (let c = 0; c < p; c++) {
      idx[cnt] = qRest + c;
      val[cnt] = X[i + c * n];
      pos[cnt] = xPos + c;
      cnt++;
    }
    idx[cnt] = m - 1;
    val[cnt] = z[i];
    pos[cnt] = xPos + p;
    cnt++;
    // A₂₁ (row-major nnz × p₁), and the pairs of A₂₂'s lower triangle with a Z entry; the [X, y]
    // block is summed column by column below
    for (let a = 0; a < cnt; a++) {
      const wv = wi * val[a];
      const o = pos[a] * p1;
      for (let c = 0; c < p1; c++) a21[o + c] += wv * z1[z1o + c];
      if (a >= cntZ) continue;
      // the later terms' levels need not be in ascending trailing order: keep to the lower triangle
      const ia = idx[a];
      for (let b = a; b < cnt; b++) {
        const ib = idx[b];
        if (ib >= ia) a22[ib + ia * m] += wv * val[b];
        else a22[ia + ib * m] += wv * val[b];
      }
    }
  }
  if (withFixedBlock) fixedBlock(mm, s, w, z, a22, i0, i1);
}

/** The later terms' entries of every row, when every term (the first included) has one column. */
export function scalarRows(mm: ModelMatrices, s: BlockStructure): ScalarRows | null {
  const terms = mm.reTerms;
  if (!terms.every((t) => t.columnNames.length === 1)) return null;
  const K1 = terms.length - 1;
  const n = s.n;
  const idx = new Int32Array(n * K1);
  const val = new Float64Array(n * K1);
  for (let k = 1; k <= K1; k++) {
    const t = terms[k];
    const start = s.levelStart[k];
    for (let i = 0; i < n; i++) {
      idx[i * K1 + k - 1] = start[t.refs[i]];
      val[i * K1 + k - 1] = t.z[i];
    }
  }
  return { idx, val };
}

/**
 * The row pass of accumulateCrossProducts for scalar terms (p_k = 1 throughout), without the
 * general pass's per-row gathering: the same products added to the same entries in the same row
 * order (so the same bits), about four times faster — it is what PIRLS repeats every iteration.
 */
export function accumulateScalar(mm: ModelMatrices, s: BlockStructure, w: Float64Array, z: Float64Array, out: CrossProducts, r: ScalarRows, i0: number, i1: number): void {
  const { a11, a21, a22 } = out;
  const { n, p, m, qRest, colPtr, rowPos } = s;
  const K1 = mm.reTerms.length - 1;
  const X = mm.X;
  const refs1 = mm.reTerms[0].refs;
  const z1 = mm.reTerms[0].z;
  const { idx, val } = r;
  if (K1 === 1) {
    accumulateTwoScalar(mm, s, w, z, out, r, i0, i1);
    return;
  }
  for (let i = i0; i < i1; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    const l = refs1[i];
    const zz = z1[i];
    a11[l] += zz * (wi * zz);
    const o = i * K1;
    for (let e = 0; e < K1; e++) {
      const ia = idx[o + e];
      const wv = wi * val[o + e];
      a21[rowPos[o + e]] += wv * zz;
      const col = ia * m;
      for (let e2 = e; e2 < K1; e2++) {
        const ib = idx[o + e2];
        if (ib >= ia) a22[ib + col] += wv * val[o + e2];
        else a22[ia + ib * m] += wv * val[o + e2];
      }
      for (let c = 0; c < p; c++) a22[qRest + c + col] += wv * X[i + c * n];
      a22[m - 1 + col] += wv * z[i];
    }
    const xPos = colPtr[l + 1] - p - 1;
    for (let c = 0; c < p; c++) a21[xPos + c] += wi * X[i + c * n] * zz;
    a21[xPos + p] += wi * z[i] * zz;
  }
}

/** [X, y]ᵀW[X, y] into A₂₂'s last p + 1 rows and columns: contiguous column dot products, each
 *  term (wᵢ·u_i)·v_i added in row order — the same operations, in the same order, as a row pass.
 *  Over rows [i0, i1) (all rows by default); the entries are overwritten, not added to. */
export function fixedBlock(mm: ModelMatrices, s: BlockStructure, w: Float64Array, z: Float64Array, a22: Float64Array, i0 = 0, i1 = s.n): void {
  const { n, p, m, qRest } = s;
  const X = mm.X;
  // columns 0 … p−1 are X's, column p is z; four dot products at a time: each is still summed in
  // row order, but four independent chains hide the add latency. (No local helper functions: a
  // worker runs this source, see cross-products-threads.ts.)
  for (let ca = 0; ca <= p; ca++) {
    const u = ca < p ? X : z;
    const uo = ca < p ? ca * n : 0;
    const out = qRest + (qRest + ca) * m;
    let cb = ca;
    for (; cb + 3 <= p; cb += 4) {
      const v0 = cb < p ? X : z, v1 = cb + 1 < p ? X : z, v2 = cb + 2 < p ? X : z, v3 = cb + 3 < p ? X : z;
      const o0 = cb < p ? cb * n : 0, o1 = cb + 1 < p ? (cb + 1) * n : 0, o2 = cb + 2 < p ? (cb + 2) * n : 0, o3 = cb + 3 < p ? (cb + 3) * n : 0;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = i0; i < i1; i++) {
        const wi = w[i];
        if (wi === 0) continue;
        const wu = wi * u[uo + i];
        s0 += wu * v0[o0 + i]; s1 += wu * v1[o1 + i]; s2 += wu * v2[o2 + i]; s3 += wu * v3[o3 + i];
      }
      a22[out + cb] = s0; a22[out + cb + 1] = s1; a22[out + cb + 2] = s2; a22[out + cb + 3] = s3;
    }
    for (; cb <= p; cb++) {
      const v = cb < p ? X : z;
      const vo = cb < p ? cb * n : 0;
      let acc = 0;
      for (let i = i0; i < i1; i++) {
        const wi = w[i];
        if (wi === 0) continue;
        acc += wi * u[uo + i] * v[vo + i];
      }
      a22[out + cb] = acc;
    }
  }
}

/**
 * accumulateScalar for exactly two scalar terms (e.g. crossed subjects × items): each row's X
 * entries read once for both of its updates (the later term's column of A₂₂ and the first term's
 * A₂₁). Every entry still receives the same products in row order, so the same bits.
 */
export function accumulateTwoScalar(mm: ModelMatrices, s: BlockStructure, w: Float64Array, z: Float64Array, out: CrossProducts, r: ScalarRows, i0: number, i1: number): void {
  const { a11, a21, a22 } = out;
  const { n, p, m, qRest, colPtr, rowPos } = s;
  const X = mm.X;
  const refs1 = mm.reTerms[0].refs;
  const z1 = mm.reTerms[0].z;
  const { idx, val } = r;
  for (let i = i0; i < i1; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    const l = refs1[i];
    const zz = z1[i];
    a11[l] += zz * (wi * zz);
    const ia = idx[i];
    const vi = val[i];
    const wv = wi * vi;
    a21[rowPos[i]] += wv * zz;
    const col = ia * m;
    a22[ia + col] += wv * vi;
    const xPos = colPtr[l + 1] - p - 1;
    for (let c = 0; c < p; c++) {
      const x = X[i + c * n];
      a22[qRest + c + col] += wv * x;
      a21[xPos + c] += wi * x * zz;
    }
    const zi = z[i];
    a22[m - 1 + col] += wv * zi;
    a21[xPos + p] += wi * zi * zz;
  }
}
