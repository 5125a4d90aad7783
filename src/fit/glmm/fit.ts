/**
 * fitGlmm: a generalized linear mixed model by lme4's glmer recipe (R/lmer.R glmer,
 * R/modular.R optimizeGlmer):
 *
 *   1. θ by BOBYQA on the Laplace deviance with u and β from joint PIRLS (nAGQ = 0);
 *   2. (θ, β) together from there, u by PIRLS at fixed β, on the Laplace (nAGQ = 1) or adaptive
 *      Gauss–Hermite (nAGQ > 1) deviance, by BOBYQA or lme4's own Nelder–Mead (see
 *      GlmmOptions.stage2Optimizer);
 *   3. vcov(β) from the finite-difference Hessian of the stage-2 deviance (hessian.ts), falling
 *      back to the R_X-based covariance as lme4 does; conditional modes and SDs at the optimum.
 */
import type { FamilyName, FittedModel, LaplaceKind, OptimizerStage } from "../fitted.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { isLinearFamily, makeFamily } from "../family/index.js";
import { bobyqa } from "../optimize/index.js";
import { AgqDeviance, checkAgqApplicable } from "./agq.js";
import { convergenceMessages } from "../convergence/check-conv.js";
import { isSingular, SINGULAR_MESSAGE } from "../convergence/singular.js";
import { GlmmDeviance } from "./deviance.js";
import { glmmDispersion } from "./dispersion.js";
import { checkGlmmResponse } from "../degenerate.js";
import { GlmmError } from "./errors.js";
import { ghRule } from "./ghrule.js";
import { deriv12, vcovFromHessian, type Derivatives } from "./hessian.js";
import { DEFAULT_PIRLS_OPTIONS, type PirlsOptions } from "./options.js";
import { runStage1, runStage2, runStage2Lme4 } from "./stages.js";
import { tmbVcov } from "./tmb-vcov.js";

export interface GlmmOptions {
  family: FamilyName;
  /** The negative binomial's θ, when `family` is "negative.binomial" (a fixed-θ family, MASS's
   *  negative.binomial(theta)); glmerNb (nb.ts) estimates it. */
  nbTheta?: number;
  /** Link name as R's (e.g. "logit", "probit", "log", "1/mu^2"); default: the canonical link. */
  link?: string;
  /** 0: PIRLS-only β (stage 1 only); 1 (default): Laplace; > 1: adaptive Gauss–Hermite. */
  nAGQ?: number;
  /** The Laplace approximation's log-determinant from the expected information (default, lme4's
   *  glmer) or the observed one (TMB's, as glmmTMB): deviance.ts. "observed" needs nAGQ = 1. */
  laplace?: LaplaceKind;
  /** Called after every deviance evaluation with the running count and the value. */
  onProgress?: (evaluations: number, objective: number) => void;
  /** PIRLS tolerances (defaults in options.ts). */
  pirls?: Partial<PirlsOptions>;
  /**
   * The second stage's optimiser. "Nelder_Mead" is lme4's own (its default), step for step;
   * "bobyqa" reaches the same optimum in fewer evaluations. "auto" (default) uses BOBYQA unless
   * stage 1 ends on the boundary (a singular fit), where the optimum can be a ridge of equal
   * deviance and lme4's answer is the point its Nelder–Mead stops at, or the family has a
   * dispersion parameter, whose aic (dispersion estimated from the deviance) magnifies the PIRLS
   * tolerance into noise of ~1e-4 in the deviance, so that only lme4's own path lands where lme4's
   * Hessian — and so its standard errors — are.
   */
  stage2Optimizer?: "auto" | "bobyqa" | "Nelder_Mead";
  /** With laplace "observed", vcov(β) is glmmTMB's (tmb-vcov.ts) unless this is false — as in
   *  glmer.nb's fits at fixed θ_NB, whose caller computes it once over θ_NB as well. */
  tmbVcov?: boolean;
}

