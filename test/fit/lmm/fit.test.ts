import { describe, expect, it } from "vitest";
import { fitLmm } from "../../../src/fit/lmm/fit-lmm.js";
import { buildMatrices, gaussianReferenceIds, readReference } from "./build-matrices.js";
import { expectMatchesReference } from "./compare.js";

// InstEval's fit (73 421 rows) runs in insteval.test.ts only.
const ids = gaussianReferenceIds.filter((id) => id !== "insteval_crossed_ml");

describe("fitLmm reproduces lme4's fit", () => {
  for (const id of ids) {
    it(id, () => {
      const ref = readReference(id);
      const fit = fitLmm(buildMatrices(id), { REML: ref.REML });
      expectMatchesReference(fit, ref);
      expect(fit.converged).toBe(true);
      expect(fit.evaluations).toBeGreaterThan(0);
    });
  }
});
