import { readFileSync } from "node:fs";
import { fitLmm } from "../src/fit/lmm/fit-lmm.js";
import { compileModel, readCsv } from "../src/model/index.js";
const id = process.argv[2] ?? "slopes4";
const ref = JSON.parse(readFileSync(`test/fixtures/kb07/kb07_${id}.json`, "utf8"));
const m = compileModel(ref.formula, readCsv("test/fixtures/kb07/kb07_full.csv"));
for (const optimizer of ["quasi-newton"] as const) {
  const t = performance.now();
  const fit = fitLmm(m, { REML: false, optimizer });
  console.log(optimizer, fit.objective - ref.objective, fit.evaluations, ((performance.now() - t) / 1000).toFixed(1), "s");
  console.log(" theta", Array.from(fit.theta, (v) => v.toFixed(4)).join(" "));
  console.log(" se", m.xNames.map((n, j) => (Math.sqrt(fit.vcov[j + j * m.p]) / ref.stderr[n] - 1).toFixed(4)).join(" "));
}
console.log(" ref ", ref.theta.map((v: number) => v.toFixed(4)).join(" "));
import { writeFileSync } from "node:fs";
{
  const fit = fitLmm(m, { REML: false });
  writeFileSync(`test/fixtures/kb07/theta_${id}.json`, JSON.stringify({ id, formula: ref.formula, theta: Array.from(fit.theta), ours: fit.objective }, null, 1));
}
