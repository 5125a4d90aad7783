/**
 * Dense Cholesky factorisation A = L Lᵀ, in place, lower triangle, column-major.
 *
 * Right-looking blocked algorithm (Golub & Van Loan, 4th ed., Alg. 4.2.10): factor a panel of at
 * most NB columns, solve the rows below it, then update the trailing lower triangle by the panel's
 * outer product. Rows that are zero throughout a panel take no part in its solve or update, so a
 * matrix ordered to keep its factor sparse (e.g. by minimum degree) with panels on its supernodes
 * costs only the work its nonzeros need — the result is the same either way. The update — nearly
 * all the work — reads the panel's rows packed row-major so each updated entry is a contiguous
 * dot product, computed four rows × two columns at a time to keep eight independent accumulators
 * in registers. Only the lower triangle (with the diagonal) is read or written.
 */
import { NotPositiveDefiniteError } from "./errors.js";
import { simdKernel, type SimdKernel } from "./simd-kernel.js";

/** Largest panel: the packed panel (n × NB doubles) stays in L2 cache for n up to a few thousand. */
const NB = 48;
/** The largest panel width (a helper thread sizes its packed-panel buffer by it). */
export const PANEL_WIDTH = NB;

let packBuffer: Float64Array = new Float64Array(0);
/** The WebAssembly SIMD update kernel (its memory holds packBuffer), or null: JavaScript kernel. */
let kernel: SimdKernel | null = null;
/** Whether to use the SIMD kernel when the runtime has one (tests switch it off to compare). */
let useSimd = true;
/** Below this order the JavaScript kernel is as fast, and a small fit need not pay for assembling
 *  and instantiating the WebAssembly module (about a millisecond in a fresh process). Both
 *  kernels give the same bits. */
const SIMD_MIN_ORDER = 2 * NB;

/** Use (true, the default) or bypass the WebAssembly SIMD update kernel; returns whether it is
 *  available. Results agree either way to rounding. */
export function setSimdKernel(on: boolean): boolean {
  useSimd = on;
  packBuffer = new Float64Array(0);
  kernel = null;
  return simdKernel(1, 1) !== null;
}
let rowBuffer: Int32Array = new Int32Array(0);
/** Sub-panels of the current factorisation: (j0, jb) pairs (factorWithHelper). */
let subPanels = new Int32Array(0);

/**
 * A second thread taking part of each large panel's trailing update (src/fit/pls/update-l-threads.ts).
 * The update's column pairs are independent (each updated entry A[rows[i], rows[j]] loses one dot
 * product of two packed rows), so handing column pairs [J, cnt) to the helper and keeping [0, J)
 * here changes no entry's operations or their order: the factor has the same bits.
 */
export interface PanelSplitter {
  /** Two row buffers (length ≥ n) the helper reads a panel's nonzero rows from: while it updates
   *  with one, this thread prepares the next panel's rows in the other. */
  readonly rows: readonly [Int32Array, Int32Array];
  /** After the panel's columns of `a` hold their final values and rows[buffer][0 .. cnt) its
   *  nonzero rows below: start the helper on column pairs [J, cnt) (J even unless jb = 1) and
   *  return J; cnt keeps it all here. `extra`: the work (multiply-adds) this thread will also do
   *  meanwhile (preparing the next panel), to balance the shares. */
  start(j0: number, jb: number, st: number, cnt: number, simd: boolean, buffer: 0 | 1, extra: number): number;
  /** Wait for the helper; false when it failed (the factorisation is then not to be trusted). */
  finish(): boolean;
}

/** The helper failed during the factorisation: the caller refactors on one thread. */
export class HelperFailedError extends Error {
  constructor() {
    super("internal: the helper thread failed");
    this.name = "HelperFailedError";
  }
}
let flagBuffer = new Uint8Array(0);
const diagBuffer = new Float64Array(NB * NB);

