import { lmer } from "../src/index.js";
import { readCsv } from "../src/model/index.js";
const f = process.argv[2] ?? "Y ~ 1 + S + T + U + V + W + X + Z + (1 + S + T + U + V + W + X + Z | G) + (1 + S + T + U + V + W + X + Z | H)";
const t = performance.now();
const m = lmer(f, readCsv("/work/shared/data/kb07_full.csv"), { REML: false });
console.log(m.deviance, m.toJSON().evaluations, (performance.now() - t) / 1000, m.singular);
console.log(m.summary().split("\n").slice(-8).join("\n"));
