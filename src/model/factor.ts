/**
 * Factors made from formula variables: R's factor() of numbers (levels in numeric order, labelled
 * as R prints them) and the interaction factor `a:b` lme4 groups by.
 */
import type { Expr } from "../../grammar/ast.js";
import type { FactorColumn } from "./data.js";
import { numericOf, type EvalContext, type Value } from "./values.js";
import { formatRNumber } from "../rformat.js";

/**
 * R's factor(x): a factor stays (later unused levels are dropped by the frame); numbers become
 * levels in numeric order labelled as R prints them ("95" before "308").
 */
export function asFactor(v: Value, e: Expr, ctx: EvalContext): FactorColumn {
  if (v.kind === "factor") return v;
  const x = numericOf(v, e, ctx);
  const distinct = [...new Set(Array.from(x).filter((a) => !Number.isNaN(a)))].sort((a, b) => a - b);
  const index = new Map(distinct.map((d, k) => [d, k]));
  const codes = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) codes[i] = Number.isNaN(x[i]!) ? -1 : index.get(x[i]!)!;
  return { kind: "factor", codes, levels: distinct.map(formatRNumber) };
}

/**
 * The interaction factor `a:b` as R's `:` on factors gives it: levels "x:y" with the first factor
 * varying slowest, each in its own level order; combinations that never occur are dropped (lme4
 * applies factor() to the grouping factor).
 */
export function interactionFactor(factors: FactorColumn[]): FactorColumn {
  const n = factors[0]!.codes.length;
  const combined = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    let missing = false;
    for (const f of factors) {
      const c = f.codes[i]!;
      if (c < 0) missing = true;
      code = code * f.levels.length + c;
    }
    combined[i] = missing ? -1 : code;
  }
  const used = [...new Set(Array.from(combined).filter((c) => c >= 0))].sort((a, b) => a - b);
  const index = new Map(used.map((c, k) => [c, k]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = combined[i]! < 0 ? -1 : index.get(combined[i]!)!;
  const levels = used.map((c) => {
    const parts: string[] = [];
    for (let k = factors.length - 1; k >= 0; k--) {
      const L = factors[k]!.levels.length;
      parts.unshift(factors[k]!.levels[c % L]!);
      c = Math.floor(c / L);
    }
    return parts.join(":");
  });
  return { kind: "factor", codes, levels };
}
