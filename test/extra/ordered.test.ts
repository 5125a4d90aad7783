/**
 * ordered(): polynomial contrasts (R's contr.poly) with R's column names, checked against lme4's
 * fit of the extra corpus case cake_ordered_temp_ml, and kept when predicting for new data.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { compileModel, lmer, predict, readCsv } from "../../src/index.js";
import { EXTRA, readLme4Reference } from "../lme4-reference.js";

describe("ordered factors", () => {
  const cake = readCsv(join(EXTRA, "data", "cake.csv"));
  it("contr.poly columns .L .Q .C ^4 ^5 are R's contr.poly(6)", () => {
    const m = compileModel("angle ~ ordered(temp) + (1 | replicate)", cake, { family: "gaussian" });
    expect(m.xNames).toEqual(["(Intercept)", "ordered(temp).L", "ordered(temp).Q", "ordered(temp).C", "ordered(temp)^4", "ordered(temp)^5"]);
    // R: contr.poly(6)[1, ] at the lowest temperature (175), the first row of cake
    const want = [-0.597614304667196894, 0.545544725589980906, -0.37267799624996506, 0.188982236504613654, -0.062994078834871056];
    want.forEach((w, k) => expect(m.X[(k + 1) * m.n]).toBeCloseTo(w, 13));
  });
  it("fit as lme4 fits angle ~ recipe * ordered(temp) + (1 | recipe:replicate)", () => {
    const ref = readLme4Reference("extra/reference", "cake_ordered_temp_ml");
    const m = lmer(ref.formula, cake, { REML: false });
    expect(Object.keys(m.fixef)).toEqual(Object.keys(ref.fixef));
    for (const k of Object.keys(ref.fixef)) expect(Math.abs(m.fixef[k]! - ref.fixef[k])).toBeLessThan(0.01 * ref.stderr[k]);
  });
  it("predict() for new data uses the same contrasts", () => {
    const m = lmer("angle ~ recipe + ordered(temp) + (1 | replicate)", cake);
    const again = predict(m, cake);
    const fitted = m.fitted;
    again.forEach((v, i) => expect(v).toBeCloseTo(fitted[i]!, 10));
  });
});
