/**
 * The parameterisation of one random-effects term: the only place that knows how the term's slice
 * of θ becomes its relative covariance factor Λ_k (Σ_k = σ²Λ_kΛ_kᵀ, JSS 2015 eq. 4) and how θ reads
 * on lme4's standard-deviation/correlation scale. lme4 2.0 calls these `Covariance` classes
 * (R/covariance.R: Covariance.us, .diag, .cs, .ar1); MixedModels.jl keeps λ on its ReMat.
 *
 * The interface a new term type implements (one class, nothing edited elsewhere):
 *
 *   structure, hom           what the formula wrote: `us`, `diag`, `cs`, `ar1`, and `hom = TRUE|FALSE`
 *   size                     p, the order of the block (the term's columns)
 *   thetaOffset, thetaCount  the term's slice θ[thetaOffset, thetaOffset + thetaCount)
 *   names, start,            per θ entry of the slice: lme4's name, the optimiser's start and its
 *     lower, upper             box (BOBYQA and Nelder–Mead keep θ inside it; a fit is singular when
 *                              θ is within 1e-4 of a 0 bound or of either end of a finite range:
 *                              src/fit/convergence/singular.ts)
 *   shape                    Λ_k's structural pattern: "diagonal" or "lower-triangular"
 *   fillLambda(θ, out, off)  Λ_k as p × p column-major (zeros above the diagonal) at out[off…];
 *                            called once per objective evaluation, so it must not allocate
 *   toSdCor(θ, σ, out)       θ → lme4's profile parameters (getProfPar, "sdcor"), written into
 *                            out's same slice: standard deviations then correlations as the class
 *                            orders them; σ is 1 for a family without a scale
 *   fromSdCor(pars, σ, out)  the inverse (setProfPar); false when pars are no covariance
 *   sdCorLower, sdCorUpper   the box on that scale (profiling and bootstrap)
 *   columnScaling(s)         θ's multipliers when column j of Z_k is divided by s_j (a fit on
 *                            unit-scale columns, θ = θ̃ · multiplier; src/fit/lmm/re-scaling.ts),
 *                            or null when the structure cannot follow (one sd for unequal s_j)
 *   planEntries()            the plan's description of Λ_k: one LambdaEntry per structurally
 *                            nonzero entry, with the θ entry it equals (−1 when it is a nonlinear
 *                            function of the slice) and a text saying what it is
 *
 * Everything else — Σ_k and VarCorr, Λ·u, the Λ store of the PLS system — is derived from
 * fillLambda by the functions below, whatever the structure.
 */
import type { LambdaEntry } from "../plan.js";

/** lme4 2.0's covariance classes. */
export type CovarianceStructure = "us" | "diag" | "cs" | "ar1";

export interface Covariance {
  readonly structure: CovarianceStructure;
  /** One standard deviation for every column (diag, cs, ar1); false for us. */
  readonly hom: boolean;
  readonly size: number;
  readonly thetaOffset: number;
  readonly thetaCount: number;
  readonly shape: "diagonal" | "lower-triangular";
  /** lme4's θ names (getParNames, old = TRUE), the start and the bounds of each θ entry. */
  readonly names: readonly string[];
  readonly start: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  /** Bounds of each profile parameter (toSdCor's output), same order. */
  readonly sdCorLower: readonly number[];
  readonly sdCorUpper: readonly number[];
  fillLambda(theta: ArrayLike<number>, out: Float64Array, offset: number): void;
  toSdCor(theta: ArrayLike<number>, sigma: number, out: Float64Array): void;
  fromSdCor(pars: ArrayLike<number>, sigma: number, out: Float64Array): boolean;
  columnScaling(s: readonly number[]): number[] | null;
  planEntries(): LambdaEntry[];
}

/** The term's Λ block from θ, freshly allocated (column-major p × p). */
export function lambdaBlock(c: Covariance, theta: ArrayLike<number>): Float64Array {
  const out = new Float64Array(c.size * c.size);
  c.fillLambda(theta, out, 0);
  return out;
}

/** Σ_k = σ²Λ_kΛ_kᵀ as rows of a p × p matrix (JSS 2015 eq. 4). */
export function covarianceMatrix(c: Covariance, theta: ArrayLike<number>, sigma: number): number[][] {
  const p = c.size;
  const L = lambdaBlock(c, theta);
  const s2 = sigma * sigma;
  return Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (__, j) => {
      let s = 0;
      for (let k = 0; k <= Math.min(i, j); k++) s += L[i + k * p] * L[j + k * p];
      return s2 * s;
    }),
  );
}

/** b = Λ_k u for every level of a term: the block `lambda` (column-major p × p at `lo`) applied to
 *  each level's p entries of u (level-major from `off`), written to b at the same places. */
export function lambdaTimes(
  lambda: Float64Array, lo: number, p: number, levels: number, u: ArrayLike<number>, b: Float64Array, off: number,
): void {
  for (let l = 0; l < levels; l++) {
    const o = off + l * p;
    for (let r = 0; r < p; r++) {
      let v = 0;
      for (let c = 0; c <= r; c++) v += lambda[lo + r + c * p] * u[o + c];
      b[o + r] = v;
    }
  }
}

/** Cholesky factor of a correlation matrix given as a p × p row-major array, lower triangle
 *  row-major; null when it is not positive semi-definite. A zero pivot is allowed when the rest of
 *  its column is 0 (a correlation with a degenerate effect). */
export function correlationCholesky(C: Float64Array, p: number): Float64Array | null {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = C[j * p + j];
    for (let s = 0; s < j; s++) d -= L[j * p + s] * L[j * p + s];
    if (d < -1e-12) return null;
    const ljj = Math.sqrt(Math.max(d, 0));
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let v = C[i * p + j];
      for (let s = 0; s < j; s++) v -= L[i * p + s] * L[j * p + s];
      if (ljj === 0) {
        if (Math.abs(v) > 1e-12) return null;
        L[i * p + j] = 0;
      } else L[i * p + j] = v / ljj;
    }
  }
  return L;
}