/**
 * Factor the n × n symmetric positive-definite matrix stored column-major in `a` (element (i, j) at
 * `offset + i + j * ld`) into its lower Cholesky factor, overwriting the lower triangle.
 * `panels` (ascending column boundaries from 0 to n, e.g. supernodes) sets where panels may start;
 * panels wider than NB are split. Throws NotPositiveDefiniteError on a non-positive (or non-finite)
 * pivot.
 *
 * `endColumn` (a panel boundary; default n) stops after the panels left of it: those columns of L
 * — every row of them — come out exactly as in the full factorisation (a right-looking column never
 * reads a later one), the later columns are left part-updated. A PIRLS step on u with β fixed
 * needs only the random-effects columns of L (solve.ts solveU).
 */
export function choleskyInPlace(
  a: Float64Array, n: number, offset = 0, ld = n, panels?: ArrayLike<number>, endColumn = n, splitter: PanelSplitter | null = null,
): void {
  if (n <= NB && panels === undefined && endColumn >= n) {
    choleskyUnblocked(a, n, offset, ld, 0);
    return;
  }
  if (packBuffer.length < n * NB) {
    // the SIMD kernel's out area holds one column pair's dot products: 16 doubles per 4 rows
    // (n + 8) rows: the kernel's last block of eight may run past the panel's rows
    kernel = useSimd && n >= SIMD_MIN_ORDER ? simdKernel((n + 8) * NB, 16 * Math.ceil(n / 4) + 32) : null;
    packBuffer = kernel ? kernel.pack : new Float64Array(n * NB);
  }
  if (flagBuffer.length < n) {
    rowBuffer = new Int32Array(n);
    flagBuffer = new Uint8Array(n);
  }
  const nPanels = panels === undefined ? 1 : panels.length - 1;
  let count = 0;
  for (let p = 0; p < nPanels; p++) {
    const start = panels === undefined ? 0 : panels[p];
    if (start >= endColumn) break;
    const end = panels === undefined ? n : panels[p + 1];
    for (let j0 = start; j0 < end && j0 < endColumn; j0 += NB) {
      const jb = Math.min(NB, end - j0);
      if (splitter) {
        if (subPanels.length < 2 * count + 2) {
          const grown = new Int32Array(Math.max(64, 4 * count + 4));
          grown.set(subPanels);
          subPanels = grown;
        }
        subPanels[2 * count] = j0;
        subPanels[2 * count + 1] = jb;
        count++;
      } else {
        const cnt = preparePanel(a, n, offset, ld, j0, jb, rowBuffer);
        if (cnt > 0) updatePanel(a, offset, ld, jb, rowBuffer, cnt, cnt);
      }
    }
  }
  if (splitter && count > 0) factorWithHelper(a, n, offset, ld, count, splitter);
}

/**
 * The panels with a helper thread: each panel's update split (PanelSplitter), and while the helper
 * updates its columns this thread already prepares the next panel (factor, rows, solve) when that
 * panel's columns are all in its own share — a look-ahead of one panel, as in right-looking
 * factorisations of LAPACK-style libraries (e.g. Kurzak & Dongarra 2006, "Implementing linear
 * algebra routines on multi-core processors with pipelining and a look ahead"): the serial part
 * of a panel then runs alongside the helper's update instead of before it.
 */
