import { describe, expect, it } from "vitest";
import { bobyqa, nloptRescaling } from "../../../src/fit/optimize/bobyqa.js";
import {
  lme4MinqaOptions,
  lme4NloptwrapOptions,
  nloptDefaultInitialStep,
} from "../../../src/fit/optimize/presets.js";
import { INTERIOR, SINGULAR, devianceShape, rosenbrock } from "./functions.js";

describe("NLopt's default initial step (nlopt_set_default_initial_step)", () => {
  it("θ = 1 with lower bound 0 gets ¾ of the room; an unbounded 0 gets 1", () => {
    expect(Array.from(nloptDefaultInitialStep([1, 0, 1], [0, -Infinity, 0], [Infinity, Infinity, Infinity]))).toEqual([
      0.75, 1, 0.75,
    ]);
  });
  it("a finite box gives a quarter of its width unless a bound is nearer", () => {
    expect(nloptDefaultInitialStep([0], [-2], [2])[0]).toBe(1);
    expect(nloptDefaultInitialStep([1.8], [-2], [2])[0]).toBeCloseTo(0.15, 15);
  });
  it("on its only bound: |x|, or 1 at zero", () => {
    expect(nloptDefaultInitialStep([0], [0], [Infinity])[0]).toBe(1);
    expect(nloptDefaultInitialStep([3], [-Infinity], [Infinity])[0]).toBe(3);
  });
  it("rescaling is the identity for equal steps, dx_i/dx_0 otherwise", () => {
    expect(Array.from(nloptRescaling(Float64Array.from([0.75, 0.75])))).toEqual([1, 1]);
    expect(Array.from(nloptRescaling(Float64Array.from([0.75, 1, 0.75])))).toEqual([1, 1 / 0.75, 1]);
  });
});

