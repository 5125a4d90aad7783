/**
 * The helper thread of the parallel kernels (issue 16 item 3): one Node `worker_threads` worker,
 * started when a PLS system large enough to pay first asks for it, shared by every kernel that
 * splits its work (the cross-products pass, cross-products-threads.ts; the Schur complement and the
 * trailing Cholesky, update-l-threads.ts), and terminated when the outermost fit that started it
 * returns (withThreads). It is also `unref`ed, so nothing it does can keep the process alive.
 *
 * Protocol (all in one SharedArrayBuffer-backed Int32Array, `ctl`):
 *   - the calling thread writes the task's code and integer parameters, bumps the request counter
 *     and notifies; the worker runs the task and stores the request number in the done counter;
 *   - both sides spin on the counter briefly (the worker ≤ 30 µs, the caller a few µs) before
 *     blocking in Atomics.wait: within one evaluation the tasks follow each other closely (one per
 *     Cholesky panel), and a futex wake-up costs about as much as a small panel's work; a longer
 *     spin steals the other thread's core on a busy machine;
 *   - a task's arrays (SharedArrayBuffer-backed typed arrays, copied once per PLS system) arrive as
 *     a context message on a MessagePort the worker drains synchronously (receiveMessageOnPort)
 *     before each task, so the public calls stay synchronous (lmer() returns a fit).
 *
 * The worker runs the very source of the kernels (Function.prototype.toString), so each kernel has
 * one implementation and there is no separate worker file to resolve from .ts, .js or a bundle.
 * Every kernel sent must be self-contained (it may call only other kernels sent with it). A bundler
 * may rename functions (the npm package is minified), so the worker declares each function under
 * the name its own source text gives it and looks the kernels up through that name.
 */

/** The kernels and the task runner the worker script is made of (see workerSource). */
export interface WorkerScript {
  /** Functions declared in the worker, in any order (kernels may call each other by name). */
  functions: ((...args: never[]) => unknown)[];
  /** The entry point, called as main(workerThreadsModule, kernelsByKey). */
  main: (...args: never[]) => unknown;
  /** The kernels handed to `main`, by the key it uses. */
  kernels: Record<string, (...args: never[]) => unknown>;
}

let forcedThreads: number | null = null;
let splitAlways = false;

/** Force the thread count of the parallel kernels (1 = never use a worker); null = the default
 *  (MIXED_MODELS_THREADS if set, else 2 when the machine has more than one core, else 1).
 *  `always` splits even work too small to pay (for tests and timings). Applies to PLS systems
 *  built afterwards. */
export function setThreads(threads: 1 | 2 | null, options: { always?: boolean } = {}): void {
  if (threads !== null && threads !== 1 && threads !== 2) throw new RangeError(`threads must be 1 or 2, got ${String(threads)}`);
  forcedThreads = threads;
  splitAlways = options.always ?? false;
}

/** Whether work below the measured thresholds is split anyway (setThreads(2, { always: true })). */
export function splitsAlways(): boolean {
  return splitAlways;
}

interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | null {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p && typeof p.getBuiltinModule === "function" ? p : null;
}

/** Depth of nested withThreads calls; the outermost one shuts the worker down on return. */
let scopeDepth = 0;

/**
 * Run `fit` with the thread count forced to `threads` (undefined: the configured default). The
 * worker started during the outermost such call is terminated when it returns, so a fit leaves no
 * thread behind (a PLS system used after that starts a new one if it needs it).
 */
export function withThreads<T>(threads: 1 | 2 | undefined, fit: () => T): T {
  if (threads !== undefined && threads !== 1 && threads !== 2) throw new RangeError(`threads must be 1 or 2, got ${String(threads)}`);
  const saved = { forcedThreads, splitAlways };
  if (threads !== undefined) forcedThreads = threads;
  scopeDepth++;
  try {
    return fit();
  } finally {
    scopeDepth--;
    ({ forcedThreads, splitAlways } = saved);
    if (scopeDepth === 0) shutdownWorker();
  }
}

/** The number of threads asked for (setThreads, withThreads, MIXED_MODELS_THREADS), or null. */
export function requestedThreads(): 1 | 2 | null {
  if (forcedThreads !== null) return forcedThreads as 1 | 2;
  const env = nodeProcess()?.env?.MIXED_MODELS_THREADS;
  if (env !== undefined && env !== "") {
    const t = Number(env);
    if (t !== 1 && t !== 2) throw new RangeError(`MIXED_MODELS_THREADS must be 1 or 2, got "${env}"`);
    return t;
  }
  return null;
}

/** The number of threads the factorisation uses: the one asked for, else the default — 2 when
 *  the machine has more than one core. The default is safe to have on: the factor's split gives
 *  the one-thread bits (update-l-threads.ts), work below the measured thresholds stays on one
 *  thread, and a worker that cannot keep up is set aside. (The rows pass, whose split is not bit
 *  for bit, splits only when asked: cross-products-threads.ts.) */
