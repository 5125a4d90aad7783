import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bobyqa } from "../../../src/fit/optimize/bobyqa.js";
import { OptimizerError } from "../../../src/fit/optimize/types.js";
import {
  INTERIOR,
  QUAD_CENTRE,
  SINGULAR,
  correlatedQuadratic,
  devianceShape,
  powellSingular,
  rosenbrock,
} from "./functions.js";

describe("bobyqa on standard test functions", () => {
  it("Rosenbrock 2-D from (−1.2, 1): (1, 1) in < 400 evaluations", () => {
    const r = bobyqa(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.fx).toBeLessThan(1e-10);
    expect(r.evaluations).toBeLessThan(400);
  });

  it("Rosenbrock 4-D from (−1.2, 1, −1.2, 1): all ones in < 800 evaluations", () => {
    const r = bobyqa(rosenbrock, [-1.2, 1, -1.2, 1]);
    expect(r.converged).toBe(true);
    for (const xi of r.x) expect(Math.abs(xi - 1)).toBeLessThan(1e-5);
    expect(r.fx).toBeLessThan(1e-10);
    expect(r.evaluations).toBeLessThan(800);
  });

  it("convex quadratic with correlated Hessian (5-D): exact centre and minimum 3", () => {
    const r = bobyqa(correlatedQuadratic, [0, 0, 0, 0, 0], { rhobeg: 0.5 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 5; i++) expect(Math.abs(r.x[i] - QUAD_CENTRE[i])).toBeLessThan(1e-5);
    expect(Math.abs(r.fx - 3)).toBeLessThan(1e-11);
    expect(r.evaluations).toBeLessThan(300);
  });

  it("Powell's singular function from (3, −1, 0, 1): minimum 0 at the origin", () => {
    const r = bobyqa(powellSingular, [3, -1, 0, 1]);
    expect(r.fx).toBeLessThan(1e-9);
    for (const xi of r.x) expect(Math.abs(xi)).toBeLessThan(0.02);
    expect(r.evaluations).toBeLessThan(1500);
  });
});

describe("bobyqa with bounds", () => {
  // f = (x0 + 1)² + (x1 − ½)² + (x2 − 2)² + 0.2·x0·x1 with x0 ≥ 0: at (0, ½, 2) the partial
  // derivative in x0 is 2 + 0.1 > 0 and the others vanish, so the KKT point is (0, ½, 2), f = 1.
  const onBound = (x: Float64Array) =>
    (x[0] + 1) ** 2 + (x[1] - 0.5) ** 2 + (x[2] - 2) ** 2 + 0.2 * x[0] * x[1];

  it("minimum on a lower bound in one coordinate, interior (unbounded) in the others", () => {
    const r = bobyqa(onBound, [1, 1, 1], { lower: [0, -Infinity, -Infinity] });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeGreaterThanOrEqual(0);
    expect(r.x[0]).toBeLessThanOrEqual(1e-6);
    expect(r.x[1]).toBeCloseTo(0.5, 5);
    expect(r.x[2]).toBeCloseTo(2, 5);
    expect(r.fx).toBeCloseTo(1, 10);
    expect(r.evaluations).toBeLessThan(100);
  });

  it("x0 on the bound where the minimum lies", () => {
    const r = bobyqa(onBound, [0, 0, 0], { lower: [0, -Infinity, -Infinity] });
    expect(r.x[0]).toBe(0);
    expect(r.x[1]).toBeCloseTo(0.5, 5);
    expect(r.x[2]).toBeCloseTo(2, 5);
  });

  it("x0 on an upper bound, minimum interior", () => {
    const f = (x: Float64Array) => (x[0] - 0.3) ** 2 + (x[1] + 0.2) ** 2;
    const r = bobyqa(f, [1, 1], { lower: [-1, -1], upper: [1, 1] });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(0.3, 6);
    expect(r.x[1]).toBeCloseTo(-0.2, 6);
  });

  it("minimum at a corner of the box (both upper bounds active)", () => {
    const f = (x: Float64Array) => (x[0] - 3) ** 2 + (x[1] - 3) ** 2 + x[0] * x[1];
    const r = bobyqa(f, [0, 0], { lower: [-1, -1], upper: [1, 1] });
    // ∂f/∂x0 at (1, 1) is −4 + 1 < 0 (wants to grow), so the corner (1, 1) is the KKT point.
    expect(r.x[0]).toBe(1);
    expect(r.x[1]).toBe(1);
    expect(r.fx).toBeCloseTo(9, 12);
  });

  it("bounds narrower than 2·rhobeg: rhobeg is reduced and the box respected", () => {
    const f = (x: Float64Array) => (x[0] - 0.07) ** 2 + (x[1] - 5) ** 2;
    const r = bobyqa(f, [0.05, 0], { lower: [0, 0], upper: [0.1, 1] });
    expect(r.x[0]).toBeCloseTo(0.07, 6);
    expect(r.x[1]).toBe(1);
  });

  it("a coordinate fixed by lower = upper is held and the others optimised", () => {
    const f = (x: Float64Array) => (x[0] - 1) ** 2 + (x[1] - 2) ** 2 + (x[2] + 1) ** 2;
    const r = bobyqa(f, [0, 0.5, 0], { lower: [-5, 0.5, -5], upper: [5, 0.5, 5] });
    expect(r.x[1]).toBe(0.5);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[2]).toBeCloseTo(-1, 6);
    expect(r.fx).toBeCloseTo(2.25, 10);
  });

  it("every iterate stays inside the bounds", () => {
    const f = (x: Float64Array) => {
      if (x[0] < 0 || x[1] < -1 || x[1] > 2) throw new Error(`outside the box: ${x[0]}, ${x[1]}`);
      return rosenbrock(x);
    };
    const r = bobyqa(f, [0.5, 0.5], { lower: [0, -1], upper: [Infinity, 2] });
    expect(r.x[0]).toBeCloseTo(1, 4);
  });

  it("property: on random convex quadratics in random boxes the result satisfies KKT", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: -0.9, max: 0.9, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (centre, corr) => {
          // A = LLᵀ with L unit lower triangular from corr: positive definite.
          const L = [
            [1, 0, 0],
            [corr[0], 1, 0],
            [corr[1], corr[2], 1],
          ];
          const A = [0, 1, 2].map((i) => [0, 1, 2].map((j) => L[i][0] * L[j][0] + L[i][1] * L[j][1] + L[i][2] * L[j][2]));
          const grad = (x: ArrayLike<number>) =>
            [0, 1, 2].map((i) => A[i][0] * (x[0] - centre[0]) + A[i][1] * (x[1] - centre[1]) + A[i][2] * (x[2] - centre[2]));
          const f = (x: Float64Array) => {
            const g = grad(x);
            return 0.5 * (g[0] * (x[0] - centre[0]) + g[1] * (x[1] - centre[1]) + g[2] * (x[2] - centre[2]));
          };
          const lower = [0, -1, -Infinity];
          const upper = [Infinity, 1, 0.5];
          const r = bobyqa(f, [1, 0, 0], { lower, upper, rhoend: 1e-8 });
          const g = grad(r.x);
          for (let i = 0; i < 3; i++) {
            const atLower = r.x[i] === lower[i];
            const atUpper = r.x[i] === upper[i];
            // Projected gradient: zero in the interior, pointing into the box at a bound.
            if (atLower) expect(g[i]).toBeGreaterThan(-1e-5);
            else if (atUpper) expect(g[i]).toBeLessThan(1e-5);
            else expect(Math.abs(g[i])).toBeLessThan(1e-5);
            expect(r.x[i]).toBeGreaterThanOrEqual(lower[i]);
            expect(r.x[i]).toBeLessThanOrEqual(upper[i]);
          }
        },
      ),
      { numRuns: 25, seed: 20091 },
    );
  });
});

