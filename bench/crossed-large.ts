/**
 * The huge crossed factors of issue 16: `y ~ x + (1 | g1) + (1 | g2)` by ML on data generated in
 * the process (bench/crossed-data.ts: seeded, deterministic; nothing is read or written), timed
 * as the whole fit after the data are in memory: compileModel + fitLmm (CPU seconds of this
 * process, user + system, beside wall seconds; the load average is printed with them).
 *
 *   node dist/bench/crossed-large.js                 both cases, merged into bench/results.json
 *   node dist/bench/crossed-large.js --only 20k      one of them (id substring)
 *   node dist/bench/crossed-large.js --crossover     seconds per evaluation, exact vs Krylov, by ℓ₂
 *
 * lme4's times come from bench/crossed-lme4.R on the same rows (`node dist/bench/crossed-data.js
 * L1 L2 N f.csv` writes them), run once with a 30-minute cap; they are kept in
 * bench/results.json with the date they were measured (`lme4_measured`), and a run the cap
 * stopped is recorded as `lme4_seconds: null` ("not finished in 30 min" in the README).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { compileModel } from "../src/model/index.js";
import { fitLmm } from "../src/fit/lmm/fit-lmm.js";
import { makeDevfun } from "../src/fit/lmm/profiled-deviance.js";
import { CrossedKrylovSystem } from "../src/fit/krylov/crossed-system.js";
import { crossedData } from "./crossed-data.js";
import { updateReadme, type BenchResult, type BenchResults } from "./readme-table.js";

const FORMULA = "y ~ x + (1 | g1) + (1 | g2)";

export const CROSSED_CASES = [
  { id: "crossed_20k_9k_ml", l1: 20_000, l2: 9_000, n: 1_000_000 },
  { id: "crossed_100k_10k_ml", l1: 100_000, l2: 10_000, n: 10_000_000 },
];

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function runCase(c: (typeof CROSSED_CASES)[number]): BenchResult {
  const data = crossedData(c);
  const load = loadavg()[0];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const m = compileModel(FORMULA, data);
  const fit = fitLmm(m, { REML: false });
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(cpu0);
  const loadEnd = loadavg()[0];
  console.log(
    `${c.id}: ${c.l1} × ${c.l2} levels, ${c.n} rows: wall ${wall.toFixed(1)} s, CPU ${cpu.toFixed(1)} s (fit alone ${fit.fitSeconds.toFixed(1)} s), ` +
      `solver ${fit.solver?.path}, ${fit.evaluations} evaluations, −2 log L ${fit.objective.toFixed(4)}, θ ${Array.from(fit.theta, (t) => t.toFixed(5)).join(" ")}, ` +
      `β ${Array.from(fit.beta, (b) => b.toFixed(5)).join(" ")}, σ ${fit.sigma.toFixed(5)}; load ${load.toFixed(1)} → ${loadEnd.toFixed(1)}`,
  );
  return { id: c.id, nobs: c.n, call_seconds: wall, lme4_seconds: NaN, evaluations: fit.evaluations, cpu_seconds: cpu, solver: fit.solver?.path ?? "cholesky" };
}

/** CPU seconds per criterion evaluation on each path, ℓ₁ = 10ℓ₂ levels and 100 rows per g2 level. */
function crossover(): void {
  console.log("l2      rows   exact s/eval   krylov s/eval");
  for (const l2 of [1000, 2000, 3000, 4000, 6000]) {
    const m = compileModel(FORMULA, crossedData({ l1: 10 * l2, l2, n: 100 * l2 }));
    const theta = [0.6, 0.4];
    const exact = makeDevfun(m, { REML: false });
    const kry = new CrossedKrylovSystem(m);
    exact(theta);
    kry.evaluate(theta, false);
    const time = (f: () => void, reps: number) => {
      const c0 = process.cpuUsage();
      for (let r = 0; r < reps; r++) f();
      return cpuSeconds(c0) / reps;
    };
    const te = time(() => exact(theta), l2 > 3000 ? 1 : 3);
    const tk = time(() => kry.evaluate(theta, false), 3);
    console.log(`${String(l2).padEnd(7)} ${String(100 * l2).padStart(7)} ${te.toFixed(3).padStart(12)} ${tk.toFixed(3).padStart(15)}`);
  }
}

function save(measured: BenchResult[]): void {
  const path = fileURLToPath(new URL("../../bench/results.json", import.meta.url));
  const old: BenchResults = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : { machine: "", results: [] };
  const byId = new Map(old.results.map((r) => [r.id, r]));
  for (const r of measured) {
    const before = byId.get(r.id);
    // lme4's side is measured separately (bench/crossed-lme4.R) and kept
    byId.set(r.id, { ...r, lme4_seconds: before?.lme4_seconds ?? null, ...(before?.lme4_measured ? { lme4_measured: before.lme4_measured } : {}) });
  }
  writeFileSync(path, JSON.stringify({ ...old, results: [...byId.values()] }, null, 2) + "\n");
  console.log(`bench/results.json: ${measured.length} crossed case(s) updated`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.includes("--crossover")) crossover();
  else {
    const i = args.indexOf("--only");
    const only = i >= 0 ? args[i + 1] ?? "" : "";
    const measured = CROSSED_CASES.filter((c) => c.id.includes(only)).map(runCase);
    save(measured);
    updateReadme();
  }
}
