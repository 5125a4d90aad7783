/**
 * `check --data` for data that the header line cannot describe: a Parquet file, a gzipped CSV or
 * a glob (read by DuckDB: the column names only, LIMIT 0), or `--sql "SELECT …"` (the query's
 * result columns, on DuckDB or with --engine postgres://…).
 */
import type { EngineChoice } from "./engine-args.js";
import { openSource } from "./fit-sql.js";

/** The columns (R's names) of the file or query. */
export async function engineColumns(data: string | null, sql: string | null, choice: EngineChoice | null): Promise<string[]> {
  const { engine, source } = await openSource(choice && choice.kind !== "memory" ? choice : { kind: "duckdb" }, data, sql);
  try {
    const r = await engine.query(`SELECT * FROM ${source.relation} AS src LIMIT 0`);
    const back = new Map<string, string>();
    for (const [rName, sqlName] of source.rename ?? []) back.set(sqlName, rName);
    return r.names.map((n) => back.get(n) ?? n);
  } finally {
    await engine.close?.();
  }
}
