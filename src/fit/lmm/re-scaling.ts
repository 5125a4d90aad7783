/**
 * Random-effects columns on very different scales are fitted on unit scale and θ mapped back.
 *
 * Why: θ's natural size is inversely proportional to its column's: with sleepstudy's Days × 1e5 the
 * slope's θ entries are ~2·10⁻⁶ while the intercept's is ~1. The optimiser's trust region (BOBYQA,
 * NLopt's initial steps) and lme4's boundary and singularity tolerances (1e-5, 1e-4) are absolute,
 * so on that scale the slope's θ looks like "0": lme4 1.1-31 and we stopped at a singular point
 * 43 deviance units (ML) above the optimum.
 *
 * The model is invariant to the change: with Z̃ = Z S⁻¹ (column j of term k divided by its standard
 * deviation s_j) and Λ = S⁻¹ Λ̃, Z̃Λ̃ = ZΛ, so the criterion at θ̃ equals the criterion at θ whose
 * entries in row i of Λ are θ̃'s divided by s_i; the lower bounds (0 on diagonals) are unchanged.
 * We apply it only when lme4's checkScaleX test (src/model/scale-check.ts: two continuous columns'
 * SDs more than 1e3 apart, or one more than 1e3 from 1) fires for the random-effects columns, so
 * that ordinary models keep lme4's iterates and evaluation counts exactly. 0/1 columns (intercepts,
 * indicators) are never scaled.
 */
import type { ModelMatrices, ReMat } from "../../model/matrices.js";
import { continuousColumnSd, onVeryDifferentScales } from "../../model/scale-check.js";

export interface ReScaling {
  /** The same model with the scaled random-effects columns. */
  matrices: ModelMatrices;
  /** θ = θ̃ · factor, entry by entry. */
  factor: Float64Array;
}

/** The scaling to fit on, or null when the columns are on comparable scales. */
export function reScaling(m: ModelMatrices): ReScaling | null {
  const sds = m.reTerms.map((t) => {
    const p = t.columnNames.length;
    return Array.from({ length: p }, (_, j) => continuousColumnSd(t.z, m.n, j, 1, p));
  });
  const all = sds.flat().filter((s): s is number => s !== null);
  if (!onVeryDifferentScales(all)) return null;
  const factor = new Float64Array(m.theta0.length).fill(1);
  const reTerms: ReMat[] = m.reTerms.map((t, k) => {
    const p = t.columnNames.length;
    const s = sds[k].map((v) => (v !== null && v > 0 && Number.isFinite(v) ? v : 1));
    if (s.every((v) => v === 1)) return t;
    // the term's parameterisation says how θ follows its columns' scales
    const mult = t.covariance.columnScaling(s);
    if (mult === null) return t;
    factor.set(mult, t.covariance.thetaOffset);
    const z = new Float64Array(t.z.length);
    for (let i = 0; i < m.n; i++) for (let j = 0; j < p; j++) z[i * p + j] = t.z[i * p + j] / s[j];
    return { ...t, z };
  });
  return { matrices: { ...m, reTerms }, factor };
}
