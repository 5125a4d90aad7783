/**
 * p-values, an ANOVA table and marginal means for a split-plot design: lme4's cake data, three
 * recipes (whole plots, replicated: the random intercept per recipe:replicate) and six baking
 * temperatures (split plots). Prints what lmerTest, emmeans and performance give in R:
 *   summary(m, ddf = "Satterthwaite"), anova(m) (Type III), emmeans(m, ~ recipe) with Tukey's
 *   pairwise comparisons (Kenward–Roger df), and Nakagawa's R².
 * Run: npx tsc && node dist/examples/inference.js
 */
import { fileURLToPath } from "node:url";
import { anova, emmeans, formatAnovaTable, formatContrasts, formatEmmeans, lmer, pairs, r2, readCsv } from "../src/index.js";

const file = fileURLToPath(new URL("../../test/fixtures/data/cake.csv", import.meta.url));
const m = lmer("angle ~ recipe * temp + (1 | recipe:replicate)", readCsv(file), { dataName: "cake" });

// The coefficient table with Satterthwaite's df and p-values (lmerTest's summary)
console.log(m.summary({ ddf: "Satterthwaite" }));

// F tests of each term: Type III, Satterthwaite's method (lmerTest's anova(m))
console.log(formatAnovaTable(anova(m)));

// Marginal means of the recipes, averaged over the temperatures, and Tukey's comparisons
// (emmeans(m, ~ recipe) and pairs(); Kenward–Roger df, emmeans' default)
const e = emmeans(m, "~ recipe");
console.log(formatEmmeans(e));
console.log(formatContrasts(pairs(e, { adjust: "tukey" })));

// Variance explained: Nakagawa's marginal (fixed effects) and conditional (fixed + random) R²
const { marginal, conditional } = r2(m);
console.log(`R2 (Nakagawa): marginal ${marginal.toFixed(4)}, conditional ${conditional.toFixed(4)}`);
