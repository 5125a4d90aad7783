/**
 * fitLmm: a Gaussian linear mixed model by profiled (RE)ML, lme4's lmer pipeline
 * (mkLmerDevfun → optimizeLmer → mkMerMod) over the blocked PLS system.
 */
import type { FittedModel } from "../fitted.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { bobyqa } from "../optimize/bobyqa.js";
import { lme4NloptwrapOptions } from "../optimize/presets.js";
import type { BobyqaOptions } from "../optimize/types.js";
import type { OptimizerResult } from "../optimize/types.js";
import { NotPositiveDefiniteError } from "../../linalg/errors.js";
import { makeDevfun, objective, type Devfun } from "./profiled-deviance.js";
import type { PrecomputedBlocks } from "../pls/pls-system.js";
import type { CountGroupedData } from "../pls/count-grouped.js";
import { lmmResults } from "./results.js";
import { lme4StartTheta } from "./start.js";
import { deriv12, deriv12FromGradient } from "../convergence/deriv12.js";
import { projectedBfgs } from "../optimize/projected-bfgs.js";
import { convergenceMessages } from "../convergence/check-conv.js";
import { isSingular, SINGULAR_MESSAGE } from "../convergence/singular.js";
import { FitError } from "../../errors.js";
import { restartFromEdge } from "./boundary.js";
import { snapToBoundary } from "../optimize/check-boundary.js";
import { reScaling } from "./re-scaling.js";
import { checkLmmResponse } from "../degenerate.js";
import { chooseSolver, fitLmmKrylov, type SolverChoice } from "../krylov/fit-krylov.js";
import type { KrylovControls } from "../krylov/crossed-system.js";

export interface FitLmmOptions {
  REML: boolean;
  /** Starting θ (lme4's start = list(theta = …)); default lme4's (start.ts). */
  start?: ArrayLike<number>;
  /** Called after every evaluation of the objective with the count and the value. */
  onProgress?: (evaluations: number, objective: number) => void;
  /** Optimiser settings. By default lme4's own (nloptwrap's BOBYQA: NLopt's initial steps and
   *  rescaling, xtol_rel 1e-4, ftol_abs 1e-8, 2n+1 points, at most 100 000 evaluations), so the fit
   *  follows lme4's iterates; a given rhobeg replaces NLopt's initial steps by one radius. */
  rhobeg?: number;
  rhoend?: number;
  ftolAbs?: number;
  maxEval?: number;
  /** The cross-products computed elsewhere (a SQL engine, src/sql/): the fit then never reads the
   *  rows, and η, μ stay empty (src/sql/fit.ts adds what the summary needs from one more query). */
  blocks?: PrecomputedBlocks;
  /** The count-grouped form of the same (a scalar first term: src/fit/pls/count-grouped.ts);
   *  BOBYQA only (it has no analytic gradient). */
  countGrouped?: CountGroupedData;
  /** lme4's starting θ when the rows are not here to compute it (lme4StartTheta otherwise). */
  startTheta?: Float64Array;
  /** "bobyqa" (lme4's derivative-free path), "quasi-newton" (projected BFGS on the analytic
   *  gradient, src/fit/pls/gradient.ts), or "auto" (default): quasi-Newton from
   *  GRADIENT_OPTIMIZER_MIN_THETA θ entries on, where BOBYQA's O(nθ²) evaluations dominate and
   *  following lme4's exact iterates matters less than reaching the optimum. */
  optimizer?: "auto" | "bobyqa" | "quasi-newton";
  /** "cholesky" (the exact blocked factor), "krylov" (PCG and stochastic Lanczos quadrature for
   *  two crossed scalar terms, src/fit/krylov/), or "auto" (default): Krylov when it supports the
   *  model and the dense trailing block would exceed KRYLOV_CROSSOVER. */
  solver?: SolverChoice;
  /** The Krylov path's accuracy controls (probes, Lanczos steps, CG tolerance; crossed-system.ts). */
  krylov?: Partial<KrylovControls>;
}

/** From this many θ entries on, "auto" uses the gradient-based optimiser. Every case of the
 *  reference corpora has at most 7 (they keep lme4's BOBYQA path and evaluation counts); kb07's
 *  maximal model has 72 (BOBYQA: thousands of evaluations; quasi-Newton: ~230 and ~130 gradients). */
export const GRADIENT_OPTIMIZER_MIN_THETA = 10;