describe("bobyqa in one dimension and on profiled-deviance shapes", () => {
  it("1-D interior minimum (θ* = √3)", () => {
    const { a, b, c } = INTERIOR;
    const r = bobyqa((x) => devianceShape(x[0], a, b, c), [1], { lower: [0] });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - INTERIOR.theta)).toBeLessThan(1e-5);
    expect(Math.abs(r.fx - INTERIOR.f)).toBeLessThan(1e-12);
    expect(r.evaluations).toBeLessThan(40);
  });

  it("1-D singular fit: minimum on the bound θ = 0 reached to within rhoend", () => {
    const { a, b, c } = SINGULAR;
    const r = bobyqa((x) => devianceShape(x[0], a, b, c), [1], { lower: [0] });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeLessThanOrEqual(1e-6);
    expect(r.fx).toBeCloseTo(SINGULAR.f, 12);
    expect(r.evaluations).toBeLessThan(40);
  });

  it("1-D with x0 on the bound and an interior minimum", () => {
    const r = bobyqa((x) => (x[0] - 0.7) ** 2 + 1, [0], { lower: [0] });
    expect(r.x[0]).toBeCloseTo(0.7, 6);
    expect(r.fx).toBeCloseTo(1, 12);
  });

  it("1-D unbounded", () => {
    const r = bobyqa((x) => Math.cosh(x[0] + 2), [1]);
    expect(r.x[0]).toBeCloseTo(-2, 4);
    expect(r.fx).toBeCloseTo(1, 10);
  });

  it("3-θ deviance shape: one interior, one singular, one unbounded off-diagonal", () => {
    // θ0, θ1 ≥ 0 (diagonal of a relative covariance factor), θ2 unbounded (off-diagonal),
    // entering through (θ2 − 0.4 θ0)²: the optimum is (√3, 0, 0.4√3) with value g*₀ + g*₁.
    const f = (x: Float64Array) =>
      devianceShape(x[0], INTERIOR.a, INTERIOR.b, INTERIOR.c) +
      devianceShape(x[1], SINGULAR.a, SINGULAR.b, SINGULAR.c) +
      (x[2] - 0.4 * x[0]) ** 2;
    const r = bobyqa(f, [1, 1, 0], { lower: [0, 0, -Infinity] });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - INTERIOR.theta)).toBeLessThan(1e-5);
    expect(r.x[1]).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.x[2] - 0.4 * INTERIOR.theta)).toBeLessThan(1e-5);
    expect(Math.abs(r.fx - (INTERIOR.f + SINGULAR.f))).toBeLessThan(1e-10);
    expect(r.evaluations).toBeLessThan(120);
  });
});

