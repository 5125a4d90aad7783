import { describe, expect, it } from "vitest";
import { makeDevfun } from "../../../src/fit/lmm/profiled-deviance.js";
import { buildMatrices, gaussianReferenceIds, referenceTheta } from "./build-matrices.js";
import { readLme4Reference } from "../../lme4-reference.js";

describe("profiled deviance at lme4's θ reproduces lme4's objective", () => {
  for (const id of gaussianReferenceIds) {
    it(id, () => {
      const ref = readLme4Reference("reference", id);
      const m = buildMatrices(id);
      expect(m.n).toBe(ref.nobs);
      const devfun = makeDevfun(m, { REML: ref.REML });
      const d = devfun(referenceTheta(ref));
      expect(Math.abs(d - ref.objective) / Math.abs(ref.objective)).toBeLessThan(1e-6);
    });
  }
});
