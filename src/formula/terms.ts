/**
 * FormulaTerms: the formula stage's output, the meaning of a formula as R's `terms()` and lme4's
 * `findbars` / `expandDoubleVerts` / `expandSlash` give it. `src/model/` consumes only this.
 */
import type { CovarianceSpecial } from "./covstruct.js";
import type { Expr, Span } from "../../grammar/ast.js";

/**
 * One model term: a main effect (one factor) or an interaction (several), e.g. `recipe:temp`.
 * `factors` are the distinct variables (R's "variables": names or calls such as `log(base)`)
 * in the order R's terms() lists them; `label` is R's term label: the deparsed factors joined by ":".
 */
export interface Term {
  label: string;
  factors: Expr[];
}

export interface FixedPart {
  /** False after `0 +`, `- 1`, or `+ 0`. */
  intercept: boolean;
  /** Ordered as terms() orders them: by order of interaction, then by first appearance. */
  terms: Term[];
}

/**
 * One random-effects term `(terms | group)` after expansion: `(x || g)` has become one term per
 * column with `correlated: false`, `(1 | a/b)` has become `(1 | b:a)` and `(1 | a)`, in the order
 * lme4's findbars gives them (lme4 writes the nested factor first: `cask:batch` from
 * `batch/cask`; `a/b/c` gives `c:(b:a)`, `b:a`, `a`, the group factors listed as [c, b, a]).
 */
export interface RandomTerm {
  /** The grouping factor as a term: label `Subject`, `recipe:replicate`, `cask:batch`. */
  group: Term;
  /** Whether the term has an intercept column (`(1 | g)`, `(x | g)`); false for `(0 + x | g)`. */
  intercept: boolean;
  /** The non-intercept column terms, in order (`Days` in `(Days | Subject)`). */
  terms: Term[];
  /** False for the pieces `(x || g)` expands into. */
  correlated: boolean;
  /** lme4 2.0's covariance structure when the bar was written inside `us()`, `diag()`, `cs()` or
   *  `ar1()`, with `hom` as written (null: the structure's default). Absent for plain bars. */
  special?: { structure: CovarianceSpecial; hom: boolean | null };
  /** Where the bar this term came from stands in the formula text. */
  span: Span;
}

export interface FormulaTerms {
  /** The formula text as given. */
  source: string;
  /** The response expression (`Reaction`, `cbind(incidence, size - incidence)`, `log(y)`), or null. */
  response: Expr | null;
  fixed: FixedPart;
  /** The arguments of every `offset(...)` in the fixed part, in order of appearance. */
  offsets: Expr[];
  random: RandomTerm[];
}
