/**
 * lme4's starting θ for lmer (mkLmerDevfun, lme4 ≥ 1.1-8): when every term is a scalar random
 * intercept on its own grouping factor, start from the method-of-moments ratios
 *
 *   θ₀_k = √(v_k / v_e),  v_k = var(ave(y, f_k)),  v_e = var(y) − Σ_k v_k,
 *
 * (var with the n − 1 divisor, the raw response, prior weights ignored), provided v_e > 0;
 * otherwise, or for any other model, the model's θ₀ (1 on Λ's diagonals). Starting where lme4
 * starts is what lets the optimiser follow lme4's iterates.
 */
import type { ModelMatrices } from "../../model/matrices.js";

export function lme4StartTheta(m: ModelMatrices): Float64Array {
  const theta = Float64Array.from(m.theta0);
  const terms = m.reTerms;
  if (terms.length === 0 || m.n < 2) return theta;
  // all(cnms == "(Intercept)") and one term per grouping factor (length(flist) == length(lower))
  if (!terms.every((t) => t.columnNames.length === 1 && t.columnNames[0] === "(Intercept)")) return theta;
  if (new Set(terms.map((t) => t.group)).size !== terms.length) return theta;
  if (theta.length !== terms.length) return theta;
  const y = m.y;
  const n = m.n;
  const v = terms.map((t) => varianceOfGroupMeans(y, n, t.refs, t.levels.length));
  return startFromVariances(m, v, variance(y, n));
}

/** θ₀_k = √(v_k / v_e) with v_e = var(y) − Σ_k v_k, or the model's θ₀ when v_e ≤ 0 or a ratio is
 *  NaN; shared by the in-memory start above and the SQL path's (src/sql/fit.ts), which computes the
 *  variances in the engine. */
export function startFromVariances(m: ModelMatrices, v: readonly number[], varianceOfY: number): Float64Array {
  const theta = Float64Array.from(m.theta0);
  let ve = varianceOfY;
  for (const vk of v) ve -= vk;
  if (!(ve > 0)) return theta;
  for (let k = 0; k < m.reTerms.length; k++) {
    const rel = v[k] / ve;
    // all(v.rel >= lower^2): a bound is 0 here, so this only rejects NaN
    const at = m.reTerms[k].covariance.thetaOffset;
    if (!(rel >= m.lower[at] ** 2)) return Float64Array.from(m.theta0);
    theta[at] = Math.sqrt(rel);
  }
  return theta;
}

/** Neumaier-compensated running sum, standing in for R's long-double accumulators. */
export class CompensatedSum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? this.s - t + x : x - t + this.s;
    this.s = t;
  }
  value(): number {
    return this.s + this.c;
  }
}

/** R's mean(): the sum over n, then one correction pass with the residuals' mean. */
function mean(x: ArrayLike<number>, n: number): number {
  const s = new CompensatedSum();
  for (let i = 0; i < n; i++) s.add(x[i]);
  const m = s.value() / n;
  const r = new CompensatedSum();
  for (let i = 0; i < n; i++) r.add(x[i] - m);
  return m + r.value() / n;
}

/** R's var(): two passes, divisor n − 1. */
function variance(x: ArrayLike<number>, n: number): number {
  const m = mean(x, n);
  const s = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    s.add(d * d);
  }
  return s.value() / (n - 1);
}

/** var(ave(y, f)): the variance of the vector that holds each row's group mean (R's mean() per
 *  level). */
function varianceOfGroupMeans(y: ArrayLike<number>, n: number, refs: Int32Array, levels: number): number {
  const sums = Array.from({ length: levels }, () => new CompensatedSum());
  const counts = new Float64Array(levels);
  for (let i = 0; i < n; i++) {
    sums[refs[i]].add(y[i]);
    counts[refs[i]]++;
  }
  const means = new Float64Array(levels);
  for (let l = 0; l < levels; l++) if (counts[l] > 0) means[l] = sums[l].value() / counts[l];
  // mean()'s correction pass, level by level
  const resid = Array.from({ length: levels }, () => new CompensatedSum());
  for (let i = 0; i < n; i++) resid[refs[i]].add(y[i] - means[refs[i]]);
  for (let l = 0; l < levels; l++) if (counts[l] > 0) means[l] += resid[l].value() / counts[l];
  const ave = new Float64Array(n);
  for (let i = 0; i < n; i++) ave[i] = means[refs[i]];
  return variance(ave, n);
}
