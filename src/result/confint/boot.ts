/**
 * The parametric bootstrap (lme4's bootMer with type = "parametric", use.u = FALSE): simulate new
 * responses from the fit, refit each, and collect the parameters on lme4's profile scale
 * (sd/cor, σ, β). Percentile intervals interpolate between order statistics on the normal scale
 * as boot::boot.ci(type = "perc") does (its norm.inter, Davison & Hinkley 1997 eq. 5.8).
 */
import type { FittedModel } from "../../fit/fitted.js";
import { fitGlmm } from "../../fit/glmm/fit.js";
import { fitLmm } from "../../fit/lmm/index.js";
import type { IntervalRow } from "../profile/index.js";
import { thetaToSdCor } from "../../model/covariance/index.js";
import { sdCorNames } from "../profile/re-layout.js";
import type { OnProgress } from "../progress.js";
import { simulateOnce } from "../simulate.js";
import { qnorm } from "./distributions.js";
import { makeRng } from "./rng.js";

export interface BootOptions {
  nsim?: number;
  seed?: number;
  onProgress?: OnProgress;
  /** Refit function (default: the fit stage's fitLmm / fitGlmm with the original settings). */
  refit?: (fit: FittedModel, y: Float64Array) => FittedModel;
}

export interface BootResult {
  names: string[];
  /** The statistic at the original fit, and one row per replicate (null when a refit failed). */
  t0: Float64Array;
  replicates: (Float64Array | null)[];
  seed: number;
  /** Refits that failed, with their error messages. */
  failures: string[];
}

/** The bootstrap statistic as lme4's confint(method = "boot") makes it (bootFun: the profile
 *  parameters at sc = σ when the family has a scale, then σ, then β): every term's sd/cor, σ when
 *  estimated, then β. */
export function bootStatistic(fit: FittedModel): Float64Array {
  const sd = thetaToSdCor(fit.matrices, fit.theta, fit.hasScale ? fit.sigma : 1);
  return Float64Array.from([...sd, ...(fit.hasScale ? [fit.sigma] : []), ...fit.beta]);
}

export function defaultRefit(fit: FittedModel, y: Float64Array): FittedModel {
  const m = { ...fit.matrices, y };
  // a negative binomial is refitted at its θ, as lme4's bootMer refits a glmer.nb fit's family
  return fit.isLmm
    ? fitLmm(m, { REML: fit.REML })
    : fitGlmm(m, {
        family: fit.family, link: fit.link, nAGQ: fit.nAGQ,
        ...(fit.nbTheta !== undefined ? { nbTheta: fit.nbTheta } : {}),
        ...(fit.laplace !== undefined ? { laplace: fit.laplace } : {}),
      });
}

export function parametricBootstrap(fit: FittedModel, options: BootOptions = {}): BootResult {
  const nsim = options.nsim ?? 500;
  if (!Number.isInteger(nsim) || nsim < 1) throw new RangeError(`nsim must be a positive whole number, not ${nsim}`);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const rng = makeRng(seed);
  const refit = options.refit ?? defaultRefit;
  const replicates: (Float64Array | null)[] = [];
  const failures: string[] = [];
  for (let k = 0; k < nsim; k++) {
    const y = simulateOnce(fit, rng);
    try {
      replicates.push(bootStatistic(refit(fit, y)));
    } catch (e) {
      replicates.push(null);
      failures.push(`replicate ${k + 1}: ${(e as Error).message}`);
    }
    options.onProgress?.({ kind: "bootstrap", replicate: k + 1, total: nsim });
  }
  return {
    names: [...sdCorNames(fit.matrices, fit.hasScale), ...fit.matrices.xNames],
    t0: bootStatistic(fit),
    replicates,
    seed,
    failures,
  };
}

/** boot's norm.inter: the α-quantile of t interpolated on the normal scale between order
 *  statistics (k, k+1) with k = ⌊(R+1)α⌋. */
export function normInter(values: ArrayLike<number>, alpha: number): number {
  const t = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  const R = t.length;
  if (R === 0) return Number.NaN;
  const rk = (R + 1) * alpha;
  const k = Math.trunc(rk);
  if (k === rk && k >= 1 && k <= R) return t[k - 1];
  if (k <= 0) return t[0];
  if (k >= R) return t[R - 1];
  const z = qnorm(alpha);
  const zk = qnorm(k / (R + 1));
  const zk1 = qnorm((k + 1) / (R + 1));
  return t[k - 1] + ((z - zk) / (zk1 - zk)) * (t[k] - t[k - 1]);
}

export function percentileIntervals(boot: BootResult, level: number): IntervalRow[] {
  const a = (1 - level) / 2;
  return boot.names.map((parm, i) => {
    const col = boot.replicates.filter((r): r is Float64Array => r !== null).map((r) => r[i]);
    const lo = normInter(col, a);
    const hi = normInter(col, 1 - a);
    return { parm, lower: Number.isFinite(lo) ? lo : null, upper: Number.isFinite(hi) ? hi : null };
  });
}
