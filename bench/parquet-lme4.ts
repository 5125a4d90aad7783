/**
 * `npm run bench -- --parquet-lme4 [--n 10000000]`: the scale benchmark's `y ~ x + (x | g)` data
 * (bench/scale.ts's generator) written once by DuckDB to a Parquet file and a CSV in the system's
 * temporary directory (not kept in the repository), then fitted by us from the Parquet file
 * (`mixed-models fit data.parquet … --ml --json`, a fresh process) and by lme4 from the CSV
 * (bench/lme4-scale.R: read.csv, then lmer; capped at 30 minutes). Prints one JSON line with both
 * times and their ratio, and the two fits' objectives.
 */
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDbEngine } from "../src/sql/duckdb.js";
import { scaleQuery } from "./scale.js";

const LME4_CAP_SECONDS = 1800;

export async function runParquetLme4(args: string[]): Promise<void> {
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
  console.log(JSON.stringify({
    n, formula, ours_seconds: oursSeconds, ours_objective: o.objective ?? o.deviance, lme4_seconds: lme4 ? lme4Seconds : null,
    lme4_read_seconds: lme4?.read_seconds ?? null, lme4_fit_seconds: lme4?.fit_seconds ?? null, lme4_objective: lme4?.objective ?? null,
    ratio: lme4 ? oursSeconds / lme4Seconds : null, lme4_note: lme4 ? undefined : `lme4 did not finish within ${LME4_CAP_SECONDS} s (or failed: ${r.stderr?.slice(-200)})`,
  }));
}
