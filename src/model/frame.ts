/**
 * The model frame: every variable the model uses, evaluated over the data, then restricted to the
 * rows where none is missing (R's model.frame with na.action = na.omit and drop.unused.levels,
 * which lme4's lFormula uses). Grouping factors are kept apart from the variables because the same
 * column may be numeric in the fixed part and a factor as a grouping factor (lme4's factorize()).
 */
import type { Expr } from "../../grammar/ast.js";
import type { FormulaTerms, Term } from "../formula/terms.js";
import { ModelError } from "./errors.js";
import type { DataTable, FactorColumn, NumericColumn } from "./data.js";
import { evaluate } from "./evaluate.js";
import { asFactor, interactionFactor } from "./factor.js";
import { missingMask, subsetRows } from "./rows.js";
import { isLogical, type EvalContext, type Value } from "./values.js";
import type { VariableRole } from "./plan.js";

export interface FrameOptions {
  weights?: number[] | Float64Array | string;
  offset?: number[] | Float64Array;
}

export interface ModelFrame {
  /** Rows used. */
  n: number;
  /** Evaluated variables on the used rows, by R name, in order of first use. */
  variables: Map<string, Value>;
  roles: Map<string, VariableRole[]>;
  /** Grouping factors (single or interaction) on the used rows, by group label. */
  groups: Map<string, FactorColumn>;
  /** The variable names making up each group. */
  groupVariables: Map<string, string[]>;
  /** Offset (sum of `offset()` terms and options.offset) on the used rows, or null. */
  offset: Float64Array | null;
  /** Prior weights on the used rows, or null. */
  weights: Float64Array | null;
  /** Original row index of each used row. */
  rows: Int32Array;
  totalRows: number;
  droppedRows: number[];
  /** How many rows each variable was missing in. */
  missingBy: Record<string, number>;
  /** Complete rows dropped because their prior weight is 0 (also in droppedRows). */
  zeroWeightRows: number;
}

/** Every expression of the formula that is a model-frame variable, with its role. */
function collectVariables(terms: FormulaTerms): { expr: Expr; role: VariableRole }[] {
  const out: { expr: Expr; role: VariableRole }[] = [];
  if (terms.response) out.push({ expr: terms.response, role: "response" });
  for (const t of terms.fixed.terms) for (const f of t.factors) out.push({ expr: f, role: "fixed" });
  for (const r of terms.random) for (const t of r.terms) for (const f of t.factors) out.push({ expr: f, role: "random" });
  return out;
}

export function buildFrame(
  terms: FormulaTerms,
  table: DataTable,
  options: FrameOptions,
  ctx: EvalContext,
): ModelFrame {
  const n = table.n;
  const full = new Map<string, Value>();
  const roles = new Map<string, VariableRole[]>();
  const addRole = (name: string, role: VariableRole) => {
    const r = roles.get(name) ?? [];
    if (!r.includes(role)) r.push(role);
    roles.set(name, r);
  };
  for (const { expr, role } of collectVariables(terms)) {
    const name = ctx.label(expr);
    if (!full.has(name)) full.set(name, finiteValue(evaluate(expr, ctx), name));
    addRole(name, role);
  }

  const groupsFull = new Map<string, FactorColumn>();
  const groupVariables = new Map<string, string[]>();
  for (const r of terms.random) {
    if (groupsFull.has(r.group.label)) continue;
    groupsFull.set(r.group.label, groupingFactor(r.group, ctx));
    const names = r.group.factors.map(ctx.label);
    groupVariables.set(r.group.label, names);
  }

  // Each offset(...) term is a variable of the frame, as in R's model.frame.
  const offsetNames: string[] = [];
  for (const o of terms.offsets) {
    const name = `offset(${ctx.label(o)})`;
    if (!full.has(name)) full.set(name, finiteValue(offsetValue(o, ctx), name));
    addRole(name, "offset");
    offsetNames.push(name);
  }
  const givenOffset = givenOffsetOf(options.offset, n);
  const weightsFull = weightsOf(options.weights, table, ctx);
  if (typeof options.weights === "string") {
    if (!full.has(options.weights)) full.set(options.weights, { kind: "numeric", values: weightsFull! });
    addRole(options.weights, "weights");
  }

  const masks: [string, Value][] = [...full, ...groupsFull];
  if (givenOffset) masks.push(["offset (given)", { kind: "numeric", values: givenOffset }]);
  if (weightsFull && typeof options.weights !== "string") masks.push(["weights (given)", { kind: "numeric", values: weightsFull }]);
  const zeroWeight = zeroWeightMask(weightsFull, n);
  const { kept, droppedRows, missingBy, zeroWeightRows } = completeCases(masks, n, zeroWeight, weightsLabel(options.weights));
  const rows = Int32Array.from(kept);
  const variables = new Map<string, Value>();
  for (const [name, v] of full) variables.set(name, bothLogicalLevels(droppedRows.length ? subsetRows(v, rows) : dropUnusedIfFactor(v)));
  const groups = new Map<string, FactorColumn>();
  for (const [name, g] of groupsFull) groups.set(name, subsetRows(g, rows) as FactorColumn);
  const pick = (x: Float64Array | null) => (x ? Float64Array.from(rows, (i) => x[i]!) : null);

  return {
    n: rows.length,
    variables,
    roles,
    groups,
    groupVariables,
    offset: sumOffsets(offsetNames.map((o) => variables.get(o) as NumericColumn), pick(givenOffset), rows.length),
    weights: pick(weightsFull),
    rows,
    totalRows: n,
    droppedRows,
    missingBy,
    zeroWeightRows,
  };
}

