import { makeDevfun } from "../src/fit/lmm/profiled-deviance.js";
import { compileModel, readCsv } from "../src/model/index.js";
const f = process.argv[2] ?? "Y ~ 1 + S + T + (1 + S | G) + (1 + T | H)";
const m = compileModel(f, readCsv("/work/shared/data/kb07_full.csv"));
const dev = makeDevfun(m, { REML: false });
const th = Float64Array.from(m.theta0).map((v, i) => (v === 0 ? 0.1 : v) * (0.5 + 0.1 * i));
dev(th);
const g = dev.system.criterionGradient(false);
const out: string[] = [];
for (let i = 0; i < th.length; i++) {
  const h = 1e-6; const a = Float64Array.from(th); a[i] += h; const b = Float64Array.from(th); b[i] -= h;
  out.push(`${m.thetaNames?.[i] ?? i} ${g[i].toFixed(6)} ${((dev(a) - dev(b)) / (2 * h)).toFixed(6)}`);
}
console.log(m.reTerms.map((t) => t.group + ":" + t.levels.length).join(" "), "\n" + out.join("\n"));
