/**
 * predict(): population-level or conditional predictions, at the fitted data or at new data, as
 * lme4's predict.merMod does (R/predict.R): η = Xβ + offset (re.form = NA) or η = Xβ + Zb + offset
 * (re.form = NULL, all random effects), on the link or the response scale. At new data, a
 * grouping-factor level the fit never saw gets zero random effects when allowNewLevels is set
 * (lme4's allow.new.levels = TRUE) and is an error otherwise.
 *
 * New data go through the fit's own construction plan (src/model/plan.ts): each model-matrix
 * column is rebuilt from its pieces, with factor levels matched by label, so that `factor(period)`
 * at period = 1, 2, 4 gives the fit's own contrast columns.
 */
import type { Expr } from "../../grammar/ast.js";
import { makeFamily } from "../fit/family/index.js";
import type { FittedModel } from "../fit/fitted.js";
import { deparse, formulaTerms } from "../formula/index.js";
import { evalContext } from "../model/compile.js";
import { toDataTable, type DataInput, type DataTable } from "../model/data.js";
import { asFactor, evaluate, type EvalContext, type Value } from "../model/evaluate.js";
import type { ColumnPlan, ConstructionPlan } from "../model/plan.js";
import { MixedModel } from "./model.js";

export class PredictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PredictError";
  }
}

export interface PredictOptions {
  /** null: population level (lme4's re.form = NA); undefined (default): conditional on all
   *  random effects (re.form = NULL). */
  reForm?: null | undefined;
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

/** The design of new data under the fit's plan: X (column-major, the fit's kept columns), the
 *  offset, and per random-effects term the level index (−1 for a new level) and z values. */
export interface NewDesign {
  n: number;
  X: Float64Array;
  offset: Float64Array;
  terms: { refs: Int32Array; z: Float64Array }[];
}

function isPlan(plan: unknown): plan is ConstructionPlan {
  const p = plan as Partial<ConstructionPlan>;
  return Array.isArray(p?.fixed?.columns) && Array.isArray(p?.random);
}

/** Every variable expression of the formula by R's name for it. */
function formulaVariables(formula: string): Map<string, Expr> {
  const terms = formulaTerms(formula);
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

/** With `fixedOnly`, only X is built (the data need no grouping factors or offset variables;
 *  emmeans' reference grid uses it), and `offset` is zero and `terms` empty. */
export function newDataDesign(
  fit: FittedModel,
  data: DataInput | DataTable,
  offset?: ArrayLike<number>,
  options: { fixedOnly?: boolean } = {},
): NewDesign {
  const m = fit.matrices;
  const plan = m.plan;
  if (!isPlan(plan)) throw new PredictError("this fit has no construction plan, so new data cannot be predicted");
  const table = toDataTable(data);
  const n = table.n;
  // With the plan, scale() and poly() reuse the fit's centring and coefficients (R's predvars).
  const ctx: EvalContext = evalContext(table, plan);
  const exprs = formulaVariables(plan.formula);
  const cache = new Map<string, Value>();
  const valueOf = (name: string): Value => {
    let v = cache.get(name);
    if (!v) {
      const e = exprs.get(name);
      if (!e) throw new PredictError(`cannot evaluate '${name}' for the new data`);
      v = evaluate(e, ctx);
      cache.set(name, v);
    }
    return v;
  };
  const labelsOf = (name: string): string[] => {
    const f = asFactor(valueOf(name), exprs.get(name)!, ctx);
    return Array.from(f.codes, (c) => (c < 0 ? "" : f.levels[c]));
  };

  const fillColumn = (c: ColumnPlan, out: Float64Array) => {
    out.fill(1);
    for (const piece of c.pieces) {
      if (piece.coding === "numeric") {
        const v = valueOf(piece.variable);
        if (v.kind !== "numeric") throw new PredictError(`'${piece.variable}' must be numeric in the new data, as it was in the fit`);
        for (let i = 0; i < n; i++) out[i] *= v.values[i];
      } else if (piece.coding === "matrix") {
        const v = valueOf(piece.variable);
        if (v.kind !== "matrix") throw new PredictError(`'${piece.variable}' must give a matrix for the new data, as it did in the fit`);
        for (let i = 0; i < n; i++) out[i] *= v.values[piece.column * n + i];
      } else if (piece.coding === "poly-contrast") {
        const labels = labelsOf(piece.variable);
        for (let i = 0; i < n; i++) {
          const k = piece.levels.indexOf(labels[i]);
          if (labels[i] !== "" && k < 0) throw new PredictError(`factor ${piece.variable} has new level ${labels[i]} in the new data (row ${i + 1}); the fit's levels are ${piece.levels.join(", ")}`);
          out[i] *= k < 0 ? NaN : piece.values[k];
        }
      } else {
        const labels = labelsOf(piece.variable);
        const known = plan.variables.find((v) => v.name === piece.variable)?.levels;
        for (let i = 0; i < n; i++) {
          if (known && labels[i] !== "" && !known.includes(labels[i])) {
            throw new PredictError(`factor ${piece.variable} has new level ${labels[i]} in the new data (row ${i + 1}); the fit's levels are ${known.join(", ")}`);
          }
          if (labels[i] !== piece.level) out[i] = 0;
        }
      }
    }
    for (let i = 0; i < n; i++) if (Number.isNaN(out[i])) throw new PredictError(`missing value in the new data (row ${i + 1}) for column ${c.name}`);
  };

  const X = new Float64Array(n * m.p);
  m.xNames.forEach((name, j) => {
    const c = plan.fixed.columns.find((col) => col.name === name);
    if (!c) throw new PredictError(`the plan has no column '${name}'`);
    fillColumn(c, X.subarray(j * n, (j + 1) * n));
  });

  const off = new Float64Array(n);
  if (options.fixedOnly) return { n, X, offset: off, terms: [] };
  if (offset) for (let i = 0; i < n; i++) off[i] = offset[i];
  for (const text of plan.offset.terms) {
    const v = valueOf(text);
    if (v.kind !== "numeric") throw new PredictError(`offset ${text} must be numeric`);
    for (let i = 0; i < n; i++) off[i] += v.values[i];
  }

  const terms = plan.random.map((t, k) => {
    const re = m.reTerms[k];
    const p = t.columns.length;
    const zCols = new Float64Array(n * p);
    t.columns.forEach((c, j) => fillColumn(c, zCols.subarray(j * n, (j + 1) * n)));
    const z = new Float64Array(n * p);
    for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) z[i * p + j] = zCols[j * n + i];
    const parts = t.groupVariables.map(labelsOf);
    const index = new Map(re.levels.map((l, i) => [l, i]));
    const refs = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const label = parts.map((pp) => pp[i]).join(":");
      refs[i] = index.get(label) ?? -1;
    }
    return { refs, z };
  });
  return { n, X, offset: off, terms };
}

