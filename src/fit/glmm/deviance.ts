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
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { type Family, initialEta } from "../family/index.js";
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

  constructor(
    readonly m: ModelMatrices,
    readonly family: Family,
    options: PirlsOptions,
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

  /** Laplace deviance at the PIRLS state just computed. */
  laplaceAtMode(): number {
    return this.resp.aic() + this.pirls.sys.logDetL2() + this.pirls.sqrLenU();
  }

  /** Stage 1: Laplace deviance at θ, u and β from joint PIRLS. */
  stage1(theta: ArrayLike<number>): number {
    this.pirls.run(theta);
    return this.laplaceAtMode();
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
