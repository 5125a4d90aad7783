/**
 * One InstEval evaluation (issue 16 item 3), on one or two threads: the reference case's model and a
 * PLS system built once, then `--evals N` (default 40) factorisations at θ near lme4's θ̂, timed.
 * Prints the median and minimum wall milliseconds per evaluation, the process CPU milliseconds per
 * evaluation (both threads; the worker's spin-waits included), the worker's hand-offs per evaluation
 * and the calling thread's waiting time, the round trip of an empty hand-off, and the factor's
 * log-determinant and r² (the same bits on one and two threads).
 *
 *   node dist/bench/insteval-eval.js [--threads 1|2] [--evals N] [--no-backoff]
 * (--no-backoff: keep splitting even when the worker cannot keep up, update-l-threads.ts)
 *   npm run bench:threads            (both thread counts, one after the other)
 */
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { compileModel, readCsv } from "../src/model/index.js";
import { PlsSystem } from "../src/fit/pls/pls-system.js";
import { finishTask, setThreads, shutdownWorker, startTask, workerStats } from "../src/fit/pls/worker.js";
import { TASK_PING, taskWorker } from "../src/fit/pls/worker-tasks.js";
import { setBackoff } from "../src/fit/pls/update-l-threads.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

function run(threads: 1 | 2, evals: number): void {
  setThreads(threads);
  const data = readCsv(fileURLToPath(new URL("../../test/fixtures/data/InstEval.csv", import.meta.url)));
  const m = compileModel("y ~ 1 + factor(service) + (1 | s) + (1 | d) + (1 | dept:service)", data);
  const sys = new PlsSystem(m);
  const theta = [0.3242, 0.516, 0.2245];
  let pingUs = NaN;
  if (threads === 2) {
    // wait for the worker to come up (a fit's first evaluations would run on one thread meanwhile)
    setThreads(2, { always: true });
    const h = taskWorker();
    setThreads(2);
    if (!h) throw new Error("no worker thread available here");
    const pings: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      finishTask(h, startTask(h, TASK_PING));
      pings.push((performance.now() - t0) * 1000);
    }
    pings.sort((a, b) => a - b);
    pingUs = pings[100];
  }
  for (let e = 0; e < 3; e++) sys.setTheta(theta).updateL();
  const times: number[] = [];
  const s0 = workerStats();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let e = 0; e < evals; e++) {
    const t0 = performance.now();
    sys.setTheta(theta).updateL();
    times.push(performance.now() - t0);
  }
  const wall = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  const s1 = workerStats();
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    threads, evals, load1: +loadavg()[0].toFixed(2), m: sys.structure.m,
    median_ms: +times[evals >> 1].toFixed(2), min_ms: +times[0].toFixed(2), mean_ms: +(wall / evals).toFixed(2),
    cpu_ms_per_eval: +((cpu.user + cpu.system) / 1000 / evals).toFixed(2),
    handoffs_per_eval: +((s1.tasks - s0.tasks) / evals).toFixed(1), wait_ms_per_eval: +((s1.waitMs - s0.waitMs) / evals).toFixed(2),
    empty_handoff_us: +pingUs.toFixed(1), logDetL2: sys.logDetL2(), pwrss: sys.pwrss(),
  }));
  shutdownWorker();
  setThreads(null);
}

const evals = Number(arg("--evals", "40"));
if (args.includes("--no-backoff")) setBackoff(false);
const which = arg("--threads", "both");
for (const t of which === "both" ? [1, 2] as const : [Number(which) as 1 | 2]) run(t, evals);
