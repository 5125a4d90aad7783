/**
 * `npm run bench -- --parquet-lme4 [--n 10000000]`: the scale benchmark's `y ~ x + (x | g)` data
 * (bench/scale.ts's generator) written once by DuckDB to a Parquet file and a CSV in the system's
 * temporary directory (not kept in the repository), then fitted by us from the Parquet file
 * (`mixed-models fit data.parquet … --ml --json`, a fresh process) and by lme4 from the CSV
 * (bench/lme4-scale.R: read.csv, then lmer; capped at 30 minutes). Prints one JSON line with both
 * times and their ratio, and the two fits' objectives, writes it to bench/parquet-lme4.json and
 * splices the README's line between `<!-- parquet-lme4:start -->` and `<!-- parquet-lme4:end -->`
 * (`--splice` alone re-splices from the file).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDbEngine } from "../src/sql/duckdb.js";
import { scaleQuery } from "./scale.js";

const LME4_CAP_SECONDS = 1800;

const RESULT = fileURLToPath(new URL("../../bench/parquet-lme4.json", import.meta.url));
const README = fileURLToPath(new URL("../../README.md", import.meta.url));
const START = "<!-- parquet-lme4:start -->";
const END = "<!-- parquet-lme4:end -->";

/** The README's table of the comparison, from the bench's JSON line. */
export function spliceParquetLme4(): void {
  if (!existsSync(RESULT)) return;
  const r = JSON.parse(readFileSync(RESULT, "utf8"));
  const lme4 = r.lme4_seconds === null ? `did not finish in ${LME4_CAP_SECONDS} s` : `${r.lme4_seconds.toFixed(1)} (read.csv ${r.lme4_read_seconds.toFixed(1)}, lmer ${r.lme4_fit_seconds.toFixed(1)})`;
  const table = [
    "| data | rows | ours s (Parquet, whole CLI call) | lme4 s (CSV: R start, read.csv, lmer) | ratio | objective ours / lme4 |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    `| ${r.formula.replace(/\|/g, "\\|")} | ${r.n.toLocaleString("en")} | ${r.ours_seconds.toFixed(1)} | ${lme4} | ${r.ratio === null ? "–" : r.ratio.toFixed(3)} | ${r.ours_objective} / ${r.lme4_objective ?? "–"} |`,
  ].join("\n");
  const readme = readFileSync(README, "utf8");
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  writeFileSync(README, `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`);
}

export async function runParquetLme4(args: string[]): Promise<void> {
  if (args.includes("--splice")) return spliceParquetLme4();
  const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const n = Number(at("--n") ?? 10_000_000);
  const { sql, formula } = scaleQuery("slope", n);
  const parquet = join(tmpdir(), `mixed-models-scale-${n}.parquet`);
  const csv = join(tmpdir(), `mixed-models-scale-${n}.csv`);
  const duck = await DuckDbEngine.open();
  try {
    await duck.run(`COPY (${sql}) TO '${parquet}' (FORMAT PARQUET)`);
    await duck.run(`COPY (${sql}) TO '${csv}' (HEADER, DELIMITER ',')`);
  } finally {
    await duck.close();
  }
  const cli = fileURLToPath(new URL("../../bin/mixed-models.js", import.meta.url));
  const t0 = performance.now();
  const ours = spawnSync(process.execPath, [cli, "fit", parquet, formula, "--ml", "--json"], { encoding: "utf8", maxBuffer: 1 << 26 });
  const oursSeconds = (performance.now() - t0) / 1000;
  if (ours.status !== 0) throw new Error(`our fit failed: ${ours.stderr}`);
  const o = JSON.parse(ours.stdout);
  const script = fileURLToPath(new URL("../../bench/lme4-scale.R", import.meta.url));
  const t1 = performance.now();
  const r = spawnSync("Rscript", [script, csv, formula], { encoding: "utf8", timeout: LME4_CAP_SECONDS * 1000 });
  const lme4Seconds = (performance.now() - t1) / 1000;
  const lme4 = r.status === 0 ? JSON.parse(r.stdout.trim().split("\n").pop()!) : null;
  const line = JSON.stringify({
    n, formula, ours_seconds: oursSeconds, ours_objective: o.objective ?? o.deviance, lme4_seconds: lme4 ? lme4Seconds : null,
    lme4_read_seconds: lme4?.read_seconds ?? null, lme4_fit_seconds: lme4?.fit_seconds ?? null, lme4_objective: lme4?.objective ?? null,
    ratio: lme4 ? oursSeconds / lme4Seconds : null, lme4_note: lme4 ? undefined : `lme4 did not finish within ${LME4_CAP_SECONDS} s (or failed: ${r.stderr?.slice(-200)})`,
  });
  console.log(line);
  writeFileSync(RESULT, line + "\n");
  spliceParquetLme4();
}
