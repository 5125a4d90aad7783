/**
 * Everything a FittedModel reports beyond θ and the criterion, read off the PLS system at the
 * optimum (lme4's mkMerMod): β̂, σ̂, vcov(β), conditional modes and variances, η, μ, and the ML
 * deviance.
 */
import type { LmmSystem } from "./profiled-deviance.js";
import type { FittedModel } from "../fitted.js";
import { objective } from "./profiled-deviance.js";
import { linearPredictor } from "../linear-predictor.js";

/** The part of a FittedModel read off the PLS system (its doc comments say what each holds). */
export type LmmResults = Pick<FittedModel, "beta" | "sigma" | "vcov" | "ranef" | "condSD" | "eta" | "mu" | "deviance">;

/** Results at the system's current θ (after setTheta(θ).updateL()). */
export function lmmResults(sys: LmmSystem, REML: boolean): LmmResults {
  const r2 = sys.solve();
  const beta = Float64Array.from(sys.beta);
  // σ̂² = r²/n (ML) or r²/(n − p) (REML): JSS 2015 eqs. 33 and 40
  const sigma = Math.sqrt(r2 / (REML ? sys.n - sys.p : sys.n));
  const s2 = sigma * sigma;
  const vcov = sys.unscaledVcov().map((v) => v * s2); // JSS 2015 eq. 54
  const b = sys.b();
  const ranef = sys.splitByTerm(b);
  const condSD = sys.conditionalVarianceBlocks().map((blocks, k) => {
    const pk = sys.matrices.reTerms[k].columnNames.length;
    const out = new Float64Array(blocks.length / pk);
    for (let l = 0; l < out.length / pk; l++)
      for (let j = 0; j < pk; j++) out[l * pk + j] = Math.sqrt(s2 * blocks[l * pk * pk + j + j * pk]);
    return out;
  });
  // without rows (cross-products from a SQL engine) η is left to the engine (src/sql/fit.ts)
  const eta = sys.rowsAbsent ? new Float64Array(0) : linearPredictor(sys.matrices, beta, b);
  // lme4's deviance(fit, REML = FALSE): the ML criterion at these estimates
  const deviance = objective(sys, false);
  return { beta, sigma, vcov, ranef, condSD, eta, mu: Float64Array.from(eta), deviance };
}
