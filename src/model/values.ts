/**
 * The values a formula variable evaluates to, and the context of evaluation: shared by the
 * evaluator (evaluate.ts), factor making (factor.ts) and row bookkeeping (rows.ts).
 */
import type { Expr } from "../../grammar/ast.js";
import type { DataTable, FactorColumn, NumericColumn } from "./data.js";
import { ModelError } from "./errors.js";

/** A matrix-valued variable: poly() or cbind(). Column-major n × ncol; NaN marks missing. */
export interface MatrixValue {
  kind: "matrix";
  ncol: number;
  values: Float64Array;
  /** Column suffixes as R names them (`1`, `2` for poly), or null when the matrix has none. */
  colnames: string[] | null;
}

export type Value = NumericColumn | FactorColumn | MatrixValue;

/**
 * What a data-dependent call learnt from the data it was fitted on (R keeps the same in the terms'
 * "predvars" via makepredictcall): scale()'s centre and divisor, poly()'s recurrence coefficients.
 */
export type CallParameters =
  | { kind: "scale"; center: number; scale: number }
  | { kind: "poly"; alpha: number[]; norm2: number[] };

export interface EvalContext {
  table: DataTable;
  /**
   * Parameters of data-dependent calls by their R text (`scale(x)`, `poly(x, 2)`): a call found
   * here reuses them (new data evaluated as the fit's data was); one not found computes them from
   * this data and stores them here.
   */
  parameters?: Map<string, CallParameters>;
  /** R's deparse of an expression, for names and messages. */
  label: (e: Expr) => string;
  /** Closest column name to a misspelt one, or null. */
  suggest: (name: string, candidates: string[]) => string | null;
}

/** The numeric values of a one-column value; factors are not numbers (R: "not meaningful for factors"). */
export function numericOf(v: Value, e: Expr, ctx: EvalContext): Float64Array {
  if (v.kind === "numeric") return v.values;
  if (v.kind === "factor" && isLogical(v)) return logicalAsNumbers(v);
  if (v.kind === "matrix" && v.ncol === 1) return v.values;
  const what = v.kind === "factor" ? "a factor" : `a ${v.ncol}-column matrix`;
  throw new ModelError(`'${ctx.label(e)}' is ${what}, but a number is needed here`, ctx.label(e));
}

/**
 * A logical (TRUE/FALSE column, or a comparison's result) is kept as a factor with levels among
 * "FALSE", "TRUE" — what model.matrix makes of it (`xTRUE`). A character column can never have
 * such levels only (read.csv reads it as logical), so the levels identify a logical.
 */
export function isLogical(v: Value): boolean {
  return v.kind === "factor" && v.levels.length > 0 && v.levels.every((l) => l === "FALSE" || l === "TRUE");
}

/** R's as.numeric of a logical: FALSE 0, TRUE 1, NA missing. */
export function logicalAsNumbers(v: FactorColumn): Float64Array {
  return Float64Array.from(v.codes, (c) => (c < 0 ? NaN : v.levels[c] === "TRUE" ? 1 : 0));
}
