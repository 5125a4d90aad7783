/**
 * The Krylov path of lmer (issue 16): the same profiled (RE)ML fit as fitLmm — lme4's start,
 * nloptwrap's BOBYQA, restart_edge, checkConv — with each evaluation done by CrossedKrylovSystem
 * (PCG and stochastic Lanczos quadrature) instead of the blocked Cholesky, for models whose dense
 * trailing block would be too large to factor at every evaluation.
 *
 * Which path runs: `solver: "cholesky" | "krylov" | "auto"`; "auto" takes Krylov when the model is
 * one it supports (krylovUnsupported) and the exact path's trailing block would have order above
 * KRYLOV_CROSSOVER (measured: README "Huge crossed factors").
 */
import type { FittedModel, SolverReport } from "../fitted.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { bobyqa } from "../optimize/bobyqa.js";
import { lme4NloptwrapOptions } from "../optimize/presets.js";
import { NotPositiveDefiniteError } from "../../linalg/errors.js";
import { lme4StartTheta } from "../lmm/start.js";
import { deriv12 } from "../convergence/deriv12.js";
import { convergenceMessages } from "../convergence/check-conv.js";
import { isSingular, SINGULAR_MESSAGE } from "../convergence/singular.js";
import { restartFromEdge } from "../lmm/boundary.js";
import { snapToBoundary } from "../optimize/check-boundary.js";
import { linearPredictor } from "../linear-predictor.js";
import { FitError } from "../../errors.js";
import { CrossedKrylovSystem, type KrylovControls } from "./crossed-system.js";

export type SolverChoice = "auto" | "cholesky" | "krylov";

/** Trailing-block order above which "auto" takes the Krylov path (when it supports the model):
 *  where one Krylov evaluation became cheaper than one dense factorisation on the bench data
 *  (README "Huge crossed factors"). */
export const KRYLOV_CROSSOVER = 2000;

/** The order of the exact path's dense trailing block (structure.ts: q_rest + p + 1). */
export function trailingOrder(m: ModelMatrices): number {
  let order = m.p + 1;
  for (let k = 1; k < m.reTerms.length; k++) order += m.reTerms[k].levels.length * m.reTerms[k].columnNames.length;
  return order;
}

/** Why the Krylov path cannot fit this model, or null when it can. */
export function krylovUnsupported(m: ModelMatrices): string | null {
  const t = m.reTerms;
  if (t.length !== 2) return `it supports exactly two random-effects terms, (1 | g1) + (1 | g2); this model has ${t.length}`;
  for (const term of t) {
    if (term.columnNames.length !== 1 || term.covariance.thetaCount !== 1) {
      return `it supports scalar terms only (one column each, as (1 | g)); (${term.columnNames.join(" + ")} | ${term.group}) has ${term.columnNames.length}`;
    }
  }
  if (t[0].group === t[1].group) return `its two terms must be on different grouping factors (both are on ${t[0].group})`;
  return null;
}

/** The path a fit with these options takes. Throws when "krylov" is asked of a model it does not
 *  support. */
export function chooseSolver(m: ModelMatrices, solver: SolverChoice | undefined, rowsPresent: boolean): "cholesky" | "krylov" {
  const s = solver ?? "auto";
  if (s === "cholesky") return "cholesky";
  const why = krylovUnsupported(m) ?? (rowsPresent ? null : "it needs the rows in memory (not a SQL engine's blocks)");
  if (s === "krylov") {
    if (why) throw new KrylovError(`solver "krylov" cannot fit this model: ${why}`);
    return "krylov";
  }
  return why === null && trailingOrder(m) > KRYLOV_CROSSOVER ? "krylov" : "cholesky";
}

export class KrylovError extends FitError {
  constructor(message: string) {
    super(message);
    this.name = "KrylovError";
  }
}

export interface FitKrylovOptions {
  REML: boolean;
  start?: Float64Array;
  onProgress?: (evaluations: number, objective: number) => void;
  controls?: Partial<KrylovControls>;
}

