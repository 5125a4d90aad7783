/**
 * After the fit, on lme4's sleepstudy example: a likelihood-ratio test of the correlation between
 * the random intercept and slope, confidence intervals by all three methods, predictions for
 * subjects the fit never saw, and the caterpillar plot of the conditional modes.
 * Run: npx tsc && node dist/examples/postfit-sleepstudy.js   (writes out/sleepstudy-caterpillar.svg)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lmer, readCsv, anova, formatAnova, confint, formatConfint, plotSvg, predict, progressReporter } from "../src/index.js";

const file = fileURLToPath(new URL("../../test/fixtures/data/sleepstudy.csv", import.meta.url));
const outDir = fileURLToPath(new URL("../../out/", import.meta.url));
const data = readCsv(file);

// 1. Is the correlation needed? anova() refits both REML fits by ML, as lme4 does.
const uncorrelated = lmer("Reaction ~ Days + (Days || Subject)", data, { dataName: "sleepstudy" });
const correlated = lmer("Reaction ~ Days + (Days | Subject)", data, { dataName: "sleepstudy" });
console.log(formatAnova(anova({ uncorrelated, correlated })));

// 2. Confidence intervals: Wald (fixed effects only), profile likelihood, parametric bootstrap.
console.log("Wald:\n" + formatConfint(confint(correlated, { method: "Wald" })));
const progress = progressReporter();
console.log("Profile:\n" + formatConfint(confint(correlated, { method: "profile", onProgress: progress.onProgress })));
progress.done();
const boot = confint(correlated, { method: "boot", nsim: 200, seed: 2026, onProgress: progress.onProgress });
progress.done();
console.log("Parametric bootstrap (200 replicates, seed 2026):\n" + formatConfint(boot));

// 3. Predictions: subject 308 is known; 999 and 1000 are new and get zero random effects.
const newdata = { Days: [0, 5, 9, 0, 9], Subject: ["308", "308", "308", "999", "1000"] };
console.log("population:  ", Array.from(predict(correlated, newdata, { reForm: null })).map((v) => v.toFixed(2)).join(" "));
console.log("conditional: ", Array.from(predict(correlated, newdata, { allowNewLevels: true })).map((v) => v.toFixed(2)).join(" "));

// 4. The caterpillar plot: conditional modes ± 1.96 conditional SD, sorted.
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}sleepstudy-caterpillar.svg`, plotSvg(correlated, "caterpillar"));
console.log(`wrote ${outDir}sleepstudy-caterpillar.svg`);
