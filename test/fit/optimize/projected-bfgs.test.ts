/**
 * The projected BFGS minimiser (src/fit/optimize/projected-bfgs.ts) on problems with known
 * solutions: an ill-conditioned quadratic whose minimiser lies outside the bounds (so some
 * coordinates end on them, with the KKT signs), Rosenbrock's valley with and without an active
 * bound, and a start on the bound.
 */
import { describe, expect, it } from "vitest";
import { projectedBfgs, type ObjectiveWithGradient } from "../../../src/fit/optimize/projected-bfgs.js";

/** f(x) = ½ Σ dᵢ (xᵢ − cᵢ)², gradient dᵢ(xᵢ − cᵢ); the bounded minimiser is clamp(c). */
function quadratic(d: number[], c: number[]): ObjectiveWithGradient {
  let last = new Float64Array(d.length);
  return {
    value(x) {
      last = Float64Array.from(x);
      return x.reduce((s, xi, i) => s + 0.5 * d[i] * (xi - c[i]) ** 2, 0);
    },
    gradient(g) {
      for (let i = 0; i < d.length; i++) g[i] = d[i] * (last[i] - c[i]);
    },
  };
}

function rosenbrock(): ObjectiveWithGradient {
  let x0 = 0;
  let x1 = 0;
  return {
    value(x) {
      x0 = x[0];
      x1 = x[1];
      return 100 * (x1 - x0 * x0) ** 2 + (1 - x0) ** 2;
    },
    gradient(g) {
      g[0] = -400 * x0 * (x1 - x0 * x0) - 2 * (1 - x0);
      g[1] = 200 * (x1 - x0 * x0);
    },
  };
}

describe("projectedBfgs", () => {
  it("reaches the clamped minimiser of an ill-conditioned quadratic", () => {
    const d = [1, 10, 100, 1000, 1e4];
    const c = [1, -2, 3, -0.5, 0.25];
    const r = projectedBfgs(quadratic(d, c), [5, 5, 5, 5, 5], { lower: [0, 0, 0, 0, 0] });
    expect(r.converged).toBe(true);
    const want = c.map((v) => Math.max(0, v));
    r.x.forEach((v, i) => expect(v).toBeCloseTo(want[i], 7));
    expect(r.x[1]).toBe(0);
    expect(r.x[3]).toBe(0);
  });

  it("finds Rosenbrock's minimum (1, 1) unconstrained and (0.5, 0.25) with x₀ ≤ 0.5", () => {
    const free = projectedBfgs(rosenbrock(), [-1.2, 1], { lower: [-Infinity, -Infinity] });
    expect(free.converged).toBe(true);
    expect(free.x[0]).toBeCloseTo(1, 5);
    expect(free.x[1]).toBeCloseTo(1, 5);
    const bounded = projectedBfgs(rosenbrock(), [-1.2, 1], { lower: [-Infinity, -Infinity], upper: [0.5, Infinity] });
    expect(bounded.x[0]).toBe(0.5);
    expect(bounded.x[1]).toBeCloseTo(0.25, 6);
  });

  it("leaves a bound where the gradient points inwards and projects an infeasible start", () => {
    const r = projectedBfgs(quadratic([2, 3], [1, 2]), [-4, 0], { lower: [0, 0] });
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(2, 7);
    expect(r.evaluations).toBeLessThan(40);
  });

  it("reports a start where the objective is not finite", () => {
    const r = projectedBfgs({ value: () => Infinity, gradient: () => {} }, [1], { lower: [0] });
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/not finite/);
  });
});
