/**
 * BOBYQA: bound-constrained minimisation without derivatives, after M. J. D. Powell, "The
 * BOBYQA algorithm for bound constrained optimization without derivatives", DAMTP 2009/NA06.
 *
 * Each iteration minimises a quadratic model Q that interpolates f at m = 2n+1 points within a
 * trust region and the bounds (TRSBOX, §3); the model's Hessian is updated by the least
 * Frobenius norm change (§4, from NEWUOA 2006); geometry steps (ALTMOV, §3) keep the
 * interpolation set poised; the trust-region radius Δ is bounded below by ρ, which falls from
 * ρ_beg to ρ_end (§5–§6). This is the optimiser lme4 and MixedModels.jl use for θ.
 *
 * The arithmetic follows Powell's operation order, so that with the same f the iterates are
 * those of minqa::bobyqa (glmer's first stage) and of NLopt's BOBYQA (lmer's nloptwrap, with the
 * initialStep option) to the last bit; presets.ts gives lme4's settings for both.
 *
 * Departures from Powell's code, documented:
 *  - m (npt) is limited to [n+2, 2n+1], so the initial points (PRELIM, §2) and RESCUE's
 *    provisional points (§7) lie on the coordinate axes.
 *  - n = 1 is allowed: the algorithm is unchanged (m = 3 then fully determines a quadratic).
 *  - Coordinates with lower = upper are held fixed and removed from the problem.
 *  - f returning Infinity/NaN is replaced by a large finite value (see evaluator.ts).
 */
import { checkProblem, type CheckedProblem } from "./bounds.js";
import { CountedObjective } from "./evaluator.js";
import { alternativeStep, type AlternativeStep } from "./bobyqa-altmov.js";
import { choosePointToReplace, lagrangeValues, type ReplacementChoice } from "./bobyqa-denominator.js";
import { diagonalCurvature, moveGradient, predictedChange } from "./bobyqa-model.js";
import { includePoint, maybeReplaceModel } from "./bobyqa-newpoint.js";
import { initialModel, placeBase } from "./bobyqa-prelim.js";
import { rescue } from "./bobyqa-rescue.js";
import { shiftBase } from "./bobyqa-shift.js";
import { trustRegionStep, type TrustRegionStep } from "./bobyqa-trsbox.js";
import { updateH } from "./bobyqa-update.js";
import { allocateWorkspace, toOriginal, type BobyqaWorkspace } from "./bobyqa-workspace.js";
import { withFixedCoordinates } from "./fixed.js";
import {
  OptimizerError,
  type BobyqaOptions,
  type Objective,
  type OptimizerResult,
} from "./types.js";

export const BOBYQA_DEFAULTS = { rhobeg: 0.2, rhoend: 1e-6, maxEval: 10000 } as const;

/** Minimise f over lower ≤ x ≤ upper starting from x0. */
export function bobyqa(
  f: Objective,
  x0: ArrayLike<number>,
  options: BobyqaOptions = {},
): OptimizerResult {
  const prob = checkProblem(x0, options.lower, options.upper);
  const maxEval = options.maxEval ?? BOBYQA_DEFAULTS.maxEval;
  if (!(maxEval >= 1)) throw new OptimizerError(`maxEval is ${maxEval}: it must be at least 1`);
  // With initialStep, ρ_beg is its first entry (in the rescaled coordinates).
  const rhobeg = options.initialStep !== undefined && options.initialStep.length > 0
    ? Math.abs(options.initialStep[0])
    : options.rhobeg ?? BOBYQA_DEFAULTS.rhobeg;
  const rhoend = options.rhoend ?? Math.min(BOBYQA_DEFAULTS.rhoend, rhobeg);
  if (!(rhobeg > 0 && Number.isFinite(rhobeg))) {
    throw new OptimizerError(`rhobeg is ${rhobeg}: it must be a positive finite number`);
  }
  if (!(rhoend > 0 && rhoend <= rhobeg)) {
    throw new OptimizerError(`rhoend is ${rhoend}: it must be positive and at most rhobeg (${rhobeg})`);
  }
  const run = (g: Objective, p: CheckedProblem, rb: number, re: number) =>
    withFixedCoordinates(g, p, maxEval, options.onEvaluation, (_g, reduced, obj) => {
      const npt = clampNpt(options.npt, reduced.n);
      return runBobyqa(reduced.x0, reduced.lower, reduced.upper, rb, re, npt, options.ftolAbs, obj);
    });
  if (options.initialStep === undefined) return run(f, prob, rhobeg, rhoend);

  // NLopt's rescaling: work in y = x / s, where the initial steps are all dx_0.
  const s = nloptRescaling(checkSteps(options.initialStep, prob.n));
  const xs = new Float64Array(prob.n);
  const g: Objective = (y) => {
    for (let i = 0; i < y.length; i++) xs[i] = y[i] * s[i];
    return f(xs);
  };
  // A negative scale flips the coordinate, and so its bounds (nlopt_reorder_bounds).
  const scaled: CheckedProblem = {
    n: prob.n,
    x0: prob.x0.map((v, i) => v / s[i]),
    lower: prob.lower.map((v, i) => (s[i] > 0 ? v : prob.upper[i]) / s[i]),
    upper: prob.upper.map((v, i) => (s[i] > 0 ? v : prob.lower[i]) / s[i]),
  };
  const r = run(g, scaled, rhobeg, rhoend);
  for (let i = 0; i < prob.n; i++) r.x[i] = Math.min(prob.upper[i], Math.max(prob.lower[i], r.x[i] * s[i]));
  return r;
}

