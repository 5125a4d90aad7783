/**
 * From the formula's terms and the model frame to a ConstructionPlan: the response's coding, every
 * fixed-effects column, every random-effects term with its Λ block and θ entries, in lme4's order
 * and with lme4's names (lme4 R/utilities.R mkReTrms, mkBlist; JSS 2015 §2.3).
 */
import type { Expr } from "../../grammar/ast.js";
import type { FormulaTerms, RandomTerm, Term } from "../formula/terms.js";
import { covarianceOfPlan, DEFAULT_HOM, makeCovariance, thetaVectors, type CovarianceStructure } from "./covariance/index.js";
import { ModelError } from "./errors.js";
import { modelColumns, type CodedTerm, type VariableShape } from "./coding.js";
import type { ModelFrame } from "./frame.js";
import type { CallParameters } from "./evaluate.js";
import type {
  ColumnPlan,
  ConstructionPlan,
  RandomTermPlan,
  ResponsePlan,
  VariablePlan,
} from "./plan.js";

export interface PlanOptions {
  family: string;
  callParameters: Map<string, CallParameters>;
  weights: "none" | "column" | "vector";
  weightsColumn?: string;
  offsetVector: boolean;
}

export function buildPlan(
  formula: string,
  terms: FormulaTerms,
  frame: ModelFrame,
  label: (e: Expr) => string,
  options: PlanOptions,
): ConstructionPlan {
  const shapeOf = (v: string): VariableShape => {
    const value = frame.variables.get(v);
    if (!value) throw new ModelError(`internal: variable '${v}' is not in the model frame`, v);
    if (value.kind === "factor") return value.ordered ? { type: "factor", levels: value.levels, ordered: true } : { type: "factor", levels: value.levels };
    if (value.kind === "matrix") {
      return { type: "matrix", columns: value.colnames ?? Array.from({ length: value.ncol }, (_, k) => String(k + 1)) };
    }
    return { type: "numeric" };
  };
  const coded = (t: Term): CodedTerm => ({ label: t.label, variables: t.factors.map(label) });

  const family = options.family.toLowerCase();
  const response = responsePlan(terms, frame, label, family);
  const fixedColumns = modelColumns(terms.fixed.terms.map(coded), terms.fixed.intercept, shapeOf);
  const random = orderLikeLme4(
    terms.random.map((r) => randomTermPlan(r, frame, label, coded, shapeOf, formula)),
  );
  assignTheta(random);
  checkGroupingFactors(random, frame.n, family);

  const ngroups: Record<string, number> = {};
  for (const r of random) if (!(r.group in ngroups)) ngroups[r.group] = r.levels.length;
  const theta = thetaVectors(random.map(covarianceOfPlan));

  return {
    formula,
    family: options.family,
    response,
    weights: { source: options.weights, ...(options.weightsColumn ? { column: options.weightsColumn } : {}) },
    offset: { terms: terms.offsets.map((o) => `offset(${label(o)})`), vector: options.offsetVector },
    variables: variablePlans(frame, random),
    fixed: { intercept: terms.fixed.intercept, columns: fixedColumns },
    random,
    theta,
    callParameters: Object.fromEntries(options.callParameters),
    ngroups,
    rows: {
      total: frame.totalRows,
      used: frame.n,
      dropped: frame.droppedRows.length,
      droppedRows: frame.droppedRows,
      missingBy: frame.missingBy,
      ...(frame.zeroWeightRows > 0 ? { zeroWeight: frame.zeroWeightRows } : {}),
    },
  };
}

function variablePlans(frame: ModelFrame, random: RandomTermPlan[]): VariablePlan[] {
  const out: VariablePlan[] = [];
  const groups = new Map<string, RandomTermPlan>();
  for (const r of random) if (!groups.has(r.group)) groups.set(r.group, r);
  for (const [name, v] of frame.variables) {
    const roles = [...(frame.roles.get(name) ?? [])];
    if (v.kind === "factor") out.push({ name, type: "factor", levels: v.levels, roles });
    else if (v.kind === "matrix") {
      out.push({ name, type: "matrix", columns: v.colnames ?? Array.from({ length: v.ncol }, (_, k) => String(k + 1)), roles });
    } else out.push({ name, type: "numeric", roles });
  }
  // Grouping factors are factors whatever their columns are (lme4's factorize()).
  for (const [name, r] of groups) {
    const same = out.find((v) => v.name === name && v.type === "factor" && v.levels!.join("\u0000") === r.levels.join("\u0000"));
    if (same) {
      same.roles.push("grouping");
      continue;
    }
    out.push({
      name,
      type: "factor",
      levels: r.levels,
      roles: ["grouping"],
      ...(r.groupVariables.length > 1 ? { interactionOf: r.groupVariables } : {}),
    });
  }
  return out;
}