function factorWithHelper(a: Float64Array, n: number, offset: number, ld: number, count: number, sp: PanelSplitter): void {
  let buf: 0 | 1 = 0;
  let cnt = preparePanel(a, n, offset, ld, subPanels[0], subPanels[1], sp.rows[0]);
  for (let k = 0; k < count; k++) {
    const jb = subPanels[2 * k + 1];
    const rows = sp.rows[buf];
    const other = sp.rows[1 - buf];
    const hasNext = k + 1 < count;
    const nj0 = hasNext ? subPanels[2 * k + 2] : 0;
    const njb = hasNext ? subPanels[2 * k + 3] : 0;
    let nextCnt = -1;
    if (cnt > 0) {
      // the next panel's preparation, in multiply-adds: its solve (jb²/2 per row, at about half the
      // update kernel's speed) and packing
      const extra = hasNext ? cnt * njb * (njb + 4) : 0;
      const J = sp.start(subPanels[2 * k], jb, jb + (jb & 1), cnt, kernel !== null, buf, extra);
      updatePanel(a, offset, ld, jb, rows, cnt, J);
      if (J < cnt) {
        // the next panel's columns are final once none of them is in the helper's share
        if (hasNext && rows[J] >= nj0 + njb) {
          try {
            nextCnt = preparePanel(a, n, offset, ld, nj0, njb, other);
          } catch (e) {
            sp.finish();
            throw e;
          }
        }
        if (!sp.finish()) throw new HelperFailedError();
      }
    }
    if (hasNext && nextCnt < 0) nextCnt = preparePanel(a, n, offset, ld, nj0, njb, other);
    cnt = nextCnt;
    buf = buf === 0 ? 1 : 0;
  }
}

/** The helper's side of a panel update (see PanelSplitter): column pairs [J, cnt), the panel's rows
 *  [J, cnt) packed into its own buffer (`q` interleaved for the SIMD kernel, else `pt`). */
export function helperPanelUpdate(
  a: Float64Array, offset: number, ld: number, j0: number, jb: number, st: number, rows: Int32Array, cnt: number, J: number,
  kern: SimdKernel | null, pt: Float64Array,
): void {
  if (kern) {
    packInterleaved(a, offset, ld, j0, jb, st, rows, cnt, kern.interleaved, J);
    updateTrailingSimd(a, offset, ld, st, rows, cnt, kern, J, cnt, J);
  } else {
    packRows(a, offset, ld, j0, jb, st, rows, cnt, pt, J);
    updateTrailing(a, offset, ld, st, rows, cnt, pt, J, cnt, J);
  }
}

/** The helper's side of a one-column panel: columns [J, cnt) of its update, its x read back
 *  from the scaled column. */
export function helperRankOne(a: Float64Array, offset: number, ld: number, j0: number, rows: Int32Array, cnt: number, J: number, x: Float64Array): void {
  const cj = offset + j0 * ld;
  for (let r = J; r < cnt; r++) x[r] = a[cj + rows[r]];
  rankOneColumns(a, offset, ld, rows, cnt, x, J, cnt);
}

/** Factor columns j0..j0+jb (already updated by every earlier panel), find the rows below with a
 *  nonzero in them (into `rows`) and solve those rows (L₂₁ = A₂₁L₁₁⁻ᵀ), leaving them packed for
 *  the update; returns their count. */
function preparePanel(a: Float64Array, n: number, offset: number, ld: number, j0: number, jb: number, rows: Int32Array): number {
  choleskyUnblocked(a, jb, offset + j0 + j0 * ld, ld, j0);
  const r0 = j0 + jb;
  if (r0 >= n) return 0;
  const cnt = nonzeroRowsBelow(a, n, offset, ld, j0, jb, r0, rows);
  if (cnt === 0) return 0;
  if (jb === 1) {
    scaleColumn(a, offset, ld, j0, rows, cnt);
    return cnt;
  }
  const pt = packBuffer;
  // packed rows have an even stride (a zero column pads an odd panel) for the two-lane kernel
  const st = jb + (jb & 1);
  if (kernel) {
    // the same steps on the row-pair-interleaved copy, solve and update in WebAssembly
    const q = kernel.interleaved;
    packInterleaved(a, offset, ld, j0, jb, st, rows, cnt, q);
    loadDiagonalBlock(a, offset, ld, j0, jb, kernel.diag, kernel.invDiag);
    // solvePackedRows' blocks of four rows multiply by 1/d, its leftover rows divide by d
    kernel.solvePairs(st, jb, (cnt + 1) >> 1, (cnt >> 2) * 2);
    unpackInterleaved(a, offset, ld, j0, jb, st, rows, cnt, q);
    return cnt;
  }
  packRows(a, offset, ld, j0, jb, st, rows, cnt, pt, 0);
  solvePackedRows(a, offset, ld, j0, jb, st, cnt, pt);
  unpackRows(a, offset, ld, j0, jb, st, rows, cnt, pt);
  return cnt;
}

