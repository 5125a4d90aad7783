/**
 * From the formula's terms and the model frame to a ConstructionPlan: the response's coding, every
 * fixed-effects column, every random-effects term with its Λ block and θ entries, in lme4's order
 * and with lme4's names (lme4 R/utilities.R mkReTrms, mkBlist; JSS 2015 §2.3).
 */
import type { Expr } from "../../grammar/ast.js";
import type { FormulaTerms, RandomTerm, Term } from "../formula/terms.js";
import { ModelError } from "./errors.js";
import { modelColumns, type CodedTerm, type VariableShape } from "./coding.js";
import type { ModelFrame } from "./frame.js";
import type { CallParameters } from "./evaluate.js";
import type {
  ColumnPlan,
  ConstructionPlan,
  LambdaEntry,
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
  const theta = {
    names: random.flatMap((r) => r.lambda.entries.map((e) => e.thetaName)),
    start: random.flatMap((r) => r.lambda.entries.map((e) => (e.row === e.col ? 1 : 0))),
    lower: random.flatMap((r) => r.lambda.entries.map((e) => e.lower)),
  };

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
  const p = columns.length;
  const entries: LambdaEntry[] = [];
  const name = (i: number) => columns[i]!.name;
  // lme4's expandDoubleVerts turns each piece of `(x || g)` into an ordinary bar, so a piece with
  // several columns (a factor: `(0 + f || g)`) still has a full lower-triangular block.
  const correlated = r.correlated || p > 1;
  if (correlated) {
    // Column-major lower triangle (lme4 mkBlist / JSS 2015 eq. 14's Λ_i = T_i ⊗ I).
    for (let j = 0; j < p; j++) {
      for (let i = j; i < p; i++) {
        entries.push({
          row: i,
          col: j,
          thetaIndex: -1,
          thetaName: i === j ? `${r.group.label}.${name(i)}` : `${r.group.label}.${name(i)}.${name(j)}`,
          lower: i === j ? 0 : -Infinity,
        });
      }
    }
  } else {
    for (let i = 0; i < p; i++) {
      entries.push({ row: i, col: i, thetaIndex: -1, thetaName: `${r.group.label}.${name(i)}`, lower: 0 });
    }
  }
  return {
    group: r.group.label,
    groupVariables: frame.groupVariables.get(r.group.label) ?? r.group.factors.map(label),
    varCorrName: r.group.label,
    levels: group.levels,
    columns,
    correlated,
    lambda: { size: p, shape: correlated ? "lower-triangular" : "diagonal", entries },
    thetaOffset: 0,
    thetaCount: entries.length,
    source: formula.slice(r.span.start, r.span.end),
    expanded: `(${expandedLeft(r)} | ${r.group.label})`,
  };
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
    t.lambda.entries.forEach((e, k) => (e.thetaIndex = offset + k));
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
  if (gaussian) {
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
