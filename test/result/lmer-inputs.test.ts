/**
 * lmer() takes the data as a danfo DataFrame, an array of records or an object of columns, and
 * gives the same fit as from the CSV; onProgress sees every evaluation.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { DataFrame } from "danfojs";
import { glmer, lmer, readCsv } from "../../src/index.js";
import { FIXTURES } from "./reference-model.js";
import { readLme4Reference } from "../lme4-reference.js";

const formula = "Reaction ~ Days + (Days | Subject)";
const ref = readLme4Reference("reference", "sleepstudy_corr_reml");
const records = Papa.parse<Record<string, unknown>>(readFileSync(join(FIXTURES, "data", "sleepstudy.csv"), "utf8"), {
  header: true, dynamicTyping: true, skipEmptyLines: true,
}).data;

describe("lmer data inputs", () => {
  const fromCsv = lmer(formula, readCsv(join(FIXTURES, "data", "sleepstudy.csv")));

  it("from the CSV: lme4's REML criterion", () => {
    expect(fromCsv.objective).toBeLessThanOrEqual(ref.objective + 1e-3);
    expect(Math.abs(fromCsv.objective - ref.objective)).toBeLessThan(1e-3);
  });

  it("records, columns and a danfo DataFrame give the same fit", () => {
    const columns = { Reaction: records.map((r) => r.Reaction), Days: records.map((r) => r.Days), Subject: records.map((r) => r.Subject) };
    const df = new DataFrame(records);
    for (const data of [records, columns, df]) {
      const m = lmer(formula, data as never);
      expect(m.objective).toBeCloseTo(fromCsv.objective, 8);
      expect(m.ranef.Subject.levels).toEqual(fromCsv.ranef.Subject.levels);
    }
  });

  it("glmer with the gaussian family and identity link is lmer (REML), as in lme4", () => {
    const m = glmer(formula, records as never, { family: "gaussian" });
    expect(m.REML).toBe(true);
    expect(m.objective).toBeCloseTo(fromCsv.objective, 8);
    expect(m.summary().split("\n")[0]).toBe("Linear mixed model fit by REML ['lmerMod']");
  });

  it("onProgress sees every evaluation", () => {
    let calls = 0;
    const m = lmer(formula, records as never, { onProgress: () => calls++ });
    expect(calls).toBe(m.evaluations);
  });
});
