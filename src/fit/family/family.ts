/**
 * A GLM family as R's family() object describes it — variance, deviance residuals, aic, starting
 * values, allowed links — in scalar form for allocation-free PIRLS loops.
 */
import type { FamilyName } from "../fitted.js";
import type { Link, LinkName } from "./links.js";

export interface FamilyDefinition {
  name: FamilyName;
  /** R's family()$family when it is not the name: "Negative Binomial(4.0604)". */
  label?: string;
  /** The negative binomial's θ (Var = μ + μ²/θ); undefined for the other families. */
  theta?: number;
  /** The canonical link, used when none is given (R's default link for the family). */
  canonicalLink: LinkName;
  /** Set when that default link is not in fact canonical: the negative binomial's log link (its
   *  canonical link, log(μ/(μ + θ)), is not one R's make.link knows). */
  defaultLinkNotCanonical?: true;
  /** The links R's constructor lists for this family (its okLinks), in R's order; any other link
   *  make.link() knows is accepted too when named, as R does. */
  allowedLinks: readonly LinkName[];
  /** Whether a dispersion parameter σ is estimated (lme4's useSc). */
  estimatesScale: boolean;
  /** V(μ). */
  variance(mu: number): number;
  /** dV/dμ, for the observed information of a non-canonical link (Family.observedWeight). */
  varianceDeriv(mu: number): number;
  /** Whether μ is inside the family's mean space. */
  validmu(mu: number): boolean;
  /** One observation's deviance residual d(y, μ) with prior weight wt (R's dev.resids). */
  devResid(y: number, mu: number, wt: number): number;
  /** R's family()$aic(y, n, mu, wt, dev): −2 log-likelihood including its constants. */
  aic(y: Float64Array, n: Float64Array, mu: Float64Array, wt: Float64Array, dev: number): number;
  /** The same aic for fixed (y, n, wt) as a function of μ, with everything that does not depend on μ
   *  (binomial coefficients, log y!) computed once here — the Laplace deviance asks for the aic at
   *  every evaluation. Same bits as aic(). Families without it are called through aic(). */
  aicForResponse?(y: Float64Array, n: Float64Array, wt: Float64Array): (mu: Float64Array, dev: number) => number;
  /** Starting μ from the response (R's `initialize` expression: mustart). */
  initialMu(y: number, wt: number): number;
  /** Throws FamilyError when the response lies outside the family's support. */
  checkResponse(y: Float64Array, wt: Float64Array): void;
}

/** A family with its link chosen. */
export interface Family extends FamilyDefinition {
  link: Link;
  /** Whether `link` is the family's canonical link, where observedWeight equals the working weight. */
  canonical: boolean;
  /**
   * One observation's observed information in η: −∂²ℓᵢ/∂ηᵢ² of its conditional log-likelihood, on
   * the working weight's scale (per unit dispersion, prior weight included). With μ' = dμ/dη,
   * μ'' = d²μ/dη² and ∂ℓᵢ/∂ηᵢ = wt (y − μ) μ'/V(μ) (McCullagh & Nelder 1989 §2.5, eq. 2.13):
   *
   *   W_obs = wt [ μ'²/V − (y − μ) (μ''/V − μ'² V'(μ)/V²) ] = W_exp − wt (y − μ) d/dη(μ'/V),
   *
   * the expected (Fisher) weight W_exp = wt μ'²/V that PIRLS uses, less a term with mean zero.
   * For the canonical link μ' = V(μ), so μ'/V ≡ 1 and the two are the same; otherwise they differ
   * at every observation with y ≠ μ (negative binomial, log link: θμ(y + θ)/(μ + θ)² against
   * θμ/(μ + θ)). TMB's Laplace approximation (glmmTMB) takes its log-determinant from this
   * Hessian (Kristensen et al. 2016, J. Stat. Softw. 70(5), eq. 2), lme4's from W_exp.
   */
  observedWeight(y: number, mu: number, eta: number, wt: number): number;
}

/** A family definition with its link: adds the observed information, which needs both. */
export function withLink(def: FamilyDefinition, link: Link): Family {
  const { variance, varianceDeriv } = def;
  const { muEta, muEtaDeriv } = link;
  return {
    ...def,
    link,
    canonical: link.name === def.canonicalLink && !def.defaultLinkNotCanonical,
    observedWeight(y, mu, eta, wt) {
      const d1 = muEta(eta);
      const v = variance(mu);
      const expected = (d1 * d1) / v;
      const dRatio = muEtaDeriv(eta) / v - (d1 * d1 * varianceDeriv(mu)) / (v * v);
      return wt * (expected - (y - mu) * dRatio);
    },
  };
}