/**
 * Rows with prior weight 0. A zero weight removes the row from the likelihood (its residual has
 * infinite variance σ²/0), so the row must not count in n, the residual degrees of freedom or
 * Σ log wᵢ either: we leave it out of the frame, as if missing, and say so. (lme4 keeps such rows
 * and counts them, which makes its criterion −∞/∞ through log 0; R's glm leaves them out of the
 * residual degrees of freedom.) The criterion then equals the fit without those rows.
 */
function zeroWeightMask(w: Float64Array | null, n: number): Uint8Array | null {
  if (!w) return null;
  let any = false;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (w[i] === 0) (mask[i] = 1), (any = true);
  return any ? mask : null;
}

function weightsLabel(given: unknown): string {
  return typeof given === "string" ? given : "weights";
}

/** Rows where no value the model uses is missing (R's na.omit over the model frame) and whose
 *  prior weight is not 0. */
function completeCases(
  values: [string, Value][], n: number, zeroWeight: Uint8Array | null, weightsName: string,
): { kept: number[]; droppedRows: number[]; missingBy: Record<string, number>; zeroWeightRows: number } {
  const missing = new Uint8Array(n);
  const missingBy: Record<string, number> = {};
  for (const [name, v] of values) {
    const mask = missingMask(v, n);
    let count = 0;
    for (let i = 0; i < n; i++) if (mask[i]) (count++, (missing[i] = 1));
    if (count > 0) missingBy[name] = count;
  }
  let zeroWeightRows = 0;
  if (zeroWeight) {
    for (let i = 0; i < n; i++) if (zeroWeight[i] && !missing[i]) (zeroWeightRows++, (missing[i] = 1));
  }
  const kept: number[] = [];
  const droppedRows: number[] = [];
  for (let i = 0; i < n; i++) (missing[i] ? droppedRows : kept).push(i);
  if (kept.length === 0 && zeroWeightRows > 0) {
    throw new ModelError(
      `every usable row has prior weight 0 in '${weightsName}' (${zeroWeightRows} of ${n} rows): there are no observations to fit`,
      weightsName,
    );
  }
  if (kept.length === 0) {
    const which = Object.keys(missingBy).join(", ");
    throw new ModelError(`no rows left after removing rows with missing values${which ? ` (in ${which})` : ""}`);
  }
  return { kept, droppedRows, missingBy, zeroWeightRows };
}

