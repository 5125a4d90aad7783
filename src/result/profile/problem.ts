/**
 * What profiling needs from a fitted model, for LMMs and GLMMs alike: the parameters on lme4's
 * profile scale (sd/cor of each random-effects term, σ for LMMs, then β), their optimum, bounds
 * and the deviance as a function of them (lme4's devfun2, R/profile.R).
 *
 * LMM: the fit is first refitted by ML as lme4's refitML does (so a REML fit is profiled on its ML
 * likelihood); the variance parameters and σ are profiled with β profiled out, and each fixed
 * effect by moving its column into the offset and minimising the ML criterion over θ.
 * GLMM: (sd/cor, β) are profiled jointly through the fit stage's deviance at (θ, β): Laplace, or
 * adaptive Gauss–Hermite when the fit used nAGQ > 1 (src/fit/glmm/).
 */
import { familyOfFit } from "../../fit/family/index.js";
import type { FittedModel } from "../../fit/fitted.js";
import { AgqDeviance } from "../../fit/glmm/agq.js";
import { GlmmDeviance } from "../../fit/glmm/deviance.js";
import { ghRule } from "../../fit/glmm/ghrule.js";
import { DEFAULT_PIRLS_OPTIONS } from "../../fit/glmm/options.js";
import { lmmDeviance } from "../../fit/lmm/profiled-deviance.js";
import { lmmSystem, type LmmState } from "./lmm-deviance.js";

/** −2 log L at a solved state: ML, σ profiled out or fixed (the fit's own criterion). */
const mlDeviance = (st: LmmState, n: number, p: number, ldW: number, sigma?: number): number =>
  lmmDeviance(st.ldL2, st.ldRX2, st.prss, n, p, ldW, false, sigma);
import { minimize } from "./minimize.js";
import { sdCorBounds, sdCorToTheta, thetaToSdCor } from "../../model/covariance/index.js";
import { sdCorNames } from "./re-layout.js";

export interface ProfileProblem {
  /** `.sig01`, …, `.sigma` (LMM), then the fixed-effect names. */
  names: string[];
  /** Number of variance parameters (σ included for LMMs). */
  nVar: number;
  /** How many leading parameters `deviance` takes: nVar for LMMs (β profiled), all for GLMMs. */
  nJoint: number;
  /** Optimum on the profile scale (length = names.length). */
  opt: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** −2 log-likelihood at the optimum (ML). */
  base: number;
  /** Standard errors of β̂ at the optimum (sets the first step of a fixed-effect profile). */
  stderr: Float64Array;
  /** Deviance at the first nJoint parameters; `complete` fills the rest (β for LMMs) of the row
   *  of the last evaluation. */
  deviance(pars: Float64Array): number;
  complete(pars: Float64Array): Float64Array;
  /** LMMs: deviance and all parameters with fixed effect j held at `value`. */
  fixedEffect?(j: number, value: number): { deviance: number; pars: Float64Array } | null;
  /** Optimisations run so far (for progress reports). */
  evaluations(): number;
}

export function profileProblem(fit: FittedModel): ProfileProblem {
  return fit.isLmm ? lmmProblem(fit) : glmmProblem(fit);
}