describe("bobyqa's stopping rules and robustness", () => {
  it("maxEval is respected and reported", () => {
    const r = bobyqa(rosenbrock, [-1.2, 1], { maxEval: 20 });
    expect(r.evaluations).toBe(20);
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/maxEval/);
    expect(r.fx).toBe(rosenbrock(r.x));
  });

  it("maxEval smaller than the 2n+1 initial points", () => {
    const r = bobyqa(rosenbrock, [-1.2, 1], { maxEval: 3 });
    expect(r.evaluations).toBe(3);
    expect(r.converged).toBe(false);
  });

  it("onEvaluation sees every evaluation in order", () => {
    const ks: number[] = [];
    const r = bobyqa((x) => (x[0] - 1) ** 2 + (x[1] - 2) ** 2, [0, 0], {
      onEvaluation: (k) => ks.push(k),
    });
    expect(ks.length).toBe(r.evaluations);
    expect(ks).toEqual(Array.from({ length: r.evaluations }, (_, i) => i + 1));
  });

  it("ftolAbs stops once the improvement is small, reporting convergence", () => {
    const full = bobyqa(rosenbrock, [-1.2, 1]);
    const r = bobyqa(rosenbrock, [-1.2, 1], { ftolAbs: 1e-3 });
    expect(r.converged).toBe(true);
    expect(r.message).toMatch(/ftolAbs/);
    expect(r.evaluations).toBeLessThan(full.evaluations);
  });

  it("Infinity and NaN from f are treated as very bad points", () => {
    const f = (x: Float64Array) => {
      if (x[0] > 1.2) return NaN;
      if (x[1] > 2.1) return Infinity;
      return (x[0] - 1) ** 2 + (x[1] - 2) ** 2 + 0.5 * (x[0] - 1) * (x[1] - 2);
    };
    const r = bobyqa(f, [0, 0], { rhobeg: 0.5 });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(2, 5);
    expect(Number.isFinite(r.fx)).toBe(true);
  });

  it("a non-finite value at x0 itself", () => {
    const f = (x: Float64Array) => (x[0] < 0.1 ? NaN : (x[0] - 1) ** 2 + (x[1] - 0.5) ** 2);
    const r = bobyqa(f, [0, 0]);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(0.5, 6);
    const g = (x: Float64Array) => (x[0] < 0.1 ? Infinity : (x[0] - 1) ** 2);
    expect(bobyqa(g, [0], { lower: [0] }).x[0]).toBeCloseTo(1, 6);
  });

  it("a function that is never finite gives converged = false, not a crash", () => {
    const r = bobyqa(() => NaN, [0, 0], { maxEval: 50 });
    expect(r.converged).toBe(false);
    expect(r.fx).toBe(Infinity);
    expect(r.evaluations).toBeLessThanOrEqual(50);
  });

  it("invalid arguments raise OptimizerError with an actionable message", () => {
    const f = (x: Float64Array) => x[0] ** 2;
    expect(() => bobyqa(f, [0, 0], { lower: [0] })).toThrow(OptimizerError);
    expect(() => bobyqa(f, [0], { lower: [1], upper: [0] })).toThrow(/lower ≤ upper/);
    expect(() => bobyqa(f, [NaN])).toThrow(/finite/);
    expect(() => bobyqa(f, [0], { rhobeg: 0.1, rhoend: 1 })).toThrow(/rhoend/);
    expect(() => bobyqa(f, [])).toThrow(OptimizerError);
  });

  it("badly scaled coordinates (1000 and 1/1000): rounding damages H and RESCUE repairs it", () => {
    const f = (x: Float64Array) => ((x[0] - 3000) / 1000) ** 2 + (1000 * (x[1] - 0.001)) ** 2;
    const r = bobyqa(f, [0, 0], { rhoend: 1e-9 });
    expect(r.converged).toBe(true);
    // minqa::bobyqa(c(0, 0), f, control = list(rhobeg = 0.2, rhoend = 1e-9, npt = 5)) takes 52
    // evaluations to fval 8.271806e-29, through its RESCUE.
    expect(r.evaluations).toBe(52);
    expect(Math.abs(r.x[0] - 3000)).toBeLessThan(1e-5);
    expect(Math.abs(r.x[1] - 0.001)).toBeLessThan(1e-9);
    expect(r.fx).toBeLessThan(1e-18);
  });

  it("x0 outside the bounds is moved inside", () => {
    const r = bobyqa((x) => (x[0] - 2) ** 2, [-3], { lower: [0], upper: [1] });
    expect(r.x[0]).toBeCloseTo(1, 12);
    expect(r.x[0]).toBeLessThanOrEqual(1);
  });
});