/** How y is read for the family (R's binomial()$initialize, lme4's lmer checks). */
function responsePlan(terms: FormulaTerms, frame: ModelFrame, label: (e: Expr) => string, family: string): ResponsePlan {
  if (!terms.response) throw new ModelError("the formula has no response: write it as 'y ~ ...'");
  const name = label(terms.response);
  const v = frame.variables.get(name)!;
  if (family === "binomial") {
    if (v.kind === "matrix") {
      if (v.ncol !== 2) throw new ModelError(`binomial response '${name}' must have two columns (successes, failures)`, name);
      return { expression: name, kind: "counts", variable: name };
    }
    if (v.kind === "factor") {
      return { expression: name, kind: "binary-factor", variable: name, failureLevel: v.levels[0]! };
    }
    for (const y of v.values) {
      if (y < 0 || y > 1) {
        throw new ModelError(
          `binomial response '${name}' has value ${y}; give 0/1, proportions with weights, a two-level factor, or cbind(successes, failures)`,
          name,
        );
      }
    }
    return { expression: name, kind: frame.weights ? "proportion" : "numeric", variable: name };
  }
  if (v.kind === "factor") {
    throw new ModelError(
      `response '${name}' is a factor (levels ${v.levels.slice(0, 4).join(", ")}${v.levels.length > 4 ? ", …" : ""}); a ${family} model needs a numeric response` +
        (v.levels.length === 2 ? " (use family 'binomial' for a two-level factor)" : ""),
      name,
    );
  }
  if (v.kind === "matrix" && v.ncol !== 1) {
    throw new ModelError(`response '${name}' has ${v.ncol} columns; only a binomial model takes cbind(successes, failures)`, name);
  }
  // The families' own checks (R's poisson()/Gamma()/inverse.gaussian() initialize).
  if (family === "poisson" || family === "negative.binomial") {
    for (const y of v.values) if (y < 0) throw new ModelError(`${family} response '${name}' has negative value ${y}`, name);
  }
  if (family === "gamma" || family === "inverse.gaussian") {
    for (const y of v.values) {
      if (y <= 0) throw new ModelError(`${family} response '${name}' has non-positive value ${y}; the family needs y > 0`, name);
    }
  }
  return { expression: name, kind: "numeric", variable: name };
}

function randomTermPlan(
  r: RandomTerm,
  frame: ModelFrame,
  label: (e: Expr) => string,
  coded: (t: Term) => CodedTerm,
  shapeOf: (v: string) => VariableShape,
  formula: string,
): RandomTermPlan {
  const group = frame.groups.get(r.group.label)!;
  const columns: ColumnPlan[] = modelColumns(r.terms.map(coded), r.intercept, shapeOf);
  if (columns.length === 0) {
    throw new ModelError(`random term '${formula.slice(r.span.start, r.span.end)}' has no columns`);
  }
  // lme4's expandDoubleVerts turns each piece of `(x || g)` into an ordinary bar, so a piece with
  // several columns (a factor: `(0 + f || g)`) still has a full lower-triangular block.
  const structure: CovarianceStructure = r.special?.structure ?? (r.correlated || columns.length > 1 ? "us" : "diag");
  const hom = r.special?.hom ?? DEFAULT_HOM[structure];
  if (structure === "ar1") checkAr1Columns(r, columns, formula);
  // θ entries are numbered from 0 here; assignTheta moves them to the term's place in θ
  const cov = makeCovariance({ structure, hom, group: r.group.label, columnNames: columns.map((c) => c.name), thetaOffset: 0 });
  const p = columns.length;
  return {
    group: r.group.label,
    groupVariables: frame.groupVariables.get(r.group.label) ?? r.group.factors.map(label),
    varCorrName: r.group.label,
    levels: group.levels,
    columns,
    correlated: cov.shape === "lower-triangular",
    covariance: { structure, hom, parameterNames: cov.names.slice() },
    lambda: { size: p, shape: cov.shape, entries: cov.planEntries() },
    thetaOffset: 0,
    thetaCount: cov.thetaCount,
    source: formula.slice(r.span.start, r.span.end),
    expanded: r.special ? `${structure}(${expandedLeft(r)} | ${r.group.label}${r.special.hom === null ? "" : `, hom = ${hom ? "TRUE" : "FALSE"}`})` : `(${expandedLeft(r)} | ${r.group.label})`,
  };
}

