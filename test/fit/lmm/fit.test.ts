import { describe, expect, it } from "vitest";
import { fitLmm } from "../../../src/fit/lmm/fit-lmm.js";
import { buildMatrices, gaussianReferenceIds } from "./build-matrices.js";
import { expectAgreesWithLme4, readLme4Reference } from "../../lme4-reference.js";

// InstEval's fit (73 421 rows) runs in insteval.test.ts only.
const ids = gaussianReferenceIds.filter((id) => id !== "insteval_crossed_ml");

describe("fitLmm reproduces lme4's fit", () => {
  for (const id of ids) {
    it(id, () => {
      const ref = readLme4Reference("reference", id);
      const fit = fitLmm(buildMatrices(id), { REML: ref.REML });
      expectAgreesWithLme4(fit, ref);
      expect(fit.converged).toBe(true);
      expect(fit.evaluations).toBeGreaterThan(0);
    });
  }
});

describe("fitLmm reports what it did and refuses what it cannot do", () => {
  it("onProgress sees every evaluation; fitSeconds and the ML deviance are filled", () => {
    const seen: number[] = [];
    const fit = fitLmm(buildMatrices("dyestuff_reml"), { REML: true, onProgress: (k, d) => seen.push(k, d) });
    expect(seen.length).toBe(2 * fit.evaluations);
    expect(seen[seen.length - 2]).toBe(fit.evaluations);
    expect(fit.fitSeconds).toBeGreaterThan(0);
    expect(fit.family).toBe("gaussian");
    expect(fit.mu).toEqual(fit.eta);
  });

  it("an X with collinear columns gets a clear error, not NaN", () => {
    const m = buildMatrices("sleepstudy_corr_ml");
    const X = new Float64Array(m.n * 3);
    X.set(m.X);
    X.set(m.X.subarray(m.n, 2 * m.n), 2 * m.n); // a copy of Days
    expect(() => fitLmm({ ...m, X, p: 3, xNames: [...m.xNames, "Days2"] }, { REML: false })).toThrow(/not positive definite/);
  });

  it("REML with no residual degrees of freedom is refused", () => {
    const m = buildMatrices("dyestuff_reml");
    expect(() => fitLmm({ ...m, n: 1, y: m.y.slice(0, 1), X: m.X.slice(0, 1) }, { REML: true })).toThrow(/REML needs more observations/);
  });
});
