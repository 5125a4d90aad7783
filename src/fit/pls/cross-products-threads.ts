/**
 * The cross-products pass (cross-products.ts) on two threads: a Node `worker_threads` worker sums
 * rows [split, n) into its own buffers while the calling thread sums rows [0, split); the calling
 * thread then adds the worker's sums entry by entry. Every entry is therefore (Σ over the first half)
 * + (Σ over the second half) instead of one left-to-right sum: equal to the one-thread pass within a
 * few ulps of the entry's magnitude (≤ 1e-12 relative in the tests), not bit for bit.
 *
 * Why this shape:
 *  - The public API is synchronous (lmer() returns a fit), so the calling thread blocks on
 *    Atomics.wait for the worker (allowed on Node's main thread) instead of awaiting a message.
 *  - All data lives in SharedArrayBuffers, copied once per PLS system; each pass only copies the
 *    weights and the working response (2n numbers) and flips a counter.
 *  - The worker is the one the factor's kernels use too (worker.ts: started per fit, `unref`ed,
 *    arrays through a MessagePort drained synchronously, kernels sent as their own source).
 *  - Browsers (no process.getBuiltinModule) and MIXED_MODELS_THREADS=1 / setThreads(1) keep the one
 *    thread path; so does any pass too small to pay (worthThreads).
 */
import type { ModelMatrices } from "../../model/matrices.js";
import {
  accumulateRows, scalarRows, type CrossProducts, type ParallelRows, type RowScratch,
} from "./cross-products.js";
import type { BlockStructure } from "./structure.js";
import { contextId, ensureContext, finishTask, ready, requestedThreads, shared, splitsAlways, startTask, workersAvailable, type WorkerHandle } from "./worker.js";
import { TASK_ROWS, taskWorker } from "./worker-tasks.js";

export { setThreads, threadCount, withThreads } from "./worker.js";

/**
 * Whether splitting one pass pays: the rows' multiply-adds (≈ entries per row × (p₁ + entries / 2))
 * against the fixed costs, i.e. the worker's wake-up, copying w and z, and adding its buffers back
 * (a₁₁, a₂₁ and A₂₂'s lower triangle). The constants are a cost model, NOT a measured crossover:
 * on this shared 2-core machine (load 7–18 from other sessions) two threads never beat one at any
 * size tried (10⁵–10⁶ rows; even two independent compute loops ran only 1.0–1.2× faster together
 * than one alone), so the crossover could not be measured.
 */
export function worthThreads(mm: ModelMatrices, s: BlockStructure): boolean {
  let perRow = mm.p + 1;
  for (let k = 1; k < mm.reTerms.length; k++) perRow += mm.reTerms[k].columnNames.length;
  const rowOps = s.n * perRow * (s.p1 + perRow / 2 + 1);
  const mergeOps = s.l1 * s.p1 * s.p1 + s.rowIdx.length * s.p1 + (s.m * (s.m + 1)) / 2 + 2 * s.n;
  return rowOps >= MIN_ROW_OPS && rowOps >= MERGE_FACTOR * mergeOps;
}

export const MIN_ROW_OPS = 2e6;
const MERGE_FACTOR = 4;

/** The RowScratch.parallel of a new PLS system: a worker hand-off, or null for one thread. */
export function parallelRows(mm: ModelMatrices, s: BlockStructure): ParallelRows | null {
  // only when asked: unlike the factor's split this one changes the sums' last bits
  if (requestedThreads() !== 2 || !workersAvailable() || (!splitsAlways() && !worthThreads(mm, s))) return null;
  return new WorkerRows(mm, s);
}

const FLAG_FIXED = 1;

interface RowsContext {
  n: number; p: number; X: Float64Array;
  terms: { refs: Int32Array; z: Float64Array; pk: number }[];
  s: { n: number; p: number; p1: number; m: number; qRest: number; l1: number; colPtr: Int32Array; rowPos: Int32Array; levelStart: Int32Array[] };
  scratchLen: number;
  w: Float64Array; z: Float64Array;
  a11: Float64Array; a21: Float64Array; a22: Float64Array;
  split: number;
  /** The worker's own state, built on its first task. */
  state?: { mm: unknown; s: unknown; scratch: unknown };
}

/** The worker's side of a pass (task TASK_ROWS): rows [split, n) into its own buffers. Runs in the
 *  worker (sent as source: self-contained, kernels through `k`). */