function lmmProblem(fit: FittedModel): ProfileProblem {
  const m = fit.matrices;
  const { n, p } = m;
  const nth = m.theta0.length;
  const sys = lmmSystem(m);
  const mlCriterion = (s: typeof sys, t: Float64Array) => {
    const st = s.solve(t);
    return st ? mlDeviance(st, s.n, s.p, s.ldW) : Infinity;
  };
  let count = 0;
  // refitML: minimise the ML criterion from the fit's θ (lme4 restarts its optimiser there).
  const ml = minimize((t) => mlCriterion(sys, t), fit.theta, { lower: m.lower, upper: m.upper, ftol: 1e-12 });
  const thetaML = Float64Array.from(ml.x);
  const st = sys.solve(thetaML)!;
  const sigma = Math.sqrt(st.prss / n);
  const beta = Float64Array.from(st.beta);
  const vcov = sys.unscaledVcov();
  const stderr = Float64Array.from({ length: p }, (_, j) => sigma * Math.sqrt(vcov[j * p + j]));
  const base = mlDeviance(st, n, p, sys.ldW);
  const sd = thetaToSdCor(m, thetaML, sigma);
  const opt = Float64Array.from([...sd, sigma, ...beta]);
  const b = sdCorBounds(m);
  const lower = Float64Array.from([...b.lower, 0, ...new Array<number>(p).fill(-Infinity)]);
  const upper = Float64Array.from([...b.upper, Infinity, ...new Array<number>(p).fill(Infinity)]);
  const thetaBuf = new Float64Array(nth);
  let lastBeta: Float64Array = beta;

  const deviance = (pars: Float64Array): number => {
    const s = pars[nth];
    if (!(s > 0)) return Number.NaN;
    const theta = sdCorToTheta(m, pars, s, thetaBuf);
    if (!theta) return Number.NaN;
    const state = sys.solve(theta);
    if (!state) return Number.NaN;
    lastBeta = state.beta;
    return mlDeviance(state, n, p, sys.ldW, s);
  };

  const fixedEffect = (j: number, value: number) => {
    count++;
    const Xdrop = new Float64Array(n * (p - 1));
    const offset = Float64Array.from(m.offset);
    for (let k = 0, c = 0; k < p; k++) {
      if (k === j) {
        for (let i = 0; i < n; i++) offset[i] += m.X[k * n + i] * value;
      } else Xdrop.set(m.X.subarray(k * n, (k + 1) * n), n * c++);
    }
    const s1 = lmmSystem(m, { X: Xdrop, p: p - 1, offset });
    const r = minimize((t) => mlCriterion(s1, t), thetaML, { lower: m.lower, upper: m.upper, ftol: 1e-12 });
    const st1 = s1.solve(r.x);
    if (!st1) return null;
    const sig = Math.sqrt(st1.prss / n);
    const bfull = new Float64Array(p);
    for (let k = 0, c = 0; k < p; k++) bfull[k] = k === j ? value : st1.beta[c++];
    return { deviance: r.fx, pars: Float64Array.from([...thetaToSdCor(m, r.x, sig), sig, ...bfull]) };
  };

  return {
    names: [...sdCorNames(m, true), ...m.xNames],
    nVar: nth + 1,
    nJoint: nth + 1,
    opt,
    lower,
    upper,
    base,
    stderr,
    deviance,
    complete(pars) {
      count++;
      const out = new Float64Array(nth + 1 + p);
      out.set(pars.subarray(0, nth + 1));
      out.set(lastBeta, nth + 1);
      return out;
    },
    fixedEffect,
    evaluations: () => count,
  };
}

function glmmProblem(fit: FittedModel): ProfileProblem {
  const m = fit.matrices;
  const nth = m.theta0.length;
  const p = m.p;
  const family = familyOfFit(fit);
  if (fit.hasScale) {
    throw new Error(`cannot (yet) profile GLMMs with a scale parameter (family ${fit.family}), as lme4 cannot`);
  }
  // The fit stage's own deviance (lme4's stage-2 devfun): Laplace, or adaptive Gauss–Hermite for
  // nAGQ > 1, as lme4 profiles with the fit's devfun.
  const dev = new GlmmDeviance(m, family, DEFAULT_PIRLS_OPTIONS, fit.laplace ?? "expected");
  const agq = fit.nAGQ > 1 ? new AgqDeviance(dev, ghRule(fit.nAGQ)) : null;
  const devfun = agq ? (x: Float64Array) => agq.evaluate(x) : (x: Float64Array) => dev.stage2(x);
  const full = new Float64Array(nth + p);
  let count = 0;
  const deviance = (pars: Float64Array): number => {
    const theta = sdCorToTheta(m, pars, 1, full);
    if (!theta) return Number.NaN;
    full.set(pars.subarray(nth, nth + p), nth);
    return devfun(full);
  };
  const b = sdCorBounds(m);
  const lower = Float64Array.from([...b.lower, ...new Array<number>(p).fill(-Infinity)]);
  const upper = Float64Array.from([...b.upper, ...new Array<number>(p).fill(Infinity)]);
  // Polish the optimum on this deviance so that ζ is measured from its own minimum.
  const start = Float64Array.from([...thetaToSdCor(m, fit.theta, 1), ...fit.beta]);
  const polished = minimize(deviance, start, { lower, upper, ftol: 1e-12 });
  const opt = polished.fx <= deviance(start) ? polished.x : start;
  const base = deviance(opt);
  const stderr = Float64Array.from({ length: p }, (_, j) => Math.sqrt(fit.vcov[j * p + j]));
  return {
    names: [...sdCorNames(m, false), ...m.xNames],
    nVar: nth,
    nJoint: nth + p,
    opt: Float64Array.from(opt),
    lower,
    upper,
    base,
    stderr,
    deviance,
    complete(pars) {
      count++;
      return Float64Array.from(pars);
    },
    evaluations: () => count,
  };
}
