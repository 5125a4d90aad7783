/**
 * Where the CLI's data live and which engine runs the model stage: `--engine memory|duckdb|
 * postgres://…`, `--sql "SELECT …"`, and the data file's kind and size. Kept apart from the SQL
 * code (loaded only when chosen) so that the in-memory commands never load DuckDB.
 *
 * The default engine: duckdb for a Parquet file, a gzipped CSV or a glob, for --sql, and for a CSV
 * too large to read into this process (about eight times its size in memory: more than half the
 * free memory); memory otherwise.
 */
import { freemem } from "node:os";
import { statSync } from "node:fs";

export type EngineChoice = { kind: "memory" } | { kind: "duckdb" } | { kind: "postgres"; url: string };

export interface EngineArgs {
  sql: string | null;
  engine: EngineChoice | null;
  /** The remaining arguments, in order. */
  rest: string[];
}

/** Take --sql and --engine out of the arguments (or a usage message). */
export function extractEngineArgs(args: string[]): EngineArgs | string {
  let sql: string | null = null;
  let engine: EngineChoice | null = null;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string | null => (inline !== undefined ? inline : (args[++i] ?? null));
    if (flag === "--sql") {
      sql = value();
      if (sql === null || sql.trim() === "") return "--sql needs a query (SELECT …)";
    } else if (flag === "--engine") {
      const e = value();
      if (e === null) return "--engine needs a value: memory, duckdb or a postgres://… URL";
      if (e === "memory") engine = { kind: "memory" };
      else if (e === "duckdb") engine = { kind: "duckdb" };
      else if (/^postgres(ql)?:\/\//.test(e)) engine = { kind: "postgres", url: e };
      else return `unknown engine '${e}' (memory, duckdb, or a postgres://user@host:port/db URL)`;
    } else rest.push(a);
  }
  return { sql, engine, rest };
}

/** Whether the path names data DuckDB should read (not the TypeScript CSV reader). */
export function needsDuckDb(path: string): boolean {
  const p = path.toLowerCase();
  if (/\.(parquet|pq)$/.test(p) || /\.gz$|\.zst$/.test(p) || /[*?[]/.test(path)) return true;
  try {
    // the in-memory reader holds about 8× the file's size while parsing
    return statSync(path).size * 8 > freemem() / 2;
  } catch {
    return false;
  }
}

/** Whether a command's arguments ask for the engine path (so the in-memory command hands over). */
export function wantsEngine(args: string[]): boolean {
  const e = extractEngineArgs(args);
  if (typeof e === "string") return args.some((a) => a.startsWith("--sql") || a.startsWith("--engine"));
  if (e.sql !== null || e.engine !== null) return true;
  const data = positionals(e.rest)[0];
  return data !== undefined && needsDuckDb(data);
}

/** Options that take a value (so their value is not a positional argument). */
const VALUE_FLAGS = new Set(["--family", "--link", "--nagq", "--weights", "--kind", "--out", "--data"]);

export function positionals(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (VALUE_FLAGS.has(a)) i++;
    else if (!a.startsWith("--")) out.push(a);
  }
  return out;
}
