/**
 * lme4 2.0's covariance-structure specials (R/covariance.R; the syntax of glmmTMB's `covstruct`
 * vignette): a random-effect bar wrapped in `us()`, `diag()`, `cs()` or `ar1()`, with an optional
 * `hom = TRUE | FALSE`. `(x | g)` is `us(x | g)` and `(x || g)`'s pieces are `diag` terms.
 * The formula stage only records what was written; the term types (src/model/covariance/) own
 * what each structure means and its defaults.
 */
import type { CallNode, Expr } from "../../grammar/ast.js";

export type CovarianceSpecial = "us" | "diag" | "cs" | "ar1";

export const COVARIANCE_SPECIALS: readonly CovarianceSpecial[] = ["us", "diag", "cs", "ar1"];

export function isCovarianceSpecial(fn: string): fn is CovarianceSpecial {
  return (COVARIANCE_SPECIALS as readonly string[]).includes(fn);
}

/** The special's `hom` argument: TRUE/T → true, FALSE/F → false, absent → null (the default);
 *  undefined when it is something else (validate.ts reports it). */
export function homArgument(call: CallNode): boolean | null | undefined {
  const k = call.argNames?.indexOf("hom") ?? -1;
  if (k < 0) return null;
  const v: Expr = call.args[k]!;
  if (v.kind !== "name") return undefined;
  if (v.name === "TRUE" || v.name === "T") return true;
  if (v.name === "FALSE" || v.name === "F") return false;
  return undefined;
}
