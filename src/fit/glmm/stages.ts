/**
 * lme4's two optimisation stages for glmer (R/lmer.R glmer; R/modular.R optimizeGlmer, optwrap,
 * check.boundary).
 */
import { lme4MinqaOptions, type BobyqaOptions, type OptimizerResult } from "../optimize/index.js";
import { snapToBoundary } from "../optimize/check-boundary.js";
import { nelderMead } from "../optimize/nelder-mead.js";
import { lme4NelderMeadOptions } from "../optimize/presets.js";
import type { GlmmDeviance } from "./deviance.js";
import { glmmDispersion } from "./dispersion.js";

type Optimizer = (f: (x: Float64Array) => number, x0: ArrayLike<number>, options: BobyqaOptions) => OptimizerResult;

export interface StageResult {
  converged: boolean;
  message: string;
  fx: number;
}

/** Stage 1: θ by BOBYQA with β inside PIRLS (nAGQ = 0), set up as lme4's optwrap calls
 *  minqa::bobyqa (npt = n + 2, ρ_beg = min(0.95, 0.2·max|θ₀|), ρ_end = 10⁻⁶ρ_beg) so that it follows
 *  lme4's own path — which matters where the deviance has several local optima. Leaves the deviance
 *  at the optimum, and makes its η the start of every later PIRLS run (lme4's updateGlmerDevfun:
 *  lp0 ← linPred(1)). */
export function runStage1(
  dev: GlmmDeviance,
  optimizer: Optimizer,
  progress: (fx: number) => void,
): StageResult & { theta: Float64Array } {
  const { x0, options } = lme4MinqaOptions(dev.m.theta0, dev.m.lower, dev.m.upper);
  const f = (theta: Float64Array): number => {
    const v = dev.stage1(theta);
    progress(v);
    return v;
  };
  const r = optimizer(f, x0, options);
  const theta = Float64Array.from(r.x);
  const fx = dev.stage1(theta);
  dev.resetStart();
  return { theta, fx, converged: r.converged, message: r.message };
}

/**
 * Stage 2: (θ, β) together from stage 1's (θ, β), u by PIRLS at fixed β. lme4 uses Nelder–Mead
 * with initial steps 0.02 for θ and 0.2·SE(β) (SE from R_X, capped at 10); we use BOBYQA in the
 * coordinates x = (pars − start)/scale with scale = (0.1, SE), so one radius suits every
 * coordinate: ρ_beg = 0.1 (steps of 0.01 in θ and 0.1 SE in β; stage 1's (θ, β) is that close,
 * and it takes ~20% fewer evaluations than 0.2 on VerbAgg), ρ_end = 1e-4 (1e-4 SE in β, 1e-5 in θ).
 * Then lme4's check.boundary: a θ within 1e-5 of its bound is put on it when that does not
 * increase the deviance.
 */
export function runStage2(
  dev: GlmmDeviance,
  devfun: (pars: ArrayLike<number>) => number,
  optimizer: Optimizer,
  progress: (fx: number) => void,
): StageResult & { pars: Float64Array } {
  const { m, nTheta, p } = dev;
  const k = nTheta + p;
  const start = new Float64Array(k);
  const scale = new Float64Array(k);
  start.set(dev.pirls.sys.theta.subarray(0, nTheta));
  start.set(dev.pirls.beta, nTheta);
  const unsc = dev.pirls.sys.unscaledVcov();
  // lme4 takes SE from R_X with σ = 1; for a family with a dispersion that mis-scales β by 1/σ
  // (×160 for inverse.gaussian on sleepstudy), so we scale by the stage-1 σ as the fit reports it
  const sigma = glmmDispersion(dev);
  for (let t = 0; t < nTheta; t++) scale[t] = 0.1;
  for (let j = 0; j < p; j++) {
    const se = sigma * Math.sqrt(unsc[j + j * p]);
    scale[nTheta + j] = Number.isFinite(se) && se > 0 ? Math.min(se, 10) : 1;
  }
  const lower = new Float64Array(k).fill(-Infinity);
  const upper = new Float64Array(k).fill(Infinity);
  for (let t = 0; t < nTheta; t++) {
    lower[t] = (m.lower[t] - start[t]) / scale[t];
    upper[t] = (m.upper[t] - start[t]) / scale[t];
  }
  const pars = new Float64Array(k);
  const toPars = (x: ArrayLike<number>): Float64Array => {
    for (let i = 0; i < k; i++) pars[i] = start[i] + scale[i] * x[i];
    // exact bound values survive the change of variables
    for (let t = 0; t < nTheta; t++) pars[t] = Math.min(m.upper[t], Math.max(m.lower[t], pars[t]));
    return pars;
  };
  const f = (x: Float64Array): number => {
    const v = devfun(toPars(x));
    progress(v);
    return v;
  };
  const r = optimizer(f, new Float64Array(k), { lower, upper, rhobeg: 0.1, rhoend: 1e-6 });
  const best = Float64Array.from(toPars(r.x));
  let fx = devfun(best);
  fx = snapToBoundary(best, fx, m.lower, devfun, nTheta);
  return { pars: best, fx, converged: r.converged, message: r.message };
}

/**
 * Stage 2 exactly as lme4 runs it: its own Nelder–Mead (optimize/nelder-mead.ts with lme4's settings) on (θ, β) from
 * stage 1's (θ, β), initial steps xst = 0.2·(0.1 for θ, min(SE(β), 10)) with SE from R_X at σ = 1,
 * tolerances xt = 5e-4·xst (R/optimizer.R optwrap with adj = TRUE), then check.boundary.
 */
export function runStage2Lme4(
  dev: GlmmDeviance,
  devfun: (pars: ArrayLike<number>) => number,
  progress: (fx: number) => void,
): StageResult & { pars: Float64Array } {
  const { m, nTheta, p } = dev;
  const k = nTheta + p;
  const start = new Float64Array(k);
  start.set(dev.pirls.sys.theta.subarray(0, nTheta));
  start.set(dev.pirls.beta, nTheta);
  const unsc = dev.pirls.sys.unscaledVcov();
  const betaSD = new Float64Array(p);
  for (let j = 0; j < p; j++) betaSD[j] = Math.sqrt(unsc[j + j * p]);
  const f = (x: Float64Array): number => {
    const v = devfun(x);
    progress(v);
    return v;
  };
  const r = nelderMead(f, start, lme4NelderMeadOptions(m.lower.subarray(0, nTheta), betaSD, m.upper.subarray(0, nTheta)));
  const best = Float64Array.from(r.x);
  let fx = devfun(best);
  fx = snapToBoundary(best, fx, m.lower, devfun, nTheta);
  return { pars: best, fx, converged: r.converged, message: r.message };
}
