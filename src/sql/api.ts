/**
 * The library's way in for data in an engine: `lmer(formula, { sql, engine })` and
 * `glmer(formula, { sql, engine, family })` (lmer.ts and glmer.ts hand these here) return a
 * Promise of the same MixedModel. `engine` is an SqlEngine (any client implementing `query`), a
 * postgres://… URL, or "duckdb" (the default: an embedded DuckDB opened for the fit and closed
 * after it; its SQL can read Parquet and CSV files: `SELECT * FROM 'data/*.parquet'`).
 */
import type { LaplaceKind } from "../fit/fitted.js";
import type { FamilyName } from "../fit/fitted.js";
import type { MixedModel } from "../result/model.js";
import type { SqlEngine } from "./engine.js";

export interface SqlQueryOptions {
  /** A query whose rows are the data: `SELECT …` (or a table name). */
  sql: string;
  /** Where it runs: "duckdb" (default), a postgres://… URL, or an SqlEngine of your own. */
  engine?: SqlEngine | "duckdb" | string;
  REML?: boolean;
  /** Prior weights: the name of a numeric column of the query. */
  weights?: string;
  onProgress?: (evaluations: number, objective: number) => void;
  dataName?: string;
  /** Keep the model frame in a temporary table between the passes (when the query is costly). */
  materialize?: boolean;
}

export interface GlmerSqlQueryOptions extends SqlQueryOptions {
  family: FamilyName;
  link?: string;
  nAGQ?: number;
  /** glmer's laplace: "expected" (lme4's, default) or "observed" (glmmTMB's). */
  laplace?: LaplaceKind;
  maxPatterns?: number;
}

/** Whether lmer()/glmer()'s second argument asks for a fit in an engine. */
export function isSqlQuery(x: unknown): x is SqlQueryOptions {
  return typeof x === "object" && x !== null && typeof (x as { sql?: unknown }).sql === "string";
}

async function withEngine<T>(engine: SqlQueryOptions["engine"], f: (e: SqlEngine) => Promise<T>): Promise<T> {
  if (typeof engine === "object") return f(engine);
  let e: SqlEngine;
  if (engine === undefined || engine === "duckdb") e = await (await import("./duckdb.js")).DuckDbEngine.open();
  else if (/^postgres(ql)?:\/\//.test(engine)) e = await (await import("./postgres.js")).PostgresEngine.open(engine);
  else throw new Error(`unknown engine '${engine}': "duckdb", a postgres://… URL, or an object with query(sql)`);
  try {
    return await f(e);
  } finally {
    await e.close?.();
  }
}

function source(sql: string) {
  const s = sql.trim();
  // a bare table name is a relation; anything else is a query
  return /^[A-Za-z_][\w.]*$/.test(s) ? { relation: s } : { relation: `(${s.replace(/;\s*$/, "")})` };
}

export async function lmerQuery(formula: string, q: SqlQueryOptions): Promise<MixedModel> {
  const { lmerSql } = await import("./fit.js");
  return withEngine(q.engine, (e) =>
    lmerSql(e, formula, source(q.sql), {
      REML: q.REML ?? true,
      dataName: q.dataName ?? "query",
      ...(q.weights !== undefined ? { weights: q.weights } : {}),
      ...(q.onProgress ? { onProgress: q.onProgress } : {}),
      ...(q.materialize !== undefined ? { materialize: q.materialize } : {}),
    }),
  );
}

export async function glmerQuery(formula: string, q: GlmerSqlQueryOptions): Promise<MixedModel> {
  const { glmerSql } = await import("./compress.js");
  return withEngine(q.engine, (e) =>
    glmerSql(e, formula, source(q.sql), {
      family: q.family,
      dataName: q.dataName ?? "query",
      ...(q.link !== undefined ? { link: q.link } : {}),
      ...(q.nAGQ !== undefined ? { nAGQ: q.nAGQ } : {}),
      ...(q.laplace !== undefined ? { laplace: q.laplace } : {}),
      ...(q.maxPatterns !== undefined ? { maxPatterns: q.maxPatterns } : {}),
      ...(q.REML !== undefined ? { REML: q.REML } : {}),
      ...(q.weights !== undefined ? { weights: q.weights } : {}),
      ...(q.onProgress ? { onProgress: q.onProgress } : {}),
    }),
  );
}
