/**
 * ModelMatrices: the model stage's output and the fit stage's only input. Produced by executing a
 * construction plan over a data set (src/model/), consumed by src/fit/.
 */
import type { Covariance } from "./covariance/covariance.js";
import type { ConstructionPlan } from "./plan.js";
import type { DataTable } from "./data.js";
import type { ModelFrame } from "./frame.js";

/**
 * One random-effects term in the compact form MixedModels.jl calls a ReMat: the grouping factor's
 * level index per row and the term's p model-matrix values per row. Z for this term is the n × (ℓ·p)
 * matrix whose row i has `z[i*p .. i*p+p)` in the columns of level `refs[i]`; it is never built.
 */
export interface ReMat {
  /** lme4's grouping-factor name: `Subject`, `recipe:replicate`, `cask:batch`. */
  group: string;
  /** The name lme4's VarCorr gives this term: the group, or `Subject.1`, `Subject.2`, … for further
   *  terms on the same factor (as from `(Days || Subject)`). */
  varCorrName: string;
  /** Levels of the grouping factor, in lme4's order; ranef() rows follow it. */
  levels: string[];
  /** 0-based level index of each row (length n). */
  refs: Int32Array;
  /** Column names: `(Intercept)`, `Days`, `MachineA`, …; p = columnNames.length. */
  columnNames: string[];
  /** Row-major n × p values: row i is z[i*p .. i*p + p). */
  z: Float64Array;
  /** The term's parameterisation: its slice of θ, θ's bounds, θ → Λ's p × p block, θ ↔ sd/cor
   *  (src/model/covariance/). */
  covariance: Covariance;
}

export interface ModelMatrices {
  /** Number of observations used (after removing rows with missing values). */
  n: number;
  /** Response. For binomial models given as cbind(s, f) or a proportion: the proportion s/(s+f),
   *  with the trial counts in `weights`, as lme4 does. For a two-level factor response: 0/1. */
  y: Float64Array;
  /** Fixed-effects model matrix, column-major n × p (column j is X[j*n .. j*n + n)), rank-deficient
   *  columns already dropped. */
  X: Float64Array;
  p: number;
  /** R's column names, e.g. `(Intercept)`, `recipeB:temp`, `factor(period)2`. */
  xNames: string[];
  /** Names of columns dropped for rank deficiency (empty when X has full rank). */
  droppedX: string[];
  /** Prior weights (all 1 when none were given). */
  weights: Float64Array;
  /** Offset added to the linear predictor (all 0 when none). */
  offset: Float64Array;
  /** Random-effects terms in lme4's order (mkReTrms): left in formula order when the numbers of
   *  levels never increase along the formula, otherwise `rev(order(nl))`, i.e. decreasing number
   *  of levels with ties in REVERSE formula order (as lme4 1.1 does). */
  reTerms: ReMat[];
  /** Starting θ as lme4 makes it (1 on diagonals of each Λ block, 0 elsewhere), its lower bounds
   *  (0 on diagonals, −Infinity elsewhere) and lme4's names (`Subject.(Intercept)`,
   *  `Subject.Days.(Intercept)`, `Subject.Days`), each block in column-major lower-triangle order. */
  theta0: Float64Array;
  lower: Float64Array;
  /** Upper bounds of θ: Infinity except for the correlations of cs and ar1 terms. */
  upper: Float64Array;
  thetaNames: string[];
  /** Number of grouping-factor levels per distinct group name (lme4's ngrps). */
  ngroups: Record<string, number>;
  /** Messages for the user from construction (dropped rows, dropped columns). */
  messages: string[];
  /** The plan these matrices were executed from. */
  plan: ConstructionPlan;
  /** 0-based data row of each observation used (rows with missing values are absent), for
   *  lining fitted values up with the caller's data. */
  rows?: Int32Array;
  /** The model frame the matrices were executed from (R's model.frame(m)): every formula variable
   *  evaluated on the rows used. Type III hypotheses (lmerTest's get_rdX) are built from it. */
  frame?: ModelFrame;
  /** The data the model was compiled from (all rows; `rows` says which were used). emmeans'
   *  reference grid takes covariate means and factor levels from it. */
  data?: DataTable;
}
