/**
 * Where two threads start to pay (issue 16 item 3), measured: `node dist/bench/thread-thresholds.js`.
 *  1. The trailing block's order: crossed scalar factors with m ≈ 128 … 1,024 levels in the second
 *     (≈ 3m in the first, 20 rows a level), one factorisation timed on one and on two threads with
 *     every phase split (thresholds 0): the smallest m where two threads win is MIN_ORDER's basis.
 *  2. The per-panel threshold: InstEval's evaluation with MIN_PANEL_WORK (and MIN_COLUMN_WORK) from
 *     10⁴ to 10⁶ multiply-adds.
 * Medians of `--evals` (default 30) factorisations after 3 warm-ups; the back-off is off, so the
 * numbers mean something only on an otherwise idle machine (the load average is printed).
 */
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { compileModel, readCsv } from "../src/model/index.js";
import { PlsSystem } from "../src/fit/pls/pls-system.js";
import { setThreads, shutdownWorker } from "../src/fit/pls/worker.js";
import { setBackoff, setSplitThresholds } from "../src/fit/pls/update-l-threads.js";
import { taskWorker } from "../src/fit/pls/worker-tasks.js";
import type { ModelMatrices } from "../src/model/matrices.js";

const args = process.argv.slice(2);
const evalsArg = args.indexOf("--evals");
const EVALS = evalsArg >= 0 ? Number(args[evalsArg + 1]) : 30;

function timeEvals(sys: PlsSystem, theta: number[]): number {
  for (let e = 0; e < 3; e++) sys.setTheta(theta).updateL();
  const t: number[] = [];
  for (let e = 0; e < EVALS; e++) {
    const t0 = performance.now();
    sys.setTheta(theta).updateL();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

function crossed(levels2: number): ModelMatrices {
  const l1 = 3 * levels2, n = 20 * l1;
  let seed = 12345;
  const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rows = Array.from({ length: n }, (_, i) => ({ y: rnd() * 3 + (i % 7), g1: `a${i % l1}`, g2: `b${Math.floor(rnd() * levels2)}` }));
  return compileModel("y ~ 1 + (1 | g1) + (1 | g2)", rows);
}

function startWorker(): void {
  setThreads(2, { always: true });
  taskWorker();
  setThreads(2);
}

setBackoff(false);
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
console.log("1. order of the trailing block: ms per factorisation, every phase split");
for (const l2 of [64, 128, 192, 256, 384, 512, 768, 1024]) {
  const m = crossed(l2);
  setThreads(1);
  const one = timeEvals(new PlsSystem(m), [0.7, 0.9]);
  startWorker();
  setSplitThresholds({ order: 0, column: 0, panel: 0 });
  const two = timeEvals(new PlsSystem(m), [0.7, 0.9]);
  setSplitThresholds();
  shutdownWorker();
  console.log(`  m = ${String(l2 + 2).padStart(5)}  1 thread ${one.toFixed(3)}  2 threads ${two.toFixed(3)}  ratio ${(one / two).toFixed(2)}`);
}
console.log("2. InstEval: ms per factorisation by the panel and column thresholds");
const ie = compileModel("y ~ 1 + factor(service) + (1 | s) + (1 | d) + (1 | dept:service)",
  readCsv(fileURLToPath(new URL("../../test/fixtures/data/InstEval.csv", import.meta.url))));
setThreads(1);
console.log(`  1 thread ${timeEvals(new PlsSystem(ie), [0.3242, 0.516, 0.2245]).toFixed(2)}`);
startWorker();
for (const w of [1e4, 3e4, 1e5, 3e5, 1e6]) {
  setSplitThresholds({ column: w, panel: w });
  console.log(`  threshold ${w.toExponential(0)}  2 threads ${timeEvals(new PlsSystem(ie), [0.3242, 0.516, 0.2245]).toFixed(2)}`);
}
setSplitThresholds();
shutdownWorker();
setThreads(null);
