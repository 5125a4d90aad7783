/**
 * A binomial GLMM after the fit: contagious bovine pleuropneumonia incidence by period, with a
 * random intercept per herd. Prints the profile confidence intervals (θ and β profiled jointly
 * through the Laplace deviance, as lme4 does), predictions for a new herd, and writes the
 * caterpillar plot of the herd effects.
 * Run: npx tsc && node dist/examples/postfit-cbpp.js   (writes out/cbpp-caterpillar.svg)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { glmer, readCsv, confint, formatConfint, plotSvg, predict } from "../src/index.js";

const file = fileURLToPath(new URL("../../test/fixtures/data/cbpp.csv", import.meta.url));
const outDir = fileURLToPath(new URL("../../out/", import.meta.url));
const model = glmer("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", readCsv(file), {
  family: "binomial",
  dataName: "cbpp",
});
console.log(model.summary());
console.log("Profile confidence intervals:\n" + formatConfint(confint(model, { method: "profile" })));

const newdata = { period: [1, 2, 3, 4], herd: ["1", "1", "99", "99"] };
const p = predict(model, newdata, { type: "response", allowNewLevels: true });
console.log("P(incidence) for herd 1 in periods 1–2 and a new herd 99 in periods 3–4:", Array.from(p).map((v) => v.toFixed(3)).join(" "));

mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}cbpp-caterpillar.svg`, plotSvg(model, "caterpillar"));
console.log(`wrote ${outDir}cbpp-caterpillar.svg`);
