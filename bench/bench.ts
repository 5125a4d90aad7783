/**
 * `npm run bench` (node dist/bench/bench.js): fits every reference case in-process and compares
 * our time with lme4's (`lme4_fit_seconds_median` in test/fixtures/reference/*.json, the median of
 * several lmer()/glmer() calls, formula processing included).
 *
 *   node dist/bench/bench.js [--only REGEX] [--runs N] [--skip REGEX]
 *
 * Each case: one warm-up fit, then N runs (default 5; VerbAgg 2 runs; InstEval no warm-up, 1 run).
 * "call" times the whole lmer()/glmer() call from the data already in memory (as lme4's median
 * does); "fit" is the fit alone (the fit object's fitSeconds). Reading the CSV is never timed.
 * The measured cases are merged into bench/results.json, from which bench/readme-table.ts makes
 * the README's table (`npm run bench` runs both).
 * The InstEval cases run twice, as "… 1 thread" (setThreads(1)) and "… 2 threads" (setThreads(2):
 * the kernels split over the worker where their measured thresholds say it pays; see also
 * bench/insteval-eval.ts for one evaluation). `npm run bench:threads` runs both.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { glmer, lmer, readCsv } from "../src/index.js";
import { setThreads } from "../src/fit/pls/cross-products-threads.js";
import type { DataTable, FamilyName, MixedModel } from "../src/index.js";
import { benchAr1 } from "./ar1.js";
import { updateReadme, type BenchResult, type BenchResults } from "./readme-table.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));

interface Reference {
  id: string;
  data: string;
  formula: string;
  family: FamilyName;
  link: string;
  REML: boolean;
  nAGQ: number;
  nobs: number;
  lme4_fit_seconds_median: number;
}

interface BenchOptions {
  only: RegExp | null;
  skip: RegExp | null;
  runs: number | null;
}

function parseArgs(args: string[]): BenchOptions {
  const opts: BenchOptions = { only: null, skip: null, runs: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--only") opts.only = new RegExp(args[++i] ?? "");
    else if (a === "--skip") opts.skip = new RegExp(args[++i] ?? "");
    else if (a === "--runs") opts.runs = Math.max(1, Number(args[++i]));
    else {
      process.stderr.write("usage: node dist/bench/bench.js [--only REGEX] [--skip REGEX] [--runs N]\n");
      process.exit(2);
    }
  }
  return opts;
}

function fitCase(ref: Reference, data: DataTable): MixedModel {
  if (ref.family === "gaussian" && ref.link === "identity") return lmer(ref.formula, data, { REML: ref.REML });
  return glmer(ref.formula, data, { family: ref.family, link: ref.link, nAGQ: ref.nAGQ });
}

/** Cases timed on one and on two threads (issue 16 item 3). */
const THREAD_CASES = /^insteval/;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Warm-up fits and timed runs for a case of this size. */
function plan(ref: Reference, runs: number | null): { warmup: number; runs: number } {
  if (ref.nobs > 50_000) return { warmup: 0, runs: runs ?? 1 };
  if (ref.nobs > 5_000) return { warmup: 1, runs: Math.min(runs ?? 2, 2) };
  return { warmup: 1, runs: runs ?? 5 };
}

