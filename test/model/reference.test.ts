/**
 * Every lme4 reference case: compiling its data set with its formula and family must give lme4's
 * fixed-effect names, number of observations, numbers of groups, θ names and level orders.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileModel, readCsv } from "../../src/model/index.js";
import { boxed, lme4ReferenceIds, readLme4Reference, type Lme4Reference } from "../lme4-reference.js";

const dataDir = join(__dirname, "../fixtures/data");

const cases: Lme4Reference[] = lme4ReferenceIds("reference").map((id) => readLme4Reference("reference", id));

const asArray = boxed;

describe("lme4 reference cases", () => {
  it("has cases to check", () => expect(cases.length).toBeGreaterThan(10));
  for (const ref of cases) {
    it(`${ref.id}: ${ref.formula}`, () => {
      const data = readCsv(join(dataDir, ref.data));
      const m = compileModel(ref.formula, data, { family: ref.family });
      expect(m.xNames).toEqual(Object.keys(ref.fixef));
      expect(m.p).toBe(m.xNames.length);
      expect(m.X.length).toBe(m.n * m.p);
      expect(m.n).toBe(ref.nobs);
      expect(m.ngroups).toEqual(ref.ngroups);
      expect(Object.keys(m.ngroups)).toEqual(Object.keys(ref.ngroups));
      expect(m.thetaNames).toEqual(asArray(ref.theta_names));
      expect(m.theta0.length).toBe(m.thetaNames.length);
      for (const t of m.reTerms) {
        expect(t.levels).toEqual(asArray(ref.ranef[t.group]!.levels));
        expect(t.refs.length).toBe(m.n);
        expect(t.z.length).toBe(m.n * t.columnNames.length);
      }
    });
  }
});
