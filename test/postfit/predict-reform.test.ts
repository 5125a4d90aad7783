/**
 * predict() with a partial re.form and with missing values in newdata, against lme4's
 * predict.merMod (test/fixtures/predict-reform/make.R): `reForm: "~ (1 | Subject)"` keeps only the
 * random-effects columns it names (it was silently ignored before: 272.71 where lme4 gives
 * 263.39), a missing predictor gives NA (NaN) for its row, a missing grouping level is a new level.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { glmer, lmer, predict, readCsv } from "../../src/index.js";
import { FIXTURES } from "../result/reference-model.js";

const ref = JSON.parse(readFileSync(join(FIXTURES, "predict-reform", "predict-reform.json"), "utf8"));
const data = (name: string) => readCsv(join(FIXTURES, "data", `${name}.csv`));

function close(got: Float64Array, want: (number | null)[], tol = 1e-4): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    if (w === null) expect(Number.isNaN(got[i])).toBe(true);
    else expect(Math.abs(got[i] - w)).toBeLessThan(tol * Math.max(1, Math.abs(w)));
  });
}

describe("partial reForm (lme4's re.form = ~ (1 | Subject))", () => {
  const sleep = data("sleepstudy");
  const uncorr = lmer(ref.uncorr.formula, sleep);
  it("two terms on one factor: each alone, both, none; NA where Days is missing", () => {
    close(predict(uncorr, ref.sleep_newdata, { reForm: "~ (1 | Subject)" }), ref.uncorr.intercept_only);
    close(predict(uncorr, ref.sleep_newdata, { reForm: "~ (0 + Days | Subject)" }), ref.uncorr.slope_only);
    close(predict(uncorr, ref.sleep_newdata), ref.uncorr.all);
    close(predict(uncorr, ref.sleep_newdata, { reForm: null }), ref.uncorr.none);
    close(predict(uncorr, ref.sleep_newdata, { reForm: "~0" }), ref.uncorr.none);
  });
  it("at the fitted data (263.39 at Days = 1, as the issue reports lme4's)", () => {
    close(predict(uncorr, undefined, { reForm: "~ (1 | Subject)" }).subarray(0, 10), ref.uncorr.fitted_intercept_only);
  });
  it("a missing grouping level is a new level: an error, or zero random effects when allowed", () => {
    expect(() => predict(uncorr, ref.uncorr.na_group)).toThrow(/new levels detected.*NA of grouping factor Subject/);
    close(predict(uncorr, ref.uncorr.na_group, { allowNewLevels: true }), ref.uncorr.na_group_allow_new);
  });
  it("one column of a correlated term", () => {
    const corr = lmer(ref.corr.formula, sleep);
    close(predict(corr, ref.sleep_newdata, { reForm: "~ (1 | Subject)" }), ref.corr.intercept_only);
  });
  it("crossed factors, with new and missing levels allowed", () => {
    const m = lmer(ref.crossed.formula, data("Penicillin"));
    close(predict(m, ref.crossed.newdata, { reForm: "~ (1 | plate)", allowNewLevels: true }), ref.crossed.plate_only);
    close(predict(m, ref.crossed.newdata, { reForm: "~ (1 | sample)", allowNewLevels: true }), ref.crossed.sample_only);
  });
  it("a GLMM on the response scale", () => {
    const m = glmer(ref.glmm.formula, data("cbpp"), { family: "binomial" });
    close(predict(m, ref.glmm.newdata, { reForm: "~ (1 | herd)", type: "response" }), ref.glmm.response);
  });
  it("terms the model does not have are errors, never ignored", () => {
    expect(() => predict(uncorr, ref.sleep_newdata, { reForm: "~ (1 | Days)" })).toThrow(/grouping factor Days in reForm is not one of the model's/);
    expect(() => predict(uncorr, ref.sleep_newdata, { reForm: "~ (Reaction | Subject)" })).toThrow(/random effect 'Reaction' of Subject/);
  });
});