/** Times one case and prints its row; its ratio to lme4, or null on error. */
function benchCase(
  ref: Reference, data: DataTable, label: string, opts: BenchOptions, row: (cells: string[]) => string,
): { ratio: number; measured: BenchResult } | null {
  const p = plan(ref, opts.runs);
  try {
    for (let i = 0; i < p.warmup; i++) fitCase(ref, data);
    const call: number[] = [];
    const fit: number[] = [];
    let evaluations = 0;
    for (let i = 0; i < p.runs; i++) {
      const t0 = performance.now();
      const m = fitCase(ref, data);
      call.push((performance.now() - t0) / 1000);
      fit.push(m.fitSeconds);
      evaluations = m.evaluations;
    }
    const ratio = median(call) / ref.lme4_fit_seconds_median;
    console.log(row([label, String(ref.nobs), String(p.runs), median(call).toFixed(4), median(fit).toFixed(4),
      ref.lme4_fit_seconds_median.toFixed(4), ratio.toFixed(2), String(evaluations)]));
    return { ratio, measured: { id: ref.id, nobs: ref.nobs, call_seconds: median(call), lme4_seconds: ref.lme4_fit_seconds_median, evaluations } };
  } catch (e) {
    console.log(row([label, String(ref.nobs), "-", "error", "", ref.lme4_fit_seconds_median.toFixed(4), "", ""]) +
      `  ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const refs: Reference[] = readdirSync(join(FIXTURES, "reference"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(FIXTURES, "reference", f), "utf8")))
    .filter((r: Reference) => (!opts.only || opts.only.test(r.id)) && !(opts.skip && opts.skip.test(r.id)));
  const header = ["case", "n", "runs", "call s", "fit s", "lme4 s", "ratio", "evals"];
  const widths = [36, 7, 5, 9, 9, 9, 7, 6];
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" ");
  console.log(row(header));
  const ratios: number[] = [];
  const measured: BenchResult[] = [];
  for (const ref of refs) {
    const data = readCsv(join(FIXTURES, "data", ref.data));
    const variants: (1 | 2 | null)[] = THREAD_CASES.test(ref.id) ? [1, 2] : [null];
    for (const threads of variants) {
      const label = threads === null ? ref.id : `${ref.id} ${threads} thread${threads === 1 ? "" : "s"}`;
      setThreads(threads);
      const result = benchCase(ref, data, label, opts, row);
      if (result === null) continue;
      ratios.push(result.ratio);
      // the README's table keeps the default configuration's row (one thread unless asked)
      if (threads !== 2) measured.push(result.measured);
    }
  }
  setThreads(null);
  if (ratios.length) {
    const g = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
    console.log(`\nratio = our median call time / lme4's median; geometric mean ${g.toFixed(2)}, worst ${Math.max(...ratios).toFixed(2)}`);
  }
  if ((!opts.only || opts.only.test("ar1_visits_ml")) && !(opts.skip && opts.skip.test("ar1_visits_ml"))) benchAr1(opts.runs);
  if (measured.length) {
    saveResults(measured);
    updateReadme();
  }
}

/** Merge this run's cases into bench/results.json (cases not run keep their earlier numbers;
 *  lme4's evaluation counts, recorded once by hand from lme4's optinfo, are carried over). */
function saveResults(measured: BenchResult[]): void {
  const path = fileURLToPath(new URL("../../bench/results.json", import.meta.url));
  const old: BenchResults = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : { machine: "", results: [] };
  const byId = new Map(old.results.map((r) => [r.id, r]));
  for (const r of measured) {
    const before = byId.get(r.id);
    byId.set(r.id, { ...r, ...(before?.lme4_evaluations !== undefined ? { lme4_evaluations: before.lme4_evaluations } : {}) });
  }
  const machine = `Measured by npm run bench on ${cpus().length} cores (Node ${process.versions.node.split(".")[0]})`;
  writeFileSync(path, JSON.stringify({ machine, results: [...byId.values()] }, null, 2) + "\n");
  console.log(`bench/results.json: ${measured.length} case(s) updated`);
}

// --scale: data generated inside DuckDB, fitted where they are (bench/scale.ts)
if (process.argv.includes("--scale")) void import("./scale.js").then((m) => m.runScale(process.argv.slice(2)));
// --parquet-lme4: the 10M-row Parquet file beside lme4 on the same data's CSV (bench/parquet-lme4.ts)
else if (process.argv.includes("--parquet-lme4")) void import("./parquet-lme4.js").then((m) => m.runParquetLme4(process.argv.slice(2)));
else main();
