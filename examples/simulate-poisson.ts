/**
 * Simulate a Poisson GLMM (log link) on the sleepstudy design and recover β:
 *   η = Xβ + Zb, β = (0.1, 0.1), b per subject ~ N(0, Q), Q = 0.1·[[1, .25], [.25, 1]], y ~ Poisson(e^η).
 * Run: npx tsc && node dist/examples/simulate-poisson.js [seed] [replicates]
 */
import { glmer } from "../src/index.js";
import { POISSON_TRUTH, makeRng, simulateSleepstudy } from "./simulation.js";

const seed = Number(process.argv[2] ?? 1);
const replicates = Number(process.argv[3] ?? 20);
const rng = makeRng(seed);

const fit = () => glmer("y ~ Days + (Days | Subject)", simulateSleepstudy(rng, POISSON_TRUTH, "poisson"), { family: "poisson", dataName: "simulated" });
const first = fit();
console.log(first.summary());

const mean = [0, 0];
for (let r = 0; r < replicates; r++) {
  const m = r === 0 ? first : fit();
  mean[0] += m.fixef["(Intercept)"] / replicates;
  mean[1] += m.fixef["Days"] / replicates;
}
console.log(`Mean Laplace estimates of β over ${replicates} simulated data sets (seed ${seed}):`);
console.log(`  beta0  truth ${POISSON_TRUTH.beta[0].toFixed(4)}  mean estimate ${mean[0].toFixed(4)}`);
console.log(`  beta1  truth ${POISSON_TRUTH.beta[1].toFixed(4)}  mean estimate ${mean[1].toFixed(4)}`);