/** An infinite value (from `I(x/z)` with z = 0, say) would reach the fit as a number; stop here. */
function finiteValue(v: Value, name: string): Value {
  if (v.kind === "factor") return v;
  const n = v.kind === "matrix" ? v.values.length / v.ncol : v.values.length;
  for (let k = 0; k < v.values.length; k++) {
    const x = v.values[k]!;
    if (x === Infinity || x === -Infinity) {
      throw new ModelError(`'${name}' is ${x > 0 ? "Inf" : "-Inf"} in row ${(k % n) + 1}; the model needs finite values`, name);
    }
  }
  return v;
}

/**
 * model.matrix codes a logical as a factor with both levels FALSE and TRUE whatever the rows hold
 * (R's model.c: a logical has two levels), so an all-TRUE `I(x >= 0)` gives a constant column
 * `I(x >= 0)TRUE` that the rank check drops, where a one-level factor would be an error.
 */
function bothLogicalLevels(v: Value): Value {
  if (v.kind !== "factor" || !isLogical(v) || v.levels.length === 2) return v;
  const levels = ["FALSE", "TRUE"];
  const codes = Int32Array.from(v.codes, (c) => (c < 0 ? -1 : levels.indexOf(v.levels[c]!)));
  return { kind: "factor", codes, levels };
}

function dropUnusedIfFactor(v: Value): Value {
  return v.kind === "factor" ? subsetRows(v, Int32Array.from({ length: v.codes.length }, (_, i) => i)) : v;
}

/** The grouping factor of a random term: each variable made a factor, then their interaction. */
function groupingFactor(group: Term, ctx: EvalContext): FactorColumn {
  const factors = group.factors.map((f) => asFactor(evaluate(f, ctx), f, ctx));
  return factors.length === 1 ? factors[0]! : interactionFactor(factors);
}

function offsetValue(e: Expr, ctx: EvalContext): NumericColumn {
  const v = evaluate(e, ctx);
  if (v.kind === "factor") throw new ModelError(`offset '${ctx.label(e)}' must be numeric, not a factor`, ctx.label(e));
  if (v.kind === "matrix" && v.ncol !== 1) throw new ModelError(`offset '${ctx.label(e)}' must be one column`, ctx.label(e));
  return { kind: "numeric", values: v.values };
}

function givenOffsetOf(given: number[] | Float64Array | undefined, n: number): Float64Array | null {
  if (given === undefined) return null;
  if (given.length !== n) throw new ModelError(`offset has ${given.length} values but the data has ${n} rows`);
  const out = Float64Array.from(given, (g) => (typeof g === "number" ? g : NaN));
  for (let i = 0; i < n; i++) {
    if (out[i] === Infinity || out[i] === -Infinity) {
      throw new ModelError(`the offset is ${out[i]} in row ${i + 1}; the model needs finite values`, "offset");
    }
  }
  return out;
}

/** The offset: the sum of the offset() terms and the given vector (R adds them all). */
function sumOffsets(terms: NumericColumn[], given: Float64Array | null, n: number): Float64Array | null {
  if (terms.length === 0 && !given) return null;
  const out = given ? Float64Array.from(given) : new Float64Array(n);
  for (const t of terms) for (let i = 0; i < n; i++) out[i] = out[i]! + t.values[i]!;
  return out;
}

function weightsOf(given: number[] | Float64Array | string | undefined, table: DataTable, ctx: EvalContext): Float64Array | null {
  if (given === undefined) return null;
  let w: Float64Array;
  let label = "weights";
  if (typeof given === "string") {
    label = given;
    const col = evaluate({ kind: "name", name: given, quoted: false, start: 0, end: 0 }, ctx);
    if (col.kind !== "numeric") throw new ModelError(`weights column '${given}' must be numeric`, given);
    w = col.values;
  } else {
    if (given.length !== table.n) throw new ModelError(`weights has ${given.length} values but the data has ${table.n} rows`);
    w = Float64Array.from(given, (x) => (typeof x === "number" ? x : NaN));
  }
  for (let i = 0; i < w.length; i++) {
    if (w[i]! < 0) throw new ModelError(`negative weight ${w[i]} in row ${i + 1} of '${label}'`, label);
    if (w[i] === Infinity) throw new ModelError(`infinite weight in row ${i + 1} of '${label}'`, label);
  }
  return w;
}
