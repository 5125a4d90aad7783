/**
 * The one interface between the model and a SQL engine: run a query, get its columns back.
 * DuckDB (embedded, the default: duckdb.ts) and PostgreSQL (postgres.ts) ship with the library; any
 * other engine (Trino, Spark SQL, ClickHouse, BigQuery, Databricks) plugs in by implementing
 * `query` with its own client (README: "Fit data where it lives").
 *
 * Every query the model stage sends uses only SELECT, WITH, WHERE, GROUP BY, ORDER BY, LIMIT,
 * JOIN, UNION ALL, COUNT, SUM, AVG, MIN, MAX, VAR_POP, CASE, CAST(… AS DOUBLE PRECISION | VARCHAR),
 * arithmetic and LN, EXP, SQRT, POWER, ABS, FLOOR (and PERCENTILE_CONT for small frames): what
 * every one of those engines has.
 */

/** A query's result by column: numbers (doubles; SQL NULL is NaN) or texts (NULL is null). */
export interface SqlColumns {
  names: string[];
  /** One array per column, each `rowCount` long. Numeric SQL types arrive as Float64Array. */
  columns: (Float64Array | (string | null)[])[];
  rowCount: number;
}

export interface SqlEngine {
  /** A short name for messages and --json (`duckdb`, `postgres`). */
  readonly name: string;
  query(sql: string): Promise<SqlColumns>;
  /** Whether `CREATE TEMPORARY TABLE … AS` may be used to keep the model frame between passes. */
  readonly temporaryTables?: boolean;
  close?(): Promise<void>;
  /** Optional bulk load into an existing (temporary) table, for engines with a faster way than
   *  INSERT … VALUES (DuckDB's appender); columns in the table's order, numbers or texts. */
  appendRows?(table: string, columns: (Float64Array | string[])[], rowCount: number): Promise<void>;
  /** Optional: the result chunk by chunk (DuckDB's data chunks), so a large result is never held
   *  whole; forEachChunk falls back to one query. */
  stream?(sql: string, onChunk: (chunk: SqlColumns) => void): Promise<void>;
}

/** A query's result in chunks: streamed where the engine can, else as one chunk. */
export async function forEachChunk(engine: SqlEngine, sql: string, onChunk: (chunk: SqlColumns) => void): Promise<void> {
  if (engine.stream) return engine.stream(sql, onChunk);
  onChunk(await engine.query(sql));
}

/** A numeric column of a result (throws when the engine sent text). */
export function numbers(r: SqlColumns, name: string): Float64Array {
  const j = r.names.indexOf(name);
  if (j < 0) throw new Error(`internal: the query's result has no column '${name}' (it has ${r.names.join(", ")})`);
  const c = r.columns[j];
  if (!(c instanceof Float64Array)) {
    // engines that send numbers as text (NUMERIC in PostgreSQL): parse them
    return Float64Array.from(c, (v) => (v === null ? NaN : Number(v)));
  }
  return c;
}

/** A column as texts (numbers formatted by the caller where that matters). */
export function texts(r: SqlColumns, name: string): (string | null)[] | Float64Array {
  const j = r.names.indexOf(name);
  if (j < 0) throw new Error(`internal: the query's result has no column '${name}' (it has ${r.names.join(", ")})`);
  return r.columns[j];
}

/** A SQL identifier, double-quoted (both DuckDB and PostgreSQL, and the SQL standard). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal. */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
