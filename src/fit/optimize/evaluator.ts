/**
 * The counted objective both optimisers call: it enforces maxEval, reports each evaluation,
 * remembers the best point, and turns Infinity/NaN into a finite "very bad" value so that the
 * quadratic models and simplex orderings stay finite numbers.
 */
import type { Objective } from "./types.js";

export class CountedObjective {
  /** Evaluations so far. */
  count = 0;
  /** Best finite value so far and where it was found. */
  bestF = Infinity;
  readonly bestX: Float64Array;
  private worstF = -Infinity;

  constructor(
    private readonly f: Objective,
    n: number,
    readonly maxEval: number,
    private readonly onEvaluation?: (k: number, fx: number) => void,
  ) {
    this.bestX = new Float64Array(n);
  }

  /** True when no further evaluation is allowed. */
  get exhausted(): boolean {
    return this.count >= this.maxEval;
  }

  /** f(x), with a non-finite value replaced by one well above every finite value seen (an
   *  "extreme barrier" that keeps a model of f finite, cf. Powell's advice to return a large
   *  value where f is undefined). x is not kept. */
  evaluate(x: Float64Array): number {
    const fx = this.f(x);
    this.count++;
    if (this.onEvaluation) this.onEvaluation(this.count, fx);
    if (Number.isFinite(fx)) {
      if (fx < this.bestF) {
        this.bestF = fx;
        this.bestX.set(x);
      }
      if (fx > this.worstF) this.worstF = fx;
      return fx;
    }
    return this.badValue();
  }

  /** A finite stand-in for Infinity/NaN: above the worst finite value by at least the spread
   *  of the finite values seen, so a trust-region step there is rejected. */
  private badValue(): number {
    if (!Number.isFinite(this.worstF)) return 1e100;
    const spread = this.worstF - this.bestF;
    return this.worstF + Math.max(1, 10 * spread, Math.abs(this.worstF));
  }
}