/** Which optimiser a fit with these options runs. */
export function lmmOptimizer(nTheta: number, options: Pick<FitLmmOptions, "optimizer">): "bobyqa" | "quasi-newton" {
  const o = options.optimizer ?? "auto";
  if (o !== "auto") return o;
  return nTheta >= GRADIENT_OPTIMIZER_MIN_THETA ? "quasi-newton" : "bobyqa";
}

export function fitLmm(m: ModelMatrices, options: FitLmmOptions): FittedModel {
  const t0 = performance.now();
  checkDimensions(m, options.REML);
  // rows in an engine (blocks): the response was checked there (src/sql/frame.ts)
  const rowsElsewhere = options.blocks !== undefined || options.countGrouped !== undefined;
  if (!rowsElsewhere) checkLmmResponse(m);
  if (chooseSolver(m, options.solver, !rowsElsewhere) === "krylov") {
    const start = options.start ? startOnFitScale(options.start, m, undefined) : undefined;
    return fitLmmKrylov(m, { REML: options.REML, onProgress: options.onProgress, controls: options.krylov, ...(start ? { start } : {}) });
  }
  // columns on very different scales: optimise θ̃ on unit-scale columns, θ = θ̃ · factor
  const scaling = rowsElsewhere ? null : reScaling(m);
  const mFit = scaling?.matrices ?? m;
  const devfun = makeDevfun(mFit, { REML: options.REML, blocks: options.blocks, countGrouped: options.countGrouped });
  let evaluations = 0;
  const f = (theta: Float64Array): number => {
    evaluations++;
    // the first evaluation (at θ₀) throws, with a clear message, for a rank-deficient X or a
    // response without residual variation; later ones treat a failed factorisation as +∞
    const d = evaluations === 1 ? devfun(theta) : guardedDeviance(devfun, theta);
    options.onProgress?.(evaluations, d);
    return d;
  };
  const upper = m.upper;
  const method = options.countGrouped ? "bobyqa" : lmmOptimizer(m.lower.length, options);
  // lme4's optwrap recomputes NLopt's initial steps from each start (the restart's too)
  const run = method === "bobyqa"
    ? (x0: ArrayLike<number>) => bobyqa(f, x0, optimizerOptions(x0, mFit.lower, upper, options))
    : (x0: ArrayLike<number>) => quasiNewton(f, devfun, options.REML, x0, mFit.lower, upper, options.maxEval);
  let opt = run(options.start ? startOnFitScale(options.start, m, scaling?.factor) : (options.startTheta ?? lme4StartTheta(mFit)));
  const criterion = (t: ArrayLike<number>) => guardedDeviance(devfun, t);
  opt = restartFromEdge(criterion, mFit, opt, run);
  const thetaFit = Float64Array.from(opt.x);
  snapToBoundary(thetaFit, opt.fx, mFit.lower, criterion);
  const theta = scaling ? thetaFit.map((v, i) => v * scaling.factor[i]) : thetaFit;

  const messages = [...m.messages];
  if (!opt.converged) messages.push(`convergence: ${opt.message}`);
  // lme4's checkConv (optimizeLmer, calc.derivs = TRUE): finite-difference gradient and Hessian of
  // the criterion over θ at the optimum, skipped for a singular fit. Its evaluations are not
  // counted, as lme4's feval does not count them. On the scale the optimiser worked on, so that
  // neither the derivatives nor the singularity test depend on the columns' units. After the
  // quasi-Newton path, the Hessian comes from differences of the analytic gradient (2k gradients
  // rather than 2k² evaluations).
  devfun.system.setTheta(thetaFit).updateL();
  const fitValue = objective(devfun.system, options.REML);
  const singular = isSingular(thetaFit, m.lower, m.upper);
  const derivs = singular
    ? null
    : method === "bobyqa"
      ? deriv12(criterion, thetaFit, fitValue)
      : deriv12FromGradient((t, g) => {
        devfun(t);
        devfun.system.criterionGradient(options.REML, g);
      }, thetaFit);
  const convMessages = convergenceMessages(derivs, thetaFit, m.lower, m.upper, m.n);
  messages.push(...convMessages);
  const converged = opt.converged && convMessages.every((msg) => msg === SINGULAR_MESSAGE);
  // the results on the caller's columns
  const sys = scaling ? makeDevfun(m, { REML: options.REML }).system : devfun.system;
  sys.setTheta(theta).updateL();
  const value = objective(sys, options.REML);
  const results = lmmResults(sys, options.REML);
  return {
    family: "gaussian",
    link: "identity",
    isLmm: true,
    hasScale: true,
    REML: options.REML,
    nAGQ: 1,
    matrices: m,
    theta,
    objective: value,
    optsum: [
      { stage: "theta", optimizer: method === "bobyqa" ? "bobyqa" : "projected-bfgs", lme4Name: method === "bobyqa" ? "nloptwrap" : "projected-bfgs", evaluations, objective: value, code: opt.converged ? 0 : 1, message: opt.message },
    ],
    evaluations,
    converged,
    singular,
    messages,
    ...results,
    solver: { path: "cholesky" },
    fitSeconds: (performance.now() - t0) / 1000,
  };
}

