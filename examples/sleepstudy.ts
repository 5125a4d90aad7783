/**
 * The classic lme4 example: reaction times under sleep deprivation, a random intercept and slope
 * per subject. Prints lme4's summary of the REML fit.
 * Run: npx tsc && node dist/examples/sleepstudy.js
 */
import { fileURLToPath } from "node:url";
import { lmer, readCsv } from "../src/index.js";

const file = fileURLToPath(new URL("../../test/fixtures/data/sleepstudy.csv", import.meta.url));
const model = lmer("Reaction ~ Days + (Days | Subject)", readCsv(file), { dataName: "sleepstudy" });
console.log(model.summary());
console.log("Fixed effects:", model.fixef);
console.log("Random-effect SDs and correlations:", model.varCorr);