export function fitLmmKrylov(m: ModelMatrices, options: FitKrylovOptions): FittedModel {
  const t0 = performance.now();
  const REML = options.REML;
  const sys = new CrossedKrylovSystem(m, options.controls);
  const lam = new Float64Array(2);
  const lambdas = (theta: ArrayLike<number>) => {
    m.reTerms[0].covariance.fillLambda(theta, lam, 0);
    m.reTerms[1].covariance.fillLambda(theta, lam, 1);
    return lam;
  };
  const devfun = (theta: ArrayLike<number>) => sys.evaluate(lambdas(theta), REML);
  const criterion = (theta: ArrayLike<number>) => {
    try {
      return devfun(theta);
    } catch (e) {
      if (e instanceof NotPositiveDefiniteError) return Infinity;
      throw e;
    }
  };
  let evaluations = 0;
  const f = (theta: Float64Array): number => {
    evaluations++;
    const d = evaluations === 1 ? devfun(theta) : criterion(theta);
    options.onProgress?.(evaluations, d);
    return d;
  };
  const run = (x0: ArrayLike<number>) => bobyqa(f, x0, lme4NloptwrapOptions(x0, m.lower, m.upper));
  let opt = run(options.start ?? lme4StartTheta(m));
  opt = restartFromEdge(criterion, m, opt, run);
  const theta = Float64Array.from(opt.x);
  snapToBoundary(theta, opt.fx, m.lower, criterion);
  const messages = [...m.messages];
  if (!opt.converged) messages.push(`convergence: ${opt.message}`);
  const value = devfun(theta);
  const singular = isSingular(theta, m.lower, m.upper);
  const derivs = singular ? null : deriv12(criterion, theta, value);
  const convMessages = convergenceMessages(derivs, theta, m.lower, m.upper, m.n);
  messages.push(...convMessages);
  const converged = opt.converged && convMessages.every((msg) => msg === SINGULAR_MESSAGE);
  devfun(theta);
  const sol = sys.solution();
  const sigma = Math.sqrt(sol.r2 / (REML ? m.n - m.p : m.n));
  const s2 = sigma * sigma;
  const [l1, l2] = lambdas(theta);
  const b1 = sol.u1.map((u) => l1 * u);
  const b2 = sol.u2.map((u) => l2 * u);
  const { a1, a2 } = sys.conditionalDiagonal();
  const condSD = [a1.map((a) => Math.abs(l1) * Math.sqrt(s2 * a)), a2.map((a) => Math.abs(l2) * Math.sqrt(s2 * a))];
  const b = new Float64Array(b1.length + b2.length);
  b.set(b1);
  b.set(b2, b1.length);
  const eta = linearPredictor(m, sol.beta, b);
  const c = sys.controls;
  const solver: SolverReport = {
    path: "krylov",
    probes: c.probes, lanczosMaxSteps: c.lanczosSteps, lanczosTol: c.lanczosTol, cgTol: c.cgTol,
    cgIterations: sys.stats.cgIterations, lanczosSteps: sys.stats.lanczosSteps, krylovEvaluations: sys.stats.evaluations,
  };
  return {
    family: "gaussian",
    link: "identity",
    isLmm: true,
    hasScale: true,
    REML,
    nAGQ: 1,
    matrices: m,
    theta,
    objective: value,
    optsum: [{ stage: "theta", optimizer: "bobyqa", lme4Name: "nloptwrap", evaluations, objective: value, code: opt.converged ? 0 : 1, message: opt.message }],
    evaluations,
    converged,
    singular,
    messages,
    beta: sol.beta,
    sigma,
    vcov: sol.unscaledVcov.map((v) => v * s2),
    ranef: [b1, b2],
    condSD,
    eta,
    mu: Float64Array.from(eta),
    deviance: sys.mlDeviance(),
    solver,
    fitSeconds: (performance.now() - t0) / 1000,
  };
}