export function threadCount(): number {
  const asked = requestedThreads();
  if (asked !== null) return asked;
  const proc = nodeProcess();
  return proc ? defaultThreads(proc) : 1;
}

/** 2 when the machine has more than one core (os.availableParallelism), else 1. */
function defaultThreads(proc: NodeProcess): number {
  const os = proc.getBuiltinModule!("node:os") as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  const cores = os?.availableParallelism ? os.availableParallelism() : (os?.cpus?.().length ?? 1);
  return cores > 1 ? 2 : 1;
}

// ---------------------------------------------------------------------------------------------

/** ctl layout. */
const REQ = 0, DONE = 1, TASK = 2, FAILED = 3, READY = 4;
/** First integer parameter of a task: ctl[PARAM + i]. */
export const PARAM = 8;
const CTL_LENGTH = 32;
/** How long the caller waits for the worker before declaring it broken. */
const WAIT_MS = 60_000;
/** Spin iterations (each an Atomics.load) before blocking: a few microseconds. */
const SPIN = 2_000;

export interface WorkerHandle {
  ctl: Int32Array;
  post(msg: unknown): void;
  /** Which context (per kind) the worker holds. */
  current: Map<string, number>;
  broken: boolean;
  /** Tasks started and waited for, and the milliseconds spent waiting (per-evaluation sync cost). */
  stats: { tasks: number; waitMs: number };
  terminate(): void;
}

interface WorkerThreadsModule {
  Worker: new (src: string, opts: { eval: boolean; workerData: unknown; transferList: unknown[] }) => {
    unref(): void; on(ev: string, f: (e: unknown) => void): void; terminate(): Promise<number>;
  };
  MessageChannel: new () => { port1: { postMessage(m: unknown): void; unref?(): void; close(): void }; port2: unknown };
}

let handle: WorkerHandle | null = null;
let cannotStart = false;
let script: WorkerScript | null = null;
let nextContextId = 1;

/** A fresh id for a context message (one per PLS system and kind). */
export function contextId(): number {
  return nextContextId++;
}

/** Register the worker's script (done once by update-l-threads.ts, which knows every kernel). */
export function registerWorkerScript(s: WorkerScript): void {
  script = s;
}

/** Whether a worker can exist here (Node with shared memory). */
export function workersAvailable(): boolean {
  return nodeProcess() !== null && typeof SharedArrayBuffer !== "undefined" && typeof Atomics !== "undefined";
}

/** The worker, started on first use; null when unavailable or broken. It may not be running yet:
 *  see ready(). */
export function worker(): WorkerHandle | null {
  if (handle) return handle.broken ? null : handle;
  const proc = nodeProcess();
  if (!proc || !script || cannotStart || !workersAvailable()) return null;
  const wt = proc.getBuiltinModule!("node:worker_threads") as WorkerThreadsModule | undefined;
  if (!wt) return null;
  const ctl = new Int32Array(new SharedArrayBuffer(CTL_LENGTH * 4));
  const { port1, port2 } = new wt.MessageChannel();
  let w: InstanceType<WorkerThreadsModule["Worker"]>;
  try {
    w = new wt.Worker(workerSource(script), { eval: true, workerData: { ctl, port: port2 }, transferList: [port2] });
  } catch {
    // no thread to be had (resource limits, a sandbox): one thread from now on, as in a browser
    port1.close();
    cannotStart = true;
    return null;
  }
  w.unref();
  port1.unref?.();
  const h: WorkerHandle = {
    ctl, post: (m) => port1.postMessage(m), current: new Map(), broken: false, stats: { tasks: 0, waitMs: 0 },
    terminate: () => {
      h.broken = true;
      port1.close();
      void w.terminate();
    },
  };
  // an exit or error (seen only when the event loop runs) disables the worker for later tasks
  w.on("error", () => { h.broken = true; });
  w.on("exit", () => { h.broken = true; });
  handle = h;
  return h;
}

/** Whether a worker thread exists now (started and not shut down). */
export function workerRunning(): boolean {
  return handle !== null && !handle.broken;
}

/** Terminate the worker (if any); a later task starts a new one. */
export function shutdownWorker(): void {
  if (!handle) return;
  handle.terminate();
  handle = null;
}

/** Whether the worker has started its loop (a task handed to it now runs at once). Until then the
 *  kernels do all their work on the calling thread (the worker boots meanwhile, ~30 ms) — except
 *  with setThreads(2, { always: true }), for tests and timings, where this waits for it. */
export function ready(h: WorkerHandle): boolean {
  if (Atomics.load(h.ctl, READY) === 1) return true;
  if (!splitAlways) return false;
  const t0 = performance.now();
  while (Atomics.load(h.ctl, READY) !== 1 && performance.now() - t0 < WAIT_MS) Atomics.wait(h.ctl, READY, 0, 100);
  return Atomics.load(h.ctl, READY) === 1;
}

/** Tasks handed to the worker so far, and the milliseconds the calling thread spent waiting for
 *  them (zeros when no worker is running). */
