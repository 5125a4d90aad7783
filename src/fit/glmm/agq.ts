/**
 * Adaptive Gauss–Hermite quadrature of the GLMM likelihood for a single scalar random-effects term
 * (lme4's glmerAGQ in src/external.cpp; glmer vignette "Adaptive Gauss-Hermite quadrature for
 * GLMMs", eqs. GHquad–quadraturepts). With one scalar term the integral factors into
 * one-dimensional integrals per level j; each is centred at the conditional mode û_j and scaled
 * by its conditional SD s_j = 1/L_jj:
 *
 *   −2 log L ≈ Σ_j devc_j(û) + log|L|² − 2 Σ_j log Σ_k w_k exp(−½(devc_j(û_j + z_k s_j) − devc_j(û)) − log φ(z_k)) / √(2π)
 *
 * where devc_j(u) = u_j² + Σ_{i in level j} dᵢ(yᵢ, μᵢ(u)) (deviance residuals, not aic — so the AGQ
 * value, unlike the Laplace one, carries no saturated-likelihood constant; lme4 reports it as is).
 */
import { GlmmError } from "./errors.js";
import type { GHRule } from "./ghrule.js";
import type { GlmmDeviance } from "./deviance.js";

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** lme4's condition for nAGQ > 1. */
export function checkAgqApplicable(dev: GlmmDeviance): void {
  const terms = dev.m.reTerms;
  if (terms.length !== 1 || terms[0].columnNames.length !== 1) {
    throw new GlmmError("nAGQ > 1 is only available for models with a single, scalar random-effects term");
  }
}

export class AgqDeviance {
  private readonly nLevels: number;
  private readonly devc0: Float64Array;
  private readonly devc: Float64Array;
  private readonly sd: Float64Array;
  private readonly mult: Float64Array;
  private readonly etaHat: Float64Array;

  constructor(
    readonly dev: GlmmDeviance,
    readonly rule: GHRule,
  ) {
    checkAgqApplicable(dev);
    this.nLevels = dev.m.reTerms[0].levels.length;
    this.devc0 = new Float64Array(this.nLevels);
    this.devc = new Float64Array(this.nLevels);
    this.sd = new Float64Array(this.nLevels);
    this.mult = new Float64Array(this.nLevels);
    this.etaHat = new Float64Array(dev.m.n);
  }

  /** devc_j = u_j² + Σ_{i ∈ j} dᵢ at the response's current μ, with u_j = û_j + shift·s_j. */
  private levelDeviances(out: Float64Array, shift: number): void {
    const { resp, pirls } = this.dev;
    const refs = this.dev.m.reTerms[0].refs;
    const family = resp.family;
    for (let j = 0; j < this.nLevels; j++) {
      const uj = pirls.u[j] + shift * this.sd[j];
      out[j] = uj * uj;
    }
    for (let i = 0; i < resp.n; i++) out[refs[i]] += family.devResid(resp.y[i], resp.mu[i], resp.wt[i]);
  }

  /** The AGQ deviance at pars = (θ, β). */
  evaluate(pars: ArrayLike<number>): number {
    const { dev, rule } = this;
    const { theta, beta } = dev.splitPars(pars);
    const { pirls, resp, m } = dev;
    pirls.run(theta, beta);
    const term = m.reTerms[0];
    const refs = term.refs;
    const z = term.z;
    const th = theta[0];
    // L_jj² = 1 + θ² Σ_{i∈j} wᵢ zᵢ² at the working weights L was last factored with (L is diagonal)
    this.sd.fill(0);
    for (let i = 0; i < m.n; i++) this.sd[refs[i]] += resp.w[i] * z[i] * z[i];
    let logDetL2 = 0;
    for (let j = 0; j < this.nLevels; j++) {
      const l2 = 1 + th * th * this.sd[j];
      logDetL2 += Math.log(l2);
      this.sd[j] = 1 / Math.sqrt(l2);
    }
    this.levelDeviances(this.devc0, 0);
    this.etaHat.set(resp.eta);
    this.mult.fill(0);
    const link = resp.family.link;
    for (let k = 0; k < rule.z.length; k++) {
      const zk = rule.z[k];
      const wk = rule.w[k];
      if (zk === 0) {
        for (let j = 0; j < this.nLevels; j++) this.mult[j] += wk;
        continue;
      }
      // η at u_j = û_j + z_k s_j: only the random part moves, by zᵢ θ z_k s_j
      for (let i = 0; i < m.n; i++) {
        const e = this.etaHat[i] + z[i] * th * zk * this.sd[refs[i]];
        resp.eta[i] = e;
        resp.mu[i] = link.linkinv(e);
      }
      this.levelDeviances(this.devc, zk);
      const ld = rule.ldnorm[k];
      for (let j = 0; j < this.nLevels; j++) {
        this.mult[j] += (Math.exp(-0.5 * (this.devc[j] - this.devc0[j]) - ld) * wk) / SQRT_2PI;
      }
    }
    // restore the mode's η and μ
    resp.setEta(this.etaHat);
    let sumDevc0 = 0;
    let sumLogMult = 0;
    for (let j = 0; j < this.nLevels; j++) {
      sumDevc0 += this.devc0[j];
      sumLogMult += Math.log(this.mult[j]);
    }
    if (!Number.isFinite(sumLogMult)) throw new GlmmError("adaptive Gauss–Hermite quadrature underflowed (a level's integral is 0)");
    return sumDevc0 + logDetL2 - 2 * sumLogMult;
  }
}
