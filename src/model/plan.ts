/**
 * ConstructionPlan: a typed, printable description of every block of the model matrices, kept apart
 * from executing it (src/model/execute.ts) so that another engine (SQL, a GPU) could execute the
 * same plan. Everything in it is plain data: names, level lists, expressions as R text (the one
 * non-JSON number is the −Infinity lower bound of off-diagonal θ, which the CLI writes as "-Inf").
 *
 * A model-matrix column is a product of factor pieces (R's model.matrix: the columns of an
 * interaction are the products of its variables' columns, the first variable varying fastest);
 * the intercept is the empty product.
 */
import type { CovarianceStructure } from "./covariance/covariance.js";
import type { CallParameters } from "./evaluate.js";

/** One variable of the model frame: a column or a call such as `log(base)` or `poly(x, 2)`. */
export interface VariablePlan {
  /** R's name for it (deparsed expression): `Days`, `log(base)`, `factor(period)`. */
  name: string;
  /** What kind of values evaluating it gives. */
  type: "numeric" | "factor" | "matrix";
  /** Factor levels after removing unused ones (type "factor"). */
  levels?: string[];
  /** Matrix column suffixes (`1`, `2` for poly) (type "matrix"). */
  columns?: string[];
  /** Where the model uses it. A grouping factor is listed under its group name (`Subject`,
   *  `recipe:replicate`) with role "grouping", separately from any use of the same column as a
   *  fixed or random-slope variable. */
  roles: VariableRole[];
  /** For an interaction grouping factor: the variables it crosses. */
  interactionOf?: string[];
}

export type VariableRole = "response" | "fixed" | "random" | "grouping" | "offset" | "weights";

/** One factor of a column's product. */
export type ColumnPiece =
  /** A numeric variable's value. */
  | { coding: "numeric"; variable: string }
  /** Column `column` (0-based) of a matrix variable such as poly(x, 2). */
  | { coding: "matrix"; variable: string; column: number; suffix: string }
  /** Treatment contrast: 1 where the variable is `level`, 0 elsewhere (including `baseline`). */
  | { coding: "contrast"; variable: string; level: string; levelIndex: number; baseline: string }
  /** Indicator of `level` (a factor coded by all its levels, R's "full dummy" coding). */
  | { coding: "indicator"; variable: string; level: string; levelIndex: number }
  /**
   * Polynomial contrast of an ordered factor (R's contr.poly): `values[k]` for level `levels[k]`,
   * the degree-`degree` orthonormal polynomial in the level ranks; `suffix` is .L, .Q, .C, ^4, ….
   */
  | { coding: "poly-contrast"; variable: string; degree: number; suffix: string; levels: string[]; values: number[] };

export interface ColumnPlan {
  /** R's column name: `(Intercept)`, `recipeB:temp`, `poly(x, 2)1`. */
  name: string;
  /** The term it belongs to: `(Intercept)`, `recipe:temp`. */
  term: string;
  /** In one word: `intercept`, a single piece's coding, or `interaction` for a product. */
  coding: "intercept" | ColumnPiece["coding"] | "interaction";
  /** Product of these pieces; empty for the intercept. */
  pieces: ColumnPiece[];
}

export interface ResponsePlan {
  /** The response expression as R text. */
  expression: string;
  /**
   * numeric: y as given. binary-factor: a factor, y = 0 for its first level and 1 otherwise
   * (R's binomial). counts: cbind(successes, failures) → y = s/(s+f), weights ×= s+f.
   * proportion: numbers in [0, 1] for a binomial model (with prior weights as trials).
   */
  kind: "numeric" | "binary-factor" | "counts" | "proportion";
  /** Variable names: one, or the two columns of cbind. */
  variable: string;
  /** For binary-factor: the failure level (first) and the success levels. */
  failureLevel?: string;
}

/** One structurally nonzero entry of a Λ block: row i, column j (0-based), equal to θ[thetaIndex]
 *  (us, diag), or — thetaIndex −1 — a nonlinear function of the term's θ entries (cs, ar1), which
 *  thetaName then writes out. Made by the term's type (src/model/covariance/), never by hand. */
export interface LambdaEntry {
  row: number;
  col: number;
  thetaIndex: number;
  thetaName: string;
  lower: number;
}

export interface RandomTermPlan {
  /** The grouping factor's name: `Subject`, `recipe:replicate`. */
  group: string;
  /** The variables whose interaction is the grouping factor (one for a plain factor). */
  groupVariables: string[];
  /** VarCorr's name: the group, or `Subject.1` for a further term on the same factor. */
  varCorrName: string;
  levels: string[];
  /** The bar's left side, as columns of the term's own model matrix. */
  columns: ColumnPlan[];
  /** Full lower-triangular p × p Λ block (true) or diagonal (false). */
  correlated: boolean;
  /** lme4 2.0's covariance class of the term and its `hom` (one variance for all columns):
   *  `us` for `(x | g)` and `us(x | g)`, `diag` for `(x || g)`'s pieces and `diag(x | g)`. */
  covariance: { structure: CovarianceStructure; hom: boolean; parameterNames: string[] };
  /** The Λ block (p × p, repeated once per level: Λ is block diagonal). */
  lambda: { size: number; shape: "lower-triangular" | "diagonal"; entries: LambdaEntry[] };
  thetaOffset: number;
  thetaCount: number;
  /** The bar as written in the formula. */
  source: string;
  /** This term after lme4's expansion of `||` and `/`: `(1 | cask:batch)`, `(0 + Days | Subject)`. */
  expanded: string;
}

export interface RowPlan {
  /** Rows in the data. */
  total: number;
  /** Rows used (complete cases of every variable the model uses). */
  used: number;
  dropped: number;
  /** 0-based indices of dropped rows, and for each the variables that were missing there. */
  droppedRows: number[];
  missingBy: Record<string, number>;
  /** Of the dropped rows, those with all values present but prior weight 0 (frame.ts). */
  zeroWeight?: number;
}

export interface ConstructionPlan {
  /** The formula as given. */
  formula: string;
  family: string;
  response: ResponsePlan;
  /** Prior weights: none, a column name, or a vector given by the caller. */
  weights: { source: "none" | "column" | "vector"; column?: string };
  /** Offset: the `offset(...)` terms of the formula and/or a vector given by the caller, summed. */
  offset: { terms: string[]; vector: boolean };
  variables: VariablePlan[];
  /** Fixed-effects columns before any rank-deficient column is dropped. */
  fixed: { intercept: boolean; columns: ColumnPlan[] };
  /** Random-effects terms in lme4's order (decreasing number of levels). */
  random: RandomTermPlan[];
  theta: { names: string[]; start: number[]; lower: number[]; upper: number[] };
  /** What data-dependent calls learnt from this data, by their R text (`scale(x)`: centre and
   *  divisor; `poly(x, 2)`: R's coefs alpha and norm2). Pass them as EvalContext.parameters to
   *  evaluate new data as this data was (R's predvars). */
  callParameters: Record<string, CallParameters>;
  /** Number of levels per distinct grouping factor (lme4's ngrps). */
  ngroups: Record<string, number>;
  rows: RowPlan;
}
