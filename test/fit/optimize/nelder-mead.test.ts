import { describe, expect, it } from "vitest";
import { nelderMead } from "../../../src/fit/optimize/nelder-mead.js";
import { lme4NelderMeadOptions } from "../../../src/fit/optimize/presets.js";
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

  it("follows lme4's Nelder_Mead exactly: same evaluation count and iterate", () => {
    // lme4 1.1-31: Nelder_Mead(f, c(0, 0), control = list(xst = c(0.2, 0.2), xt = c(1e-4, 1e-4)))
    // gives feval 76, par 0.503187327106 1.987417080501, message "parameter values converged
    // to within tolerance".
    const f = (x: Float64Array) => (x[0] - 1) ** 2 + 10 * (x[1] - 2) ** 2 + 0.5 * x[0] * x[1];
    const r = nelderMead(f, [0, 0], { step: 0.2, xtolAbs: 1e-4 });
    expect(r.evaluations).toBe(76);
    expect(r.x[0]).toBeCloseTo(0.503187327106, 11);
    expect(r.x[1]).toBeCloseTo(1.987417080501, 11);
    expect(r.converged).toBe(true);
    expect(r.message).toBe("parameter values converged to within tolerance");
    // The exact minimiser, from ∇f = 0: x₂ = 39.5/19.875, x₁ = 1 − x₂/4.
    expect(Math.abs(r.x[1] - 39.5 / 19.875)).toBeLessThan(1e-4);
  });

  it("follows lme4's Nelder_Mead on bounded Rosenbrock (228 evaluations)", () => {
    // lme4 1.1-31: Nelder_Mead(rosen, c(-1.2, 1), lower = c(-2, -2), upper = c(2, 2),
    //   control = list(xst = c(0.2, 0.2), xt = c(1e-6, 1e-6))): feval 228,
    //   par 1.000000474107 1.000000951311; the same with lower = c(-1.2, -2) (x0 on a bound).
    for (const lower of [[-2, -2], [-1.2, -2]]) {
      const r = nelderMead(rosenbrock, [-1.2, 1], { lower, upper: [2, 2], step: 0.2, xtolAbs: 1e-6 });
      expect(r.evaluations).toBe(228);
      expect(r.x[0]).toBeCloseTo(1.000000474107, 11);
      expect(r.x[1]).toBeCloseTo(1.000000951311, 11);
    }
  });

  it("lme4's glmer stage-2 settings: steps 0.2·(0.1 per θ, min(sd β, 10) per β)", () => {
    const o = lme4NelderMeadOptions([0, -Infinity], [0.5, 40]);
    // R computes 0.2 * c(rep(0.1, nTheta), pmin(betaSD, 10)) in doubles, as here.
    const st = [0.2 * 0.1, 0.2 * 0.1, 0.2 * 0.5, 0.2 * 10];
    expect(Array.from(o.step as Float64Array)).toEqual(st);
    expect(Array.from(o.xtolAbs as Float64Array)).toEqual(st.map((v) => v * 5e-4));
    expect(Array.from(o.lower as Float64Array)).toEqual([0, -Infinity, -Infinity, -Infinity]);
  });

  it("restartOnCollapse rebuilds a simplex flattened onto a bound", () => {
    // On x₂ = ½ (its upper bound) the minimiser in x₁ is 2; f is symmetric about it, which can
    // stall a flattened simplex.
    const f = (x: Float64Array) => (x[0] - 2) ** 2 + (x[1] - 1) ** 2;
    const r = nelderMead(f, [0, 0.5], {
      lower: [0, -Infinity],
      upper: [Infinity, 0.5],
      step: 0.2,
      xtolAbs: 1e-9,
      restartOnCollapse: true,
    });
    expect(r.x[0]).toBeCloseTo(2, 6);
    expect(r.x[1]).toBe(0.5);
  });

  it("invalid arguments raise OptimizerError", () => {
    const f = (x: Float64Array) => x[0] ** 2;
    expect(() => nelderMead(f, [0, 0], { step: [1] })).toThrow(OptimizerError);
    expect(() => nelderMead(f, [0], { step: 0 })).toThrow(/step/);
    expect(() => nelderMead(f, [0], { xtolAbs: [1, 2] })).toThrow(/xtolAbs/);
    expect(() => nelderMead(f, [0], { upper: [-1], lower: [0] })).toThrow(/lower ≤ upper/);
  });
});
