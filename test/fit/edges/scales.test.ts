import { describe, expect, it } from "vitest";
import { lmer } from "../../../src/index.js";
import { SCALE_MESSAGE } from "../../../src/model/scale-check.js";
import { columnsOf, dataCsv, edges, thetaOf } from "./edges-data.js";

// Issue 11 item 4: sleepstudy with Days × k. lme4 1.1-31 warns and stops at a singular point
// (ML 1795.24, 43 units above the optimum 1751.94); the optimum does not depend on k: θ's slope
// entries scale by 1/k, the ML deviance is unchanged and the REML criterion moves by exactly
// 2·log k (log|R_X|² of the rescaled X column).
describe("predictors on very different scales", () => {
  const s = columnsOf(dataCsv("sleepstudy.csv"));
  const ref = edges.scales;
  const data = (k: number) => ({ ...s, D: (s.Days as number[]).map((v) => v * k) });

  it.each([1e5, 1e-5, 1e4])("Days × %s: lme4's warning, and the unscaled optimum mapped back", (k) => {
    const ml = lmer("Reaction ~ D + (D | Subject)", data(k), { REML: false });
    expect(ml.messages).toContain(SCALE_MESSAGE);
    expect(ml.deviance).toBeLessThanOrEqual(ref.unscaled_ml.objective + 1e-6);
    expect(ml.deviance).toBeCloseTo(ref.unscaled_ml.objective, 5);
    const t = thetaOf(ref.unscaled_ml);
    expect(ml.theta[0]).toBeCloseTo(t[0], 3);
    expect(ml.theta[1] * k).toBeCloseTo(t[1], 3);
    expect(ml.theta[2] * k).toBeCloseTo(t[2], 3);
    expect(ml.singular).toBe(false);
    expect(ml.converged).toBe(true);
    if (k === 1e5) expect(ref.lme4_scaled_ml.objective - ml.deviance).toBeGreaterThan(40);

    const reml = lmer("Reaction ~ D + (D | Subject)", data(k), { REML: true });
    expect(reml.REMLcrit).toBeCloseTo(ref.unscaled_reml.objective + 2 * Math.log(k), 4);
    const tr = thetaOf(ref.unscaled_reml);
    expect(reml.theta[0]).toBeCloseTo(tr[0], 3);
    expect(reml.theta[2] * k).toBeCloseTo(tr[2], 3);
    expect(Object.values(reml.stderr)[1] * k).toBeCloseTo(ref.unscaled_reml.se[1], 3);
  });

  it("no warning and no rescaling on the ordinary scale (lme4's evaluation count)", () => {
    const m = lmer("Reaction ~ Days + (Days | Subject)", s, { REML: false });
    expect(m.messages).not.toContain(SCALE_MESSAGE);
    expect(m.fit.evaluations).toBe(ref.unscaled_ml.feval);
  });
});