/** NLopt's nlopt_compute_rescaling: s_i = dx_i / dx_0 unless all steps are equal. */
export function nloptRescaling(dx: Float64Array): Float64Array {
  const s = new Float64Array(dx.length).fill(1);
  if (dx.length > 1 && dx.some((v) => v !== dx[0])) {
    for (let i = 0; i < dx.length; i++) s[i] = dx[i] / dx[0];
  }
  return s;
}

function checkSteps(dx: ArrayLike<number>, n: number): Float64Array {
  if (dx.length !== n) {
    throw new OptimizerError(`initialStep has ${dx.length} entries but x0 has ${n}: give one per coordinate`);
  }
  const out = Float64Array.from(dx);
  for (let i = 0; i < n; i++) {
    if (!(out[i] !== 0 && Number.isFinite(out[i]))) {
      throw new OptimizerError(`initialStep[${i}] is ${out[i]}: steps must be nonzero and finite`);
    }
  }
  return out;
}

function clampNpt(npt: number | undefined, n: number): number {
  if (npt === undefined) return 2 * n + 1;
  if (!Number.isInteger(npt)) throw new OptimizerError(`npt is ${npt}: it must be a whole number`);
  return Math.min(2 * n + 1, Math.max(n + 2, npt));
}

/** ρ_beg is reduced so that the bounds are at least 2ρ_beg apart, as §2 requires. */
function clampRhobeg(lower: Float64Array, upper: Float64Array, rhobeg: number): number {
  let r = rhobeg;
  for (let j = 0; j < lower.length; j++) r = Math.min(r, 0.5 * (upper[j] - lower[j]));
  return r;
}

/** Powell's schedule for ρ (§6): divide by 10, but end in at most two steps near ρ_end. */
function nextRho(rho: number, rhoend: number): number {
  const ratio = rho / rhoend;
  if (ratio <= 16) return rhoend;
  if (ratio <= 250) return Math.sqrt(ratio) * rhoend;
  return 0.1 * rho;
}

const enum Step {
  UpdateGradient,
  TrustRegion,
  MaybeShift,
  Rescue,
  Geometry,
  Denominators,
  Evaluate,
  FarPoints,
  ReduceRho,
  Done,
}

type Outcome = { converged: boolean; message: string };

