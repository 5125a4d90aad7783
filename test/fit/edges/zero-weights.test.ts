import { describe, expect, it } from "vitest";
import { lmer, ModelError } from "../../../src/index.js";
import { columnsOf, dataCsv, edges, thetaOf } from "./edges-data.js";

// Issue 11 item 3: rows with prior weight 0 leave n, the residual df and Σ log w. The reference is
// lme4's fit without those rows (lme4 itself counts them: its REML criterion is Inf, make.R).
describe("zero prior weights", () => {
  const s = columnsOf(dataCsv("sleepstudy.csv"));
  const n = s.Reaction.length;
  const w = Array.from({ length: n }, (_, i) => ((i + 1) % 10 === 0 ? 0 : 1));
  const w2 = Array.from({ length: n }, (_, i) => ((i + 1) % 10 === 0 ? 0 : 1 + ((i + 1) % 3)));
  const ref = edges.zero_weights;

  it("every tenth weight 0: the REML criterion, θ and n of the fit without those rows", () => {
    const m = lmer("Reaction ~ Days + (1 | Subject)", { ...s, w }, { weights: "w" });
    expect(m.REMLcrit).toBeCloseTo(ref.dropped.objective, 6);
    expect(m.theta[0]).toBeCloseTo(thetaOf(ref.dropped)[0], 4);
    expect(m.fit.matrices.n).toBe(ref.dropped.nobs);
    expect(m.fit.messages.join("\n")).toMatch(/18 rows with prior weight 0 left out/);
  });

  it("unequal weights with zeros, and an ML random-slope model", () => {
    const a = lmer("Reaction ~ Days + (1 | Subject)", s, { weights: w2 });
    expect(a.REMLcrit).toBeCloseTo(ref.dropped_weighted.objective, 6);
    expect(a.theta[0]).toBeCloseTo(thetaOf(ref.dropped_weighted)[0], 4);
    const b = lmer("Reaction ~ Days + (Days | Subject)", { ...s, w }, { weights: "w", REML: false });
    expect(b.deviance).toBeLessThanOrEqual(ref.dropped_ml_slopes.objective + 1e-6);
    expect(b.deviance).toBeCloseTo(ref.dropped_ml_slopes.objective, 5);
  });

  it("all weights 0: a ModelError naming the column", () => {
    const zero = new Array(n).fill(0);
    expect(() => lmer("Reaction ~ Days + (1 | Subject)", { ...s, zero }, { weights: "zero" })).toThrow(ModelError);
    expect(() => lmer("Reaction ~ Days + (1 | Subject)", { ...s, zero }, { weights: "zero" })).toThrow(/prior weight 0 in 'zero'/);
  });
});
