import { describe, expect, it } from "vitest";
import { nelderMead } from "../../../src/fit/optimize/nelder-mead.js";

describe("Nelder–Mead, step for step as lme4's", () => {
  it("reproduces lme4::Nelder_Mead exactly on a bounded Rosenbrock-like function", () => {
    // lme4 1.1-31: Nelder_Mead(f, c(-1, 1, 0.5), lower = c(-Inf, -Inf, 0.2),
    //                          control = list(xst = rep(0.1, 3), xt = rep(1e-6, 3)))
    //   fval 0.020000000000062124, par (0.99999976798859647, 0.99999956475353258,
    //   0.20000000000000007), feval 304, "parameter values converged to within tolerance"
    const f = (x: Float64Array): number => (x[0] - 1) ** 2 + 10 * (x[1] - x[0] ** 2) ** 2 + 0.5 * x[2] ** 2;
    const r = nelderMead(f, [-1, 1, 0.5], { lower: [-Infinity, -Infinity, 0.2], step: [0.1, 0.1, 0.1], xtolAbs: [1e-6, 1e-6, 1e-6] });
    expect(r.evaluations).toBe(304);
    expect(r.fx).toBe(0.020000000000062124);
    // Same path and value to the bit; the point agrees to 1e-14 (centroid summation order).
    [0.99999976798859647, 0.99999956475353258, 0.20000000000000007].forEach((v, i) => expect(Math.abs(r.x[i] - v)).toBeLessThan(1e-13));
    expect(r.converged).toBe(true);
  });
  it("stops at maxEval without claiming convergence", () => {
    const r = nelderMead((x) => x[0] * x[0] + x[1] * x[1], [3, 4], { lower: [-Infinity, -Infinity], step: [1, 1], xtolAbs: [1e-12, 1e-12], maxEval: 20 });
    expect(r.converged).toBe(false);
    expect(r.evaluations).toBeLessThanOrEqual(21);
  });
});
