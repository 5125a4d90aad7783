/**
 * The fixed-effects term structure that ANOVA hypotheses are built on, as R's terms() object and
 * model.matrix()'s "assign" attribute describe it: the term labels in R's order, each term's
 * variables with their `factors` code (1: coded by contrasts, 2: by indicators of all levels —
 * R's TermCode in src/library/stats/src/model.c), which variables are numeric (R's dataClasses),
 * and which term each column of X belongs to. Containment between terms is lmerTest's
 * (R/contrast_utils.R term_contain, after SAS's "The Four Types of Estimable Functions").
 */
import type { ModelMatrices } from "../../model/matrices.js";

export interface FixedTerm {
  /** R's term label: `recipe`, `recipe:temp`. */
  label: string;
  /** The term's variables in R's order (`recipe`, `temp`, `log(x)`). */
  variables: string[];
  /** attr(terms, "factors")[, label]: 1 (contrasts) or 2 (indicators) per variable. */
  codes: Map<string, 1 | 2>;
  /** attr(terms, "order"): the number of variables. */
  order: number;
}

export interface FixedTermStructure {
  intercept: boolean;
  terms: FixedTerm[];
  /** attr(X, "assign") of the kept columns of X: 0 for the intercept, k + 1 for terms[k]. */
  assign: number[];
  /** R's dataClasses of each variable: "numeric", "factor" or "matrix" (nmatrix.k). */
  dataClass: Map<string, "numeric" | "factor" | "matrix">;
}

/**
 * R's TermCode: variable v of term t is coded by contrasts (1) when t without v is empty or is
 * contained in a term before t, and by indicators (2) otherwise. (coding.ts applies the same rule
 * to factors when building X; R's `factors` attribute applies it to every variable, and lmerTest
 * reads the attribute.)
 */
function termCode(terms: { variables: string[] }[], t: number, v: string): 1 | 2 {
  const rest = terms[t]!.variables.filter((w) => w !== v);
  if (rest.length === 0) return 1;
  return terms.slice(0, t).some((prev) => rest.every((w) => prev.variables.includes(w))) ? 1 : 2;
}

export function fixedTermStructure(m: ModelMatrices): FixedTermStructure {
  const plan = m.plan;
  // Every term has at least one planned column (before rank-deficient ones are dropped), and each
  // column's pieces follow the term's variables in order.
  const raw: { label: string; variables: string[] }[] = [];
  for (const c of plan.fixed.columns) {
    if (c.term === "(Intercept)" || raw.some((t) => t.label === c.term)) continue;
    raw.push({ label: c.term, variables: c.pieces.map((p) => p.variable) });
  }
  const terms: FixedTerm[] = raw.map((t, k) => ({
    label: t.label,
    variables: t.variables,
    codes: new Map(t.variables.map((v) => [v, termCode(raw, k, v)])),
    order: t.variables.length,
  }));
  const dataClass = new Map<string, "numeric" | "factor" | "matrix">();
  for (const v of plan.variables) if (!dataClass.has(v.name)) dataClass.set(v.name, v.type);
  // the plan's columns carry their term's label; X keeps a subset of them (rank deficiency)
  const termOfColumn = new Map(plan.fixed.columns.map((c) => [c.name, c.term]));
  const assign = m.xNames.map((name) => {
    const label = termOfColumn.get(name);
    if (label === undefined || label === "(Intercept)") return 0;
    const k = terms.findIndex((t) => t.label === label);
    if (k < 0) throw new Error(`internal: column '${name}' belongs to no fixed-effects term`);
    return k + 1;
  });
  return { intercept: plan.fixed.intercept, terms, assign, dataClass };
}

/** Column indices of X per term label (lmerTest's term2colX), including "(Intercept)". */
export function termColumns(s: FixedTermStructure): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (s.intercept) out.set("(Intercept)", []);
  for (const t of s.terms) out.set(t.label, []);
  s.assign.forEach((a, j) => out.get(a === 0 ? "(Intercept)" : s.terms[a - 1]!.label)!.push(j));
  return out;
}

/**
 * lmerTest's containment(): for each term, the terms that contain it. F1 is contained in F2 when
 * every variable of F1 is in F2, F2 has more variables, and both have the same numeric variables.
 * "Variables" are those with code 1 in the factors attribute (as lmerTest reads `factors == 1`),
 * and only dataClass "numeric" counts as numeric (a poly() matrix does not, as in lmerTest).
 */
export function containment(s: FixedTermStructure): Map<string, string[]> {
  const vars = new Map(s.terms.map((t) => [t.label, t.variables.filter((v) => t.codes.get(v) === 1)]));
  const numerics = new Map([...vars].map(([label, vs]) => [label, vs.filter((v) => s.dataClass.get(v) === "numeric")]));
  const contains = (f1: string, f2: string): boolean => {
    const v1 = vars.get(f1)!;
    const v2 = vars.get(f2)!;
    const n1 = numerics.get(f1)!;
    const n2 = numerics.get(f2)!;
    return (
      v1.every((v) => v2.includes(v)) &&
      v2.some((v) => !v1.includes(v)) &&
      n1.every((v) => n2.includes(v)) &&
      n2.every((v) => n1.includes(v))
    );
  };
  return new Map(s.terms.map((t) => [t.label, s.terms.filter((u) => contains(t.label, u.label)).map((u) => u.label)]));
}
