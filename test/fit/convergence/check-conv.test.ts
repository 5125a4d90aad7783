import { describe, expect, it } from "vitest";
import { convergenceMessages, formatG, symmetricEigenvalues } from "../../../src/fit/convergence/check-conv.js";

describe("lme4's checkConv", () => {
  it("formats numbers as C's %g (R's gettextf)", () => {
    expect(formatG(0.00216966123)).toBe("0.00216966");
    expect(formatG(0.0123965)).toBe("0.0123965");
    expect(formatG(1.25e-5)).toBe("1.25e-05");
    expect(formatG(2)).toBe("2");
    expect(formatG(1234567)).toBe("1.23457e+06");
  });
  it("eigenvalues of a symmetric matrix", () => {
    const ev = symmetricEigenvalues(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3)!.sort((a, b) => a - b);
    [1, 3, 5].forEach((v, i) => expect(ev[i]).toBeCloseTo(v, 12));
  });
  const derivs = (gradient: number[], hessian: number[]) => ({
    gradient: Float64Array.from(gradient),
    hessian: Float64Array.from(hessian),
    evaluations: 0,
  });
  it("a singular fit gives only the boundary message", () => {
    expect(convergenceMessages(derivs([1, 1], [1, 0, 0, -1]), [0], [0])).toEqual([
      "boundary (singular) fit: see help('isSingular')",
    ]);
  });
  it("a large gradient: lme4's words (it always names component 1)", () => {
    expect(convergenceMessages(derivs([0.5, 0.01], [4, 0, 0, 1]), [0.5], [0])).toEqual([
      "Model failed to converge with max|grad| = 0.25 (tol = 0.002, component 1)",
    ]);
  });
  it("a Hessian with a negative eigenvalue", () => {
    expect(convergenceMessages(derivs([0, 0], [1, 0, 0, -1]), [0.5], [0])).toEqual([
      "unable to evaluate scaled gradient",
      "Model failed to converge: degenerate  Hessian with 1 negative eigenvalues",
    ]);
  });
  it("no messages at a clean optimum, none computed for nAGQ = 0", () => {
    expect(convergenceMessages(derivs([1e-5, -2e-5], [4, 1, 1, 3]), [0.5], [0])).toEqual([]);
    expect(convergenceMessages(null, [0.5], [0])).toEqual([]);
  });
});
