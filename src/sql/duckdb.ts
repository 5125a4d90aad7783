/**
 * DuckDB, the embedded engine (@duckdb/node-api; its binary ships inside the npm package). Loaded
 * by dynamic import only, so the browser bundle and commands that never query never load it.
 */
import type { SqlColumns, SqlEngine } from "./engine.js";

export interface DuckDbOptions {
  /** DuckDB's memory_limit (e.g. "1GB"): DuckDB lives in this process, so it counts in its RSS. */
  memoryLimit?: string;
  threads?: number;
}

type DuckModule = typeof import("@duckdb/node-api");

let duckModule: Promise<DuckModule> | null = null;
function loadDuckDb(): Promise<DuckModule> {
  // a computed specifier: bundlers (the browser build) leave it alone instead of bundling DuckDB
  const specifier = ["@duckdb", "node-api"].join("/");
  duckModule ??= (import(specifier) as Promise<DuckModule>).catch((e: Error) => {
    throw new Error(`DuckDB is not available (npm install @duckdb/node-api): ${e.message}`);
  });
  return duckModule;
}

/** A streamed result that ended before the rows counted for it: DuckDB ends a stream early when a
 *  value fails to convert (a CSV column typed from a sample), without raising. */
export class ShortResultError extends Error {
  constructor(got: number, counted: number) {
    super(`the result ended after ${got} of the ${counted} rows counted (a value failed to convert?)`);
    this.name = "ShortResultError";
  }
}

export class DuckDbEngine implements SqlEngine {
  readonly name = "duckdb";
  readonly temporaryTables = true;
  private constructor(
    private readonly instance: import("@duckdb/node-api").DuckDBInstance,
    private readonly connection: import("@duckdb/node-api").DuckDBConnection,
  ) {}

  static async open(options: DuckDbOptions = {}): Promise<DuckDbEngine> {
    const duck = await loadDuckDb();
    const config: Record<string, string> = {};
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.threads) config.threads = String(options.threads);
    const instance = await duck.DuckDBInstance.create(":memory:", config);
    const connection = await instance.connect();
    return new DuckDbEngine(instance, connection);
  }

  /** Queries run one after another: a connection streams one result at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  query(sql: string): Promise<SqlColumns> {
    const next = this.queue.then(() => this.queryNow(sql));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async queryNow(sql: string): Promise<SqlColumns> {
    const duck = await loadDuckDb();
    // streamed: chunks arrive as DuckDB produces them, so a large result is never held twice
    const result = await this.connection.stream(sql);
    const names = result.columnNames();
    const types = result.columnTypes();
    const numeric = types.map((t) => isNumericType(duck, t.typeId));
    const chunksNum: Float64Array[][] = names.map(() => []);
    const chunksText: (string | null)[][] = names.map(() => []);
    let rowCount = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const k = chunk.rowCount;
      for (let j = 0; j < names.length; j++) {
        const v = chunk.getColumnVector(j);
        if (numeric[j]) chunksNum[j].push(numericVector(v, k));
        else {
          const out = chunksText[j];
          for (let i = 0; i < k; i++) {
            const x = v.getItem(i);
            out.push(x === null ? null : String(x));
          }
        }
      }
      rowCount += k;
    }
    const columns = names.map((_, j) => (numeric[j] ? concat(chunksNum[j], rowCount) : chunksText[j]));
    return { names, columns, rowCount };
  }

  stream(sql: string, onChunk: (chunk: SqlColumns) => void): Promise<void> {
    const next = this.queue.then(() => this.streamNow(sql, onChunk));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async streamNow(sql: string, onChunk: (chunk: SqlColumns) => void): Promise<void> {
    const duck = await loadDuckDb();
    const result = await this.connection.stream(sql);
    const names = result.columnNames();
    const numeric = result.columnTypes().map((t) => isNumericType(duck, t.typeId));
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const k = chunk.rowCount;
      const columns = names.map((_, j) => {
        const v = chunk.getColumnVector(j);
        if (numeric[j]) return numericVector(v, k);
        const out: (string | null)[] = [];
        for (let i = 0; i < k; i++) {
          const x = v.getItem(i);
          out.push(x === null ? null : String(x));
        }
        return out;
      });
      onChunk({ names, columns, rowCount: k });
    }
  }

  /**
   * A query whose columns are all DOUBLE with no NULLs (the caller maps NULL to NaN in SQL) and
   * whose row count is known: each chunk's values are copied straight into preallocated arrays,
   * so the result is held once.
   */
  async doubleColumns(sql: string, rowCount: number): Promise<Float64Array[]> {
    const result = await this.connection.stream(sql);
    const k = result.columnCount;
    const out = Array.from({ length: k }, () => new Float64Array(rowCount));
    let o = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const len = chunk.rowCount;
      if (o + len > rowCount) throw new Error("internal: more rows than counted");
      for (let j = 0; j < k; j++) {
        const v = chunk.getColumnVector(j) as unknown as { items?: Float64Array; getItem(i: number): unknown };
        // the vector's own Float64Array (DuckDBDoubleVector.items) when there; item by item otherwise
        if (v.items instanceof Float64Array && v.items.length === len) out[j].set(v.items, o);
        else for (let i = 0; i < len; i++) out[j][o + i] = Number(v.getItem(i));
      }
      o += len;
    }
    if (o !== rowCount) throw new ShortResultError(o, rowCount);
    return out;
  }

  async appendRows(table: string, columns: (Float64Array | string[])[], rowCount: number): Promise<void> {
    // a temporary table lives in the "temp" catalog
    const appender = await this.connection.createAppender(table, null, "temp");
    for (let i = 0; i < rowCount; i++) {
      for (const c of columns) {
        if (c instanceof Float64Array) appender.appendDouble(c[i]);
        else appender.appendVarchar(c[i]);
      }
      appender.endRow();
    }
    appender.closeSync();
  }

  /** Run a statement whose result is not needed (CREATE, SET, COPY). */
  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function isNumericType(duck: DuckModule, id: number): boolean {
  const T = duck.DuckDBTypeId;
  return [
    T.DOUBLE, T.FLOAT, T.BIGINT, T.INTEGER, T.SMALLINT, T.TINYINT, T.UBIGINT, T.UINTEGER, T.USMALLINT, T.UTINYINT,
    T.HUGEINT, T.UHUGEINT, T.DECIMAL,
  ].includes(id);
}

/** A numeric vector's values as doubles, NULL as NaN: a DOUBLE vector's own Float64Array copied
 *  in one go (its validity mask read only when it has one), other numeric types value by value. */
function numericVector(v: unknown, k: number): Float64Array {
  const vec = v as { items?: unknown; validity?: { data?: unknown; itemValid(i: number): boolean }; getItem(i: number): unknown };
  if (vec.items instanceof Float64Array && vec.items.length === k) {
    const out = Float64Array.from(vec.items);
    const validity = vec.validity;
    if (validity && validity.data) for (let i = 0; i < k; i++) if (!validity.itemValid(i)) out[i] = NaN;
    return out;
  }
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const x = vec.getItem(i);
    out[i] = x === null ? NaN : Number(x);
  }
  return out;
}

function concat(parts: Float64Array[], n: number): Float64Array {
  if (parts.length === 1) return parts[0];
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
