/**
 * The repeated-measures case of `npm run bench`: 2,000 subjects × 8 visits, subject effects AR(1)
 * across visits, `y ~ visit + ar1(0 + visit | subject)` by ML — the data and glmmTMB's fit and
 * time from bench/make-ar1.R (bench/data/ar1_visits.{csv,json}).
 *
 * Also the cost of one objective evaluation with that ar1 term (2 θ) beside the unstructured term of
 * the same size (8 × 8, 36 θ) on the same data, at each structure's starting θ: both fill an 8 × 8
 * Λ block per level, so the PLS work per evaluation is the same; the ar1 term only adds its θ → Λ map.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { compileModel, lmer, readCsv } from "../src/index.js";
import { makeDevfun } from "../src/fit/lmm/index.js";
import { makeCovariance, thetaVectors } from "../src/model/covariance/index.js";
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

/** Median seconds per objective evaluation over `reps` evaluations at θ₀. */
function perEvaluation(m: ModelMatrices, reps: number): number {
  const f = makeDevfun(m, { REML: false });
  const theta = Float64Array.from(m.theta0);
  if (theta.length === 2) theta[1] = 0.5; // a ρ inside (−1, 1) that fills the whole block
  f(theta);
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f(theta);
    times.push((performance.now() - t0) / 1000 / reps);
  }
  return median(times);
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
  const ar1 = perEvaluation(mm, 20);
  const us = perEvaluation(unstructured(mm), 20);
  console.log(`  one evaluation: ar1 term ${(ar1 * 1e3).toFixed(3)} ms, unstructured 8 × 8 term ${(us * 1e3).toFixed(3)} ms (ratio ${(ar1 / us).toFixed(2)})`);
}
