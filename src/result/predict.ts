/**
 * predict(): population-level or conditional predictions, at the fitted data or at new data, as
 * lme4's predict.merMod does (R/predict.R): η = offset + Xβ (re.form = NA), η = offset + Xβ + Zb
 * (re.form = NULL, all random effects), or with only the random-effects columns a formula names
 * (re.form = ~ (1 | Subject): lme4's mkNewReTrms takes, per grouping factor, the named columns
 * of ranef()), on the link or the response scale. η is src/fit/linear-predictor.ts's.
 *
 * At new data, a grouping-factor level the fit never saw (or a missing one) gets zero random
 * effects when allowNewLevels is set (lme4's allow.new.levels = TRUE) and is an error otherwise;
 * a missing value in any other variable the prediction uses gives NaN (R's NA) for that row.
 *
 * New data go through the fit's own construction plan with the fit stage's column builder
 * (src/model/execute.ts fillColumns): factor levels are matched by label and coded by the fit's
 * level indices, so `factor(period)` at period = 1, 2, 4 gives the fit's own contrast columns.
 */
import type { Expr } from "../../grammar/ast.js";
import { familyOfFit } from "../fit/family/index.js";
import type { FittedModel } from "../fit/fitted.js";
import { linearPredictor, type LinearDesign } from "../fit/linear-predictor.js";
import { deparse, formulaTerms } from "../formula/index.js";
import type { RandomTerm } from "../formula/terms.js";
import { evalContext } from "../model/compile.js";
import { toDataTable, type DataInput, type DataTable, type FactorColumn } from "../model/data.js";
import { asFactor, evaluate, type EvalContext, type Value } from "../model/evaluate.js";
import { fillColumns, randomTermZ } from "../model/execute.js";
import type { ColumnPlan, ConstructionPlan } from "../model/plan.js";
import { MixedModel } from "./model.js";
import { MixedModelsError } from "../errors.js";

export class PredictError extends MixedModelsError {
  constructor(message: string) {
    super(message);
    this.name = "PredictError";
  }
}

export interface PredictOptions {
  /** null: population level (lme4's re.form = NA); undefined (default): conditional on all
   *  random effects (re.form = NULL); a one-sided formula such as "~ (1 | Subject)": only the
   *  random-effects columns it names ("~ 0": none). */
  reForm?: null | undefined | string;
  /** Give levels of a grouping factor the fit never saw zero random effects (default false: error). */
  allowNewLevels?: boolean;
  /** "link" (default for lme4's predict) or "response". */
  type?: "link" | "response";
  /** An offset for the new rows, when the fit had one given as a vector (formula offset() terms
   *  are evaluated from the new data). */
  offset?: ArrayLike<number>;
}

/** A fit object or the fit stage's FittedModel. */
export type ModelInput = MixedModel | FittedModel;

export function fittedModelOf(model: ModelInput): FittedModel {
  return model instanceof MixedModel ? model.fit : model;
}

/** Which random-effects columns enter η: per fit term, a flag per column (null: none of them). */
export type RandomSelection = (boolean[] | null)[];

/**
 * The columns re.form names (lme4's mkNewReTrms): each bar's grouping factor must be one of the
 * fit's, and each of its columns a column the fit has for that factor; all of them are taken.
 */
export function selectRandomEffects(fit: FittedModel, reForm: null | undefined | string): RandomSelection {
  const m = fit.matrices;
  if (reForm === undefined) return m.reTerms.map((t) => t.columnNames.map(() => true));
  const none: RandomSelection = m.reTerms.map(() => null);
  if (reForm === null) return none;
  if (typeof reForm !== "string") throw new PredictError(`reForm must be null, undefined or a formula such as "~ (1 | g)", not ${JSON.stringify(reForm)}`);
  const text = reForm.trim();
  if (text === "NA") return none;
  const terms = formulaTerms(text.startsWith("~") ? text : `~ ${text}`);
  const plan = planOf(fit);
  const sel = none;
  for (const r of terms.random) {
    const wanted = randomColumnTerms(r);
    const candidates = plan.random.map((t, k) => ({ t, k })).filter(({ t }) => t.group === r.group.label);
    if (candidates.length === 0) {
      throw new PredictError(`grouping factor ${r.group.label} in reForm is not one of the model's (${[...new Set(plan.random.map((t) => t.group))].join(", ")})`);
    }
    for (const w of wanted) {
      let found = false;
      for (const { t, k } of candidates) {
        t.columns.forEach((c, j) => {
          if (c.term !== w) return;
          (sel[k] ??= t.columns.map(() => false))[j] = true;
          found = true;
        });
      }
      if (!found) throw new PredictError(`random effect '${w}' of ${r.group.label} in reForm is not in the model`);
    }
  }
  return sel;
}

