/**
 * Sources for the embedded engine: data files read by DuckDB in place (CSV, gzipped CSV, Parquet,
 * and globs of them), with read.csv's meaning — numeric columns are numbers, everything else text
 * (a factor), `NA` and empty cells missing, header names made syntactic as check.names does.
 */
import { syntacticName } from "../model/csv.js";
import { ModelError } from "../model/errors.js";
import { quoteString, type SqlEngine } from "./engine.js";
import type { SqlSource } from "./frame.js";

export type FileKind = "csv" | "parquet";

/** csv (also .csv.gz, .tsv) or parquet, from the name. */
export function fileKind(path: string): FileKind | null {
  const p = path.toLowerCase();
  if (/\.parquet$/.test(p) || /\.pq$/.test(p)) return "parquet";
  if (/\.(csv|tsv|txt)(\.gz|\.zst)?$/.test(p)) return "csv";
  return null;
}

/**
 * DuckDB's table function reading the file(s) with read.csv's typing. `sampled`: the column types
 * from DuckDB's sample of the rows rather than from every row (sample_size = -1 makes every query
 * on the relation parse the whole file once more just to type it, several times the cost of the
 * read itself). A sampled numeric type is right exactly when every value parses as a number, so a
 * caller that reads every row with it (readData) either succeeds, and the typing is read.csv's, or
 * meets a conversion error and falls back to the full typing; a sampled text type already saw a
 * non-number.
 */
export function fileRelation(path: string, sampled = false): string {
  const kind = fileKind(path);
  if (kind === "parquet") return `read_parquet(${quoteString(path)})`;
  if (kind === "csv") {
    // every row typed (sample_size = -1), as read.csv's type.convert sees every value; numbers stay
    // numbers, anything else is text (no dates or booleans); NA and empty cells are NULL
    return (
      `read_csv(${quoteString(path)}, header = true, nullstr = ['NA', '']${sampled ? "" : ", sample_size = -1"}, ` +
      `auto_type_candidates = ['BIGINT', 'DOUBLE', 'VARCHAR'])`
    );
  }
  throw new ModelError(`'${path}': the file name should end in .csv, .csv.gz or .parquet`);
}

/** A file source with R's syntactic column names (x.1 for a duplicate, X1b for "1b", my.y for "my y"). */
export async function fileSource(engine: SqlEngine, path: string, sampled = false): Promise<SqlSource> {
  const relation = fileRelation(path, sampled);
  const r = await engine.query(`SELECT * FROM ${relation} AS src LIMIT 0`);
  const rename = new Map<string, string>();
  const seen = new Set<string>();
  for (const name of r.names) {
    let rName = syntacticName(name.trim());
    const base = rName;
    let k = 1;
    while (seen.has(rName)) rName = `${base}.${k++}`;
    seen.add(rName);
    if (rName !== name) rename.set(rName, name);
  }
  return { relation, rename };
}

/** A query as a source: its result's columns by their own names. */
export function querySource(sql: string): SqlSource {
  return { relation: `(${sql.trim().replace(/;\s*$/, "")})` };
}
