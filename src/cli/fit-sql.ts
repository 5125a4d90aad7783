/**
 * `mixed-models fit` when the data are not read by the TypeScript CSV reader: a Parquet file, a
 * gzipped CSV, a glob, a CSV too large for memory, `--sql "SELECT …"` (run by the embedded DuckDB,
 * which also reads files named in the query), or `--engine postgres://…` with `--sql` (a query
 * on that server). `--engine memory` reads the file with DuckDB into memory and fits there.
 * The same summary and --json keys as the in-memory fit, plus `engine`, `engine_seconds` and
 * `queries` in --json.
 */
import { basename } from "node:path";
import type { FamilyName } from "../fit/fitted.js";
import type { MixedModel } from "../result/model.js";
import { progressReporter } from "../result/progress.js";
import type { SqlEngine } from "../sql/engine.js";
import type { SqlSource } from "../sql/frame.js";
import { extractEngineArgs, type EngineChoice } from "./engine-args.js";
import { describeError, fitFromArgs, parseFitArgs, type FitArgs } from "./fit.js";

/** The engine and the source the arguments name; `data` is null for --sql. */
export async function openSource(
  choice: EngineChoice, data: string | null, sql: string | null,
): Promise<{ engine: SqlEngine; source: SqlSource; dataFile: string | null }> {
  const { fileSource, querySource } = await import("../sql/source.js");
  if (choice.kind === "postgres") {
    if (sql === null) throw new Error("--engine postgres://… needs --sql \"SELECT … FROM your_table\": the data are on that server");
    const { PostgresEngine } = await import("../sql/postgres.js");
    return { engine: await PostgresEngine.open(choice.url), source: querySource(sql), dataFile: null };
  }
  const { DuckDbEngine } = await import("../sql/duckdb.js");
  const engine = await DuckDbEngine.open();
  if (sql !== null) return { engine, source: querySource(sql), dataFile: null };
  return { engine, source: await fileSource(engine, data!), dataFile: basename(data!) };
}

/** The engine the arguments ask for, or the default for the data (see engine-args.ts). */
export function engineFor(choice: EngineChoice | null): EngineChoice {
  return choice ?? { kind: "duckdb" };
}

export async function fitWithEngine(a: FitArgs, choice: EngineChoice, sql: string | null, onProgress?: (e: number, o: number) => void): Promise<MixedModel> {
  if (choice.kind === "memory") {
    if (sql !== null) throw new Error("--engine memory reads a data file; --sql needs an engine (duckdb or postgres://…)");
    const { readData } = await import("../sql/read.js");
    return fitFromArgs(a, await readData(a.data), onProgress);
  }
  // the Krylov path needs the rows in memory (src/fit/krylov/crossed-operator.ts reads them)
  if (a.solver === "krylov") throw new Error("--solver krylov needs the rows in memory: add --engine memory (an engine's GROUP BY blocks feed the exact path only)");
  const { engine, source, dataFile } = await openSource(choice, sql === null ? a.data : null, sql);
  try {
    const linear = a.family === "gaussian" && (a.link === null || a.link === "identity");
    const dataName = dataFile ? dataFile.replace(/\.[^.]*$/, "").replace(/\.csv$/, "") : "query";
    const common = {
      dataName,
      ...(dataFile ? { dataFile } : {}),
      ...(a.weights !== null ? { weights: a.weights } : {}),
      ...(onProgress ? { onProgress } : {}),
      // a CSV is parsed once into DuckDB rather than once per pass
      materialize: dataFile !== null && /\.(csv|tsv|txt)(\.gz)?$/i.test(dataFile),
    };
    if (linear) {
      const { lmerSql } = await import("../sql/fit.js");
      return await lmerSql(engine, a.formula, source, { REML: a.REML ?? true, ...common });
    }
    const { glmerSql } = await import("../sql/compress.js");
    return await glmerSql(engine, a.formula, source, {
      family: a.family as FamilyName,
      nAGQ: a.nAGQ,
      ...(a.laplace !== null ? { laplace: a.laplace } : {}),
      ...(a.link !== null ? { link: a.link } : {}),
      ...common,
    });
  } finally {
    await engine.close?.();
  }
}

export async function run(args: string[]): Promise<number> {
  const e = extractEngineArgs(args);
  if (typeof e === "string") {
    process.stderr.write(`mixed-models fit: ${e}\n`);
    return 2;
  }
  // with --sql the query stands where the data file would
  const parsed = parseFitArgs(e.sql !== null ? ["(query)", ...e.rest] : e.rest);
  if (typeof parsed === "string") {
    process.stderr.write(`mixed-models fit: ${parsed}\n(see mixed-models fit --help)\n`);
    return 2;
  }
  const choice = engineFor(e.engine);
  const progress = progressReporter({ json: parsed.json, label: "fitting" });
  const t0 = performance.now();
  let model: MixedModel;
  try {
    model = await fitWithEngine(parsed, choice, e.sql, (evaluations, objective) => progress.onProgress({ kind: "fit", evaluations, objective }));
  } catch (err) {
    progress.done();
    process.stderr.write(`${describeError(err)}\n`);
    return 1;
  }
  progress.done();
  if (parsed.json) {
    const rows = model.fit.engineRows;
    const out = {
      ...model.toJSON(),
      engine: rows ? rows.engine : "memory",
      ...(rows ? { engine_seconds: rows.engineSeconds, queries: rows.queries, ...(rows.route ? { route: rows.route } : {}) } : {}),
      wall_seconds: (performance.now() - t0) / 1000,
    };
    await writeOut(JSON.stringify(out, null, 2) + "\n");
  } else await writeOut(model.summary());
  return 0;
}

function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}