/** Levels in the new data that the fit never saw, per grouping factor. */
function newLevels(fit: FittedModel, design: NewDesign, data: DataTable): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const plan = fit.matrices.plan as ConstructionPlan;
  plan.random.forEach((t, k) => {
    const refs = design.terms[k].refs;
    const labels = new Set<string>();
    for (let i = 0; i < refs.length; i++) {
      if (refs[i] >= 0) continue;
      labels.add(t.groupVariables.map((v) => groupLabel(data, v, i)).join(":"));
    }
    if (labels.size > 0) out.set(t.group, [...labels]);
  });
  return out;
}

function groupLabel(data: DataTable, variable: string, i: number): string {
  const col = data.columns.get(variable);
  if (!col) return "?";
  if (col.kind === "factor") return col.codes[i] < 0 ? "NA" : col.levels[col.codes[i]];
  return String(col.values[i]);
}

export function predict(model: ModelInput, newdata?: DataInput | DataTable, options: PredictOptions = {}): Float64Array {
  const fit = fittedModelOf(model);
  const m = fit.matrices;
  const type = options.type ?? "link";
  const linkinv = makeFamily(fit.family, fit.link).link.linkinv;
  const population = options.reForm === null;
  if (newdata === undefined) {
    if (!population) return Float64Array.from(type === "link" ? fit.eta : fit.mu);
    const eta = new Float64Array(m.n);
    for (let i = 0; i < m.n; i++) {
      let v = m.offset[i];
      for (let j = 0; j < m.p; j++) v += m.X[j * m.n + i] * fit.beta[j];
      eta[i] = v;
    }
    return type === "link" ? eta : eta.map(linkinv);
  }
  const table = toDataTable(newdata);
  const d = newDataDesign(fit, table, options.offset);
  const eta = new Float64Array(d.n);
  for (let i = 0; i < d.n; i++) {
    let v = d.offset[i];
    for (let j = 0; j < m.p; j++) v += d.X[j * d.n + i] * fit.beta[j];
    eta[i] = v;
  }
  if (!population) {
    const unseen = newLevels(fit, d, table);
    if (unseen.size > 0 && !options.allowNewLevels) {
      const what = [...unseen].map(([g, ls]) => `${ls.join(", ")} of grouping factor ${g}`).join("; ");
      throw new PredictError(`new levels detected in newdata: ${what}. Pass allowNewLevels: true to predict them with zero random effects, or reForm: null for population-level predictions`);
    }
    m.reTerms.forEach((t, k) => {
      const p = t.columnNames.length;
      const b = fit.ranef[k];
      const { refs, z } = d.terms[k];
      for (let i = 0; i < d.n; i++) {
        const r = refs[i];
        if (r < 0) continue;
        for (let j = 0; j < p; j++) eta[i] += z[i * p + j] * b[r * p + j];
      }
    });
  }
  return type === "link" ? eta : eta.map(linkinv);
}
