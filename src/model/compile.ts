/**
 * compileModel: formula + data → ModelMatrices, through the stages lme4's lFormula has
 * (formula terms → model frame → construction plan → execution).
 */
import type { Expr } from "../../grammar/ast.js";
import { FormulaError } from "../../grammar/errors.js";
import { formulaTerms } from "../formula/index.js";
import { deparse } from "../formula/deparse.js";
import { closestName } from "../formula/suggest.js";
import type { FormulaTerms } from "../formula/terms.js";
import { toDataTable, type DataInput, type DataTable } from "./data.js";
import { ModelError } from "./errors.js";
import type { EvalContext } from "./evaluate.js";
import { buildFrame, type ModelFrame } from "./frame.js";
import { buildPlan } from "./build-plan.js";
import { executePlan } from "./execute.js";
import type { ModelMatrices } from "./matrices.js";
import type { ConstructionPlan } from "./plan.js";

export interface CompileOptions {
  /** "gaussian" (default), "binomial", "poisson", … : decides how the response is read and checked. */
  family?: string;
  /** Prior weights: one per data row, or the name of a numeric column. */
  weights?: number[] | Float64Array | string;
  /** An offset added to the linear predictor, one per data row (summed with any offset() terms). */
  offset?: number[] | Float64Array;
}

/** The plan and the frame it was made from, before execution. */
export interface PlannedModel {
  terms: FormulaTerms;
  frame: ModelFrame;
  plan: ConstructionPlan;
}

/**
 * The context for evaluating formula variables over `table`. With a plan, data-dependent calls
 * (scale, poly) reuse the plan's parameters, so new data are evaluated as the fit's data were.
 */
export function evalContext(table: DataTable, plan?: ConstructionPlan): EvalContext {
  return {
    table,
    label: (e: Expr) => deparse(e),
    suggest: (name, candidates) => closestName(name, candidates),
    parameters: new Map(Object.entries(plan?.callParameters ?? {})),
  };
}

/** Formula terms, model frame and construction plan (no matrices yet). */
export function planModel(formula: string, data: DataInput | DataTable, options: CompileOptions = {}): PlannedModel {
  const table = toDataTable(data);
  const family = options.family ?? "gaussian";
  const terms = termsFor(formula, table);
  const ctx = evalContext(table);
  if (options.weights !== undefined && typeof options.weights !== "string" && !isNumberArray(options.weights)) {
    throw new ModelError("options.weights must be an array of numbers or a column name");
  }
  const frame = buildFrame(terms, table, options, ctx);
  const plan = buildPlan(formula, terms, frame, ctx.label, {
    family,
    callParameters: ctx.parameters!,
    weights: options.weights === undefined ? "none" : typeof options.weights === "string" ? "column" : "vector",
    ...(typeof options.weights === "string" ? { weightsColumn: options.weights } : {}),
    offsetVector: options.offset !== undefined,
  });
  return { terms, frame, plan };
}

/**
 * The formula's terms, checked against the data's columns. A formula whose only problems are
 * unknown columns is a data problem: it becomes a ModelError naming the column (with the closest
 * existing name), carrying the formula stage's error for its caret rendering.
 */
function termsFor(formula: string, table: DataTable): FormulaTerms {
  try {
    return formulaTerms(formula, { columns: table.names, requireResponse: true });
  } catch (e) {
    if (!(e instanceof FormulaError)) throw e;
    const unknown = e.errors.map((x) => /^unknown column '(.*)'$/.exec(x.message));
    if (unknown.length === 0 || unknown.some((m) => m === null)) throw e;
    const names = unknown.map((m) => m![1]!);
    const hints = e.errors.map((x, k) => {
      const close = closestName(names[k]!, table.names);
      return `unknown column '${names[k]}'${close ? `; did you mean '${close}'?` : ""}`;
    });
    throw new ModelError(
      `${hints.join("; ")} (the data has columns: ${table.names.join(", ")})`,
      names[0],
      e,
    );
  }
}

function isNumberArray(x: unknown): boolean {
  return x instanceof Float64Array || (Array.isArray(x) && x.every((v) => typeof v === "number" || v === null));
}

/**
 * Build the model matrices for `formula` over `data` (a danfo DataFrame, an array of records, an
 * object of column arrays, or a DataTable from readCsv). The data is never modified.
 */
export function compileModel(formula: string, data: DataInput | DataTable, options: CompileOptions = {}): ModelMatrices {
  const table = toDataTable(data);
  const { frame, plan } = planModel(formula, table, options);
  return { ...executePlan(plan, frame), data: table };
}
