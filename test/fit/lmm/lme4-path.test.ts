import { describe, expect, it } from "vitest";
import { fitLmm } from "../../../src/fit/lmm/fit-lmm.js";
import { lme4StartTheta } from "../../../src/fit/lmm/start.js";
import { buildMatrices } from "./build-matrices.js";
import { readLme4Reference } from "../../lme4-reference.js";

/** lme4 1.1 (nloptwrap defaults) m@optinfo$feval for each Gaussian reference fit, from R:
 *  m <- lmer(formula, read.csv(data, stringsAsFactors = TRUE), REML = REML); m@optinfo$feval.
 *  InstEval's is 79 (its fit runs only with LMM_INSTEVAL=1). */
const LME4_FEVAL: Record<string, number> = {
  cake_factors_reml: 14,
  dyestuff2_singular_reml: 10,
  dyestuff_reml: 17,
  pastes_nested_reml: 36,
  penicillin_crossed_reml: 41,
  seed_gaussian_reml: 45,
  sleepstudy_corr_ml: 53,
  sleepstudy_corr_reml: 43,
  sleepstudy_intercept_ml: 17,
  sleepstudy_uncorr_reml: 34,
};

describe("fitLmm follows lme4's optimiser path", () => {
  it("starts scalar-intercept models where mkLmerDevfun does (√(var(ave(y, f)) / v_e))", () => {
    // lme4: environment(lmer(Yield ~ 1 + (1 | Batch), Dyestuff, devFunOnly = TRUE))$pp$theta
    expect(lme4StartTheta(buildMatrices("dyestuff_reml"))[0]).toBeCloseTo(0.97876050342587007, 14);
    // not a scalar-intercept model: lme4's default start
    expect(Array.from(lme4StartTheta(buildMatrices("sleepstudy_corr_reml")))).toEqual([1, 0, 1]);
  });

  for (const [id, feval] of Object.entries(LME4_FEVAL)) {
    it(`${id}: ${feval} evaluations, as lme4`, () => {
      const ref = readLme4Reference("reference", id);
      let optimizerCalls = 0;
      const fit = fitLmm(buildMatrices(id), { REML: ref.REML, onProgress: () => optimizerCalls++ });
      // the optimiser's calls only, as lme4's feval (restart_edge probes are not counted)
      expect(fit.evaluations).toBe(feval);
      expect(optimizerCalls).toBe(fit.evaluations);
    });
  }
});
