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
}

export const KNOWN_FUNCTIONS: Readonly<Record<string, FunctionSignature>> = {
  log: { minArgs: 1, maxArgs: 2, named: ["base"], where: "term" },
  log2: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  log10: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  exp: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  sqrt: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  abs: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  I: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  factor: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  "as.numeric": { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  scale: { minArgs: 1, maxArgs: 3, named: ["center", "scale"], where: "term" },
  offset: { minArgs: 1, maxArgs: 1, named: [], where: "term" },
  poly: { minArgs: 1, maxArgs: 2, named: ["degree", "raw"], where: "term" },
  cbind: { minArgs: 2, maxArgs: Infinity, named: [], where: "response" },
};

/** Argument values that are R constants rather than columns (`scale(x, center = FALSE)`). */
export const CONSTANT_NAMES: ReadonlySet<string> = new Set(["TRUE", "FALSE", "T", "F", "pi"]);
