/**
 * Formula variables as SQL expressions over the source's columns: the subset of R's evaluation
 * (src/model/evaluate.ts) a SQL engine can do row by row with dialect-neutral SQL. NULL is R's NA:
 * it propagates through arithmetic as NA does, and the model frame keeps the rows where no variable
 * is NULL (na.omit). What cannot be written this way (poly(), comparisons, string functions) is
 * refused with a ModelError naming the expression.
 */
import type { CallNode, Expr } from "../../grammar/ast.js";
import type { CallParameters } from "../model/evaluate.js";
import { ModelError } from "../model/errors.js";
import { quoteIdent } from "./engine.js";

/** A double-precision constant, written so that every engine reads back the same double. */
export function sqlNumber(x: number): string {
  if (!Number.isFinite(x)) throw new ModelError(`the constant ${x} cannot be written in SQL`);
  return `CAST('${String(x)}' AS DOUBLE PRECISION)`;
}

export const ONE = "CAST(1 AS DOUBLE PRECISION)";
export const ZERO = "CAST(0 AS DOUBLE PRECISION)";

/** A formula variable in SQL. A factor's `sql` gives its value per row: text, or for `factor(x)` of
 *  a numeric x the number (its levels are then the sorted distinct numbers, labelled as R prints
 *  them). A matrix is cbind(…)'s columns. */
export type SqlValue =
  | { kind: "numeric"; sql: string }
  | { kind: "factor"; sql: string; numeric: boolean }
  | { kind: "matrix"; columns: string[] };

export interface SqlColumnInfo {
  /** The SQL identifier of the column (the R name may differ: read.csv's syntactic names). */
  ident: string;
  numeric: boolean;
}

export interface SqlExprContext {
  columns: Map<string, SqlColumnInfo>;
  label: (e: Expr) => string;
  /** scale() centres and divisors once known; a scale() not found here is recorded in `pending`. */
  parameters: Map<string, CallParameters>;
  pending: Map<string, string>;
}

const CONSTANTS: Record<string, number> = { pi: Math.PI };

export function toSql(e: Expr, ctx: SqlExprContext): SqlValue {
  switch (e.kind) {
    case "name": {
      const col = ctx.columns.get(e.name);
      if (col) return col.numeric ? { kind: "numeric", sql: `CAST(${col.ident} AS DOUBLE PRECISION)` } : { kind: "factor", sql: col.ident, numeric: false };
      if (e.name in CONSTANTS) return { kind: "numeric", sql: sqlNumber(CONSTANTS[e.name]) };
      throw new ModelError(`unknown column '${e.name}' (columns: ${[...ctx.columns.keys()].join(", ")})`, e.name);
    }
    case "number":
      return { kind: "numeric", sql: sqlNumber(e.value) };
    case "paren":
      return toSql(e.inner, ctx);
    case "unary": {
      if (e.op === "!") return refuse(e, ctx, "logical negation");
      const v = numeric(e.operand, ctx);
      return { kind: "numeric", sql: e.op === "-" ? `(-${v})` : v };
    }
    case "binary": {
      const ops: Record<string, (a: string, b: string) => string> = {
        "+": (a, b) => `(${a} + ${b})`,
        "-": (a, b) => `(${a} - ${b})`,
        "*": (a, b) => `(${a} * ${b})`,
        // R's x/0 is Inf, which the model refuses anyway; NULLIF makes it NA rather than an engine error
        "/": (a, b) => `(${a} / NULLIF(${b}, ${ZERO}))`,
        "^": (a, b) => `POWER(${a}, ${b})`,
      };
      const f = ops[e.op];
      if (!f) return refuse(e, ctx, `the operator '${e.op}'`);
      return { kind: "numeric", sql: f(numeric(e.left, ctx), numeric(e.right, ctx)) };
    }
    case "call":
      return call(e, ctx);
    default:
      return refuse(e, ctx, "this expression");
  }
}

function refuse(e: Expr, ctx: SqlExprContext, what: string): never {
  const label = ctx.label(e);
  throw new ModelError(`'${label}': ${what} is not supported when the data stay in a SQL engine; compute it in the query (SELECT …) or fit in memory`, label);
}

function numeric(e: Expr, ctx: SqlExprContext): string {
  const v = toSql(e, ctx);
  if (v.kind !== "numeric") throw new ModelError(`'${ctx.label(e)}' is ${v.kind === "factor" ? "a factor" : "a matrix"}, but a number is needed here`, ctx.label(e));
  return v.sql;
}

function oneArg(e: CallNode, ctx: SqlExprContext): string {
  if (e.args.length !== 1 || e.argNames?.[0]) throw new ModelError(`'${ctx.label(e)}' takes one argument here`, ctx.label(e));
  return numeric(e.args[0], ctx);
}

function call(e: CallNode, ctx: SqlExprContext): SqlValue {
  const num = (sql: string): SqlValue => ({ kind: "numeric", sql });
  switch (e.fn) {
    case "log": {
      if (e.args.length === 2) return num(`(LN(${numeric(e.args[0], ctx)}) / LN(${numeric(e.args[1], ctx)}))`);
      return num(`LN(${oneArg(e, ctx)})`);
    }
    case "log2":
      return num(`(LN(${oneArg(e, ctx)}) / LN(${sqlNumber(2)}))`);
    case "log10":
      return num(`(LN(${oneArg(e, ctx)}) / LN(${sqlNumber(10)}))`);
    case "exp":
      return num(`EXP(${oneArg(e, ctx)})`);
    case "sqrt":
      return num(`SQRT(${oneArg(e, ctx)})`);
    case "abs":
      return num(`ABS(${oneArg(e, ctx)})`);
    case "I":
      return num(oneArg(e, ctx));
    case "offset":
      return num(oneArg(e, ctx));
    case "factor":
    case "as.factor": {
      if (e.args.length !== 1) return refuse(e, ctx, `${e.fn}() with more than one argument`);
      const v = toSql(e.args[0], ctx);
      if (v.kind === "matrix") return refuse(e, ctx, "a factor of a matrix");
      return v.kind === "factor" ? v : { kind: "factor", sql: v.sql, numeric: true };
    }
    case "scale": {
      if (e.args.length !== 1) return refuse(e, ctx, "scale() with center or scale arguments");
      const inner = numeric(e.args[0], ctx);
      const label = ctx.label(e);
      const par = ctx.parameters.get(label);
      if (par?.kind !== "scale") {
        ctx.pending.set(label, inner);
        return num(inner);
      }
      return num(`((${inner} - ${sqlNumber(par.center)}) / ${sqlNumber(par.scale)})`);
    }
    case "cbind":
      return { kind: "matrix", columns: e.args.map((a) => numeric(a, ctx)) };
    default:
      return refuse(e, ctx, `${e.fn}()`);
  }
}

export { quoteIdent };
