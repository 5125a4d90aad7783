/**
 * emmeans' reference grid for a fitted model (rvlenth/emmeans R/ref-grid.R, ref_grid with its
 * defaults): every predictor of the fixed effects (the data columns the fixed terms use, in order
 * of appearance) at its reference values — a factor (or a numeric column turned into one by
 * factor() in the formula) at all its levels in the rows used; a numeric covariate at its mean
 * over the rows used, or at its distinct values when it has at most two (emmeans' cov.keep = "2");
 * grid rows are all combinations, the first predictor varying fastest (expand.grid). Functions of
 * covariates (log(x), poly(x, 2), scale(x)) are evaluated at the reference value of the covariate,
 * through the fit's own construction plan (as emmeans' model.matrix with the fit's predvars).
 *
 * `at` (ref_grid's at = list(…)) replaces a variable's reference values: a covariate's numbers
 * instead of its mean, a factor's levels (a subset, in the order given, as emmeans keeps them).
 */
import type { Expr } from "../../../grammar/ast.js";
import { formulaTerms } from "../../formula/index.js";
import type { Column, DataTable } from "../../model/data.js";
import type { MixedModel } from "../model.js";
import { newDataDesign } from "../predict.js";
import { InferenceError } from "./contrast.js";

/** One predictor's reference values: level labels (factors) or numbers (covariates). */
export interface GridVariable {
  name: string;
  kind: "factor" | "covariate";
  /** Factor levels, or the covariate's value(s): its mean, or its ≤ 2 distinct values. */
  values: (string | number)[];
}

export interface ReferenceGrid {
  variables: GridVariable[];
  /** Number of grid rows (the product of the variables' numbers of values). */
  size: number;
  /** Value index of each variable in grid row r: index[r][v]. */
  index: number[][];
  /** The fixed-effects model matrix at the grid, column-major size × p (emmeans' linfct). */
  X: Float64Array;
}

const COERCING_CALLS = new Set(["factor", "as.factor", "ordered", "as.ordered"]);

/** R's all.vars over an expression, noting the names that sit inside factor()-like calls. */
function collectNames(e: Expr, inFactor: boolean, out: Map<string, boolean>): void {
  switch (e.kind) {
    case "name":
      out.set(e.name, (out.get(e.name) ?? false) || inFactor);
      return;
    case "call":
      for (const a of e.args) collectNames(a, inFactor || COERCING_CALLS.has(e.fn), out);
      return;
    case "binary":
      collectNames(e.left, inFactor, out);
      collectNames(e.right, inFactor, out);
      return;
    case "unary":
      collectNames(e.operand, inFactor, out);
      return;
    case "paren":
      collectNames(e.inner, inFactor, out);
      return;
    default:
      return;
  }
}

/** The data columns the fixed-effects terms use, in order, and whether factor() coerces each. */
function predictors(m: MixedModel, data: DataTable): Map<string, boolean> {
  // the data's columns let a `.` in the formula expand as it did for the fit
  const terms = formulaTerms(m.matrices.plan.formula, { columns: data.names });
  const out = new Map<string, boolean>();
  for (const t of terms.fixed.terms) for (const f of t.factors) collectNames(f, false, out);
  return out;
}

function mean(values: Float64Array, rows: Int32Array): number {
  let s = 0;
  for (const r of rows) s += values[r]!;
  return s / rows.length;
}

function referenceValues(name: string, col: Column, rows: Int32Array, coerced: boolean): GridVariable {
  if (col.kind === "factor") {
    const used = new Set<number>();
    for (const r of rows) used.add(col.codes[r]!);
    return { name, kind: "factor", values: col.levels.filter((_, k) => used.has(k)) };
  }
  const distinct = [...new Set(Array.from(rows, (r) => col.values[r]!))].sort((a, b) => a - b);
  if (coerced) return { name, kind: "factor", values: distinct };
  return { name, kind: "covariate", values: distinct.length <= 2 ? distinct : [mean(col.values, rows)] };
}

/** A data table holding the grid rows, to evaluate the fit's plan on. */
function gridTable(vars: GridVariable[], index: number[][], data: DataTable): DataTable {
  const size = index.length;
  const columns = new Map<string, Column>();
  vars.forEach((v, k) => {
    const original = data.columns.get(v.name)!;
    if (original.kind === "factor") {
      const levels = original.levels;
      const codes = Int32Array.from(index, (row) => levels.indexOf(v.values[row[k]!] as string));
      columns.set(v.name, original.ordered ? { kind: "factor", codes, levels, ordered: true } : { kind: "factor", codes, levels });
    } else {
      columns.set(v.name, { kind: "numeric", values: Float64Array.from(index, (row) => v.values[row[k]!] as number) });
    }
  });
  return { n: size, names: vars.map((v) => v.name), columns };
}

/** ref_grid's `at`: values per predictor (numbers, or strings that read as numbers, for a
 *  covariate; levels for a factor). */
export type GridAt = Record<string, string | number | (string | number)[]>;

/** A variable's reference values replaced by `at`'s, checked against the data. */
function applyAt(v: GridVariable, given: string | number | (string | number)[], all: (string | number)[]): GridVariable {
  const list = Array.isArray(given) ? given : [given];
  if (list.length === 0) throw new InferenceError(`at: no values given for '${v.name}'`);
  const values = list.map((x) => {
    if (v.kind === "covariate") {
      const n = typeof x === "number" ? x : String(x).trim() === "" ? NaN : Number(x);
      if (!Number.isFinite(n)) throw new InferenceError(`at: '${v.name}' is a numeric covariate, so its values must be numbers (got ${JSON.stringify(x)})`);
      return n;
    }
    // a factor: one of its levels in the rows used (factor(x) of a numeric column: its values)
    const hit = all.find((level) => String(level) === String(x) || (typeof level === "number" && level === Number(x)));
    if (hit === undefined) {
      throw new InferenceError(`at: ${JSON.stringify(x)} is not a level of the factor '${v.name}' (levels: ${all.join(", ")})`);
    }
    return hit;
  });
  if (new Set(values).size !== values.length) throw new InferenceError(`at: '${v.name}' is given a value twice`);
  return { ...v, values };
}

export function referenceGrid(m: MixedModel, at: GridAt = {}): ReferenceGrid {
  const data = m.matrices.data;
  const rows = m.matrices.rows;
  if (!data || !rows) throw new InferenceError("this model does not keep its data, so its reference grid cannot be built (fit it with lmer() or glmer())");
  const variables: GridVariable[] = [];
  for (const [name, coerced] of predictors(m, data)) {
    const col = data.columns.get(name);
    if (!col) throw new InferenceError(`predictor '${name}' is not a column of the model's data`);
    const v = referenceValues(name, col, rows, coerced);
    variables.push(at[name] === undefined ? v : applyAt(v, at[name]!, v.kind === "factor" ? v.values : []));
  }
  for (const name of Object.keys(at)) {
    if (!variables.some((v) => v.name === name)) {
      throw new InferenceError(
        `at: '${name}' is not a predictor of the fixed effects (predictors: ${variables.map((v) => v.name).join(", ") || "none"})`,
      );
    }
  }
  // expand.grid: the first variable varies fastest
  const size = variables.reduce((s, v) => s * v.values.length, 1);
  const index = Array.from({ length: size }, (_, r) => {
    let rest = r;
    return variables.map((v) => {
      const i = rest % v.values.length;
      rest = Math.floor(rest / v.values.length);
      return i;
    });
  });
  const X = newDataDesign(m.fit, gridTable(variables, index, data), undefined, { fixedOnly: true }).X;
  return { variables, size, index, X };
}
