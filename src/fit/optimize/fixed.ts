/**
 * Running an optimiser on the free coordinates only: coordinates whose lower and upper bounds
 * coincide are held at that value (neither BOBYQA's model nor a simplex can move in a
 * zero-width interval), then the full-length result is assembled.
 */
import type { CheckedProblem } from "./bounds.js";
import { CountedObjective } from "./evaluator.js";
import type { Objective, OptimizerResult } from "./types.js";

export type Run = (
  g: Objective,
  reduced: CheckedProblem,
  obj: CountedObjective,
) => { converged: boolean; message: string };

export function withFixedCoordinates(
  f: Objective,
  prob: CheckedProblem,
  maxEval: number,
  onEvaluation: ((k: number, fx: number) => void) | undefined,
  run: Run,
): OptimizerResult {
  const { n, x0, lower, upper } = prob;
  const free: number[] = [];
  for (let i = 0; i < n; i++) if (lower[i] < upper[i]) free.push(i);

  let g: Objective = f;
  let reduced: CheckedProblem = prob;
  if (free.length < n) {
    const full = Float64Array.from(x0);
    const idx = Int32Array.from(free);
    g = (y: Float64Array) => {
      for (let k = 0; k < idx.length; k++) full[idx[k]] = y[k];
      return f(full);
    };
    reduced = {
      n: free.length,
      x0: Float64Array.from(free, (i) => x0[i]),
      lower: Float64Array.from(free, (i) => lower[i]),
      upper: Float64Array.from(free, (i) => upper[i]),
    };
  }

  const obj = new CountedObjective(g, reduced.n, maxEval, onEvaluation);
  let outcome: { converged: boolean; message: string };
  if (reduced.n === 0) {
    obj.evaluate(reduced.x0);
    outcome = { converged: true, message: "every coordinate is fixed by its bounds" };
  } else {
    outcome = run(g, reduced, obj);
  }

  const x = Float64Array.from(x0);
  if (!Number.isFinite(obj.bestF)) {
    return {
      x,
      fx: Infinity,
      evaluations: obj.count,
      converged: false,
      message: "the objective never returned a finite value",
    };
  }
  for (let k = 0; k < free.length; k++) x[free[k]] = obj.bestX[k];
  return {
    x,
    fx: obj.bestF,
    evaluations: obj.count,
    converged: outcome.converged,
    message: outcome.message,
  };
}
