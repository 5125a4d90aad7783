/**
 * The minimiser for profiling's small inner problems (a handful of parameters, a smooth
 * objective): the project's BOBYQA (Powell 2009), as lme4's profile() optimises its devfun2 with
 * bobyqa. Each coordinate's initial step is scaled to its size, so that θ's (≈ 1) and β's (any
 * scale) are explored alike.
 */
import { bobyqa } from "../../fit/optimize/bobyqa.js";

export interface MinimizeOptions {
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** Initial step per coordinate (default 0.1·max(|x0ᵢ|, 0.5)). */
  step?: ArrayLike<number>;
  /** Absolute tolerance on f between iterations. */
  ftol?: number;
  maxEval?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  fx: number;
  evaluations: number;
}

export function minimize(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const d = x0.length;
  if (d === 0) {
    const x = new Float64Array(0);
    return { x, fx: f(x), evaluations: 1 };
  }
  const initialStep = Float64Array.from({ length: d }, (_, i) => options.step?.[i] ?? 0.1 * Math.max(Math.abs(x0[i]), 0.5));
  const r = bobyqa(f, x0, {
    ...(options.lower ? { lower: options.lower } : {}),
    ...(options.upper ? { upper: options.upper } : {}),
    initialStep,
    rhoend: 1e-7,
    ftolAbs: options.ftol ?? 1e-10,
    maxEval: options.maxEval ?? 4000 * d,
  });
  return { x: r.x, fx: r.fx, evaluations: r.evaluations };
}