export function rowsTask(
  c: RowsContext, ctl: Int32Array, k: { accumulateRows: typeof accumulateRows; scalarRows: typeof scalarRows },
): void {
  if (!c.state) {
    const mm = { n: c.n, p: c.p, X: c.X, reTerms: c.terms.map((t) => ({ refs: t.refs, z: t.z, columnNames: { length: t.pk } })) };
    const s = { ...c.s, rowIdx: { length: c.a21.length / c.s.p1 } };
    const scratch = {
      idx: new Int32Array(c.scratchLen), val: new Float64Array(c.scratchLen), pos: new Int32Array(c.scratchLen),
      scalar: k.scalarRows(mm as never, s as never),
    };
    c.state = { mm, s, scratch };
  }
  c.a11.fill(0);
  c.a21.fill(0);
  c.a22.fill(0);
  const withFixed = (ctl[8] & 1) !== 0;
  k.accumulateRows(c.state.mm as never, c.state.s as never, c.w, c.z, c, c.state.scratch as never, withFixed, c.split, c.n);
}

/** One PLS system's hand-off: its arrays in shared memory and the worker's output buffers. */
class WorkerRows implements ParallelRows {
  private readonly id = contextId();
  private readonly msg: RowsContext;
  private readonly split: number;
  private pending: { h: WorkerHandle; req: number; mm: ModelMatrices; s: BlockStructure; w: Float64Array; z: Float64Array; scratch: RowScratch } | null = null;

  constructor(mm: ModelMatrices, s: BlockStructure) {
    // the calling thread also adds the worker's sums in: give the worker slightly more rows
    this.split = Math.floor(s.n * 0.48);
    const terms = mm.reTerms.map((t) => ({ refs: shared(t.refs), z: shared(t.z), pk: t.columnNames.length }));
    let scratchLen = mm.p + 1;
    for (let k = 1; k < mm.reTerms.length; k++) scratchLen += mm.reTerms[k].columnNames.length;
    this.msg = {
      n: s.n, p: mm.p, X: shared(mm.X), terms,
      s: {
        n: s.n, p: s.p, p1: s.p1, m: s.m, qRest: s.qRest, l1: s.l1,
        colPtr: shared(s.colPtr), rowPos: shared(s.rowPos), levelStart: s.levelStart.map((a) => shared(a)),
      },
      scratchLen,
      w: shared(new Float64Array(s.n)), z: shared(new Float64Array(s.n)),
      a11: shared(new Float64Array(s.l1 * s.p1 * s.p1)),
      a21: shared(new Float64Array(s.rowIdx.length * s.p1)),
      a22: shared(new Float64Array(s.m * s.m)),
      split: this.split,
    };
  }

  start(mm: ModelMatrices, s: BlockStructure, w: Float64Array, z: Float64Array, scratch: RowScratch, withFixedBlock: boolean): number {
    const h = taskWorker();
    // a worker still starting up (it boots while this thread works) takes no part yet
    if (!h || !ready(h)) return s.n;
    ensureContext(h, "rows", this.id, () => this.msg);
    this.msg.w.set(w);
    this.msg.z.set(z);
    const req = startTask(h, TASK_ROWS, withFixedBlock ? FLAG_FIXED : 0);
    this.pending = { h, req, mm, s, w, z, scratch };
    return this.split;
  }

  finish(out: CrossProducts, withFixedBlock: boolean): void {
    const p = this.pending!;
    this.pending = null;
    if (!finishTask(p.h, p.req)) {
      // the worker failed or hung: it is not used again, and its rows are done here
      const rest: CrossProducts = { a11: new Float64Array(out.a11.length), a21: new Float64Array(out.a21.length), a22: new Float64Array(out.a22.length) };
      accumulateRows(p.mm, p.s, p.w, p.z, rest, { ...p.scratch, parallel: null }, withFixedBlock, this.split, p.s.n);
      addInto(out, rest, p.s.m);
      return;
    }
    addInto(out, this.msg, p.s.m);
  }
}

/** out += part for a₁₁, a₂₁ and A₂₂'s lower triangle (the only entries a pass writes), in index order. */
function addInto(out: CrossProducts, part: { a11: Float64Array; a21: Float64Array; a22: Float64Array }, m: number): void {
  const { a11, a21, a22 } = out;
  for (let i = 0; i < a11.length; i++) a11[i] += part.a11[i];
  for (let i = 0; i < a21.length; i++) a21[i] += part.a21[i];
  const b = part.a22;
  for (let c = 0; c < m; c++) for (let r = c + c * m, e = (c + 1) * m; r < e; r++) a22[r] += b[r];
}