/** The trailing update of a prepared panel (the outer product of its solved rows), column pairs
 *  [0, jEnd) of it (jEnd = cnt: all). */
function updatePanel(a: Float64Array, offset: number, ld: number, jb: number, rows: Int32Array, cnt: number, jEnd: number): void {
  if (jb === 1) rankOneColumns(a, offset, ld, rows, cnt, packBuffer, 0, jEnd);
  else if (kernel) updateTrailingSimd(a, offset, ld, jb + (jb & 1), rows, cnt, kernel, 0, jEnd, 0);
  else updateTrailing(a, offset, ld, jb + (jb & 1), rows, cnt, packBuffer, 0, jEnd, 0);
}

/** A one-column panel (common below a sparse order's final clique): its nonzero rows scaled by the
 *  pivot, kept in packBuffer as x for the update A[rows[i], rows[j]] −= x_i x_j (rankOneColumns),
 *  done directly, without packing. */
function scaleColumn(a: Float64Array, offset: number, ld: number, j0: number, rows: Int32Array, cnt: number): void {
  const x = packBuffer;
  const cj = offset + j0 * ld;
  const inv = 1 / a[cj + j0];
  for (let r = 0; r < cnt; r++) {
    const v = a[cj + rows[r]] * inv;
    a[cj + rows[r]] = v;
    x[r] = v;
  }
}

/** A[rows[ii], rows[jj]] −= x_ii x_jj for jj in [jStart, jEnd), ii ≥ jj. Self-contained. */
export function rankOneColumns(a: Float64Array, offset: number, ld: number, rows: Int32Array, cnt: number, x: Float64Array, jStart: number, jEnd: number): void {
  for (let jj = jStart; jj < jEnd; jj++) {
    const v = x[jj];
    const c = offset + rows[jj] * ld;
    // four rows at a time: independent loads and stores in flight
    let ii = jj;
    for (; ii + 3 < cnt; ii += 4) {
      const r0 = c + rows[ii], r1 = c + rows[ii + 1], r2 = c + rows[ii + 2], r3 = c + rows[ii + 3];
      const y0 = x[ii] * v, y1 = x[ii + 1] * v, y2 = x[ii + 2] * v, y3 = x[ii + 3] * v;
      a[r0] -= y0; a[r1] -= y1; a[r2] -= y2; a[r3] -= y3;
    }
    for (; ii < cnt; ii++) a[c + rows[ii]] -= x[ii] * v;
  }
}

/** Unblocked (column, left-looking) Cholesky of a small matrix; `base` only labels errors. */
export function choleskyUnblocked(a: Float64Array, n: number, offset = 0, ld = n, base = 0): void {
  for (let j = 0; j < n; j++) {
    const cj = offset + j * ld;
    // column j -= L[j:n, 0:j] L[j, 0:j]ᵀ
    for (let k = 0; k < j; k++) {
      const ck = offset + k * ld;
      const ljk = a[ck + j];
      if (ljk === 0) continue;
      for (let i = j; i < n; i++) a[cj + i] -= ljk * a[ck + i];
    }
    const d = a[cj + j];
    if (!(d > 0) || !Number.isFinite(d)) throw new NotPositiveDefiniteError(base + j, d);
    const s = Math.sqrt(d);
    a[cj + j] = s;
    const inv = 1 / s;
    for (let i = j + 1; i < n; i++) a[cj + i] *= inv;
  }
}

