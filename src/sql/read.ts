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
    const src = await fileSource(duck, path);
    const head = await duck.query(`SELECT * FROM ${src.relation} AS src LIMIT 0`);
    const rNames = new Map<string, string>();
    for (const [rName, sqlName] of src.rename ?? []) rNames.set(sqlName, rName);
    const numeric = head.columns.map((c) => c instanceof Float64Array);
    // a text column's levels, then an ENUM in that order: the scan returns codes
    const levels: (string[] | null)[] = [];
    const selects: string[] = [];
    for (let j = 0; j < head.names.length; j++) {
      const col = quoteIdent(head.names[j]);
      if (numeric[j]) {
        levels.push(null);
        selects.push(`CAST(${col} AS DOUBLE) AS c${j}`);
        continue;
      }
      const d = await duck.query(`SELECT DISTINCT CAST(${col} AS VARCHAR) AS v FROM ${src.relation} WHERE ${col} IS NOT NULL`);
      const ls = (d.columns[0] as string[]).slice().sort(compareCodePoints);
      levels.push(ls);
      const type = `mixed_models_levels_${process.pid}_${++enumCounter}`;
      await duck.run(`CREATE TYPE ${type} AS ENUM (${ls.map(quoteString).join(", ")})`);
      selects.push(`CAST(enum_code(CAST(CAST(${col} AS VARCHAR) AS ${type})) AS INTEGER) AS c${j}`);
    }
    // parsed once into a temporary table (in DuckDB's compact form), counted, then copied column by
    // column into arrays of the right length: the file is never held twice in this process
    const table = `mixed_models_read_${process.pid}_${++enumCounter}`;
    await duck.run(`CREATE TEMPORARY TABLE ${table} AS SELECT ${selects.join(", ")} FROM ${src.relation}`);
    try {
      const n = (await duck.query(`SELECT CAST(COUNT(*) AS DOUBLE) AS n FROM ${table}`)).columns[0][0] as number;
      const names = head.names.map((nm) => rNames.get(nm) ?? nm);
      const columns = new Map<string, Column>();
      for (let j = 0; j < names.length; j++) {
        const missing = numeric[j] ? "CAST('NaN' AS DOUBLE)" : "CAST(-1 AS DOUBLE)";
        const [v] = await duck.doubleColumns(`SELECT COALESCE(CAST(c${j} AS DOUBLE), ${missing}) FROM ${table}`, n);
        if (numeric[j]) columns.set(names[j], { kind: "numeric", values: v });
        else columns.set(names[j], { kind: "factor", levels: levels[j]!, codes: Int32Array.from(v) });
      }
      return { n, names, columns };
    } finally {
      await duck.run(`DROP TABLE IF EXISTS ${table}`);
    }
  } finally {
    if (own) await duck.close();
  }
}
