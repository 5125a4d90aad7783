/**
 * Checking the starting point and bounds shared by both optimisers.
 */
import { OptimizerError } from "./types.js";

/** Validated copies of x0 and the bounds; x0 is moved into [lower, upper] if outside. */
export interface CheckedProblem {
  n: number;
  x0: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** Check lengths, finiteness and lower ≤ upper; clamp x0 into the box. */
export function checkProblem(
  x0: ArrayLike<number>,
  lower: ArrayLike<number> | undefined,
  upper: ArrayLike<number> | undefined,
): CheckedProblem {
  const n = x0.length;
  if (n < 1) throw new OptimizerError("the starting point x0 is empty: give at least one coordinate");
  const lo = boundVector(lower, n, -Infinity, "lower");
  const up = boundVector(upper, n, Infinity, "upper");
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = x0[i];
    if (!Number.isFinite(xi)) {
      throw new OptimizerError(`x0[${i}] is ${xi}: the starting point must be finite`);
    }
    if (Number.isNaN(lo[i]) || Number.isNaN(up[i]) || lo[i] > up[i]) {
      throw new OptimizerError(`bounds for coordinate ${i} are [${lo[i]}, ${up[i]}]: need lower ≤ upper`);
    }
    if (lo[i] === Infinity || up[i] === -Infinity) {
      throw new OptimizerError(`bounds for coordinate ${i} are [${lo[i]}, ${up[i]}]: no finite point satisfies them`);
    }
    x[i] = Math.min(Math.max(xi, lo[i]), up[i]);
  }
  return { n, x0: x, lower: lo, upper: up };
}

function boundVector(
  v: ArrayLike<number> | undefined,
  n: number,
  fill: number,
  name: string,
): Float64Array {
  const out = new Float64Array(n).fill(fill);
  if (v === undefined) return out;
  if (v.length !== n) {
    throw new OptimizerError(`${name} has ${v.length} entries but x0 has ${n}: give one bound per coordinate`);
  }
  for (let i = 0; i < n; i++) out[i] = v[i];
  return out;
}
