/**
 * The GLM response state of a GLMM, lme4's glmResp (src/respModule.cpp): linear predictor η, mean
 * μ, and what PIRLS needs from them — working weights and working response — held in preallocated
 * arrays so an evaluation of the deviance allocates nothing.
 */
import type { Family } from "../family/index.js";

export class GlmResponse {
  readonly n: number;
  readonly y: Float64Array;
  /** Prior weights (trial counts for a binomial proportion). */
  readonly wt: Float64Array;
  /** The `n` of R's aic(y, n, mu, wt, dev): trial counts for binomial, as lme4's resp$n. */
  readonly nTrials: Float64Array;
  readonly eta: Float64Array;
  readonly mu: Float64Array;
  /** Working weights w = (dμ/dη)² · wt / V(μ) (the square of lme4's sqrtWrkWt). */
  readonly w: Float64Array;
  /** Working response z = η − offset + (y − μ)/(dμ/dη) (lme4's wrkResp). */
  readonly z: Float64Array;
  /** dμ/dη at the current η, kept with μ when the link computes both at once (Link.linkinvMuEta;
   *  whoever sets μ otherwise sets this too), so the working weights need no second exp. */
  readonly dmu: Float64Array;
  /** The family's aic as a function of μ with its constants computed once (aicForResponse). */
  private readonly aicOfMu: ((mu: Float64Array, dev: number) => number) | null;

  constructor(
    readonly family: Family,
    y: Float64Array,
    wt: Float64Array,
  ) {
    this.n = y.length;
    this.y = y;
    this.wt = wt;
    this.nTrials = wt;
    this.eta = new Float64Array(this.n);
    this.mu = new Float64Array(this.n);
    this.w = new Float64Array(this.n);
    this.z = new Float64Array(this.n);
    this.dmu = new Float64Array(this.n);
    this.aicOfMu = family.aicForResponse ? family.aicForResponse(y, this.nTrials, wt) : null;
  }

  /** Sets η and μ = g⁻¹(η). */
  setEta(eta: Float64Array): void {
    const { linkinv, linkinvMuEta } = this.family.link;
    for (let i = 0; i < this.n; i++) {
      this.eta[i] = eta[i];
      this.mu[i] = linkinvMuEta ? linkinvMuEta(eta[i], this.dmu, i) : linkinv(eta[i]);
    }
  }

  /** μ = g⁻¹(η) from the η held in `this.eta` (written there by the caller); returns Σ deviance
   *  residuals at the new μ, computed in the same pass (lme4's updateMu + resDev). */
  updateMu(): number {
    const { link, devResid } = this.family;
    const { eta, mu, y, wt, dmu } = this;
    let dev = 0;
    const both = link.linkinvMuEta;
    if (both) {
      for (let i = 0; i < this.n; i++) {
        const m = both(eta[i], dmu, i);
        mu[i] = m;
        dev += devResid(y[i], m, wt[i]);
      }
      return dev;
    }
    for (let i = 0; i < this.n; i++) {
      const m = link.linkinv(eta[i]);
      mu[i] = m;
      dev += devResid(y[i], m, wt[i]);
    }
    return dev;
  }

  /** Working weights and working response at the current η (IRLS; McCullagh & Nelder §2.5),
   *  with `offset` the part of η not being solved for. */
  updateWorking(offset: Float64Array): void {
    const { link, variance } = this.family;
    const { eta, mu, y, wt, w, z, dmu } = this;
    const fromMu = link.muEtaFromMu;
    const kept = link.linkinvMuEta !== undefined;
    for (let i = 0; i < this.n; i++) {
      const m = mu[i];
      const d = fromMu ? fromMu(m) : kept ? dmu[i] : link.muEta(eta[i]);
      w[i] = (d * d * wt[i]) / variance(m);
      z[i] = eta[i] - offset[i] + (y[i] - m) / d;
    }
  }

  /** Σ deviance residuals at the current μ (lme4's resDev). */
  devianceSum(): number {
    const devResid = this.family.devResid;
    let s = 0;
    for (let i = 0; i < this.n; i++) s += devResid(this.y[i], this.mu[i], this.wt[i]);
    return s;
  }

  /** R's family aic at the current μ: −2 log-likelihood with all its constants. Only families
   *  with a dispersion parameter read the deviance (their dispersion is estimated from it). */
  aic(): number {
    const dev = this.family.estimatesScale ? this.devianceSum() : NaN;
    if (this.aicOfMu) return this.aicOfMu(this.mu, dev);
    return this.family.aic(this.y, this.nTrials, this.mu, this.wt, dev);
  }

  /** Σ wt (y − μ)² / V(μ), the weighted Pearson residual sum of squares (lme4's wrss). */
  pearsonSum(): number {
    const variance = this.family.variance;
    let s = 0;
    for (let i = 0; i < this.n; i++) {
      const r = this.y[i] - this.mu[i];
      s += (this.wt[i] * r * r) / variance(this.mu[i]);
    }
    return s;
  }
}
