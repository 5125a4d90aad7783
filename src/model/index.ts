/**
 * The model stage's public entry: data in, construction plan, model matrices.
 */
export { compileModel, planModel, evalContext, type CompileOptions, type PlannedModel } from "./compile.js";
export { evaluate, asFactor, type EvalContext, type Value, type CallParameters } from "./evaluate.js";
export { readCsv, parseCsv } from "./csv.js";
export { toDataTable, type DataTable, type DataInput, type Column, type NumericColumn, type FactorColumn } from "./data.js";
export { describePlan } from "./describe.js";
export { ModelError } from "./errors.js";
export type { ModelMatrices, ReMat } from "./matrices.js";
export type { ConstructionPlan } from "./plan.js";
