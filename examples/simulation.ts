/**
 * Simulating mixed-model data on the sleepstudy design (18 subjects × days 0–9): a seeded random
 * number generator, multivariate normal and Poisson draws, and the two models of the seed notebook.
 * Used by examples/simulate-*.ts and by test/examples/ (Monte-Carlo recovery of the parameters).
 */

// The seeded generator simulate() and the bootstrap use: xoshiro128**, polar normals, PTRS Poisson.
export { makeRng, type Rng } from "../src/result/confint/rng.js";
import type { Rng } from "../src/result/confint/rng.js";

/** Lower Cholesky factor of a small symmetric positive-definite matrix. */
export function cholesky(Q: number[][]): number[][] {
  const n = Q.length;
  const L = Q.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = Q[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] * L[j][k];
    if (!(d > 0)) throw new Error("covariance matrix is not positive definite");
    L[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = Q[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** One draw from N(0, Q) given Q's lower Cholesky factor L: L·z with z standard normal. */
export function multivariateNormal(rng: Rng, L: number[][]): number[] {
  const z = L.map(() => rng.normal());
  return L.map((row) => row.reduce((s, l, k) => s + l * z[k], 0));
}

/** The seed notebook's truth: β = (2, 1), Q = 0.1·[[1, .25], [.25, 1]], σ² = 0.1. */
export const GAUSSIAN_TRUTH = { beta: [2, 1], Q: [[0.1, 0.025], [0.025, 0.1]], sigma2: 0.1 };
/** β = (0.1, 0.1) with the same Q, Poisson with log link. */
export const POISSON_TRUTH = { beta: [0.1, 0.1], Q: [[0.1, 0.025], [0.025, 0.1]] };

/** Columns, as lmer()/glmer() take them (a type alias, so it fits their column-record input). */
export type SimulatedData = {
  y: number[];
  Days: number[];
  Subject: string[];
};

/** The sleepstudy design: subjects 1–18, each observed on days 0–9. */
export const SUBJECTS = 18;
export const DAYS = 10;

/**
 * y = Xβ + Zb (+ ε) on the sleepstudy design with per-subject (intercept, Days) effects b ~ N(0, Q):
 * Gaussian with ε ~ N(0, σ²), or Poisson counts with mean exp(η).
 */
export function simulateSleepstudy(
  rng: Rng,
  truth: { beta: number[]; Q: number[][]; sigma2?: number },
  family: "gaussian" | "poisson",
): SimulatedData {
  const L = cholesky(truth.Q);
  const out: SimulatedData = { y: [], Days: [], Subject: [] };
  for (let s = 0; s < SUBJECTS; s++) {
    const b = multivariateNormal(rng, L);
    for (let d = 0; d < DAYS; d++) {
      const eta = truth.beta[0] + b[0] + (truth.beta[1] + b[1]) * d;
      const y = family === "gaussian" ? eta + Math.sqrt(truth.sigma2 ?? 0) * rng.normal() : rng.poisson(Math.exp(eta));
      out.y.push(y);
      out.Days.push(d);
      out.Subject.push(`S${String(s + 1).padStart(2, "0")}`);
    }
  }
  return out;
}
