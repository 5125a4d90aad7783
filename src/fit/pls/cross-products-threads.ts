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
 *  - One worker for the process, `unref`ed so it never keeps the process alive; a new PLS system's
 *    arrays reach it through a MessagePort it drains synchronously (receiveMessageOnPort).
 *  - The worker runs the very source of cross-products.ts's kernels (Function.prototype.toString),
 *    so there is one implementation and no separate worker file to resolve from .ts or .js.
 *  - Browsers (no process.getBuiltinModule) and MIXED_MODELS_THREADS=1 / setThreads(1) keep the one
 *    thread path; so does any pass too small to pay (worthThreads).
 */
import type { ModelMatrices } from "../../model/matrices.js";
import {
  accumulateRows, accumulateScalar, accumulateTwoScalar, fixedBlock, scalarRows,
  type CrossProducts, type ParallelRows, type RowScratch,
} from "./cross-products.js";
import type { BlockStructure } from "./structure.js";

let forcedThreads: number | null = null;
let splitAlways = false;

/** Force the thread count of the parallel kernels (1 = never use a worker); null = the default
 *  (MIXED_MODELS_THREADS if set, else 1).
 *  `always` splits even passes too small to pay (for tests and timings). Applies to PLS systems
 *  built afterwards. */
export function setThreads(threads: 1 | 2 | null, options: { always?: boolean } = {}): void {
  if (threads !== null && threads !== 1 && threads !== 2) throw new RangeError(`threads must be 1 or 2, got ${String(threads)}`);
  forcedThreads = threads;
  splitAlways = options.always ?? false;
}

interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | null {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p && typeof p.getBuiltinModule === "function" ? p : null;
}

/** Run `fit` with the thread count forced to `threads` (undefined: the configured default). */
export function withThreads<T>(threads: 1 | 2 | undefined, fit: () => T): T {
  if (threads === undefined) return fit();
  if (threads !== 1 && threads !== 2) throw new RangeError(`threads must be 1 or 2, got ${String(threads)}`);
  const saved = { forcedThreads, splitAlways };
  forcedThreads = threads;
  try {
    return fit();
  } finally {
    ({ forcedThreads, splitAlways } = saved);
  }
}

/** The configured number of threads: 1 or 2. */
export function threadCount(): number {
  if (forcedThreads !== null) return forcedThreads;
  const proc = nodeProcess();
  if (!proc) return 1;
  const env = proc.env?.MIXED_MODELS_THREADS;
  if (env !== undefined && env !== "") {
    const t = Number(env);
    if (t !== 1 && t !== 2) throw new RangeError(`MIXED_MODELS_THREADS must be 1 or 2, got "${env}"`);
    return t;
  }
  // one thread unless asked: on this (shared, loaded) 2-core machine no split pass has yet been
  // measured faster than one thread (README, "Two threads")
  return 1;
}

/**
 * Whether splitting one pass pays: the rows' multiply-adds (≈ entries per row × (p₁ + entries / 2))
 * against the fixed costs, i.e. the worker's wake-up, copying w and z, and adding its buffers back
 * (a₁₁, a₂₁ and A₂₂'s lower triangle). The constants are a cost model, NOT a measured crossover:
 * on this shared 2-core machine (load 7–18 from other sessions) two threads never beat one at any
 * size tried (10⁵–10⁶ rows; even two independent compute loops ran only 1.0–1.2× faster together
 * than one alone), so the crossover could not be measured and the default is one thread.
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
/** How long the calling thread waits for the worker before doing its rows itself. */
const WAIT_MS = 60_000;

/** The RowScratch.parallel of a new PLS system: a worker hand-off, or null for one thread. */
export function parallelRows(mm: ModelMatrices, s: BlockStructure): ParallelRows | null {
  if (threadCount() < 2 || (!splitAlways && !worthThreads(mm, s))) return null;
  return worker() ? new WorkerRows(mm, s) : null;
}

// ---------------------------------------------------------------------------------------------
// the process's one worker

interface WorkerHandle {
  /** [0] request counter, [1] done counter, [2] flags of the request, [3] 1 when the worker failed. */
  ctl: Int32Array;
  post(msg: unknown): void;
  /** The id of the system whose arrays the worker holds. */
  current: number;
  broken: boolean;
}

let handle: WorkerHandle | null | undefined;
let nextId = 1;

const FLAG_FIXED = 1;

interface WorkerThreadsModule {
  Worker: new (src: string, opts: { eval: boolean; workerData: unknown; transferList: unknown[] }) => { unref(): void; on(ev: string, f: (e: unknown) => void): void };
  MessageChannel: new () => { port1: { postMessage(m: unknown): void; unref?(): void }; port2: unknown };
}