/** The bar's columns as plan column terms: "(Intercept)" for the intercept, then the term labels. */
function randomColumnTerms(r: RandomTerm): string[] {
  return [...(r.intercept ? ["(Intercept)"] : []), ...r.terms.map((t) => t.label)];
}

function planOf(fit: FittedModel): ConstructionPlan {
  const p = fit.matrices.plan as Partial<ConstructionPlan> | undefined;
  if (!Array.isArray(p?.fixed?.columns) || !Array.isArray(p?.random)) {
    throw new PredictError("this fit has no construction plan, so new data cannot be predicted");
  }
  return p as ConstructionPlan;
}

/** Every variable expression of the formula by R's name for it. */
function formulaVariables(formula: string, columns?: readonly string[]): Map<string, Expr> {
  const terms = formulaTerms(formula, columns ? { columns } : {});
  const out = new Map<string, Expr>();
  const add = (e: Expr) => out.set(deparse(e), e);
  for (const t of terms.fixed.terms) t.factors.forEach(add);
  for (const r of terms.random) {
    r.group.factors.forEach(add);
    for (const t of r.terms) t.factors.forEach(add);
  }
  // The plan names offsets by the whole call, `offset(log(n))`; formulaTerms gives the argument.
  for (const e of terms.offsets) {
    add(e);
    out.set(`offset(${deparse(e)})`, e);
  }
  return out;
}

/** New data's design under the fit's plan, for the selected random-effects terms. Each selected
 *  term has one more level than the fit's, the zero slot, that new levels point to; `missing`
 *  flags rows where a variable the prediction uses is missing; `newLevels` the unseen levels. */
export interface NewDesign extends LinearDesign {
  /** Fit term index of each of `reTerms`. */
  termIndex: number[];
  missing: Uint8Array;
  newLevels: Map<string, string[]>;
}

/** The variables of new data as the fit coded them: numbers as they are, factors with codes
 *  indexing the fit's levels (an unseen level is an error, as R's model.frame with xlev). */
class NewDataValues {
  private readonly ctx: EvalContext;
  private readonly exprs: Map<string, Expr>;
  private readonly cache = new Map<string, Value>();
  readonly missing: Uint8Array;

  constructor(
    private readonly plan: ConstructionPlan,
    readonly table: DataTable,
    fitColumns?: readonly string[],
  ) {
    // With the plan, scale() and poly() reuse the fit's centring and coefficients (R's predvars);
    // the fit's data columns give a `.` in the formula the meaning it had for the fit.
    this.ctx = evalContext(table, plan);
    this.exprs = formulaVariables(plan.formula, fitColumns);
    this.missing = new Uint8Array(table.n);
  }

  private evaluated(name: string): Value {
    const e = this.exprs.get(name);
    if (!e) throw new PredictError(`cannot evaluate '${name}' for the new data`);
    return evaluate(e, this.ctx);
  }

  /** Factor labels per row ("" where missing). */
  labels(name: string): string[] {
    const e = this.exprs.get(name);
    if (!e) throw new PredictError(`cannot evaluate '${name}' for the new data`);
    const f = asFactor(this.evaluated(name), e, this.ctx);
    return Array.from(f.codes, (c) => (c < 0 ? "" : f.levels[c]));
  }

  /** The value fillColumns reads; marks rows with a missing value. */
  readonly valueOf = (name: string): Value => {
    let v = this.cache.get(name);
    if (v) return v;
    const planned = this.plan.variables.find((x) => x.name === name);
    if (planned?.type === "factor") {
      const known = planned.levels ?? [];
      const index = new Map(known.map((l, i) => [l, i]));
      const labels = this.labels(name);
      const codes = new Int32Array(labels.length);
      labels.forEach((l, i) => {
        if (l === "") {
          codes[i] = -1;
          this.missing[i] = 1;
          return;
        }
        const k = index.get(l);
        if (k === undefined) throw new PredictError(`factor ${name} has new level ${l} in the new data (row ${i + 1}); the fit's levels are ${known.join(", ")}`);
        codes[i] = k;
      });
      v = { kind: "factor", codes, levels: known } satisfies FactorColumn;
    } else {
      v = this.evaluated(name);
      if (planned?.type === "numeric" && v.kind !== "numeric") throw new PredictError(`'${name}' must be numeric in the new data, as it was in the fit`);
      if (planned?.type === "matrix" && v.kind !== "matrix") throw new PredictError(`'${name}' must give a matrix for the new data, as it did in the fit`);
      if (v.kind !== "factor") {
        const n = this.table.n;
        for (let i = 0; i < v.values.length; i++) if (Number.isNaN(v.values[i])) this.missing[i % n] = 1;
      }
    }
    this.cache.set(name, v);
    return v;
  };
}

/** `selection` (default: every random-effects column) says which terms get a design; with
 *  `fixedOnly` only X is built (the data need no grouping factors or offset variables; emmeans'
 *  reference grid uses it), and the offset is zero and there are no terms. */
