import { describe, expect, it } from "vitest";
import { makeFamily } from "../../../src/fit/family/index.js";
import { GlmmDeviance } from "../../../src/fit/glmm/deviance.js";
import { deriv12, invertDense, vcovFromHessian } from "../../../src/fit/glmm/hessian.js";
import { DEFAULT_PIRLS_OPTIONS } from "../../../src/fit/glmm/options.js";
import { runStage1 } from "../../../src/fit/glmm/stages.js";
import { bobyqa } from "../../../src/fit/optimize/index.js";
import type { ModelMatrices } from "../../../src/model/matrices.js";
import { cbppMatrices, seedPoissonMatrices } from "./cases.js";
import { readLme4Reference } from "../../lme4-reference.js";

describe("deriv12 and the Hessian-based vcov", () => {
  it("are exact for a quadratic, and vcov(β) = [(H/2)⁻¹]_ββ", () => {
    // f = xᵀAx with A = [[2, 0.5], [0.5, 1]]: H = 2A, gradient 2Ax
    const f = (x: Float64Array): number => 2 * x[0] * x[0] + x[0] * x[1] + x[1] * x[1];
    const x = Float64Array.from([0.3, -0.2]);
    const d = deriv12(f, x, f(x));
    expect(Array.from(d.hessian)).toEqual([4, 1, 1, 2].map((v) => expect.closeTo(v, 6)));
    expect(d.gradient[0]).toBeCloseTo(4 * 0.3 - 0.2, 8);
    const v = vcovFromHessian(d.hessian, 1, 1)!;
    const inv = invertDense(Float64Array.from([4, 1, 1, 2]), 2)!;
    expect(v[0]).toBeCloseTo(2 * inv[3], 8);
  });
  it("is null (lme4 then falls back to R_X) when H is not positive definite", () => {
    expect(vcovFromHessian(Float64Array.from([1, 0, 0, -1]), 1, 1)).toBeNull();
  });

  // At lme4's optimum, after lme4's stage 1 (which sets PIRLS's starting η), the Hessian of the
  // stage-2 deviance gives lme4's standard errors.
  const cases: [string, () => ModelMatrices, string][] = [
    ["cbpp_binomial", cbppMatrices, "binomial"],
    ["seed_poisson", seedPoissonMatrices, "poisson"],
  ];
  for (const [id, matrices, family] of cases) {
    it(`${id}: lme4's standard errors from the Hessian at lme4's (θ, β)`, () => {
      const ref = readLme4Reference("reference", id);
      const m = matrices();
      const dev = new GlmmDeviance(m, makeFamily(family), DEFAULT_PIRLS_OPTIONS);
      runStage1(dev, bobyqa, () => undefined);
      const pars = Float64Array.from([...([] as number[]).concat(ref.theta), ...m.xNames.map((n) => ref.fixef[n])]);
      const d = deriv12((x) => dev.stage2(x), pars, dev.stage2(pars));
      const v = vcovFromHessian(d.hessian, m.theta0.length, m.p)!;
      m.xNames.forEach((n, j) => expect(Math.abs(Math.sqrt(v[j + j * m.p]) / ref.stderr[n] - 1)).toBeLessThan(1e-3));
    });
  }
});
