/** Tolerances of the penalized iteratively reweighted least squares (PIRLS) iterations, kept in one
 *  place (lme4's glmerControl: tolPwrss, maxit; pwrssUpdate's maxstephalfit). */
export interface PirlsOptions {
  /** Converged when |Δ penalized deviance| / penalized deviance < tol. lme4's default, 1e-7, is
   *  kept on purpose: lme4's reported deviance and its finite-difference Hessian (hence the standard
   *  errors) are those of the PIRLS stopped at this tolerance from the same starting η, which lies
   *  ~1e-6 relative above the exact Laplace value; a tighter tolerance gives the exact Laplace
   *  Hessian, whose standard errors differ from lme4's by up to ~1.3% (cbpp). */
  tol: number;
  /** When set, runs with β fixed (stage 2) also go on until no conditional mode moves by more than
   *  this in an iteration (max |Δu|). The deviance's log-determinant moves to first order with û's error, which the
   *  test on the penalized deviance (stationary at û) bounds only by √tol: a Hessian by finite
   *  differences of the Laplace deviance needs û itself converged (tmb-vcov.ts). */
  uTol?: number;
  /** Most PIRLS iterations per evaluation. */
  maxit: number;
  /** Most step halvings when an iteration increases the penalized deviance. */
  maxStepHalvings: number;
}

export const DEFAULT_PIRLS_OPTIONS: PirlsOptions = { tol: 1e-7, maxit: 100, maxStepHalvings: 20 };
