/**
 * Monte-Carlo recovery for the Poisson GLMM of examples/simulate-poisson.ts: over 200 simulated
 * data sets on the sleepstudy design the mean Laplace estimate of β lies within 3 Monte-Carlo
 * standard errors of the truth β = (0.1, 0.1).
 */
import { describe, expect, it } from "vitest";
import { glmer } from "../../src/index.js";
import { POISSON_TRUTH, makeRng, simulateSleepstudy } from "../../examples/simulation.js";

function expectWithin3SE(rows: number[][], truth: number[]): void {
  const n = rows.length;
  truth.forEach((t, j) => {
    const mean = rows.reduce((s, r) => s + r[j], 0) / n;
    const se = Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / (n - 1) / n);
    expect([j, Math.abs(mean - t) <= 3 * se]).toEqual([j, true]);
  });
}

describe("Monte-Carlo recovery", () => {
  it("Poisson: mean Laplace β̂ over 200 data sets within 3 MC SE of the truth", () => {
    const rng = makeRng(99);
    const rows: number[][] = [];
    for (let r = 0; r < 200; r++) {
      const m = glmer("y ~ Days + (Days | Subject)", simulateSleepstudy(rng, POISSON_TRUTH, "poisson"), { family: "poisson" });
      rows.push([m.fixef["(Intercept)"], m.fixef["Days"]]);
    }
    expectWithin3SE(rows, POISSON_TRUTH.beta);
  });
});