export function fitGlmm(m: ModelMatrices, options: GlmmOptions): FittedModel {
  const started = performance.now();
  const family = makeFamily(options.family, options.link, options.nbTheta !== undefined ? { theta: options.nbTheta } : {});
  if (isLinearFamily(family.name, family.link.name)) {
    // lme4's glmer hands this case to lmer (and warns that the shortcut is deprecated)
    throw new GlmmError(
      'a gaussian family with the identity link is a linear mixed model: fit it with lmer() (fitLmm), as lme4\'s glmer() redirects it',
    );
  }
  const nAGQ = options.nAGQ ?? 1;
  if (!Number.isInteger(nAGQ) || nAGQ < 0 || nAGQ > 100) {
    throw new GlmmError(`nAGQ must be a whole number from 0 to 100, not ${nAGQ}`);
  }
  if (m.reTerms.length === 0) {
    throw new GlmmError("No random-effects terms in the formula: a mixed model needs at least one (… | group) term.");
  }
  const laplace = checkLaplace(options.laplace, nAGQ);
  checkGlmmResponse(m, family.name);
  const dev = new GlmmDeviance(m, family, { ...DEFAULT_PIRLS_OPTIONS, ...options.pirls }, laplace);
  if (nAGQ > 1) checkAgqApplicable(dev);
  const messages = [...m.messages];
  let evaluations = 0;
  const progress = (fx: number): void => {
    evaluations++;
    options.onProgress?.(evaluations, fx);
  };

  const s1 = runStage1(dev, bobyqa, progress);
  const optsum: OptimizerStage[] = [
    { stage: "theta (nAGQ = 0)", optimizer: "bobyqa", lme4Name: "bobyqa", evaluations, objective: s1.fx, code: s1.converged ? 0 : 1, message: s1.message },
  ];
  const stage1Evaluations = evaluations;
  let converged = s1.converged;
  if (!s1.converged) messages.push(`convergence failure in the first (nAGQ = 0) stage: ${s1.message}`);

  const est = nAGQ === 0 ? firstStageEstimates(dev, s1) : secondStage(dev, nAGQ, s1.theta, options, progress);
  if (est.stage) optsum.push({ ...est.stage, evaluations: evaluations - stage1Evaluations });
  if (!est.converged) converged = false;
  messages.push(...est.messages);
  const { theta, beta, objective, derivs } = est;
  let vcov = est.vcov;
  if (laplace === "observed" && options.tmbVcov !== false) {
    const joint = tmbVcov(m, { family: family.name, link: family.link.name, nbTheta: family.theta, theta, beta, eta: dev.resp.eta }, false);
    evaluations += joint.evaluations;
    if (joint.vcov) vcov = joint.vcov;
  }

  const sigma = glmmDispersion(dev);
  if (vcov === null) {
    vcov = dev.pirls.sys.unscaledVcov();
    for (let i = 0; i < vcov.length; i++) vcov[i] *= sigma * sigma;
  }
  const convMessages = convergenceMessages(derivs, theta, m.lower, m.upper, m.n);
  // lme4's "converged" is the optimiser's own verdict plus checkConv finding nothing but singularity
  if (convMessages.some((msg) => msg !== SINGULAR_MESSAGE)) converged = false;
  messages.push(...convMessages);

  const sys = dev.pirls.sys;
  const ranef = sys.splitByTerm(Float64Array.from(dev.pirls.b));
  const condSD = conditionalSDs(m, sys.conditionalVarianceBlocks(), sigma);
  return {
    family: family.name,
    link: family.link.name,
    isLmm: false,
    hasScale: family.estimatesScale,
    ...(family.theta !== undefined ? { nbTheta: family.theta } : {}),
    REML: false,
    nAGQ,
    ...(laplace === "observed" ? { laplace } : {}),
    matrices: m,
    theta,
    beta,
    sigma,
    objective,
    vcov,
    ranef,
    condSD,
    eta: Float64Array.from(dev.resp.eta),
    mu: Float64Array.from(dev.resp.mu),
    deviance: dev.resp.devianceSum(),
    optsum,
    evaluations,
    converged,
    messages,
    fitSeconds: (performance.now() - started) / 1000,
  };
}

/** The laplace option read: "expected" or "observed", the latter only for the Laplace
 *  approximation itself (nAGQ = 1: quadrature and nAGQ = 0's PIRLS-only β are lme4's alone). */