function runBobyqa(
  x0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  rhobegAsked: number,
  rhoendAsked: number,
  npt: number,
  ftolAbs: number | undefined,
  obj: CountedObjective,
): Outcome {
  const rhobeg = clampRhobeg(lower, upper, rhobegAsked);
  const rhoend = Math.min(rhoendAsked, rhobeg);
  const ws = allocateWorkspace(lower, upper, npt);
  const { n, xopt, xnew, xalt, d, vlag, xpt } = ws;
  const tr: TrustRegionStep = { dsq: 0, crvmin: 0 };
  const alt: AlternativeStep = { alpha: 0, cauchy: 0 };
  const choice: ReplacementChoice = { knew: -1, denom: 0, scaden: 0, biglsq: 0 };

  placeBase(ws, x0, rhobeg);
  if (!initialModel(ws, rhobeg, obj)) return maxEvalOutcome(obj);
  let xoptsq = setXopt(ws);
  let kbase = 0;

  let rho = rhobeg;
  let delta = rho;
  let nresc = obj.count;
  let ntrits = 0;
  let diffa = 0;
  let diffb = 0;
  let diffc = 0;
  let itest = 0;
  let nfsav = obj.count;
  let dsq = 0;
  let crvmin = 0;
  let dnorm = 0;
  let knew = -1;
  let alpha = 0;
  let cauchy = 0;
  let beta = 0;
  let denom = 0;
  let ratio = 0;
  let distsq = 0;
  let adelt = 0;
  let outcome: Outcome = { converged: false, message: "" };

  let step: Step = Step.UpdateGradient;
  while (step !== Step.Done) {
    switch (step) {
      case Step.UpdateGradient: {
        // gopt is the model gradient at xbase + xpt[kbase]; move it to xopt.
        if (ws.kopt !== kbase) {
          for (let i = 0; i < n; i++) d[i] = xopt[i] - xpt[kbase * n + i];
          moveGradient(ws, d);
        }
        step = Step.TrustRegion;
        break;
      }
      case Step.TrustRegion: {
        trustRegionStep(ws, delta, tr);
        dsq = tr.dsq;
        crvmin = tr.crvmin;
        dnorm = Math.min(delta, Math.sqrt(dsq));
        if (dnorm < 0.5 * rho) {
          // Step too short to be worth an evaluation (§6): improve geometry, or reduce ρ if
          // the model's recent errors are small compared with what a step of ½ρ could gain.
          ntrits = -1;
          distsq = 10 * rho * (10 * rho);
          if (obj.count <= nfsav + 2) {
            step = Step.FarPoints;
            break;
          }
          step = workWithRhoComplete(ws, rho, Math.max(diffa, diffb, diffc), crvmin)
            ? Step.ReduceRho
            : Step.FarPoints;
          break;
        }
        ntrits++;
        step = Step.MaybeShift;
        break;
      }
      case Step.MaybeShift: {
        if (dsq <= 1e-3 * xoptsq) {
          shiftBase(ws, xoptsq);
          xoptsq = 0;
        }
        step = ntrits === 0 ? Step.Geometry : Step.Denominators;
        break;
      }
      case Step.Rescue: {
        // Rounding errors have damaged H: rebuild it around xopt (§7).
        nfsav = obj.count;
        kbase = ws.kopt;
        const ok = rescue(ws, delta, obj);
        xoptsq = ws.kopt !== kbase ? setXopt(ws) : 0;
        if (!ok) {
          outcome = maxEvalOutcome(obj);
          step = Step.Done;
          break;
        }
        nresc = obj.count;
        if (nfsav < obj.count) {
          nfsav = obj.count;
          step = Step.UpdateGradient;
        } else {
          step = ntrits > 0 ? Step.TrustRegion : Step.Geometry;
        }
        break;
      }
      case Step.Geometry: {
        alternativeStep(ws, knew, adelt, alt);
        alpha = alt.alpha;
        cauchy = alt.cauchy;
        for (let i = 0; i < n; i++) d[i] = xnew[i] - xopt[i];
        step = Step.Denominators;
        break;
      }
      case Step.Denominators: {
        beta = lagrangeValues(ws, xoptsq);
        if (ntrits === 0) {
          denom = vlag[knew] * vlag[knew] + alpha * beta;
          if (denom < cauchy && cauchy > 0) {
            // The Cauchy alternative gives a larger denominator: use it.
            for (let i = 0; i < n; i++) {
              xnew[i] = xalt[i];
              d[i] = xnew[i] - xopt[i];
            }
            cauchy = 0;
            break;
          }
          if (denom <= 0.5 * vlag[knew] * vlag[knew]) {
            step = obj.count > nresc ? Step.Rescue : Step.Done;
            if (step === Step.Done) outcome = roundoffOutcome(rho);
            break;
          }
        } else {
          choosePointToReplace(ws, beta, delta, ws.kopt, xopt, choice);
          knew = choice.knew;
          denom = choice.denom;
          if (choice.scaden <= 0.5 * choice.biglsq) {
            step = obj.count > nresc ? Step.Rescue : Step.Done;
            if (step === Step.Done) outcome = roundoffOutcome(rho);
            break;
          }
        }
        step = Step.Evaluate;
        break;
      }
      case Step.Evaluate: {
        if (obj.exhausted) {
          outcome = maxEvalOutcome(obj);
          step = Step.Done;
          break;
        }
        const fx = obj.evaluate(toOriginal(ws, xnew, 0));
        if (ntrits === -1) {
          // The final short Newton step of §6 has been tried.
          outcome = { converged: true, message: `trust-region radius reached rhoend = ${rhoend}` };
          step = Step.Done;
          break;
        }
        const kopt = ws.kopt;
        const fopt = ws.fval[kopt];
        const vquad = predictedChange(ws);
        const diff = fx - fopt - vquad;
        diffc = diffb;
        diffb = diffa;
        diffa = Math.abs(diff);
        if (dnorm > rho) nfsav = obj.count;

        if (ntrits > 0) {
          if (vquad >= 0) {
            outcome = {
              converged: false,
              message: `a trust-region step failed to reduce the quadratic model (rho = ${rho}): rounding errors limit the accuracy`,
            };
            step = Step.Done;
            break;
          }
          // Revise Δ by the ratio of actual to predicted reduction (§6, eq. 6.2).
          ratio = (fx - fopt) / vquad;
          if (ratio <= 0.1) delta = Math.min(0.5 * delta, dnorm);
          else if (ratio <= 0.7) delta = Math.max(0.5 * delta, dnorm);
          else delta = Math.max(0.5 * delta, 2 * dnorm);
          if (delta <= 1.5 * rho) delta = rho;
          if (fx < fopt) {
            // The new point becomes the centre: choose knew relative to it instead.
            const ksav = knew;
            const densav = denom;
            choosePointToReplace(ws, beta, delta, -1, xnew, choice);
            knew = choice.knew;
            denom = choice.denom;
            if (choice.scaden <= 0.5 * choice.biglsq) {
              knew = ksav;
              denom = densav;
            }
          }
        }

        updateH(ws, knew, beta, denom);
        includePoint(ws, knew, fx, diff);

        if (fx < fopt) {
          ws.kopt = knew;
          xoptsq = 0;
          for (let j = 0; j < n; j++) {
            xopt[j] = xnew[j];
            xoptsq += xopt[j] * xopt[j];
          }
          moveGradient(ws, d);
          if (ftolAbs !== undefined && fopt - fx < ftolAbs) {
            outcome = { converged: true, message: `improvement below ftolAbs = ${ftolAbs}` };
            step = Step.Done;
            break;
          }
        }
        if (ntrits > 0) itest = maybeReplaceModel(ws, itest);

        if (ntrits === 0 || fx <= fopt + 0.1 * vquad) {
          step = Step.TrustRegion;
          break;
        }
        distsq = Math.max(2 * delta * (2 * delta), 10 * rho * (10 * rho));
        step = Step.FarPoints;
        break;
      }
      case Step.FarPoints: {
        // Is any interpolation point too far from xopt (§6)? Then move it (geometry step).
        knew = -1;
        for (let k = 0; k < npt; k++) {
          let sum = 0;
          for (let j = 0; j < n; j++) {
            const t = xpt[k * n + j] - xopt[j];
            sum += t * t;
          }
          if (sum > distsq) {
            knew = k;
            distsq = sum;
          }
        }
        if (knew >= 0) {
          const dist = Math.sqrt(distsq);
          if (ntrits === -1) {
            delta = Math.min(0.1 * delta, 0.5 * dist);
            if (delta <= 1.5 * rho) delta = rho;
          }
          ntrits = 0;
          adelt = Math.max(Math.min(0.1 * dist, delta), rho);
          dsq = adelt * adelt;
          step = Step.MaybeShift;
          break;
        }
        if (ntrits === -1) step = Step.ReduceRho;
        else if (ratio > 0 || Math.max(delta, dnorm) > rho) step = Step.TrustRegion;
        else step = Step.ReduceRho;
        break;
      }
      case Step.ReduceRho: {
        if (rho > rhoend) {
          delta = 0.5 * rho;
          rho = nextRho(rho, rhoend);
          delta = Math.max(delta, rho);
          ntrits = 0;
          nfsav = obj.count;
          step = Step.TrustRegion;
          break;
        }
        if (ntrits === -1) {
          // Try the last short step before returning (§6).
          step = Step.Evaluate;
          break;
        }
        outcome = { converged: true, message: `trust-region radius reached rhoend = ${rhoend}` };
        step = Step.Done;
        break;
      }
    }
  }
  return outcome;
}

