/**
 * updateL (update-l.ts) on two threads, for a dense trailing block large enough to pay: InstEval's
 * evaluation is ~25% the Schur complement L₂₂ − L₂₁L₂₁ᵀ, ~65% the blocked Cholesky of the result and
 * ~10% forming Λ₂ᵀA₂₂Λ₂ + I (profile in the README, "Two threads").
 *
 *  - Forming and Schur update, column by column: the worker takes columns [split, cols), this thread
 *    [0, split), split where the two halves' work (formTrailing's entries plus the Schur update's
 *    multiply-adds, θ-independent and counted once) is equal. No entry is touched by both threads.
 *  - The Cholesky (right-looking, src/linalg/cholesky.ts): each panel's diagonal factor, row solve
 *    and packing stay here; its trailing update (almost all the flops) is split by column pairs,
 *    the worker taking pairs [J, cnt) with J set so both halves of the triangle hold equal work.
 *    Panels are done one after another (the next panel reads this one's update), so every panel
 *    large enough to split costs one hand-off and one wait.
 * In both, each entry of L₂₂ undergoes the same floating-point operations in the same order as on
 * one thread, so the factor — and every fit — is bit for bit the one-thread result
 * (test/fit/pls/update-l-threads.test.ts).
 *
 * Thresholds: a hand-off costs two Atomics round trips when the worker is spinning, a futex
 * wake-up otherwise, so a column phase is split only above MIN_COLUMN_WORK and a panel update only
 * above MIN_PANEL_WORK multiply-adds; a system uses the worker at all only when its trailing block
 * has order ≥ MIN_ORDER. These are a cost model, NOT yet a measured crossover: the shared 2-core
 * machine stayed at load 7–10 while this was written (an empty hand-off 115–250 µs, two threads
 * slower than one at every size); bench/thread-thresholds.ts sweeps them for an idle machine.
 *
 * On a machine busy with other work the worker may get too little CPU to keep up, and then the
 * split costs more than it saves. Whether it pays is judged by what it is meant to save, wall time:
 * every evaluation times its forming + factorisation, and running means of the split and of the
 * one-thread evaluations are kept (the latter from one-thread probes, one every PROBE_EVERY split
 * evaluations, and from back-off periods). When the split's mean is not below the one-thread mean,
 * the next evaluations run on this thread alone (16, doubling while it persists, at most 1,024),
 * then the worker is tried again. The first split evaluation after a one-thread stretch is not
 * judged: the worker has gone to sleep meanwhile and its wake-up and cold caches would otherwise
 * make every retry look bad (the earlier rule, the worker's wait against this thread's share,
 * judged exactly that evaluation and so kept the worker off on an idle machine). This changes no
 * result (the bits are the same either way), only where the work runs.
 */
import { choleskyInPlace, HelperFailedError, PANEL_WIDTH, type PanelSplitter } from "../../linalg/cholesky.js";
import { simdModule } from "../../linalg/simd-kernel.js";
import type { LambdaStore } from "./lambda.js";
import type { BlockStructure } from "./structure.js";
import { formTrailing, schurColumns, type Factor } from "./update-l.js";
import { contextId, ensureContext, finishTask, ready, shared, sharedFloat64, splitsAlways, startTask, threadCount, workersAvailable, type WorkerHandle } from "./worker.js";
import { TASK_COLUMNS, TASK_PANEL, taskWorker } from "./worker-tasks.js";

/** Smallest trailing block (order m) for which a PLS system uses the worker. */
export const MIN_ORDER = 256;
/** Smallest forming + Schur phase (entries + multiply-adds) worth splitting. */
export const MIN_COLUMN_WORK = 1e5;
/** Smallest panel update (multiply-adds, cnt²·jb/2) worth splitting. */
export const MIN_PANEL_WORK = 1e5;
const thresholds = { order: MIN_ORDER, column: MIN_COLUMN_WORK, panel: MIN_PANEL_WORK };

