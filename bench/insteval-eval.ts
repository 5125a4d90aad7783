/**
 * One InstEval evaluation (issue 16 item 3): the reference case's model, a PLS system built once,
 * then `--evals N` (default 30) updateL() calls at lme4's θ̂, timed; prints the median milliseconds
 * per evaluation and the process CPU time. `node dist/bench/insteval-eval.js [--threads 1|2] [--evals N]`.
 */
import { fileURLToPath } from "node:url";
import { compileModel, readCsv } from "../src/model/index.js";
import { PlsSystem } from "../src/fit/pls/pls-system.js";
import { setThreads } from "../src/fit/pls/cross-products-threads.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const threads = Number(arg("--threads", "1")) as 1 | 2;
const evals = Number(arg("--evals", "30"));
setThreads(threads, { always: threads === 2 });
const m = compileModel("y ~ 1 + factor(service) + (1 | s) + (1 | d) + (1 | dept:service)", readCsv(fileURLToPath(new URL("../../test/fixtures/data/InstEval.csv", import.meta.url))));
const sys = new PlsSystem(m);
const theta = m.theta0.map((_, i) => [0.3242, 0.5160, 0.2245][i] ?? 0.5);
sys.setTheta(theta).updateL();
const times: number[] = [];
const cpu0 = process.cpuUsage();
const w0 = performance.now();
for (let e = 0; e < evals; e++) {
  const t0 = performance.now();
  sys.setTheta(theta).updateL();
  sys.logDetL2();
  times.push(performance.now() - t0);
}
const wall = performance.now() - w0;
const cpu = process.cpuUsage(cpu0);
times.sort((a, b) => a - b);
console.log(JSON.stringify({
  threads, evals, m: sys.structure.m, l1: sys.structure.l1, median_ms: +times[evals >> 1].toFixed(2), min_ms: +times[0].toFixed(2),
  wall_ms_per_eval: +(wall / evals).toFixed(2), cpu_ms_per_eval: +((cpu.user + cpu.system) / 1000 / evals).toFixed(2),
  pwrss: sys.pwrss(), logDetL2: sys.logDetL2(),
}));
setThreads(null);
