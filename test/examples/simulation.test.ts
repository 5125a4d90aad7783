/**
 * The simulation examples' machinery and Monte-Carlo recovery: over 200 simulated Gaussian data
 * sets on the sleepstudy design, the mean REML estimates of β, Q and σ² lie within 3 Monte-Carlo
 * standard errors of the truth (the Poisson GLMM's recovery is in poisson-recovery.test.ts).
 */
import { describe, expect, it } from "vitest";
import { lmer } from "../../src/index.js";
import { GAUSSIAN_TRUTH, POISSON_TRUTH, makeRng, cholesky, multivariateNormal, simulateSleepstudy } from "../../examples/simulation.js";

/** Mean and Monte-Carlo standard error of the mean of each column. */
function meanAndSE(rows: number[][]): { mean: number[]; se: number[] } {
  const n = rows.length;
  const k = rows[0].length;
  const mean = Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const se = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / (n - 1) / n));
  return { mean, se };
}

function expectWithin3SE(rows: number[][], truth: number[]): void {
  const { mean, se } = meanAndSE(rows);
  truth.forEach((t, j) => expect([j, Math.abs(mean[j] - t) <= 3 * se[j]]).toEqual([j, true]));
}

describe("random draws", () => {
  it("normal draws have mean 0 and variance 1 (within 3 MC SE)", () => {
    const rng = makeRng(7);
    const z = Array.from({ length: 20000 }, () => rng.normal());
    expectWithin3SE(z.map((x) => [x, x * x]), [0, 1]);
  });

  it("multivariate normal draws have covariance Q", () => {
    const rng = makeRng(11);
    const L = cholesky(GAUSSIAN_TRUTH.Q);
    const draws = Array.from({ length: 20000 }, () => multivariateNormal(rng, L));
    expectWithin3SE(draws.map(([a, b]) => [a * a, a * b, b * b]), [0.1, 0.025, 0.1]);
  });

  it.each([0.5, 3, 25, 400])("Poisson(%s) draws have mean and variance λ", (lambda) => {
    const rng = makeRng(13);
    const k = Array.from({ length: 20000 }, () => rng.poisson(lambda));
    expectWithin3SE(k.map((x) => [x, (x - lambda) ** 2]), [lambda, lambda]);
  });

  it("the same seed gives the same data", () => {
    const a = simulateSleepstudy(makeRng(5), GAUSSIAN_TRUTH, "gaussian");
    const b = simulateSleepstudy(makeRng(5), GAUSSIAN_TRUTH, "gaussian");
    expect(a).toEqual(b);
    expect(a.y.length).toBe(180);
  });
});

describe("Monte-Carlo recovery", () => {
  it("Gaussian: mean REML β̂, Q̂, σ̂² over 200 data sets within 3 MC SE of the truth", () => {
    const rng = makeRng(2024);
    const rows: number[][] = [];
    for (let r = 0; r < 200; r++) {
      const m = lmer("y ~ Days + (Days | Subject)", simulateSleepstudy(rng, GAUSSIAN_TRUTH, "gaussian"));
      const vc = m.varCorr;
      rows.push([m.fixef["(Intercept)"], m.fixef["Days"], vc[0].vcov, vc[1].vcov, vc[2].vcov, m.sigma ** 2]);
    }
    const { beta, Q, sigma2 } = GAUSSIAN_TRUTH;
    expectWithin3SE(rows, [beta[0], beta[1], Q[0][0], Q[1][0], Q[1][1], sigma2]);
  });
});
