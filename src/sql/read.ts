/**
 * readData: a data file read into memory by DuckDB (CSV, gzipped CSV, Parquet, globs), typed as
 * R's read.csv types it (see source.ts) — the fast reader for large files; the pure-TypeScript
 * readCsv stays for the browser and small files. DuckDB parses in parallel and hands over each
 * column once: numbers as doubles, a text column as level codes (DuckDB's enum_code over an ENUM
 * of its distinct values in code-point order), so a factor costs 4 bytes a row here.
 */
import type { Column, DataTable } from "../model/data.js";
import { compareCodePoints } from "../model/data.js";
import { quoteIdent, quoteString } from "./engine.js";
import { DuckDbEngine } from "./duckdb.js";
import { fileSource } from "./source.js";

let enumCounter = 0;

export async function readData(path: string, engine?: DuckDbEngine): Promise<DataTable> {
  const own = !engine;
  const duck = engine ?? (await DuckDbEngine.open());
  try {
    // the file parsed once into a temporary table with the sampled types; a conversion error means
    // a column sampled as numeric holds text somewhere: parse again typed on every row
    const table = `mixed_models_read_${process.pid}_${++enumCounter}`;
    let src = await fileSource(duck, path, true);
    try {
      await duck.run(`CREATE TEMPORARY TABLE ${table} AS SELECT * FROM ${src.relation}`);
    } catch (e) {
      if (!/conver|cast/i.test(String((e as Error).message))) throw e;
      src = await fileSource(duck, path);
      await duck.run(`DROP TABLE IF EXISTS ${table}`);
      await duck.run(`CREATE TEMPORARY TABLE ${table} AS SELECT * FROM ${src.relation}`);
    }
    try {
      return await columnsOf(duck, table, src.rename);
    } finally {
      await duck.run(`DROP TABLE IF EXISTS ${table}`);
    }
  } finally {
    if (own) await duck.close();
  }
}

/** The table's columns, copied out column by column into arrays of the right length (the file is
 *  never held twice in this process): numbers as doubles, a text column as level codes computed
 *  in the engine (enum_code over an ENUM of its distinct values in code-point order). */
async function columnsOf(duck: DuckDbEngine, table: string, rename: Map<string, string> | undefined): Promise<DataTable> {
  const head = await duck.query(`SELECT * FROM ${table} LIMIT 0`);
  const rNames = new Map<string, string>();
  for (const [rName, sqlName] of rename ?? []) rNames.set(sqlName, rName);
  const numeric = head.columns.map((c) => c instanceof Float64Array);
  const n = (await duck.query(`SELECT CAST(COUNT(*) AS DOUBLE) AS n FROM ${table}`)).columns[0][0] as number;
  const names = head.names.map((nm) => rNames.get(nm) ?? nm);
  const columns = new Map<string, Column>();
  for (let j = 0; j < names.length; j++) {
    const col = quoteIdent(head.names[j]);
    if (numeric[j]) {
      const [v] = await duck.doubleColumns(`SELECT COALESCE(CAST(${col} AS DOUBLE), CAST('NaN' AS DOUBLE)) FROM ${table}`, n);
      columns.set(names[j], { kind: "numeric", values: v });
      continue;
    }
    const d = await duck.query(`SELECT DISTINCT CAST(${col} AS VARCHAR) AS v FROM ${table} WHERE ${col} IS NOT NULL`);
    const levels = (d.columns[0] as string[]).slice().sort(compareCodePoints);
    const type = `mixed_models_levels_${process.pid}_${++enumCounter}`;
    await duck.run(`CREATE TYPE ${type} AS ENUM (${levels.map(quoteString).join(", ")})`);
    try {
      const [v] = await duck.doubleColumns(
        `SELECT COALESCE(CAST(enum_code(CAST(CAST(${col} AS VARCHAR) AS ${type})) AS DOUBLE), CAST(-1 AS DOUBLE)) FROM ${table}`, n,
      );
      columns.set(names[j], { kind: "factor", levels, codes: Int32Array.from(v) });
    } finally {
      await duck.run(`DROP TYPE IF EXISTS ${type}`);
    }
  }
  return { n, names, columns };
}