function worker(): WorkerHandle | null {
  if (handle !== undefined) return handle && !handle.broken ? handle : null;
  handle = null;
  const proc = nodeProcess();
  if (!proc || typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") return null;
  const wt = proc.getBuiltinModule!("node:worker_threads") as WorkerThreadsModule | undefined;
  if (!wt) return null;
  const ctl = new Int32Array(new SharedArrayBuffer(16));
  const { port1, port2 } = new wt.MessageChannel();
  const w = new wt.Worker(workerSource(), { eval: true, workerData: { ctl, port: port2 }, transferList: [port2] });
  w.unref();
  port1.unref?.();
  const h: WorkerHandle = { ctl, post: (m) => port1.postMessage(m), current: 0, broken: false };
  // an exit or error (seen only when the event loop runs) disables the worker for later passes
  w.on("error", () => { h.broken = true; });
  w.on("exit", () => { h.broken = true; });
  handle = h;
  return h;
}

/** The worker's script: the row kernels' own source and a loop waiting on the request counter. */
function workerSource(): string {
  const fns = [accumulateRows, accumulateScalar, accumulateTwoScalar, fixedBlock, scalarRows, workerMain];
  return `"use strict";\n${fns.map((f) => String(f)).join("\n")}\nworkerMain(require("node:worker_threads"), { accumulateRows, scalarRows });\n`;
}

interface ContextMessage {
  id: number;
  n: number; p: number; X: Float64Array;
  terms: { refs: Int32Array; z: Float64Array; pk: number }[];
  s: { n: number; p: number; p1: number; m: number; qRest: number; l1: number; colPtr: Int32Array; rowPos: Int32Array; levelStart: Int32Array[] };
  scratchLen: number;
  w: Float64Array; z: Float64Array;
  a11: Float64Array; a21: Float64Array; a22: Float64Array;
  split: number;
}

/** Runs inside the worker (its source is sent as text: no closures, and the kernels come in as an
 *  argument because a bundler or test runner may rewrite references to imported names). */
function workerMain(
  wt: { workerData: { ctl: Int32Array; port: unknown }; receiveMessageOnPort(p: unknown): { message: ContextMessage } | undefined },
  k: { accumulateRows: typeof accumulateRows; scalarRows: typeof scalarRows },
): void {
  const { ctl, port } = wt.workerData;
  let ctx: {
    mm: unknown; s: unknown; scratch: unknown; w: Float64Array; z: Float64Array;
    out: { a11: Float64Array; a21: Float64Array; a22: Float64Array }; split: number; n: number;
  } | null = null;
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    const req = Atomics.load(ctl, 0);
    seen = req;
    try {
      for (let msg = wt.receiveMessageOnPort(port); msg !== undefined; msg = wt.receiveMessageOnPort(port)) {
        const c = msg.message;
        const mm = { n: c.n, p: c.p, X: c.X, reTerms: c.terms.map((t) => ({ refs: t.refs, z: t.z, columnNames: { length: t.pk } })) };
        const s = { ...c.s, rowIdx: { length: c.a21.length / c.s.p1 } };
        const scratch = {
          idx: new Int32Array(c.scratchLen), val: new Float64Array(c.scratchLen), pos: new Int32Array(c.scratchLen),
          scalar: k.scalarRows(mm as never, s as never),
        };
        ctx = { mm, s, scratch, w: c.w, z: c.z, out: { a11: c.a11, a21: c.a21, a22: c.a22 }, split: c.split, n: c.n };
      }
      if (!ctx) throw new Error("no context");
      ctx.out.a11.fill(0);
      ctx.out.a21.fill(0);
      ctx.out.a22.fill(0);
      const withFixed = (Atomics.load(ctl, 2) & 1) !== 0;
      k.accumulateRows(ctx.mm as never, ctx.s as never, ctx.w, ctx.z, ctx.out, ctx.scratch as never, withFixed, ctx.split, ctx.n);
      Atomics.store(ctl, 3, 0);
    } catch {
      Atomics.store(ctl, 3, 1);
    }
    Atomics.store(ctl, 1, req);
    Atomics.notify(ctl, 1);
  }
}

function shared<T extends Float64Array | Int32Array>(a: T): T {
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(Math.max(a.length, 1) * Ctor.BYTES_PER_ELEMENT));
  out.set(a as never);
  return out;
}

/** One PLS system's hand-off: its arrays in shared memory and the worker's output buffers. */
class WorkerRows implements ParallelRows {
  private readonly id = nextId++;
  private readonly msg: ContextMessage;
  private readonly split: number;
  private pending: { req: number; mm: ModelMatrices; s: BlockStructure; w: Float64Array; z: Float64Array; scratch: RowScratch } | null = null;

  constructor(mm: ModelMatrices, s: BlockStructure) {
    // the calling thread also adds the worker's sums in: give the worker slightly more rows
    this.split = Math.floor(s.n * 0.48);
    const terms = mm.reTerms.map((t) => ({ refs: shared(t.refs), z: shared(t.z), pk: t.columnNames.length }));
    let scratchLen = mm.p + 1;
    for (let k = 1; k < mm.reTerms.length; k++) scratchLen += mm.reTerms[k].columnNames.length;
    this.msg = {
      id: this.id, n: s.n, p: mm.p, X: shared(mm.X), terms,
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
    const h = worker();
    if (!h) return s.n;
    if (h.current !== this.id) {
      h.post(this.msg);
      h.current = this.id;
    }
    this.msg.w.set(w);
    this.msg.z.set(z);
    Atomics.store(h.ctl, 2, withFixedBlock ? FLAG_FIXED : 0);
    const req = Atomics.add(h.ctl, 0, 1) + 1;
    Atomics.notify(h.ctl, 0);
    this.pending = { req, mm, s, w, z, scratch };
    return this.split;
  }

  finish(out: CrossProducts, withFixedBlock: boolean): void {
    const p = this.pending!;
    this.pending = null;
    const h = handle!;
    const t0 = performance.now();
    let done = Atomics.load(h.ctl, 1);
    while (done !== p.req && performance.now() - t0 < WAIT_MS) {
      Atomics.wait(h.ctl, 1, done, 1000);
      done = Atomics.load(h.ctl, 1);
    }
    if (done !== p.req || Atomics.load(h.ctl, 3) !== 0) {
      // the worker failed or hung: never trust it again, and do its rows here
      h.broken = true;
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
