import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { readCsv } from "../../src/model/csv.js";
import { predict, PredictError } from "../../src/result/predict.js";
import { cbppFit, sleepstudyFit } from "./fits.js";
import { fixtures, readJson } from "./matrices.js";

const close = (got: ArrayLike<number>, want: number[], rel = 1e-6) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThan(rel * Math.max(1, Math.abs(w))));
};

describe("sleepstudy predictions", () => {
  const ref = readJson("reference-postfit/predict_sleepstudy.json");
  test("population level (re.form = NA)", () => close(predict(sleepstudyFit(), ref.newdata, { reForm: null }), ref.population));
  test("conditional, a new subject with zero random effects (allow.new.levels)", () =>
    close(predict(sleepstudyFit(), ref.newdata, { allowNewLevels: true }), ref.conditional_allow_new_levels));
  test("a new level without allowNewLevels is an error naming the level and the group", () => {
    expect(() => predict(sleepstudyFit(), ref.newdata)).toThrow(PredictError);
    expect(() => predict(sleepstudyFit(), ref.newdata)).toThrow(/999 of grouping factor Subject/);
  });
  test("at the fitted data, predictions equal fitted values", () => {
    const m = sleepstudyFit();
    close(predict(m), Array.from(m.fitted), 1e-12);
    const again = predict(m, readCsv(`${fixtures}data/sleepstudy.csv`));
    close(again, Array.from(m.fitted), 1e-10);
  });
});

describe("cbpp predictions", () => {
  const ref = readJson("reference-postfit/predict_cbpp.json");
  const live = JSON.parse(readFileSync(new URL("./fixtures/predict_cbpp_lme4.json", import.meta.url), "utf8")) as { response_conditional_allow_new_levels: number[]; link_conditional_allow_new_levels: number[] };
  test("population level on the link scale", () => close(predict(cbppFit(), ref.newdata, { reForm: null, type: "link" }), ref.link_population, 1e-4));
  test("conditional on the response scale, new herd 99 at the population value", () => {
    const got = predict(cbppFit(), ref.newdata, { allowNewLevels: true, type: "response" });
    close(got, live.response_conditional_allow_new_levels, 1e-4);
    // herd 99 is new: its prediction is the population one
    expect(got[2]).toBeCloseTo(ref.response_conditional_allow_new_levels[2], 5);
  });
  test("at the fitted data: link = η, response = μ", () => {
    const m = cbppFit();
    close(predict(m, undefined, { type: "response" }), Array.from(m.fitted), 1e-12);
    close(predict(m, undefined, { type: "link" }), Array.from(m.fit.eta), 1e-12);
  });
  test("an unknown level of a fixed-effect factor is an error", () => {
    expect(() => predict(cbppFit(), { period: [7], herd: ["1"] }, { reForm: null })).toThrow(/new level 7/);
  });
});

test("poly() and scale() at new data reuse the fit's coefficients (R's predvars)", () => {
  const ref = JSON.parse(readFileSync(new URL("./fixtures/predict_poly_lme4.json", import.meta.url), "utf8"));
  const m = sleepstudyFit(ref.formula);
  close(predict(m, ref.newdata), ref.conditional, 1e-6);
  close(predict(m, ref.newdata, { reForm: null }), ref.population, 1e-6);
});

test("offset() terms are evaluated from the new data: predicting the fitted data gives fitted", () => {
  const m = sleepstudyFit("Reaction ~ Days + offset(2 * Days) + (1 | Subject)");
  close(predict(m, readCsv(`${fixtures}data/sleepstudy.csv`)), Array.from(m.fitted), 1e-10);
  // population level: Xβ + offset
  const pop = predict(m, { Days: [3], Subject: ["308"] }, { reForm: null });
  expect(pop[0]).toBeCloseTo(m.fit.beta[0] + 3 * m.fit.beta[1] + 6, 10);
});