/** Rows r ≥ r0 with a nonzero in some panel column, ascending, into `rows`; returns the count. */
function nonzeroRowsBelow(a: Float64Array, n: number, offset: number, ld: number, j0: number, jb: number, r0: number, rows: Int32Array): number {
  const flag = flagBuffer;
  flag.fill(0, r0, n);
  for (let c = j0; c < j0 + jb; c++) {
    const cc = offset + c * ld;
    for (let i = r0; i < n; i++) if (a[cc + i] !== 0) flag[i] = 1;
  }
  let cnt = 0;
  for (let i = r0; i < n; i++) if (flag[i]) rows[cnt++] = i;
  return cnt;
}

/** Copy the panel's entries on rows[r0 .. cnt) into `pt` from its start, row-major with stride st
 *  (≥ jb; zero-padded). */
export function packRows(
  a: Float64Array, offset: number, ld: number, j0: number, jb: number, st: number, rows: Int32Array, cnt: number, pt: Float64Array,
  r0: number,
): void {
  for (let k = 0; k < jb; k++) {
    const ck = offset + (j0 + k) * ld;
    for (let r = r0; r < cnt; r++) pt[(r - r0) * st + k] = a[ck + rows[r]];
  }
  for (let k = jb; k < st; k++) for (let r = r0; r < cnt; r++) pt[(r - r0) * st + k] = 0;
}

function unpackRows(
  a: Float64Array, offset: number, ld: number, j0: number, jb: number, st: number, rows: Int32Array, cnt: number, pt: Float64Array,
): void {
  for (let k = 0; k < jb; k++) {
    const ck = offset + (j0 + k) * ld;
    for (let r = 0; r < cnt; r++) a[ck + rows[r]] = pt[r * st + k];
  }
}

/** Pack as packRows does (rows[r0 .. cnt), r0 even), but rows r and r+1 side by side: (row r,
 *  column k) at ⌊(r − r0)/2⌋·2·st + 2k + (r mod 2). An odd last row's partner lane is left as it
 *  is (never used). */
export function packInterleaved(
  a: Float64Array, offset: number, ld: number, j0: number, jb: number, st: number, rows: Int32Array, cnt: number, q: Float64Array,
  r0 = 0,
): void {
  const st2 = 2 * st;
  for (let k = 0; k < jb; k++) {
    const ck = offset + (j0 + k) * ld;
    let o = 2 * k;
    let r = r0;
    for (; r + 1 < cnt; r += 2, o += st2) {
      q[o] = a[ck + rows[r]];
      q[o + 1] = a[ck + rows[r + 1]];
    }
    if (r < cnt) q[o] = a[ck + rows[r]];
  }
  if (st > jb) for (let r = r0; r < cnt + 1; r += 2) {
    const o = ((r - r0) >> 1) * 2 * st + 2 * jb;
    q[o] = 0;
    q[o + 1] = 0;
  }
}

function unpackInterleaved(
  a: Float64Array, offset: number, ld: number, j0: number, jb: number, st: number, rows: Int32Array, cnt: number, q: Float64Array,
): void {
  const st2 = 2 * st;
  for (let k = 0; k < jb; k++) {
    const ck = offset + (j0 + k) * ld;
    let o = 2 * k;
    let r = 0;
    for (; r + 1 < cnt; r += 2, o += st2) {
      a[ck + rows[r]] = q[o];
      a[ck + rows[r + 1]] = q[o + 1];
    }
    if (r < cnt) a[ck + rows[r]] = q[o];
  }
}

/** L_d row-major (L_d[c, k] at c·jb + k) and 1/L_d[c, c], for the WebAssembly solve. */
function loadDiagonalBlock(a: Float64Array, offset: number, ld: number, j0: number, jb: number, d: Float64Array, inv: Float64Array): void {
  for (let k = 0; k < jb; k++) {
    const ck = offset + (j0 + k) * ld + j0;
    for (let c = k; c < jb; c++) d[c * jb + k] = a[ck + c];
    inv[k] = 1 / d[k * jb + k];
  }
}

