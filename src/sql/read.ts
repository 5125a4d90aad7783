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
import { DuckDbEngine, ShortResultError } from "./duckdb.js";
import { fileSource } from "./source.js";
import type { SqlSource } from "./frame.js";

let enumCounter = 0;

export async function readData(path: string, engine?: DuckDbEngine): Promise<DataTable> {
  const own = !engine;
  const duck = engine ?? (await DuckDbEngine.open());
  try {
    // DuckDB's sampled types first; a conversion error means a column sampled as numeric holds
    // text somewhere: read again typed on every row (source.ts fileRelation)
    try {
      return await readWith(duck, await fileSource(duck, path, true));
    } catch (e) {
      if (!(e instanceof ShortResultError) && !/conver|cast/i.test(String((e as Error).message))) throw e;
      return await readWith(duck, await fileSource(duck, path));
    }
  } finally {
    if (own) await duck.close();
  }
}

/**
 * Two parses of the file and nothing held twice: (1) per text column its distinct values and
 * their counts (so the levels, and n from the counts), (2) every column in one scan, numbers as
 * doubles and each text column as its level code computed in the engine (enum_code over an ENUM
 * of the levels in code-point order), streamed chunk by chunk into arrays of length n.
 */
async function readWith(duck: DuckDbEngine, src: SqlSource): Promise<DataTable> {
  const head = await duck.query(`SELECT * FROM ${src.relation} AS src LIMIT 0`);
  const rNames = new Map<string, string>();
  for (const [rName, sqlName] of src.rename ?? []) rNames.set(sqlName, rName);
  const numeric = head.columns.map((c) => c instanceof Float64Array);
  const names = head.names.map((nm) => rNames.get(nm) ?? nm);
  const levels: (string[] | null)[] = [];
  const types: string[] = [];
  let n = -1;
  try {
    const selects: string[] = [];
    for (let j = 0; j < names.length; j++) {
      const col = quoteIdent(head.names[j]);
      if (numeric[j]) {
        levels.push(null);
        selects.push(`COALESCE(CAST(${col} AS DOUBLE), CAST('NaN' AS DOUBLE))`);
        continue;
      }
      const d = await duck.query(`SELECT CAST(${col} AS VARCHAR) AS v, CAST(COUNT(*) AS DOUBLE) AS k FROM ${src.relation} AS src GROUP BY ${col}`);
      const vs = d.columns[0] as (string | null)[];
      const ks = d.columns[1] as Float64Array;
      n = ks.reduce((s, k) => s + k, 0);
      const ls = (vs.filter((v) => v !== null) as string[]).sort(compareCodePoints);
      levels.push(ls);
      const type = `mixed_models_levels_${process.pid}_${++enumCounter}`;
      await duck.run(`CREATE TYPE ${type} AS ENUM (${ls.map(quoteString).join(", ")})`);
      types.push(type);
      selects.push(`COALESCE(CAST(enum_code(CAST(CAST(${col} AS VARCHAR) AS ${type})) AS DOUBLE), CAST(-1 AS DOUBLE))`);
    }
    if (n < 0) n = (await duck.query(`SELECT CAST(COUNT(*) AS DOUBLE) AS n FROM ${src.relation} AS src`)).columns[0][0] as number;
    const values = await duck.doubleColumns(`SELECT ${selects.join(", ")} FROM ${src.relation} AS src`, n);
    const columns = new Map<string, Column>();
    names.forEach((name, j) => {
      columns.set(name, numeric[j] ? { kind: "numeric", values: values[j] } : { kind: "factor", levels: levels[j]!, codes: Int32Array.from(values[j]) });
      values[j] = new Float64Array(0); // a factor's doubles freed as soon as its codes are made
    });
    return { n, names, columns };
  } finally {
    for (const t of types) await duck.run(`DROP TYPE IF EXISTS ${t}`);
  }
}