/** Override the thresholds (bench/thread-thresholds.ts measures them); no argument restores them. */
export function setSplitThresholds(t: Partial<typeof thresholds> = { order: MIN_ORDER, column: MIN_COLUMN_WORK, panel: MIN_PANEL_WORK }): void {
  Object.assign(thresholds, t);
}
const FIRST_BACKOFF = 16;
const MAX_BACKOFF = 1024;
/** One one-thread evaluation after this many split ones keeps the comparison current. */
const PROBE_EVERY = 32;
/** Weight of the newest evaluation in the running means. */
const ALPHA = 0.25;
const SPIKE = 1.25;
/** Split evaluations averaged (after the un-judged first) before the split is judged. */
const MIN_SAMPLES = 3;
/** Evaluations with the worker not judged: its first tasks allocate and instantiate its kernel. */
const WARM_UP = 2;
let backoffOn = true;

/** Switch the back-off off (false) to time the split as if the machine were idle (benchmarks). */
export function setBackoff(on: boolean): void {
  backoffOn = on;
}

/** Time spent on this thread's shares and waiting for the worker's, in the current evaluation. */
interface SplitClock {
  own: number;
  wait: number;
}

/** Whether a PLS system with this structure should split its factorisation (threads configured,
 *  Node with shared memory, block large enough or splitting forced). */
export function wantFactorThreads(s: BlockStructure): boolean {
  return threadCount() >= 2 && workersAvailable() && (splitsAlways() || s.m >= thresholds.order);
}

/** What the worker holds of one system (context kind "factor"). */
export interface FactorContext {
  s: Pick<BlockStructure, "m" | "p1" | "qRest" | "l1" | "rowIdx" | "byRowStart" | "byRowPos" | "posEnd" | "rLen" | "rLamPtr">;
  a22: Float64Array;
  l21: Float64Array;
  l21ByRow: Float64Array | null;
  l22: Float64Array;
  lam: { values: Float64Array; offsets: Int32Array };
  pattern: { ptr: Int32Array; idx: Int32Array } | null;
  rows0: Int32Array;
  rows1: Int32Array;
  module: WebAssembly.Module | null;
  packDoubles: number;
  outDoubles: number;
  /** The worker's own scratch, made on its first task. */
  state?: { lamRow: Float64Array; kern: unknown; pt: Float64Array; x: Float64Array };
}

export class FactorThreads {
  private readonly id = contextId();
  private readonly msg: FactorContext;
  /** columnWork[c]: work of forming and Schur-updating columns [0, c). */
  private readonly columnWork: Float64Array;
  private readonly splitter: Splitter;
  private readonly clock: SplitClock = { own: 0, wait: 0 };
  /** Evaluations left to run without the worker, and the next back-off length. */
  private skip = 0;
  private backoff = FIRST_BACKOFF;
  /** Evaluations that used the worker so far (the first ones set up its buffers: not judged). */
  private used = 0;
  /** Running mean wall ms of one-thread and of split evaluations (NaN: none yet), the split
   *  samples in the current stretch, and split evaluations since the last one-thread probe. */
  private wall1 = NaN;
  private wall2 = NaN;
  private samples2 = 0;
  private sinceProbe = 0;
  /** This evaluation: its start, and whether it split; the previous one: whether it split. */
  private t0 = 0;
  private split = false;
  private lastSplit = false;
  /** This thread's share of the forming + Schur work, adapted to the two threads' measured speeds. */
  private colShare = 0.5;