/** Each packed row x ← x L_d⁻ᵀ (L_d the factored diagonal block), i.e. solve L_d xᵀ = xᵀ. */
function solvePackedRows(
  a: Float64Array, offset: number, ld: number, j0: number, jb: number, st: number, cnt: number, pt: Float64Array,
): void {
  // L_d copied row-major so each substitution step is a contiguous dot product
  const d = diagBuffer;
  for (let k = 0; k < jb; k++) {
    const ck = offset + (j0 + k) * ld + j0;
    for (let c = k; c < jb; c++) d[c * jb + k] = a[ck + c];
  }
  // four rows at a time: four independent substitution chains keep the multiply-adds pipelined
  let r = 0;
  for (; r + 3 < cnt; r += 4) {
    const o0 = r * st, o1 = o0 + st, o2 = o1 + st, o3 = o2 + st;
    for (let c = 0; c < jb; c++) {
      const dc = c * jb;
      let s0 = pt[o0 + c], s1 = pt[o1 + c], s2 = pt[o2 + c], s3 = pt[o3 + c];
      for (let k = 0; k < c; k++) {
        const dk = d[dc + k];
        s0 -= pt[o0 + k] * dk; s1 -= pt[o1 + k] * dk; s2 -= pt[o2 + k] * dk; s3 -= pt[o3 + k] * dk;
      }
      const inv = 1 / d[dc + c];
      pt[o0 + c] = s0 * inv; pt[o1 + c] = s1 * inv; pt[o2 + c] = s2 * inv; pt[o3 + c] = s3 * inv;
    }
  }
  for (; r < cnt; r++) {
    const o = r * st;
    for (let c = 0; c < jb; c++) {
      const dc = c * jb;
      let s = pt[o + c];
      for (let k = 0; k < c; k++) s -= pt[o + k] * d[dc + k];
      pt[o + c] = s / d[dc + c];
    }
  }
}

/** A[rows[i], rows[j]] −= ⟨P_i, P_j⟩ for j ≤ i < cnt and j in [jStart, jEnd) (SYRK on the
 *  panel's nonzero rows; jStart even, jEnd even or cnt), the dot products by the WebAssembly kernel
 *  eight rows × two columns at a time (each summed in k order, as updateTrailing sums it); the
 *  leftover rows and a last odd column here. The interleaved buffer holds rows from `base` (even)
 *  on. Self-contained (a worker runs its source). */
export function updateTrailingSimd(
  a: Float64Array, offset: number, ld: number, st: number, rows: Int32Array, cnt: number, kern: SimdKernel,
  jStart: number, jEnd: number, base: number,
): void {
  const q = kern.interleaved;
  const out = kern.out;
  let j = jStart;
  for (; j + 1 < jEnd; j += 2) {
    // whole blocks of eight rows, the last one running past cnt: rows ≥ cnt are computed, not used
    kern.colPair(st, j - base, j - base + ((cnt - j + 7) & ~7));
    const c0 = offset + rows[j] * ld;
    const c1 = offset + rows[j + 1] * ld;
    // out[o + h] and out[o + 8 + h]: row i + h against columns j and j + 1
    for (let i = j, o = 0; i < cnt; i += 8, o += 16) {
      if (i !== j && i + 8 <= cnt) {
        const r0 = rows[i], r1 = rows[i + 1], r2 = rows[i + 2], r3 = rows[i + 3];
        const r4 = rows[i + 4], r5 = rows[i + 5], r6 = rows[i + 6], r7 = rows[i + 7];
        a[c0 + r0] -= out[o]; a[c0 + r1] -= out[o + 1]; a[c0 + r2] -= out[o + 2]; a[c0 + r3] -= out[o + 3];
        a[c0 + r4] -= out[o + 4]; a[c0 + r5] -= out[o + 5]; a[c0 + r6] -= out[o + 6]; a[c0 + r7] -= out[o + 7];
        a[c1 + r0] -= out[o + 8]; a[c1 + r1] -= out[o + 9]; a[c1 + r2] -= out[o + 10]; a[c1 + r3] -= out[o + 11];
        a[c1 + r4] -= out[o + 12]; a[c1 + r5] -= out[o + 13]; a[c1 + r6] -= out[o + 14]; a[c1 + r7] -= out[o + 15];
        continue;
      }
      const hEnd = Math.min(8, cnt - i);
      for (let h = 0; h < hEnd; h++) {
        const r = rows[i + h];
        a[c0 + r] -= out[o + h];
        // column j+1 from row j+1 down (row j is above its diagonal)
        if (i + h > j) a[c1 + r] -= out[o + 8 + h];
      }
    }
  }
  if (j < jEnd) {
    // an odd last row: lane 0 of its pair
    const pj = ((j - base) >> 1) * 2 * st;
    let s = 0;
    for (let k = 0; k < st; k++) s += q[pj + 2 * k] * q[pj + 2 * k];
    a[offset + rows[j] * ld + rows[j]] -= s;
  }
}