describe("bobyqa with the lme4 presets", () => {
  const dev3 = (x: Float64Array) =>
    devianceShape(x[0], INTERIOR.a, INTERIOR.b, INTERIOR.c) +
    devianceShape(x[1], SINGULAR.a, SINGULAR.b, SINGULAR.c) +
    (x[2] - 0.4 * x[0]) ** 2;

  it("nloptwrap (rescaled coordinates, rhoend = 1e-4·rhobeg) reaches the deviance-shape optimum", () => {
    const opts = lme4NloptwrapOptions([1, 1, 0], [0, 0, -Infinity]);
    expect(opts.rhoend).toBeCloseTo(7.5e-5, 15);
    const r = bobyqa(dev3, [1, 1, 0], opts);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - INTERIOR.theta)).toBeLessThan(1e-3);
    expect(r.x[1]).toBeLessThan(1e-4);
    expect(Math.abs(r.fx - (INTERIOR.f + SINGULAR.f))).toBeLessThan(1e-7);
  });

  it("minqa (npt = n+2, rhobeg = 0.2·max|x0|) reaches it too", () => {
    const { x0, options } = lme4MinqaOptions([1, 1, 0], [0, 0, -Infinity]);
    expect(options.npt).toBe(5);
    expect(options.rhobeg).toBeCloseTo(0.2, 15);
    expect(options.rhoend).toBeCloseTo(2e-7, 20);
    const r = bobyqa(dev3, x0, options);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - INTERIOR.theta)).toBeLessThan(1e-5);
    expect(r.x[1]).toBeLessThan(1e-6);
    expect(Math.abs(r.fx - (INTERIOR.f + SINGULAR.f))).toBeLessThan(1e-10);
  });

  it("minqa's all-zero start is moved to 0.001, and adj gives rhobeg 2e-4, rhoend 2e-7", () => {
    const { x0, options } = lme4MinqaOptions([0, 0], [-Infinity, -Infinity], undefined, true);
    expect(Array.from(x0)).toEqual([0.001, 0.001]);
    expect(options.rhobeg).toBe(2e-4);
    expect(options.rhoend).toBe(2e-7);
  });

  it("minqa's narrow-box rule: rhobeg becomes 0.2·min(upper − lower), rhoend stays", () => {
    const { options } = lme4MinqaOptions([1, 0.5], [0, 0], [2, 1]);
    expect(options.rhobeg).toBeCloseTo(0.2, 15);
    const narrow = lme4MinqaOptions([1, 0.05], [0, 0], [2, 0.1]).options;
    expect(narrow.rhobeg).toBeCloseTo(0.02, 15);
    expect(narrow.rhoend).toBeCloseTo(2e-7, 20);
  });

  it("npt = n+2: Rosenbrock 2-D reaches (1, 1)", () => {
    const r = bobyqa(rosenbrock, [-1.2, 1], { npt: 4 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-5);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-5);
    expect(r.evaluations).toBeLessThan(500);
  });

  it("npt = n+2 on Rosenbrock 4-D stops, as minqa does, at the known local minimum", () => {
    // The 4-D Rosenbrock function's local minimum (−0.7757, 0.6130, 0.3820, 0.1459), f = 3.7014
    // (Kok & Sandrock 2009); minqa::bobyqa with its default npt = n + 2 stops there too.
    const r = bobyqa(rosenbrock, [-1.2, 1, -1.2, 1], { npt: 6 });
    expect(r.converged).toBe(true);
    const h = 1e-6;
    for (let i = 0; i < 4; i++) {
      const xp = Float64Array.from(r.x);
      const xm = Float64Array.from(r.x);
      xp[i] += h;
      xm[i] -= h;
      expect(Math.abs((rosenbrock(xp) - rosenbrock(xm)) / (2 * h))).toBeLessThan(1e-3);
    }
    expect(r.fx).toBeCloseTo(3.70143, 4);
    expect(r.x[0]).toBeCloseTo(-0.7757, 3);
    expect(r.x[3]).toBeCloseTo(0.1460, 3);
  });

  it("initialStep rescales: unequal steps give the same optimum within bounds", () => {
    const f = (x: Float64Array) => ((x[0] - 300) / 100) ** 2 + (10 * (x[1] - 0.02)) ** 2;
    const r = bobyqa(f, [100, 0], { initialStep: [50, 0.01], lower: [0, 0], rhoend: 1e-6 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 300)).toBeLessThan(1e-3);
    expect(Math.abs(r.x[1] - 0.02)).toBeLessThan(1e-7);
  });

  it("reproduces minqa::bobyqa's iterates (R: rhobeg 0.2, rhoend 1e-6, default npt = n+2)", () => {
    // minqa 1.2: bobyqa(c(-1.2, 1), rosen, control = list(rhobeg = 0.2, rhoend = 1e-6))
    // → feval 333, par 0.999999103548 0.999998197740.
    const r = bobyqa(rosenbrock, [-1.2, 1], { rhobeg: 0.2, rhoend: 1e-6, npt: 4 });
    expect(r.evaluations).toBe(333);
    expect(r.x[0]).toBeCloseTo(0.999999103548, 11);
    expect(r.x[1]).toBeCloseTo(0.99999819774, 11);
  });

  it("reproduces NLopt's BOBYQA as lme4's nloptwrap calls it", () => {
    // nloptr: nloptr(c(-1.2, 1), rosen, opts = list(algorithm = "NLOPT_LN_BOBYQA",
    //   xtol_abs = 1e-8, ftol_abs = 1e-8, maxeval = 1e5)) → 169 evaluations, solution
    //   1.000007912942 1.000015918045 (initial steps (−1.2, 1): a flipped, rescaled coordinate).
    const r = bobyqa(rosenbrock, [-1.2, 1], lme4NloptwrapOptions([-1.2, 1], [-Infinity, -Infinity]));
    expect(r.evaluations).toBe(169);
    expect(r.x[0]).toBeCloseTo(1.000007912942, 11);
    expect(r.x[1]).toBeCloseTo(1.000015918045, 11);
    // The same call on the 3-θ deviance shape (bounds 0, 0, −Inf) → 34 evaluations,
    //   solution 1.732050655477 0.000002048432 0.692819174300.
    const d = bobyqa(dev3, [1, 1, 0], lme4NloptwrapOptions([1, 1, 0], [0, 0, -Infinity]));
    expect(d.evaluations).toBe(34);
    expect(d.x[0]).toBeCloseTo(1.732050655477, 10);
    expect(d.x[1]).toBeCloseTo(0.000002048432, 10);
    expect(d.x[2]).toBeCloseTo(0.6928191743, 10);
  });
});
