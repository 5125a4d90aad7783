/**
 * The hypothesis matrices L (one per fixed-effects term, rows over the coefficients of X) of
 * lmerTest 3.1's Type I, II and III ANOVA tables (R/anova_contrasts.R, R/contrast_utils.R):
 *
 * - Type I: rows of the unit upper-triangular factor of X'X's Doolittle decomposition (sequential
 *   sums of squares), get_contrasts_type1.
 * - Type II: for a term contained in no other, the identity rows of its coefficients (marginal);
 *   for a contained term, Type I rows after moving the term and the terms containing it to the
 *   end of X (get_contrasts_type2_unfolded / get_contrasts_type2).
 * - Type III: SAS's Type III estimable functions, which do not depend on how factors are coded:
 *   the coefficients of the full indicator ("rank-deficient") design on the treatment-coded X,
 *   orthogonalised, higher-order terms first, against the terms containing each term
 *   (extract_contrasts_type3); then mapped to X's own coding (get_contrasts_type3).
 */
import type { MixedModel } from "../model.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { modelColumns, type VariableShape } from "../../model/coding.js";
import { fillColumns, frameValueOf } from "../../model/execute.js";
import { pivotedQrRank } from "../../model/rank.js";
import type { ColumnPlan } from "../../model/plan.js";
import { containment, fixedTermStructure, termColumns, type FixedTermStructure } from "./model-terms.js";
import { crossprod, LeastSquares, residualsOn, selectColumns, transpose, zapsmallRows, type Rows } from "./dense.js";

export type AnovaType = 1 | 2 | 3;

/** One term's hypothesis: L has one row per tested linear function of the coefficients. */
export interface TermHypothesis {
  term: string;
  L: Rows;
}

/**
 * lmerTest's doolittle(x, eps = 1e-6): x = L U with L unit lower-triangular; entries of L below
 * eps (absolute, as lmerTest) become 0, and a column of L whose pivot U[i,i] is below eps is 0.
 * Returns t(L), whose rows are the Type I hypotheses.
 */
export function doolittleUpper(x: Rows, eps = 1e-6): Rows {
  const n = x.length;
  const L: Rows = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? 1 : 0)));
  const U: Rows = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let u = x[i]![j]!;
      for (let k = 0; k < i; k++) u -= L[i]![k]! * U[k]![j]!;
      U[i]![j] = u;
    }
    for (let j = i + 1; j < n; j++) {
      let l = x[j]![i]!;
      for (let k = 0; k < i; k++) l -= L[j]![k]! * U[k]![i]!;
      L[j]![i] = Math.abs(U[i]![i]!) < eps ? 0 : l / U[i]![i]!;
    }
  }
  for (const row of L) for (let j = 0; j < n; j++) if (Math.abs(row[j]!) < eps) row[j] = 0;
  return transpose(L, n);
}

function rowsOf(L: Rows, rows: number[]): Rows {
  return rows.map((r) => L[r]!.slice());
}

/** Type I (get_contrasts_type1). */
function type1(m: ModelMatrices, s: FixedTermStructure): TermHypothesis[] {
  const p = m.p;
  if (p === 0) return [];
  const Lt = p === 1 ? [[1]] : doolittleUpper(crossprod(m.X, m.n, p));
  const cols = termColumns(s);
  return s.terms.map((t) => ({ term: t.label, L: rowsOf(Lt, cols.get(t.label)!) }));
}

/** Marginal hypotheses: identity rows for the term's coefficients (get_contrasts_marginal). */
function marginal(m: ModelMatrices, s: FixedTermStructure, label: string): Rows {
  return termColumns(s).get(label)!.map((j) => Array.from({ length: m.p }, (_, k) => (k === j ? 1 : 0)));
}

/** Type II for a term contained in others (get_contrasts_type2): Type I rows after reordering X
 *  to [unrelated terms, the term, the terms containing it]. */
function type2Contained(m: ModelMatrices, s: FixedTermStructure, label: string, containers: string[]): Rows {
  const cols = termColumns(s);
  const moved = [label, ...containers].flatMap((t) => cols.get(t)!);
  const order = [...Array.from({ length: m.p }, (_, j) => j).filter((j) => !moved.includes(j)), ...moved];
  const Lc = doolittleUpper(crossprod(selectColumns(m.X, m.n, order), m.n, m.p));
  const termCols = new Set(cols.get(label)!);
  // rows of the term, columns back in X's order
  const position = new Map(order.map((j, k) => [j, k]));
  return order
    .map((j, k) => ({ j, k }))
    .filter(({ j }) => termCols.has(j))
    .map(({ k }) => Array.from({ length: m.p }, (_, c) => Lc[k]![position.get(c)!]!));
}

/** Type II (get_contrasts_type2_unfolded). */
function type2(m: ModelMatrices, s: FixedTermStructure): TermHypothesis[] {
  const contained = containment(s);
  return s.terms.map((t) => {
    const containers = contained.get(t.label)!;
    return { term: t.label, L: containers.length === 0 ? marginal(m, s, t.label) : type2Contained(m, s, t.label, containers) };
  });
}

/** How the coding stage sees each variable, with every factor unordered (contr.treatment). */
function treatmentShapes(m: ModelMatrices): (v: string) => VariableShape {
  return (v) => {
    // a name can be listed twice: as a model variable and as a grouping factor (lme4's factorize)
    const found =
      m.plan.variables.find((x) => x.name === v && !x.roles.every((r) => r === "grouping")) ?? m.plan.variables.find((x) => x.name === v);
    if (!found) throw new Error(`internal: variable '${v}' is not in the plan`);
    if (found.type === "factor") return { type: "factor", levels: found.levels! };
    if (found.type === "matrix") return { type: "matrix", columns: found.columns! };
    return { type: "numeric" };
  };
}

