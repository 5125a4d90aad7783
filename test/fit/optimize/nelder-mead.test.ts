import { describe, expect, it } from "vitest";
import { nelderMead } from "../../../src/fit/optimize/nelder-mead.js";
import { OptimizerError } from "../../../src/fit/optimize/types.js";
import {
  INTERIOR,
  QUAD_CENTRE,
  SINGULAR,
  correlatedQuadratic,
  devianceShape,
  rosenbrock,
} from "./functions.js";

describe("nelderMead", () => {
  it("Rosenbrock 2-D from (−1.2, 1): (1, 1) in < 400 evaluations", () => {
    const r = nelderMead(rosenbrock, [-1.2, 1], { ftolAbs: 1e-12 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-4);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(2e-4);
    expect(r.fx).toBeLessThan(1e-9);
    expect(r.evaluations).toBeLessThan(400);
  });

  it("convex quadratic with correlated Hessian (5-D)", () => {
    const r = nelderMead(correlatedQuadratic, [0, 0, 0, 0, 0], { ftolAbs: 1e-14, maxEval: 5000 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 5; i++) expect(Math.abs(r.x[i] - QUAD_CENTRE[i])).toBeLessThan(1e-3);
    expect(r.fx - 3).toBeLessThan(1e-8);
  });

  it("minimum on a lower bound in one coordinate, interior in the others", () => {
    const f = (x: Float64Array) =>
      (x[0] + 1) ** 2 + (x[1] - 0.5) ** 2 + (x[2] - 2) ** 2 + 0.2 * x[0] * x[1];
    const r = nelderMead(f, [1, 1, 1], { lower: [0, -Infinity, -Infinity], ftolAbs: 1e-14 });
    expect(r.x[0]).toBeGreaterThanOrEqual(0);
    expect(r.x[0]).toBeLessThan(1e-6);
    expect(r.x[1]).toBeCloseTo(0.5, 4);
    expect(r.x[2]).toBeCloseTo(2, 4);
    expect(r.fx).toBeCloseTo(1, 9);
  });

  it("every trial point stays in the box; x0 on a bound works", () => {
    const f = (x: Float64Array) => {
      if (x[0] < 0 || x[1] > 0.5) throw new Error(`outside the box: ${x[0]}, ${x[1]}`);
      return (x[0] - 2) ** 2 + (x[1] - 1) ** 2;
    };
    const r = nelderMead(f, [0, 0.5], { lower: [0, -Infinity], upper: [Infinity, 0.5], ftolAbs: 1e-14 });
    expect(r.x[0]).toBeCloseTo(2, 4);
    expect(r.x[1]).toBe(0.5);
  });

  it("1-D deviance shapes: interior θ* = √3 and singular θ* = 0", () => {
    const ri = nelderMead((x) => devianceShape(x[0], INTERIOR.a, INTERIOR.b, INTERIOR.c), [1], {
      lower: [0],
      ftolAbs: 1e-14,
    });
    expect(Math.abs(ri.x[0] - INTERIOR.theta)).toBeLessThan(1e-4);
    expect(Math.abs(ri.fx - INTERIOR.f)).toBeLessThan(1e-10);
    const rs = nelderMead((x) => devianceShape(x[0], SINGULAR.a, SINGULAR.b, SINGULAR.c), [1], {
      lower: [0],
      ftolAbs: 1e-14,
    });
    expect(rs.x[0]).toBeLessThan(1e-6);
    expect(rs.fx).toBeCloseTo(SINGULAR.f, 12);
  });

  it("maxEval is respected and reported", () => {
    const r = nelderMead(rosenbrock, [-1.2, 1], { maxEval: 25 });
    expect(r.evaluations).toBeLessThanOrEqual(25);
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/maxEval/);
    expect(r.fx).toBe(rosenbrock(r.x));
  });

  it("per-coordinate steps, fixed coordinates and non-finite values", () => {
    const f = (x: Float64Array) =>
      x[0] > 3 ? Infinity : (x[0] - 1) ** 2 + (x[1] - 7) ** 2 + (x[2] + 2) ** 2;
    const r = nelderMead(f, [0, 7, 0], {
      step: [1, 1, 0.1],
      lower: [-10, 7, -10],
      upper: [10, 7, 10],
      ftolAbs: 1e-14,
    });
    expect(r.x[1]).toBe(7);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[2]).toBeCloseTo(-2, 4);
  });

  it("invalid arguments raise OptimizerError", () => {
    const f = (x: Float64Array) => x[0] ** 2;
    expect(() => nelderMead(f, [0, 0], { step: [1] })).toThrow(OptimizerError);
    expect(() => nelderMead(f, [0], { step: 0 })).toThrow(/step/);
    expect(() => nelderMead(f, [0], { upper: [-1], lower: [0] })).toThrow(/lower ≤ upper/);
  });
});