/** xopt = xpt[kopt]; returns ‖xopt‖². */
function setXopt(ws: BobyqaWorkspace): number {
  const { n, xpt, xopt } = ws;
  let s = 0;
  for (let i = 0; i < n; i++) {
    xopt[i] = xpt[ws.kopt * n + i];
    s += xopt[i] * xopt[i];
  }
  return s;
}

/** §6's test that the work with the current ρ is complete: the last three model errors are
 *  small compared with the reduction a step of ½ρ could give, including at active bounds
 *  where the projected gradient points outward. */
function workWithRhoComplete(
  ws: BobyqaWorkspace,
  rho: number,
  errbig: number,
  crvmin: number,
): boolean {
  const { n, xnew, sl, su, gnew } = ws;
  const frhosq = 0.125 * rho * rho;
  if (crvmin > 0 && errbig > frhosq * crvmin) return false;
  const bdtol = errbig / rho;
  for (let j = 0; j < n; j++) {
    let bdtest = bdtol;
    if (xnew[j] === sl[j]) bdtest = gnew[j];
    if (xnew[j] === su[j]) bdtest = -gnew[j];
    if (bdtest < bdtol) {
      bdtest += 0.5 * diagonalCurvature(ws, j) * rho;
      if (bdtest < bdtol) return false;
    }
  }
  return true;
}

function maxEvalOutcome(obj: CountedObjective): Outcome {
  return { converged: false, message: `stopped after maxEval = ${obj.maxEval} evaluations` };
}

function roundoffOutcome(rho: number): Outcome {
  return {
    converged: false,
    message: `rounding errors damaged the interpolation (rho = ${rho}); the result is the best point found`,
  };
}
