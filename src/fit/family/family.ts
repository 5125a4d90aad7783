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
  /** The links R's constructor lists for this family (its okLinks), in R's order; any other link
   *  make.link() knows is accepted too when named, as R does. */
  allowedLinks: readonly LinkName[];
  /** Whether a dispersion parameter σ is estimated (lme4's useSc). */
  estimatesScale: boolean;
  /** V(μ). */
  variance(mu: number): number;
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
}