export function checkLaplace(laplace: unknown, nAGQ: number): LaplaceKind {
  if (laplace === undefined || laplace === "expected") return "expected";
  if (laplace !== "observed") {
    throw new GlmmError(`laplace must be "expected" (lme4's glmer, the default) or "observed" (glmmTMB's), not ${JSON.stringify(laplace)}`);
  }
  if (nAGQ !== 1) {
    throw new GlmmError(`laplace "observed" is a Laplace approximation (nAGQ = 1); it cannot be combined with nAGQ = ${nAGQ}`);
  }
  return "observed";
}

/** √diag of σ²·Λ(LLᵀ)⁻¹Λᵀ's blocks, level-major like ranef. */
function conditionalSDs(m: ModelMatrices, blocks: Float64Array[], sigma: number): Float64Array[] {
  return m.reTerms.map((t, k) => {
    const p = t.columnNames.length;
    const out = new Float64Array(t.levels.length * p);
    for (let l = 0; l < t.levels.length; l++) {
      for (let j = 0; j < p; j++) out[l * p + j] = sigma * Math.sqrt(Math.max(0, blocks[k][l * p * p + j + j * p]));
    }
    return out;
  });
}

interface Estimates {
  theta: Float64Array;
  beta: Float64Array;
  objective: number;
  /** vcov(β) from the Hessian; null to use the R_X-based one. */
  vcov: Float64Array | null;
  derivs: Derivatives | null;
  converged: boolean;
  messages: string[];
  /** The second stage's optsum entry (evaluations filled in by the caller); null for nAGQ = 0. */
  stage: Omit<OptimizerStage, "evaluations"> | null;
}

/** nAGQ = 0: lme4 reports stage 1's optimiser value, PIRLS started from the initial η (as
 *  runStage1 left the deviance), with β from that PIRLS and vcov from R_X. */
function firstStageEstimates(dev: GlmmDeviance, s1: { theta: Float64Array; fx: number }): Estimates {
  return {
    theta: s1.theta,
    beta: Float64Array.from(dev.pirls.beta),
    objective: s1.fx,
    vcov: null,
    derivs: null,
    converged: true,
    messages: [],
    stage: null,
  };
}

/** nAGQ ≥ 1: the second stage over (θ, β), then lme4's finite-difference Hessian there. */
function secondStage(
  dev: GlmmDeviance,
  nAGQ: number,
  theta1: Float64Array,
  options: GlmmOptions,
  progress: (fx: number) => void,
): Estimates {
  const { m, nTheta } = dev;
  const messages: string[] = [];
  const agq = nAGQ > 1 ? new AgqDeviance(dev, ghRule(nAGQ)) : null;
  const devfun = agq ? (x: ArrayLike<number>) => agq.evaluate(x) : (x: ArrayLike<number>) => dev.stage2(x);
  const choice = options.stage2Optimizer ?? "auto";
  const useLme4 =
    choice === "Nelder_Mead" || (choice === "auto" && (isSingular(theta1, m.lower, m.upper) || dev.family.estimatesScale));
  const s2 = useLme4 ? runStage2Lme4(dev, devfun, progress) : runStage2(dev, devfun, bobyqa, progress);
  if (!s2.converged) messages.push(`convergence failure in the second stage: ${s2.message}`);
  const derivs = deriv12((x) => devfun(x), s2.pars, s2.fx);
  const vcov = vcovFromHessian(derivs.hessian, nTheta, m.p);
  if (vcov === null) {
    messages.push(
      "variance-covariance matrix computed from finite-difference Hessian is\nnot positive definite or contains NA values: falling back to var-cov estimated from RX",
    );
  }
  // leave the deviance's state at the optimum (deriv12 moved it)
  const objective = devfun(s2.pars);
  return {
    theta: s2.pars.slice(0, nTheta),
    beta: s2.pars.slice(nTheta),
    objective,
    vcov,
    derivs,
    converged: s2.converged,
    messages,
    stage: {
      stage: "theta, beta",
      optimizer: useLme4 ? "Nelder_Mead" : "bobyqa",
      lme4Name: "Nelder_Mead",
      objective,
      code: s2.converged ? 0 : 1,
      message: s2.message,
    },
  };
}
