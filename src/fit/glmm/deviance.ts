/**
 * The GLMM deviance functions lme4 optimises (R/modular.R mkGlmerDevfun / updateGlmerDevfun):
 *
 *   stage 1 (nAGQ = 0):  θ ↦ Laplace deviance with u and β from joint PIRLS
 *   stage 2 (nAGQ = 1):  (θ, β) ↦ Laplace deviance with u from PIRLS at fixed β
 *   stage 2 (nAGQ > 1):  (θ, β) ↦ adaptive Gauss–Hermite deviance (agq.ts)
 *
 * The Laplace deviance is lme4's glmResp::Laplace: −2 log-likelihood ≈
 *   aic(y, n, μ, wt) + ‖u‖² + log|L_θ|²     (lme4's glmer vignette, eq. LaplaceDev)
 * where aic is the family's −2 log-likelihood including its constants, at the conditional mode.
 * L_θ is the Cholesky factor of ΛᵀZᵀWZΛ + I with W the PIRLS (expected-information) weights, as
 * lme4 has it; with laplace "observed" W is instead the observed information of the conditional
 * log-likelihood at û (Family.observedWeight), so that log|L_θ|² is log det of the negative Hessian
 * of the penalized log-likelihood in u — TMB's Laplace approximation, which glmmTMB maximises.
 * The mode û is the same either way (PIRLS's Fisher scoring and Newton's method share their fixed
 * point); only the log-determinant differs, and only for non-canonical links.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { type Family, initialEta } from "../family/index.js";
import type { LaplaceKind } from "../fitted.js";
import { NotPositiveDefiniteError } from "../../linalg/index.js";
import type { PirlsOptions } from "./options.js";
import { Pirls } from "./pirls.js";
import { GlmResponse } from "./response.js";

/** R's binomial initialize sets y to 0 where the weight (trial count) is 0, so a row with no
 *  trials (0/0 = NaN) carries no information instead of poisoning the deviance. */
function responseForFit(family: Family, y: Float64Array, wt: Float64Array): Float64Array {
  if (family.name !== "binomial") return y;
  let copy: Float64Array | null = null;
  for (let i = 0; i < y.length; i++) {
    if (wt[i] === 0 && y[i] !== 0) {
      copy ??= Float64Array.from(y);
      copy[i] = 0;
    }
  }
  return copy ?? y;
}

export class GlmmDeviance {
  readonly resp: GlmResponse;
  readonly pirls: Pirls;
  readonly nTheta: number;
  readonly p: number;
  private readonly thetaScratch: Float64Array;
  private readonly betaScratch: Float64Array;
  /** The observed weights at the mode (laplace "observed"), allocated on first use. */
  private wObs: Float64Array | null = null;

  constructor(
    readonly m: ModelMatrices,
    readonly family: Family,
    options: PirlsOptions,
    /** Which information the Laplace deviance's log-determinant is taken from (stage 2 and the
     *  nAGQ = 1 objective; stage 1 is lme4's in either case, a start for stage 2). */
    readonly laplace: LaplaceKind = "expected",
  ) {
    const y = responseForFit(family, m.y, m.weights);
    family.checkResponse(y, m.weights);
    this.resp = new GlmResponse(family, y, m.weights);
    this.pirls = new Pirls(m, this.resp, options);
    this.nTheta = m.theta0.length;
    this.p = m.p;
    this.thetaScratch = new Float64Array(this.nTheta);
    this.betaScratch = new Float64Array(this.p);
    // lme4's mkRespMod + the initial glmerLaplace call: η from the family's starting μ
    // (+ offset), then joint PIRLS at θ₀; its η is every later evaluation's start (lp0).
    const eta = new Float64Array(m.n);
    initialEta(family, this.resp.y, m.weights, eta);
    for (let i = 0; i < m.n; i++) eta[i] += m.offset[i];
    this.pirls.setStart(eta);
    this.pirls.run(m.theta0);
    this.resetStart();
  }

  /** Make the current η the start of every later PIRLS run (lme4's lp0 ← linPred(1)). */
  resetStart(): void {
    this.pirls.setStart(this.resp.eta);
  }

  /** Laplace deviance at the PIRLS state just computed, with the log-determinant from `kind`. */
  laplaceAtMode(kind: LaplaceKind = this.laplace): number {
    const logDet = kind === "observed" ? this.observedLogDetL2() : this.pirls.sys.logDetL2();
    return this.resp.aic() + logDet + this.pirls.sqrLenU();
  }

  /**
   * log det(ΛᵀZᵀW_obs ZΛ + I) at the PIRLS mode: the blocked factor refactored with the observed
   * weights (one pass over the rows and one factorization). The system is left holding that factor,
   * so the conditional variances read from it afterwards are the inverse of the same Hessian.
   * Infinite when the matrix is not positive definite, which at a converged mode (a maximum in u)
   * it is, up to the PIRLS tolerance.
   */
  private observedLogDetL2(): number {
    const { resp, family, pirls } = this;
    const n = resp.n;
    const w = (this.wObs ??= new Float64Array(n));
    const { y, mu, eta, wt } = resp;
    for (let i = 0; i < n; i++) w[i] = family.observedWeight(y[i], mu[i], eta[i], wt[i]);
    pirls.sys.setWeightsAndResponseForU(w, resp.z);
    try {
      pirls.sys.updateL();
    } catch (e) {
      if (e instanceof NotPositiveDefiniteError) return Infinity;
      throw e;
    }
    return pirls.sys.logDetL2();
  }

  /** Stage 1: lme4's Laplace deviance at θ, u and β from joint PIRLS (the start of stage 2). */
  stage1(theta: ArrayLike<number>): number {
    this.pirls.run(theta);
    return this.laplaceAtMode("expected");
  }

  /** Splits pars = (θ, β) into the scratch vectors. */
  splitPars(pars: ArrayLike<number>): { theta: Float64Array; beta: Float64Array } {
    for (let k = 0; k < this.nTheta; k++) this.thetaScratch[k] = pars[k];
    for (let j = 0; j < this.p; j++) this.betaScratch[j] = pars[this.nTheta + j];
    return { theta: this.thetaScratch, beta: this.betaScratch };
  }

  /** Stage 2, Laplace: deviance at pars = (θ, β), u from PIRLS with β fixed. */
  stage2(pars: ArrayLike<number>): number {
    const { theta, beta } = this.splitPars(pars);
    this.pirls.run(theta, beta);
    return this.laplaceAtMode();
  }
}
