/**
 * Simulate the seed notebook's Gaussian model on the sleepstudy design and recover its parameters:
 *   X = (1, Days), per-subject (1, Days) random effects, β = (2, 1),
 *   Q = 0.1·[[1, .25], [.25, 1]], σ² = 0.1.
 * Run: npx tsc && node dist/examples/simulate-gaussian.js [seed] [replicates]
 */
import { lmer } from "../src/index.js";
import { GAUSSIAN_TRUTH, makeRng, simulateSleepstudy } from "./simulation.js";

const seed = Number(process.argv[2] ?? 1);
const replicates = Number(process.argv[3] ?? 50);
const rng = makeRng(seed);

const first = lmer("y ~ Days + (Days | Subject)", simulateSleepstudy(rng, GAUSSIAN_TRUTH, "gaussian"), { dataName: "simulated" });
console.log(first.summary());

/** Estimated Q = σ²ΛΛᵀ as (var intercept, cov, var slope), from the VarCorr rows. */
function qHat(vc: { vcov: number }[]): number[] {
  return [vc[0].vcov, vc[1].vcov, vc[2].vcov];
}

const sums = new Array<number>(6).fill(0);
for (let r = 0; r < replicates; r++) {
  const m = r === 0 ? first : lmer("y ~ Days + (Days | Subject)", simulateSleepstudy(rng, GAUSSIAN_TRUTH, "gaussian"));
  const est = [m.fixef["(Intercept)"], m.fixef["Days"], ...qHat(m.varCorr), m.sigma * m.sigma];
  est.forEach((x, i) => (sums[i] += x / replicates));
}
const truth = [...GAUSSIAN_TRUTH.beta, GAUSSIAN_TRUTH.Q[0][0], GAUSSIAN_TRUTH.Q[1][0], GAUSSIAN_TRUTH.Q[1][1], GAUSSIAN_TRUTH.sigma2];
const names = ["beta0", "beta1", "Q11", "Q21", "Q22", "sigma2"];
console.log(`Mean REML estimates over ${replicates} simulated data sets (seed ${seed}):`);
names.forEach((n, i) => console.log(`  ${n.padEnd(7)} truth ${truth[i].toFixed(4)}  mean estimate ${sums[i].toFixed(4)}`));
