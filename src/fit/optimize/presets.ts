/**
 * The optimiser settings lme4 uses, so that a fit can follow lme4's own path (same iterates,
 * same evaluation count) rather than merely reach the same optimum:
 *
 *  - lmer: optimizer "nloptwrap" = NLopt's BOBYQA via nloptr with lme4's defaults xtol_abs 1e-8,
 *    ftol_abs 1e-8, maxeval 1e5, nloptr's default xtol_rel 1e-4, and NLopt's default initial
 *    steps (nlopt_set_default_initial_step) with its coordinate rescaling; npt = 2n+1.
 *  - glmer's first stage: minqa::bobyqa with its defaults npt = n+2, rhobeg = min(0.95,
 *    0.2·max|x0|), rhoend = 10⁻⁶·rhobeg, maxfun 10000, and lme4's optwrap moving an all-zero
 *    start to 0.001; with adj = TRUE (a bobyqa second stage) rhobeg 2e-4, rhoend 2e-7.
 *  - glmer's second stage: lme4's Nelder_Mead over (θ, β) with optwrap's adj = TRUE steps.
 *
 * (Checked with lme4 1.1 / nloptr in R: sleepstudy's (Days | Subject) REML fit takes 43
 * evaluations in both.)
 */
import { nloptRescaling } from "./bobyqa.js";
import type { BobyqaOptions, NelderMeadOptions } from "./types.js";

/** NLopt's nlopt_set_default_initial_step: a quarter of a finite box, or ¾ of the room to a
 *  nearer bound, else 1.1× the distance to a single bound, else |x|, else 1. */
export function nloptDefaultInitialStep(
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): Float64Array {
  const n = x0.length;
  const dx = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = x0[i];
    const lb = lower[i];
    const ub = upper[i];
    let step = Infinity;
    if (Number.isFinite(ub) && Number.isFinite(lb) && (ub - lb) * 0.25 < step && ub > lb) {
      step = (ub - lb) * 0.25;
    }
    if (Number.isFinite(ub) && ub - x < step && ub > x) step = (ub - x) * 0.75;
    if (Number.isFinite(lb) && x - lb < step && x > lb) step = (x - lb) * 0.75;
    if (!Number.isFinite(step)) {
      if (Number.isFinite(ub) && Math.abs(ub - x) < Math.abs(step)) step = (ub - x) * 1.1;
      if (Number.isFinite(lb) && Math.abs(x - lb) < Math.abs(step)) step = (x - lb) * 1.1;
    }
    if (!Number.isFinite(step) || Math.abs(step) < Number.MIN_VALUE * 2 ** 52) step = x;
    if (!Number.isFinite(step) || step === 0) step = 1;
    dx[i] = step; // may be negative (x0 < 0 with no bounds): NLopt keeps the sign
  }
  return dx;
}

/** bobyqa options reproducing lme4's lmer optimizer (nloptwrap with its defaults). */
export function lme4NloptwrapOptions(
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper?: ArrayLike<number>,
): BobyqaOptions {
  const up = upper ?? new Float64Array(x0.length).fill(Infinity);
  const dx = nloptDefaultInitialStep(x0, lower, up);
  const s = nloptRescaling(dx);
  // NLopt's BOBYQA: rhoend = xtol_rel·rhobeg, raised to xtol_abs / s_j.
  let rhoend = 1e-4 * Math.abs(dx[0]);
  for (let j = 0; j < s.length; j++) rhoend = Math.max(rhoend, 1e-8 / Math.abs(s[j]));
  return { lower, upper: up, initialStep: dx, rhoend, ftolAbs: 1e-8, maxEval: 100000, npt: 2 * x0.length + 1 };
}

/** Start and bobyqa options reproducing minqa::bobyqa as lme4's optwrap calls it (glmer). */
export function lme4MinqaOptions(
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper?: ArrayLike<number>,
  adj = false,
): { x0: Float64Array; options: BobyqaOptions } {
  const n = x0.length;
  const start = Float64Array.from(x0);
  if (start.every((v) => v === 0)) start.fill(0.001);
  let maxAbs = 0;
  for (const v of start) maxAbs = Math.max(maxAbs, Math.abs(v));
  let rhobeg = adj ? 2e-4 : Math.min(0.95, 0.2 * maxAbs);
  const rhoend = adj ? 2e-7 : 1e-6 * rhobeg;
  const up = upper ?? new Float64Array(n).fill(Infinity);
  // minqa: "All upper - lower must be >= 2*rhobeg. Changing rhobeg" to 0.2·min(range),
  // after rhoend was set from the original rhobeg.
  let minRange = Infinity;
  for (let i = 0; i < n; i++) minRange = Math.min(minRange, up[i] - lower[i]);
  if (minRange < 2 * rhobeg) rhobeg = 0.2 * minRange;
  return { x0: start, options: { lower, upper: up, rhobeg, rhoend, npt: n + 2, maxEval: 10000 } };
}

/** nelderMead options reproducing lme4's glmer second stage (optwrap with adj = TRUE): steps
 *  0.2·(0.1 for each θ, min(sd(β̂_j), 10) for each β, with sd from the unscaled covariance of β
 *  at the end of the first stage), xtolAbs = 5·10⁻⁴·step, maxfun 10000, bounds (θ's box — only
 *  cs/ar1 correlations have a finite upper bound — and −∞ < β < ∞). */
export function lme4NelderMeadOptions(
  thetaLower: ArrayLike<number>,
  betaSD: ArrayLike<number>,
  thetaUpper?: ArrayLike<number>,
): NelderMeadOptions {
  const nt = thetaLower.length;
  const n = nt + betaSD.length;
  const step = new Float64Array(n);
  const lower = new Float64Array(n).fill(-Infinity);
  for (let i = 0; i < nt; i++) {
    step[i] = 0.2 * 0.1;
    lower[i] = thetaLower[i];
  }
  for (let j = 0; j < betaSD.length; j++) step[nt + j] = 0.2 * Math.min(betaSD[j], 10);
  const upper = new Float64Array(n).fill(Infinity);
  if (thetaUpper) for (let i = 0; i < nt; i++) upper[i] = thetaUpper[i];
  return {
    lower,
    upper,
    step,
    xtolAbs: step.map((s) => s * 5e-4),
    maxEval: 10000,
  };
}