  /** `a22` and the factor's l21, l21ByRow, l22 must be shared memory (PlsSystem allocates them so). */
  constructor(s: BlockStructure, a22: Float64Array, f: Factor, lam: LambdaStore) {
    this.columnWork = columnWork(s, f);
    const packDoubles = (s.m + 8) * PANEL_WIDTH;
    this.msg = {
      s: {
        m: s.m, p1: s.p1, qRest: s.qRest, l1: s.l1, rowIdx: shared(s.rowIdx), byRowStart: shared(s.byRowStart),
        byRowPos: shared(s.byRowPos), posEnd: shared(s.posEnd), rLen: shared(s.rLen), rLamPtr: shared(s.rLamPtr),
      },
      a22, l21: f.l21, l21ByRow: f.l21ByRow, l22: f.l22,
      lam: { values: sharedFloat64(lam.values.length), offsets: shared(lam.offsets) },
      pattern: f.trailing ? { ptr: shared(f.trailing.ptr), idx: shared(f.trailing.idx) } : null,
      rows0: new Int32Array(new SharedArrayBuffer(Math.max(s.m, 1) * 4)),
      rows1: new Int32Array(new SharedArrayBuffer(Math.max(s.m, 1) * 4)),
      module: simdModule(), packDoubles, outDoubles: 16 * Math.ceil(s.m / 4) + 32,
    };
    this.splitter = new Splitter([this.msg.rows0, this.msg.rows1], this.clock);
  }

  /** Columns [0, cols) of Λ₂ᵀA₂₂Λ₂ + I − L₂₁L₂₁ᵀ into l22, split with the worker when that pays;
   *  false when the worker failed (l22 is then incomplete). */
  formColumns(s: BlockStructure, a22: Float64Array, lam: LambdaStore, f: Factor, cols: number): boolean {
    let h = this.skip > 0 && !splitsAlways() ? null : taskWorker();
    if (this.skip > 0) this.skip--;
    if (h && !ready(h)) h = null;
    this.splitter.h = h;
    this.clock.own = 0;
    this.clock.wait = 0;
    this.split = h !== null;
    const split = h && (splitsAlways() || this.columnWork[cols] >= thresholds.column) ? splitPoint(this.columnWork, cols, this.colShare) : cols;
    let req = 0;
    const t0 = performance.now();
    this.t0 = t0;
    if (split < cols) {
      this.msg.lam.values.set(lam.values);
      ensureContext(h!, "factor", this.id, () => this.msg);
      req = startTask(h!, TASK_COLUMNS, split, cols);
    }
    formTrailing(s, a22, lam, f.l22, f.lamRow, 0, split, f.trailing);
    schurColumns(s, f, 0, split);
    if (split < cols) {
      const t1 = performance.now();
      if (!finishTask(h!, req)) return false;
      const wait = performance.now() - t1;
      this.clock.own += t1 - t0;
      this.clock.wait += wait;
      this.balanceColumns(t1 - t0, wait, this.columnWork[split] / this.columnWork[cols]);
    }
    if (h) ensureContext(h, "factor", this.id, () => this.msg);
    return true;
  }

  /** The blocked Cholesky of l22's first `cols` columns, panel updates split with the worker when
   *  they pay; false when the worker failed. */
  factorTrailing(s: BlockStructure, f: Factor, cols: number): boolean {
    try {
      choleskyInPlace(f.l22, s.m, 0, s.m, s.panels, cols, this.splitter.h ? this.splitter : null);
      this.judge();
      return true;
    } catch (e) {
      if (e instanceof HelperFailedError) return false;
      throw e;
    }
  }

  /** Move the column split towards equal finishing times: with this thread's share f done in
   *  `own` ms and the worker's done `wait` ms later, the speeds are f/own and (1 − f)/(own + wait),
   *  balanced at f* = v₁/(v₁ + v₂). When this thread waited (almost) not at all, the worker's speed
   *  is unknown (it finished first by an unknown margin): then this thread's share shrinks a little, so the
   *  split keeps probing. Which columns each thread writes changes no bit of the result. */
  private balanceColumns(own: number, wait: number, f: number): void {
    if (own <= 0 || f <= 0 || f >= 1) return;
    let target: number;
    if (wait > 0.02 * own) {
      const v1 = f / own, v2 = (1 - f) / (own + wait);
      target = v1 / (v1 + v2);
    } else {
      target = f - 0.02;
    }
    this.colShare = Math.min(0.8, Math.max(0.2, this.colShare + 0.5 * (target - this.colShare)));
  }

