import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { FamilyName } from "../../../src/fit/fitted.js";
import { fitGlmm } from "../../../src/fit/glmm/fit.js";
import { compileModel, readCsv } from "../../../src/model/index.js";
import type { ModelMatrices } from "../../../src/model/matrices.js";
import { cbppMatrices, grouseticksMatrices, seedPoissonMatrices, verbaggMatrices } from "./cases.js";
import { expectAgreesWithLme4, readLme4Reference } from "../../lme4-reference.js";

const DATA = fileURLToPath(new URL("../../fixtures/data/", import.meta.url));

function compiled(id: string, family: FamilyName): ModelMatrices {
  const ref = readLme4Reference("reference", id) as unknown as { formula: string; data: string };
  return compileModel(ref.formula, readCsv(`${DATA}${ref.data}`), { family });
}

describe("the model stage's compileModel gives the hand-built GLMM matrices", () => {
  const cases: [string, () => ModelMatrices, FamilyName][] = [
    ["cbpp_binomial", cbppMatrices, "binomial"],
    ["grouseticks_poisson", grouseticksMatrices, "poisson"],
    ["verbagg_bernoulli", verbaggMatrices, "binomial"],
    ["seed_poisson", seedPoissonMatrices, "poisson"],
  ];
  for (const [id, hand, family] of cases) {
    it(id, () => {
      const a = compiled(id, family);
      const b = hand();
      expect(Array.from(a.y)).toEqual(Array.from(b.y));
      expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
      expect(a.xNames).toEqual(b.xNames);
      expect(Array.from(a.X)).toEqual(Array.from(b.X));
      expect(a.thetaNames).toEqual(b.thetaNames);
      expect(Array.from(a.theta0)).toEqual(Array.from(b.theta0));
      expect(a.reTerms.map((t) => [t.group, t.levels, Array.from(t.refs), Array.from(t.z)])).toEqual(
        b.reTerms.map((t) => [t.group, t.levels, Array.from(t.refs), Array.from(t.z)]),
      );
    });
  }
  it("cbpp fitted end to end from the formula", () => {
    const ref = readLme4Reference("reference", "cbpp_binomial");
    const fit = fitGlmm(compiled("cbpp_binomial", "binomial"), { family: "binomial" });
    expectAgreesWithLme4(fit, ref);
  });
});