/** A[rows[i], rows[j]] −= ⟨P_i, P_j⟩ for j ≤ i < cnt and j in [jStart, jEnd) (SYRK on the panel's
 *  nonzero rows; jStart even, jEnd even or cnt); `pt` holds rows from `base` on. Self-contained. */
export function updateTrailing(
  a: Float64Array, offset: number, ld: number, jb: number, rows: Int32Array, cnt: number, pt: Float64Array,
  jStart: number, jEnd: number, base: number,
): void {
  let j = jStart;
  for (; j + 1 < jEnd; j += 2) {
    const pj0 = (j - base) * jb;
    const pj1 = pj0 + jb;
    const c0 = offset + rows[j] * ld;
    const c1 = offset + rows[j + 1] * ld;
    // the 2 × 2 diagonal corner (i = j, j + 1)
    {
      let s00 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < jb; k++) {
        const x0 = pt[pj0 + k], x1 = pt[pj1 + k];
        s00 += x0 * x0; s10 += x1 * x0; s11 += x1 * x1;
      }
      a[c0 + rows[j]] -= s00; a[c0 + rows[j + 1]] -= s10; a[c1 + rows[j + 1]] -= s11;
    }
    let i = j + 2;
    for (; i + 3 < cnt; i += 4) {
      const p0 = (i - base) * jb, p1 = p0 + jb, p2 = p1 + jb, p3 = p2 + jb;
      let s00 = 0, s10 = 0, s20 = 0, s30 = 0, s01 = 0, s11 = 0, s21 = 0, s31 = 0;
      for (let k = 0; k < jb; k++) {
        const y0 = pt[pj0 + k], y1 = pt[pj1 + k];
        const x0 = pt[p0 + k], x1 = pt[p1 + k], x2 = pt[p2 + k], x3 = pt[p3 + k];
        s00 += x0 * y0; s10 += x1 * y0; s20 += x2 * y0; s30 += x3 * y0;
        s01 += x0 * y1; s11 += x1 * y1; s21 += x2 * y1; s31 += x3 * y1;
      }
      const i0 = rows[i], i1 = rows[i + 1], i2 = rows[i + 2], i3 = rows[i + 3];
      a[c0 + i0] -= s00; a[c0 + i1] -= s10; a[c0 + i2] -= s20; a[c0 + i3] -= s30;
      a[c1 + i0] -= s01; a[c1 + i1] -= s11; a[c1 + i2] -= s21; a[c1 + i3] -= s31;
    }
    for (; i < cnt; i++) {
      const p0 = (i - base) * jb;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < jb; k++) {
        const x = pt[p0 + k];
        s0 += x * pt[pj0 + k]; s1 += x * pt[pj1 + k];
      }
      a[c0 + rows[i]] -= s0; a[c1 + rows[i]] -= s1;
    }
  }
  if (j < jEnd) {
    // last single column: only its diagonal entry remains
    const pj = (j - base) * jb;
    let s = 0;
    for (let k = 0; k < jb; k++) s += pt[pj + k] * pt[pj + k];
    a[offset + rows[j] * ld + rows[j]] -= s;
  }
}
