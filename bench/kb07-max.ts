/**
 * kb07's maximal model (72 θ, issue 16): one fit on the gradient path (or `bobyqa` as argument),
 * printing −2 log L, evaluations and seconds. `node dist/bench/kb07-max.js [bobyqa]`.
 * lme4 1.1 takes 1,377 s to 28586.318 on this machine (the issue's measurement).
 */
import { fitLmm } from "../src/fit/lmm/fit-lmm.js";
import { compileModel, readCsv } from "../src/model/index.js";
const f = "Y ~ 1 + S + T + U + V + W + X + Z + (1 + S + T + U + V + W + X + Z | G) + (1 + S + T + U + V + W + X + Z | H)";
const m = compileModel(f, readCsv("test/fixtures/kb07/kb07_full.csv"));
const t = performance.now();
const fit = fitLmm(m, { REML: false, optimizer: (process.argv[2] as "bobyqa") ?? "auto" });
console.log(fit.objective, fit.evaluations, ((performance.now() - t) / 1000).toFixed(1), "s", fit.messages.join(" | "));
