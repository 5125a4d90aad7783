/**
 * The functions a formula may call, with how many positional arguments each takes. The model
 * stage evaluates exactly these (src/model/), so an unknown name is reported at parse time.
 */
export interface FunctionSignature {
  minArgs: number;
  maxArgs: number;
  /** Named arguments accepted (`poly(x, degree = 2)`). */
  named: readonly string[];
  /** Where it may appear: `response` only on the left of `~` (cbind), `term` anywhere. */
  where: "term" | "response";
  /** False for R's less common math functions and aliases, left out of the "known functions" hint. */
  listed?: false;
}

export const KNOWN_FUNCTIONS: Readonly<Record<string, FunctionSignature>> = {
  log: { minArgs: 1, maxArgs: 2, named: ["base"], where: "term" },
  log2: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  log10: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  exp: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  sqrt: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  abs: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  I: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  log1p: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  expm1: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  sin: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  cos: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  tan: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  floor: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  ceiling: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  trunc: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  sign: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  round: { minArgs: 1, maxArgs: 2, named: ["digits"], where: "term", listed: false },
  factor: { minArgs: 1, maxArgs: 3, named: ["levels", "labels"], where: "term" },
  c: { minArgs: 1, maxArgs: Infinity, named: [], where: "term", listed: false },
  pmin: { minArgs: 1, maxArgs: Infinity, named: [], where: "term", listed: false },
  pmax: { minArgs: 1, maxArgs: Infinity, named: [], where: "term", listed: false },
  interaction: { minArgs: 2, maxArgs: Infinity, named: ["sep"], where: "term", listed: false },
  ordered: { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  relevel: { minArgs: 1, maxArgs: 2, named: ["ref"], where: "term", listed: false },
  "as.factor": { minArgs: 1, maxArgs: 1, named: [], where: "term", listed: false },
  "as.numeric": { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  scale: { minArgs: 1, maxArgs: 3, named: ["center", "scale"], where: "term" },
  offset: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  poly: { minArgs: 1, maxArgs: 2, named: ["degree", "raw"], where: "term" },
  cbind: { minArgs: 2, maxArgs: Infinity, named: [], where: "response" },
};

/** Argument values that are R constants rather than columns (`scale(x, center = FALSE)`). */
export const CONSTANT_NAMES: ReadonlySet<string> = new Set(["TRUE", "FALSE", "T", "F", "pi"]);
