/**
 * Nakagawa's R² and the intra-class correlation of a linear mixed model, as performance 0.10
 * reports them (r2_nakagawa, icc), from insight's variance components (R/compute_variances.R):
 *
 *   σ²_f = var(Xβ̂)                      (sample variance, n − 1; .compute_variance_fixed)
 *   σ²_r = Σ_terms tr(Σ_t Z_tᵀZ_t)/n     (.compute_variance_random: the mean of z_iᵀΣ_t z_i, where
 *          z_i are the term's columns taken from the FIXED-effects model matrix by name — columns
 *          not in X are dropped, and an "(Intercept)" of ones is added when X has none)
 *   σ²_ε = σ²
 *   R²_marginal = σ²_f / (σ²_f + σ²_r + σ²_ε),  R²_conditional = (σ²_f + σ²_r) / (same)
 *   ICC adjusted = σ²_r / (σ²_r + σ²_ε),  unadjusted = σ²_r / (σ²_f + σ²_r + σ²_ε)
 *
 * Which terms count: insight selects VarCorr(m)[names(ranef(m))], i.e. the blocks named by a
 * grouping factor. ranef() has one entry per factor while VarCorr() names a second term on the
 * same factor "g.1" (as `(x || g)` makes), so only the first term of each factor is counted —
 * performance's own behaviour, reproduced (it is what its reference numbers say). Terms with one
 * level per observation are left out, as insight does. A singular fit (some θ on its bound)
 * gets no random-effect variance: conditional R² and the ICCs are NaN, marginal is
 * σ²_f / (σ²_f + σ²_ε), as performance returns with its warning.
 */
import type { MixedModel } from "../model.js";
import { InferenceError } from "./contrast.js";

export interface R2 {
  marginal: number;
  conditional: number;
}

export interface ICC {
  adjusted: number;
  unadjusted: number;
}

export interface VarianceComponents {
  fixed: number;
  random: number;
  residual: number;
}

/** performance's check_singularity tolerance as compute_variances passes it. */
const SINGULAR_TOL = 1e-8;

export function varianceComponents(m: MixedModel): VarianceComponents {
  if (m.isGLMM) throw new InferenceError("r2 and icc are implemented for linear mixed models only (performance's GLMM variants are not)");
  const mm = m.matrices;
  const n = mm.n;
  const fx = new Float64Array(n);
  for (let j = 0; j < mm.p; j++) for (let i = 0; i < n; i++) fx[i] += mm.X[i + j * n] * m.fit.beta[j];
  // R's mean(): a second pass corrects the first's rounding (so a constant Xβ has variance 0)
  let mean = 0;
  for (let i = 0; i < n; i++) mean += fx[i];
  mean /= n;
  let corr = 0;
  for (let i = 0; i < n; i++) corr += fx[i] - mean;
  mean += corr / n;
  let fixed = 0;
  for (let i = 0; i < n; i++) fixed += (fx[i] - mean) ** 2;
  fixed /= n - 1;
  const singular = m.fit.theta.some((t, i) => mm.lower[i] === 0 && Math.abs(t) < SINGULAR_TOL);
  let random = NaN;
  if (!singular) {
    random = 0;
    const blocks = m.varCorrBlocks;
    mm.reTerms.forEach((t, k) => {
      if (t.varCorrName !== t.group || t.levels.length === n) return;
      const b = blocks[k];
      const cols: (Float64Array | null)[] = b.names.map((name) => {
        const j = mm.xNames.indexOf(name);
        if (j >= 0) return mm.X.subarray(j * n, (j + 1) * n);
        if (name === "(Intercept)" && !mm.xNames.includes("(Intercept)")) return new Float64Array(n).fill(1);
        return null;
      });
      let s = 0;
      for (let a = 0; a < cols.length; a++) {
        const za = cols[a];
        if (!za) continue;
        for (let c = 0; c < cols.length; c++) {
          const zc = cols[c];
          if (!zc) continue;
          const cov = b.cov[a][c];
          let d = 0;
          for (let i = 0; i < n; i++) d += za[i] * zc[i];
          s += cov * d;
        }
      }
      random += s / n;
    });
  }
  return { fixed, random, residual: m.sigma * m.sigma };
}

/** performance::r2_nakagawa(m) for a linear mixed model. */
export function r2(m: MixedModel): R2 {
  const { fixed, random, residual } = varianceComponents(m);
  if (Number.isNaN(random)) return { marginal: fixed / (fixed + residual), conditional: NaN };
  const total = fixed + random + residual;
  return { marginal: fixed / total, conditional: (fixed + random) / total };
}

/** performance::icc(m): adjusted and unadjusted ICC. */
export function icc(m: MixedModel): ICC {
  const { fixed, random, residual } = varianceComponents(m);
  return { adjusted: random / (random + residual), unadjusted: random / (fixed + random + residual) };
}
