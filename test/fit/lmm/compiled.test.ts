/**
 * The same reference cases through the model stage's compileModel (integration of model → fit).
 * build-matrices.ts keeps the fit's own tests independent of the model stage.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fitLmm } from "../../../src/fit/lmm/fit-lmm.js";
import { makeDevfun } from "../../../src/fit/lmm/profiled-deviance.js";
import { compileModel, readCsv } from "../../../src/model/index.js";
import { gaussianReferenceIds, referenceTheta } from "./build-matrices.js";
import { expectAgreesWithLme4, readLme4Reference } from "../../lme4-reference.js";

const dataDir = fileURLToPath(new URL("../../fixtures/data/", import.meta.url));

describe("compileModel → fitLmm reproduces lme4", () => {
  for (const id of gaussianReferenceIds) {
    it(id, () => {
      const ref = readLme4Reference("reference", id);
      const m = compileModel(ref.formula, readCsv(dataDir + ref.data));
      expect(m.n).toBe(ref.nobs);
      const d = makeDevfun(m, { REML: ref.REML })(referenceTheta(ref));
      expect(Math.abs(d - ref.objective) / ref.objective).toBeLessThan(1e-6);
      if (id === "insteval_crossed_ml") return; // its fit runs in insteval.test.ts (LMM_INSTEVAL=1)
      expectAgreesWithLme4(fitLmm(m, { REML: ref.REML }), ref);
    });
  }
});
