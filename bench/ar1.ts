/**
 * The repeated-measures case of `npm run bench`: 2,000 subjects × 8 visits, subject effects AR(1)
 * across visits, `y ~ visit + ar1(0 + visit | subject)` by ML — the data and glmmTMB's fit and
 * time from bench/make-ar1.R (bench/data/ar1_visits.{csv,json}).
 *
 * Also the cost of one objective evaluation with that ar1 term (2 θ) beside the unstructured term of
 * the same size (8 × 8, 36 θ) on the same data, both at the same Λ (the unstructured θ is the ar1
 * term's Λ block): the PLS work is the same, so the difference is the ar1 term's θ → Λ map. The two
 * are timed in alternation, so load from other processes falls on both alike.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { compileModel, lmer, readCsv } from "../src/index.js";
import { makeDevfun } from "../src/fit/lmm/index.js";
import { lambdaBlock, makeCovariance, thetaVectors } from "../src/model/covariance/index.js";
import type { ModelMatrices } from "../src/index.js";

const DATA = fileURLToPath(new URL("../../bench/data/", import.meta.url));

interface Ar1Reference {
  id: string;
  data: string;
  formula: string;
  nobs: number;
  logLik: number;
  rho: number;
  glmmTMB_fit_seconds_median: number;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The same matrices with the term unstructured (what `(0 + visit | subject)` would give, which
 *  lme4 refuses here because n equals the number of random effects). */
function unstructured(m: ModelMatrices): ModelMatrices {
  const t = m.reTerms[0]!;
  const covariance = makeCovariance({ structure: "us", group: t.group, columnNames: t.columnNames, thetaOffset: 0 });
  const th = thetaVectors([covariance]);
  return {
    ...m, reTerms: [{ ...t, covariance }], theta0: Float64Array.from(th.start), lower: Float64Array.from(th.lower),
    upper: Float64Array.from(th.upper), thetaNames: th.names,
  };
}

/** Median seconds per objective evaluation of each (matrices, θ), timed in alternation. */
function perEvaluation(cases: { m: ModelMatrices; theta: Float64Array }[], reps: number): number[] {
  const fs = cases.map((c) => makeDevfun(c.m, { REML: false }));
  const values = cases.map((c, k) => fs[k]!(c.theta));
  if (Math.abs(values[0]! - values[1]!) > 1e-8 * Math.abs(values[0]!)) throw new Error(`the two evaluations differ: ${values.join(" vs ")}`);
  const times = cases.map((): number[] => []);
  for (let round = 0; round < 7; round++) {
    cases.forEach((c, k) => {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fs[k]!(c.theta);
      times[k]!.push((performance.now() - t0) / 1000 / reps);
    });
  }
  return times.map(median);
}

export function benchAr1(runs: number | null): void {
  const file = join(DATA, "ar1_visits.json");
  if (!existsSync(file)) {
    console.log("ar1_visits_ml: bench/data/ar1_visits.json missing (Rscript bench/make-ar1.R makes it)");
    return;
  }
  const ref: Ar1Reference = JSON.parse(readFileSync(file, "utf8"));
  const data = readCsv(join(DATA, ref.data));
  lmer(ref.formula, data, { REML: false }); // warm-up
  const call: number[] = [];
  let m = lmer(ref.formula, data, { REML: false });
  for (let i = 0; i < (runs ?? 3); i++) {
    const t0 = performance.now();
    m = lmer(ref.formula, data, { REML: false });
    call.push((performance.now() - t0) / 1000);
  }
  const ours = median(call);
  console.log(`\n${ref.id}: ${ref.formula}, n = ${ref.nobs}`);
  console.log(
    `  our median call ${ours.toFixed(3)} s (${m.fit.evaluations} evaluations); glmmTMB ${ref.glmmTMB_fit_seconds_median.toFixed(3)} s; ratio ${(ours / ref.glmmTMB_fit_seconds_median).toFixed(2)}`,
  );
  console.log(`  logLik ${m.logLik.toFixed(4)} (glmmTMB ${ref.logLik.toFixed(4)}), ρ ${m.theta[1]!.toFixed(4)} (glmmTMB ${ref.rho.toFixed(4)})`);
  const mm = compileModel(ref.formula, data);
  const thetaAr1 = Float64Array.from([m.theta[0]!, m.theta[1]!]);
  const L = lambdaBlock(mm.reTerms[0]!.covariance, thetaAr1);
  const p = mm.reTerms[0]!.columnNames.length;
  const thetaUs = new Float64Array((p * (p + 1)) / 2);
  for (let j = 0, k = 0; j < p; j++) for (let i = j; i < p; i++) thetaUs[k++] = L[i + j * p]!;
  const [ar1, us] = perEvaluation([{ m: mm, theta: thetaAr1 }, { m: unstructured(mm), theta: thetaUs }], 20) as [number, number];
  console.log(`  one evaluation: ar1 term ${(ar1 * 1e3).toFixed(3)} ms, unstructured 8 × 8 term ${(us * 1e3).toFixed(3)} ms (ratio ${(ar1 / us).toFixed(2)})`);
}