export function workerStats(): { tasks: number; waitMs: number } {
  return handle ? { ...handle.stats } : { tasks: 0, waitMs: 0 };
}

/** Post a context message (kind, id) unless the worker already holds it. */
export function ensureContext(h: WorkerHandle, kind: string, id: number, msg: () => unknown): void {
  if (h.current.get(kind) === id) return;
  h.post({ kind, id, ...(msg() as object) });
  h.current.set(kind, id);
}

/** Hand the worker task `task` with integer parameters p0 … p6 (ctl[PARAM + i]); returns the
 *  request number. Positional, so a hand-off allocates nothing. */
export function startTask(h: WorkerHandle, task: number, p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0): number {
  const ctl = h.ctl;
  ctl[PARAM] = p0; ctl[PARAM + 1] = p1; ctl[PARAM + 2] = p2; ctl[PARAM + 3] = p3;
  ctl[PARAM + 4] = p4; ctl[PARAM + 5] = p5; ctl[PARAM + 6] = p6;
  Atomics.store(ctl, TASK, task);
  const req = Atomics.add(ctl, REQ, 1) + 1;
  Atomics.notify(ctl, REQ);
  h.stats.tasks++;
  return req;
}

/** Wait for request `req`; false (and the worker marked broken) if it failed or timed out. */
export function finishTask(h: WorkerHandle, req: number): boolean {
  const ctl = h.ctl;
  const t0 = performance.now();
  let done = Atomics.load(ctl, DONE);
  for (let i = 0; done !== req && i < SPIN; i++) done = Atomics.load(ctl, DONE);
  while (done !== req && performance.now() - t0 < WAIT_MS) {
    Atomics.wait(ctl, DONE, done, 1000);
    done = Atomics.load(ctl, DONE);
  }
  h.stats.waitMs += performance.now() - t0;
  if (done !== req || Atomics.load(ctl, FAILED) !== 0) {
    h.broken = true;
    return false;
  }
  return true;
}

/** The worker's script: every function's own source, then the loop. */
function workerSource(s: WorkerScript): string {
  const declared = (f: (...args: never[]) => unknown): string => {
    const m = /^function\s*\*?\s*([\w$]+)/.exec(String(f));
    if (!m) throw new Error(`internal: worker kernel ${f.name} is not a function declaration`);
    return m[1];
  };
  const all = new Set([...s.functions, ...Object.values(s.kernels), s.main, workerLoop]);
  const kernels = Object.entries(s.kernels).map(([key, f]) => `${JSON.stringify(key)}: ${declared(f)}`).join(", ");
  return `"use strict";\nfunction __name(f) { return f; }\n${[...all].map(String).join("\n")}\n` +
    `${declared(workerLoop)}(require("node:worker_threads"), ${declared(s.main)}, { ${kernels} });\n`;
}

/** Runs inside the worker: wait for a request, drain the context messages, run the task. */
function workerLoop(
  wt: { workerData: { ctl: Int32Array; port: unknown }; receiveMessageOnPort(p: unknown): { message: { kind: string } } | undefined },
  run: (contexts: Map<string, unknown>, task: number, ctl: Int32Array, k: unknown) => void,
  k: unknown,
): void {
  const { ctl, port } = wt.workerData;
  const contexts = new Map<string, unknown>();
  let seen = 0;
  Atomics.store(ctl, 4, 1);
  Atomics.notify(ctl, 4);
  for (;;) {
    // spin at most ~30 µs (the next panel's hand-off usually comes sooner), then block: a longer
    // spin steals the calling thread's core when the machine is busy (measured: 200,000 loads
    // doubled InstEval's evaluation at load 4)
    let req = Atomics.load(ctl, 0);
    const t0 = performance.now();
    while (req === seen && performance.now() - t0 < 0.03) for (let i = 0; req === seen && i < 64; i++) req = Atomics.load(ctl, 0);
    while (req === seen) {
      Atomics.wait(ctl, 0, seen);
      req = Atomics.load(ctl, 0);
    }
    seen = req;
    try {
      for (let msg = wt.receiveMessageOnPort(port); msg !== undefined; msg = wt.receiveMessageOnPort(port)) {
        contexts.set(msg.message.kind, msg.message);
      }
      run(contexts, Atomics.load(ctl, 2), ctl, k);
      Atomics.store(ctl, 3, 0);
    } catch {
      Atomics.store(ctl, 3, 1);
    }
    Atomics.store(ctl, 1, req);
    Atomics.notify(ctl, 1);
  }
}

/** A SharedArrayBuffer-backed copy of `a` (or a zeroed one of length n). */
export function shared<T extends Float64Array | Int32Array>(a: T): T {
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(Math.max(a.length, 1) * Ctor.BYTES_PER_ELEMENT));
  out.set(a as never);
  return a.length === 0 ? (out.subarray(0, 0) as T) : out;
}

export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(n, 1) * 8)).subarray(0, n);
}