  /** After each evaluation: does the split beat one thread in wall time? */
  private judge(): void {
    const ms = performance.now() - this.t0;
    const wasSplit = this.lastSplit;
    this.lastSplit = this.split;
    if (splitsAlways() || !backoffOn) return;
    if (!this.split) {
      this.wall1 = Number.isNaN(this.wall1) ? ms : runningMean(this.wall1, ms);
      return;
    }
    // the worker's first tasks, and the first split after a one-thread stretch, are not judged
    if (this.used++ < WARM_UP || !wasSplit) return;
    this.wall2 = this.samples2 === 0 ? ms : runningMean(this.wall2, ms);
    this.samples2++;
    if (Number.isNaN(this.wall1) || ++this.sinceProbe >= PROBE_EVERY) {
      // one evaluation on this thread alone, to compare with
      this.sinceProbe = 0;
      this.skip = 1;
      return;
    }
    if (this.samples2 < MIN_SAMPLES) return;
    if (this.wall2 >= this.wall1) {
      this.skip = this.backoff;
      this.backoff = Math.min(2 * this.backoff, MAX_BACKOFF);
      this.samples2 = 0;
      this.wall1 = NaN; // measured afresh during the back-off
    } else {
      this.backoff = FIRST_BACKOFF;
    }
  }
}

/** The running mean with one more evaluation, clipped at SPIKE× the mean: a single evaluation
 *  interrupted by another process (a one-off spike) must not switch the worker off, while a
 *  lasting slow-down still moves the mean within a few evaluations. */
function runningMean(mean: number, ms: number): number {
  return mean + ALPHA * (Math.min(ms, SPIKE * mean) - mean);
}

/** The Cholesky's hand-off of a panel's update (cholesky.ts PanelSplitter). */
class Splitter implements PanelSplitter {
  h: WorkerHandle | null = null;
  private req = 0;
  private t0 = 0;
  /** The worker's speed over this thread's (running estimate from the waits), and this panel's
   *  work for each side, to update it. */
  private rho = 1;
  private w1 = 0;
  private w2 = 0;
  constructor(readonly rows: readonly [Int32Array, Int32Array], private readonly clock: SplitClock) {}

  start(j0: number, jb: number, st: number, cnt: number, simd: boolean, buffer: 0 | 1, extra: number): number {
    const work = (cnt * cnt * jb) / 2;
    if (!this.h || (!splitsAlways() && work < thresholds.panel) || cnt < 4) return cnt;
    // this thread takes column pairs [0, J), a fraction f of the triangle's work, J(2cnt − J)/2 =
    // f·cnt²/2, with f such that its share plus `extra` takes as long as the helper's share at
    // the speeds measured: (f·work + extra)/1 = (1 − f)·work/ρ
    const f = Math.min(0.9, Math.max(0.1, (1 - (this.rho * extra) / work) / (1 + this.rho)));
    let J = Math.round(cnt * (1 - Math.sqrt(1 - f)));
    if (jb > 1) J &= ~1;
    if (J <= 0 || J >= cnt) return cnt;
    const mine = (J * (2 * cnt - J) * jb) / 2;
    this.w1 = mine + extra;
    this.w2 = work - mine;
    this.t0 = performance.now();
    this.req = startTask(this.h, TASK_PANEL, j0, jb, st, cnt, J, simd ? 1 : 0, buffer);
    return J;
  }

  finish(): boolean {
    const t1 = performance.now();
    const ok = finishTask(this.h!, this.req);
    const own = t1 - this.t0, wait = performance.now() - t1;
    this.clock.own += own;
    this.clock.wait += wait;
    // which columns each thread updates changes no bit of the result, only the waiting: when this
    // thread waited, the worker's speed relative to this one's is w2/(own + wait) over w1/own;
    // when it did not, the worker finished first by an unknown margin and ρ creeps up
    if (own > 0 && this.w1 > 0) {
      const measured = wait > 0.02 * own ? (this.w2 / (own + wait)) / (this.w1 / own) : this.rho * 1.03;
      this.rho = Math.min(2, Math.max(0.5, this.rho * Math.pow(measured / this.rho, 0.3)));
    }
    return ok;
  }
}