/**
 * ar1's correlation ρ^|i−j| needs the columns in time order. The order is taken from one factor's
 * levels (R's factor order: sorted, or as given by factor(x, levels = …)), so the term must be
 * `ar1(0 + f | g)` with a single factor f: an intercept, a numeric column or several variables
 * leave the order of the columns undefined.
 */
function checkAr1Columns(r: RandomTerm, columns: ColumnPlan[], formula: string): void {
  const source = formula.slice(r.span.start, r.span.end);
  const oneFactor = !r.intercept && r.terms.length === 1 && columns.every((c) => c.coding === "indicator" && c.pieces[0]!.variable === columns[0]!.pieces[0]!.variable);
  if (oneFactor) return;
  const why = r.intercept
    ? "it has an intercept, so its first column is not a time point"
    : r.terms.length !== 1
      ? "it has several variables, so the order of its columns is not a time order"
      : "its variable is not a factor, so there are no levels to give the time order";
  throw new ModelError(
    `ar1 term '${source}': ${why}; write ar1(0 + time | group) with time a factor whose levels are the time points in order (e.g. factor(visit))`,
    r.group.label,
  );
}

/** The bar's left side as lme4 would write it after expansion: `1`, `Days`, `0 + Days`. */
function expandedLeft(r: RandomTerm): string {
  const labels = r.terms.map((t) => t.label);
  if (!r.intercept) return ["0", ...labels].join(" + ");
  return labels.length === 0 ? "1" : labels.join(" + ");
}

/**
 * lme4's mkReTrms: `if (any(diff(nl) > 0)) ord <- rev(order(nl))`. order() is stable ascending, so
 * reversing it puts terms in decreasing number of levels with TIES IN REVERSE formula order; when
 * the levels never increase along the formula the order is left alone. We reproduce both.
 */
export function lme4TermOrder(nl: number[]): number[] {
  const identity = nl.map((_, k) => k);
  if (!nl.some((x, k) => k > 0 && x > nl[k - 1]!)) return identity;
  return identity.sort((a, b) => nl[a]! - nl[b]! || a - b).reverse();
}

function orderLikeLme4(terms: RandomTermPlan[]): RandomTermPlan[] {
  const ordered = lme4TermOrder(terms.map((t) => t.levels.length)).map((k) => terms[k]!);
  // VarCorr's names: make.unique over group names (Subject, Subject.1, …).
  const seen = new Map<string, number>();
  for (const t of ordered) {
    const k = seen.get(t.group) ?? 0;
    t.varCorrName = k === 0 ? t.group : `${t.group}.${k}`;
    seen.set(t.group, k + 1);
  }
  return ordered;
}

function assignTheta(terms: RandomTermPlan[]): void {
  let offset = 0;
  for (const t of terms) {
    t.thetaOffset = offset;
    for (const e of t.lambda.entries) if (e.thetaIndex >= 0) e.thetaIndex += offset;
    offset += t.thetaCount;
  }
}

/** lme4's checkNlevels (and checkZdims for lmer): errors lme4 stops with. */
function checkGroupingFactors(terms: RandomTermPlan[], n: number, family: string): void {
  const gaussian = family === "gaussian";
  const single = terms.filter((t) => t.levels.length < 2).map((t) => t.group);
  if (single.length > 0) {
    throw new ModelError(
      `grouping factors must have > 1 sampled level (problems: ${[...new Set(single)].join(", ")})`,
      single[0],
    );
  }
  const tooMany = terms.filter((t) => (gaussian ? t.levels.length >= n : t.levels.length > n)).map((t) => t.group);
  if (tooMany.length > 0) {
    throw new ModelError(
      `number of levels of each grouping factor must be ${gaussian ? "<" : "<="} number of observations (problems: ${[...new Set(tooMany)].join(", ")})`,
      tooMany[0],
    );
  }
  // lme4 2.0 (R/modular.R lFormula): "If there is a covariance structure; ignore the check
  // nobs.vs.nRE" — a structured Σ is identifiable beside σ² with one observation per effect.
  // (A `||` piece is lme4's diag too, but lme4 2.0 only waives the check for a written special.)
  const structured = terms.some((t) => t.covariance.structure !== "us" && !t.expanded.startsWith("("));
  if (gaussian && !structured) {
    for (const t of terms) {
      const nRE = t.levels.length * t.columns.length;
      if (n <= nRE) {
        throw new ModelError(
          `number of observations (=${n}) <= number of random effects (=${nRE}) for term (${t.expanded.replace(/^\(|\)$/g, "")}); the random-effects parameters and the residual variance (or scale parameter) are probably unidentifiable`,
          t.group,
        );
      }
    }
  }
}