/** Restarts of the quasi-Newton run from its own optimum, with a fresh Hessian approximation,
 *  while one lowers the criterion by more than RESTART_GAIN: on the flat ridges of singular fits
 *  the first run's curvature model stalls a few 1e-5 above the optimum (kb07). */
const MAX_RESTARTS = 4;
const RESTART_GAIN = 1e-7;

/** Projected BFGS on the analytic gradient, restarted from its optimum while that still gains. */
function quasiNewton(
  f: (theta: Float64Array) => number, devfun: Devfun, REML: boolean, x0: ArrayLike<number>, lower: Float64Array,
  upper: Float64Array, maxIter?: number,
): OptimizerResult {
  const problem = { value: f, gradient: (g: Float64Array) => devfun.system.criterionGradient(REML, g) };
  let best = projectedBfgs(problem, x0, { lower, upper, maxIter });
  let evaluations = best.evaluations;
  for (let k = 0; k < MAX_RESTARTS; k++) {
    const again = projectedBfgs(problem, best.x, { lower, upper, maxIter });
    evaluations += again.evaluations;
    const gain = best.fx - again.fx;
    if (again.fx < best.fx) best = again;
    if (!(gain > RESTART_GAIN)) break;
  }
  return { ...best, evaluations };
}

/** lme4's nloptwrap settings for this start, with any of the caller's overrides. */
function optimizerOptions(
  x0: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, options: FitLmmOptions,
): BobyqaOptions {
  const o = lme4NloptwrapOptions(x0, lower, upper);
  if (options.rhobeg !== undefined) {
    o.initialStep = undefined;
    o.rhobeg = options.rhobeg;
    o.rhoend = Math.min(options.rhoend ?? 1e-6, options.rhobeg);
  } else if (options.rhoend !== undefined) o.rhoend = options.rhoend;
  if (options.ftolAbs !== undefined) o.ftolAbs = options.ftolAbs;
  if (options.maxEval !== undefined) o.maxEval = options.maxEval;
  return o;
}

/** The fit cannot be made: the message says why. */
export class LmmError extends FitError {
  constructor(message: string) {
    super(message);
    this.name = "LmmError";
  }
}

/** The caller's θ start, checked against θ's length and bounds, on the scale the fit optimises. */
function startOnFitScale(start: ArrayLike<number>, m: ModelMatrices, factor: Float64Array | undefined): Float64Array {
  if (start.length !== m.theta0.length) {
    throw new LmmError(
      `start has ${start.length} values but θ has ${m.theta0.length} (${m.thetaNames.join(", ")})`,
    );
  }
  const out = new Float64Array(start.length);
  for (let i = 0; i < start.length; i++) {
    if (!Number.isFinite(start[i]) || start[i] < m.lower[i]) {
      throw new LmmError(`start value ${start[i]} for θ '${m.thetaNames[i]}' is below its lower bound ${m.lower[i]} or not finite`);
    }
    out[i] = factor ? start[i] / factor[i] : start[i];
  }
  return out;
}

/** σ must be estimable: n > p (REML needs n − p > 0 degrees of freedom; ML n > 0). */
function checkDimensions(m: ModelMatrices, REML: boolean): void {
  if (m.n === 0) throw new LmmError("no observations to fit (0 rows after removing missing values)");
  if (REML && m.n <= m.p) {
    throw new LmmError(
      `REML needs more observations (${m.n}) than fixed-effects columns (${m.p}); use fewer fixed effects or REML = false`,
    );
  }
}

/** The criterion, or +Infinity where Ω(θ) is numerically not positive definite (extreme θ). */
function guardedDeviance(devfun: Devfun, theta: ArrayLike<number>): number {
  try {
    return devfun(theta);
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) return Infinity;
    throw e;
  }
}