interface Design {
  X: Float64Array;
  names: string[];
  s: FixedTermStructure;
}

/**
 * X re-made with contr.treatment for every factor, then lmerTest's ensure_full_rank (the pivoted
 * QR's first `rank` columns, tol 1e-7). Only needed when X codes some factor otherwise (an
 * ordered factor's contr.poly).
 */
function treatmentDesign(m: ModelMatrices, s: FixedTermStructure): Design {
  const frame = m.frame!;
  const columns = modelColumns(
    s.terms.map((t) => ({ label: t.label, variables: t.variables })),
    s.intercept,
    treatmentShapes(m),
  );
  const full = fillColumns(columns, frameValueOf(frame), m.n);
  const { rank, pivot } = pivotedQrRank(full, m.n, columns.length);
  const kept = Array.from(pivot.subarray(0, rank)).sort((a, b) => a - b);
  const labels = s.terms.map((t) => t.label);
  const assign = kept.map((j) => (columns[j]!.term === "(Intercept)" ? 0 : labels.indexOf(columns[j]!.term) + 1));
  return { X: selectColumns(full, m.n, kept), names: kept.map((j) => columns[j]!.name), s: { ...s, assign } };
}

/** The full indicator design's columns: the intercept and, per term, `~ 0 + term` (lmerTest get_rdX). */
function rankDeficientColumns(m: ModelMatrices, s: FixedTermStructure): ColumnPlan[] {
  const shapes = treatmentShapes(m);
  const out: ColumnPlan[] = s.intercept ? [{ name: "(Intercept)", term: "(Intercept)", coding: "intercept", pieces: [] }] : [];
  for (const t of s.terms) out.push(...modelColumns([{ label: t.label, variables: t.variables }], false, shapes));
  return out;
}

/** extract_contrasts_type3 on a full-rank treatment-coded design. */
function type3Treatment(m: ModelMatrices, d: Design): Map<string, Rows> {
  const n = m.n;
  const p = d.names.length;
  const rd = rankDeficientColumns(m, d.s);
  const ls = new LeastSquares(d.X, n, p);
  // L = t(ginv(X) rdX): a row per rdX column, a column per coefficient; one rdX column at a time
  let L: Rows = rd.map((c) => ls.solve(fillColumns([c], frameValueOf(m.frame!), n)));
  L = zapsmallRows(L);
  const cols = termColumns(d.s);
  const contained = containment(d.s);
  // orthogonalise higher-order terms first (R's order(order, decreasing = TRUE) is stable)
  const byOrder = d.s.terms.map((t, k) => ({ t, k })).sort((a, b) => b.t.order - a.t.order || a.k - b.k);
  for (const { t } of byOrder) {
    const containers = contained.get(t.label)!;
    if (containers.length === 0) continue;
    const own = cols.get(t.label)!;
    const against = containers.flatMap((c) => cols.get(c)!);
    if (own.length === 0) continue;
    const A = L.map((row) => against.map((j) => row[j]!));
    const Y = L.map((row) => own.map((j) => row[j]!));
    const R = zapsmallRows(against.length === 0 ? Y : residualsOn(A, Y));
    L.forEach((row, i) => own.forEach((j, k) => (row[j] = R[i]![k]!)));
  }
  // keep the rows of the model's coefficients (rdX's columns named as X's)
  const index = new Map(rd.map((c, i) => [c.name, i]));
  const Lp = d.names.map((name) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`internal: coefficient '${name}' has no column in the full indicator design`);
    return L[i]!;
  });
  const out = new Map<string, Rows>();
  for (const t of d.s.terms) {
    const own = cols.get(t.label)!;
    const rows = own.map((j) => Lp.map((row) => row[j]!)).filter((r) => r.reduce((a, x) => a + Math.abs(x), 0) > 1e-8);
    out.set(t.label, rows);
  }
  return out;
}

/** Type III (get_contrasts_type3). */
function type3(m: ModelMatrices, s: FixedTermStructure): TermHypothesis[] {
  if (!m.frame) throw new Error("Type III hypotheses need the model frame: fit the model with lmer()");
  const treatmentOnly = m.plan.fixed.columns.every((c) => c.pieces.every((piece) => piece.coding !== "poly-contrast"));
  if (treatmentOnly) {
    const L = type3Treatment(m, { X: m.X, names: m.xNames, s });
    return s.terms.map((t) => ({ term: t.label, L: L.get(t.label)! }));
  }
  // other codings: the treatment-coded hypotheses mapped by zapsmall(ginv(Xt) X)
  const d = treatmentDesign(m, s);
  const L = type3Treatment(m, d);
  const ls = new LeastSquares(d.X, m.n, d.names.length);
  const map = zapsmallRows(transpose(Array.from({ length: m.p }, (_, j) => ls.solve(m.X.subarray(j * m.n, (j + 1) * m.n))), d.names.length));
  return s.terms.map((t) => ({
    term: t.label,
    L: L.get(t.label)!.map((row) => Array.from({ length: m.p }, (_, j) => row.reduce((acc, x, k) => acc + x * map[k]![j]!, 0))),
  }));
}

/** The hypothesis matrix of every fixed-effects term for an ANOVA table of the given type. */
export function termHypotheses(model: MixedModel | ModelMatrices, type: AnovaType): TermHypothesis[] {
  const m = "matrices" in model ? model.matrices : model;
  const s = fixedTermStructure(m);
  // lmerTest: a model with at most one term (or column) gets Type I hypotheses whatever the type
  if (type === 1 || m.p <= 1 || s.terms.length <= 1) return type1(m, s);
  return type === 2 ? type2(m, s) : type3(m, s);
}