export function newDataDesign(
  fit: FittedModel,
  data: DataInput | DataTable,
  offset?: ArrayLike<number>,
  options: { fixedOnly?: boolean; selection?: RandomSelection } = {},
): NewDesign {
  const selection = options.selection ?? fit.matrices.reTerms.map((t) => t.columnNames.map(() => true));
  const m = fit.matrices;
  const plan = planOf(fit);
  const table = toDataTable(data);
  const n = table.n;
  const values = new NewDataValues(plan, table, m.data?.names);
  const columns = m.xNames.map((name) => {
    const c = plan.fixed.columns.find((col) => col.name === name);
    if (!c) throw new PredictError(`the plan has no column '${name}'`);
    return c;
  });
  const X = fillColumns(columns, values.valueOf, n);

  const off = new Float64Array(n);
  if (options.fixedOnly) return { n, p: m.p, X, offset: off, reTerms: [], termIndex: [], missing: values.missing, newLevels: new Map() };
  if (offset) for (let i = 0; i < n; i++) off[i] = offset[i];
  for (const text of plan.offset.terms) {
    const v = values.valueOf(text);
    if (v.kind !== "numeric") throw new PredictError(`offset ${text} must be numeric`);
    for (let i = 0; i < n; i++) off[i] += v.values[i];
  }

  const reTerms: NewDesign["reTerms"][number][] = [];
  const termIndex: number[] = [];
  const newLevels = new Map<string, string[]>();
  plan.random.forEach((t, k) => {
    if (selection[k] === null) return;
    const re = m.reTerms[k];
    const cols: ColumnPlan[] = t.columns;
    const z = randomTermZ(cols, values.valueOf, n);
    const parts = t.groupVariables.map((v) => values.labels(v));
    const index = new Map(re.levels.map((l, i) => [l, i]));
    const zeroSlot = re.levels.length;
    const refs = new Int32Array(n);
    const unseen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const labels = parts.map((pp) => pp[i]);
      const r = labels.includes("") ? undefined : index.get(labels.join(":"));
      if (r === undefined) unseen.add(labels.includes("") ? "NA" : labels.join(":"));
      refs[i] = r ?? zeroSlot;
    }
    if (unseen.size > 0) newLevels.set(t.group, [...(newLevels.get(t.group) ?? []), ...unseen]);
    reTerms.push({ refs, z, columnNames: re.columnNames, levels: [...re.levels, "(new level)"] });
    termIndex.push(k);
  });
  return { n, p: m.p, X, offset: off, reTerms, termIndex, missing: values.missing, newLevels };
}

/** b for a design's terms: each selected term's conditional modes with unselected columns zeroed,
 *  followed by the zero slot when the design has one. */
function selectedModes(fit: FittedModel, termIndex: number[], selection: RandomSelection, zeroSlot: boolean): Float64Array {
  const parts: number[] = [];
  for (const k of termIndex) {
    const t = fit.matrices.reTerms[k];
    const p = t.columnNames.length;
    const use = selection[k]!;
    const b = fit.ranef[k];
    for (let l = 0; l < t.levels.length; l++) for (let j = 0; j < p; j++) parts.push(use[j] ? b[l * p + j] : 0);
    if (zeroSlot) for (let j = 0; j < p; j++) parts.push(0);
  }
  return Float64Array.from(parts);
}

export function predict(model: ModelInput, newdata?: DataInput | DataTable, options: PredictOptions = {}): Float64Array {
  const fit = fittedModelOf(model);
  const m = fit.matrices;
  const type = options.type ?? "link";
  const linkinv = familyOfFit(fit).link.linkinv;
  const selection = selectRandomEffects(fit, options.reForm);
  const scale = (eta: Float64Array) => (type === "link" ? eta : eta.map(linkinv));
  if (newdata === undefined) {
    if (options.reForm === undefined) return Float64Array.from(type === "link" ? fit.eta : fit.mu);
    const terms = m.reTerms.map((_, k) => k);
    const design: LinearDesign = { ...m, reTerms: m.reTerms };
    return scale(linearPredictor(design, fit.beta, selectedModes(fit, terms, selection.map((s, k) => s ?? m.reTerms[k].columnNames.map(() => false)), false)));
  }
  const d = newDataDesign(fit, newdata, options.offset, { selection });
  if (d.newLevels.size > 0 && !options.allowNewLevels) {
    const what = [...d.newLevels].map(([g, ls]) => `${ls.join(", ")} of grouping factor ${g}`).join("; ");
    throw new PredictError(`new levels detected in newdata: ${what}. Pass allowNewLevels: true to predict them with zero random effects, or reForm: null for population-level predictions`);
  }
  const eta = linearPredictor(d, fit.beta, d.reTerms.length > 0 ? selectedModes(fit, d.termIndex, selection, true) : null);
  for (let i = 0; i < d.n; i++) if (d.missing[i]) eta[i] = NaN;
  return scale(eta);
}
