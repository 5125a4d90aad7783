import { describe, expect, it } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lmer } from "../../../src/index.js";
import { lambdaColumns } from "../../../src/fit/lmm/boundary.js";
import { dataCsv, edges, edgesCsv, thetaOf } from "./edges-data.js";

// Issue 11 item 1: a fit that stops with a Λ column's diagonal at 0 and the column's sign on the
// wrong side. lme4 1.1-31 itself stops there on this design (590.698, θ (0, 0.236, 1.412));
// restarted from the flipped representative it reaches 581.483 (make.R's "best").
describe("boundary restart from the sign-flipped Λ column", () => {
  it("lambdaColumns: the θ indices of each column with entries below its diagonal", () => {
    const m = lmer("Reaction ~ Days + (Days | Subject)", dataCsv("sleepstudy.csv"));
    expect(lambdaColumns(m.fit.matrices.reTerms)).toEqual([{ diagonal: 0, below: [1] }]);
  });

  it("reaches the optimum lme4 reaches only from the flipped start", () => {
    const { default: lme4Default, best } = edges.boundary_flip;
    const m = lmer("y ~ x + (1 + x | g)", edgesCsv("boundary_flip.csv"), { REML: false });
    // lme4's default fit stops 9.2 units higher; we must reach the better optimum
    expect(lme4Default.objective - best.objective).toBeGreaterThan(9);
    expect(m.deviance).toBeLessThanOrEqual(best.objective + 1e-6);
    const theta = thetaOf(best);
    expect(m.theta[0]).toBeCloseTo(theta[0], 2);
    expect(m.theta[1]).toBeCloseTo(theta[1], 2);
    expect(Math.abs(m.theta[2])).toBeLessThan(1e-2);
  });
});

// The full InstEval model takes ~10–25 s: run with LMM_INSTEVAL=1 (as test/fit/lmm/insteval.test.ts).
const ieRef = fileURLToPath(new URL("../../fixtures/edges/insteval_service.json", import.meta.url));
describe.skipIf(!process.env.LMM_INSTEVAL || !existsSync(ieRef))("InstEval with (1 + service | dept), ML", () => {
  it("reaches lme4's 237647.058, not the boundary point 237650.797", () => {
    const ref = JSON.parse(readFileSync(ieRef, "utf8"));
    const m = lmer("y ~ 1 + service + (1 | s) + (1 | d) + (1 + service | dept)", dataCsv("InstEval.csv"), { REML: false });
    console.log(`InstEval service model: ${m.deviance} (lme4 ${ref.objective}), θ ${Array.from(m.theta)}, ` +
      `${m.fit.evaluations} evaluations, ${m.fit.fitSeconds.toFixed(1)} s`);
    expect(m.deviance).toBeLessThanOrEqual(ref.objective + 1e-3);
    ref.theta.forEach((t: number, i: number) => expect(Math.abs(m.theta[i] - t)).toBeLessThan(2e-3));
  });
});