/** Prefix sums of each column's forming and Schur work (entries written, multiply-adds). */
function columnWork(s: BlockStructure, f: Factor): Float64Array {
  const { m, byRowStart, byRowPos, posEnd, p1, l1 } = s;
  const out = new Float64Array(m + 1);
  for (let c = 0; c < m; c++) {
    let w = m - c;
    if (f.l21ByRow) w += (m - c) * l1;
    else for (let t = byRowStart[c]; t < byRowStart[c + 1]; t++) w += (posEnd[byRowPos[t]] - byRowPos[t]) * p1;
    out[c + 1] = out[c] + w;
  }
  return out;
}

/** The column c ≤ cols with columnWork[c] closest above `share` of columnWork[cols]. */
function splitPoint(work: Float64Array, cols: number, share: number): number {
  const half = work[cols] * share;
  let lo = 0, hi = cols;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (work[mid] < half) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The worker's side of TASK_COLUMNS: columns [ctl[8], ctl[9]) formed and Schur-updated. Runs in
 *  the worker (sent as source: self-contained, kernels through `k`). */
export function columnsTask(
  c: FactorContext, ctl: Int32Array,
  k: { formTrailing: typeof formTrailing; subtractSchurComplement: (...a: never[]) => void; subtractSchurComplementDense: (...a: never[]) => void },
): void {
  c.state ??= { lamRow: new Float64Array(c.s.m), kern: null, pt: new Float64Array(0), x: new Float64Array(c.s.m) };
  const c0 = ctl[8], c1 = ctl[9];
  k.formTrailing(c.s as never, c.a22, c.lam as never, c.l22, c.state.lamRow, c0, c1, c.pattern);
  if (c.l21ByRow) k.subtractSchurComplementDense(c.s as never, c.l21ByRow as never, c.l22 as never, c0 as never, c1 as never);
  else k.subtractSchurComplement(c.s as never, c.l21 as never, c.l22 as never, c0 as never, c1 as never);
}

/** The worker's side of TASK_PANEL: column pairs [J, cnt) of a panel's trailing update (or columns
 *  of a one-column panel's). Runs in the worker. */
export function panelTask(
  c: FactorContext, ctl: Int32Array,
  k: { helperPanelUpdate: (...a: never[]) => void; helperRankOne: (...a: never[]) => void; instantiateKernel: (...a: never[]) => unknown },
): void {
  c.state ??= { lamRow: new Float64Array(c.s.m), kern: null, pt: new Float64Array(0), x: new Float64Array(c.s.m) };
  const st = c.state;
  const j0 = ctl[8], jb = ctl[9], stride = ctl[10], cnt = ctl[11], J = ctl[12], simd = ctl[13] === 1;
  const rows = ctl[14] === 0 ? c.rows0 : c.rows1;
  const m = c.s.m;
  if (jb === 1) {
    k.helperRankOne(c.l22 as never, 0 as never, m as never, j0 as never, rows as never, cnt as never, J as never, st.x as never);
    return;
  }
  if (simd && st.kern === null && c.module) st.kern = k.instantiateKernel(c.module as never, c.packDoubles as never, c.outDoubles as never);
  const kern = simd ? st.kern : null;
  // without the SIMD kernel the JavaScript one (the same bits) on a row-major packed copy
  if (!kern && st.pt.length === 0) st.pt = new Float64Array(c.packDoubles);
  k.helperPanelUpdate(
    c.l22 as never, 0 as never, m as never, j0 as never, jb as never, stride as never, rows as never, cnt as never, J as never,
    kern as never, st.pt as never,
  );
}
