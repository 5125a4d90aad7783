/**
 * R's comparison operators `== != < > <= >=`, the element-wise `&` and `!` inside a formula's
 * calls (`I(Days > 4)`, `I(recipe == "A")`, `I(x > 1 & x < 5)`, `I(!flag)`). The result is a logical, coded as the
 * factor model.matrix makes of it (levels "FALSE", "TRUE"; a column named `I(Days > 4)TRUE`).
 */
import type { ComparisonOp, Expr } from "../../grammar/ast.js";
import { COMPARISON_OPS } from "../../grammar/ast.js";
import type { FactorColumn } from "./data.js";
import { ModelError } from "./errors.js";
import { isLogical, numericOf, type EvalContext, type Value } from "./values.js";
import { formatRNumber } from "../rformat.js";
import { evaluate } from "./evaluate.js";

export function isComparison(op: string): op is ComparisonOp {
  return (COMPARISON_OPS as readonly string[]).includes(op);
}

/** A logical from per-row truth values (null: missing). Both levels kept, as model.matrix does. */
function logicalFrom(truth: (boolean | null)[]): FactorColumn {
  return { kind: "factor", codes: Int32Array.from(truth, (t) => (t === null ? -1 : t ? 1 : 0)), levels: ["FALSE", "TRUE"] };
}

const NUMERIC_TEST: Record<ComparisonOp, (a: number, b: number) => boolean> = {
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
  "<": (a, b) => a < b,
  ">": (a, b) => a > b,
  "<=": (a, b) => a <= b,
  ">=": (a, b) => a >= b,
};

/** Per-row labels of a factor, or of numbers as R prints them (R compares a factor with a number as text). */
function labelsOf(v: Value, e: Expr, ctx: EvalContext): (string | null)[] {
  if (v.kind === "factor") return Array.from(v.codes, (c) => (c < 0 ? null : v.levels[c]!));
  return Array.from(numericOf(v, e, ctx), (x) => (Number.isNaN(x) ? null : formatRNumber(x)));
}

/**
 * Numbers (and logicals, as 0/1) compare as numbers; a factor or string compares by its labels,
 * and only for equality (R: `<` is "not meaningful for factors"). Missing stays missing.
 */
export function compare(op: ComparisonOp, left: Expr, right: Expr, whole: Expr, ctx: EvalContext): FactorColumn {
  const a = evaluate(left, ctx);
  const b = evaluate(right, ctx);
  const textual = (v: Value) => v.kind === "factor" && !isLogical(v);
  if (textual(a) || textual(b)) {
    if (op !== "==" && op !== "!=") {
      throw new ModelError(`'${ctx.label(whole)}': '${op}' is not meaningful for factors (use == or !=)`, ctx.label(whole));
    }
    const la = labelsOf(a, left, ctx);
    const lb = labelsOf(b, right, ctx);
    return logicalFrom(la.map((x, i) => (x === null || lb[i] === null ? null : (x === lb[i]) === (op === "=="))));
  }
  const na = numericOf(a, left, ctx);
  const nb = numericOf(b, right, ctx);
  const test = NUMERIC_TEST[op];
  return logicalFrom(Array.from(na, (x, i) => (Number.isNaN(x) || Number.isNaN(nb[i]!) ? null : test(x, nb[i]!))));
}

/** R's `&`: FALSE wins over missing (FALSE & NA is FALSE), TRUE & NA is NA. */
export function logicalAnd(left: Expr, right: Expr, ctx: EvalContext): FactorColumn {
  const truth = (e: Expr): (boolean | null)[] => {
    const v = evaluate(e, ctx);
    const x = numericOf(v, e, ctx);
    return Array.from(x, (t) => (Number.isNaN(t) ? null : t !== 0));
  };
  const a = truth(left);
  const b = truth(right);
  return logicalFrom(a.map((x, i) => (x === false || b[i] === false ? false : x === null || b[i] === null ? null : true)));
}

/** R's `!`: TRUE ↔ FALSE (a number is TRUE when not 0), missing stays missing. */
export function logicalNot(operand: Expr, ctx: EvalContext): FactorColumn {
  const v = evaluate(operand, ctx);
  const x = numericOf(v, operand, ctx);
  return logicalFrom(Array.from(x, (t) => (Number.isNaN(t) ? null : t === 0)));
}
