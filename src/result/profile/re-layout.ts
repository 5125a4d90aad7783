/**
 * How the random effects are laid out, and the maps between θ (the relative covariance factor's
 * entries, lme4's `theta`) and the standard-deviation/correlation scale lme4 profiles on
 * (`.sig01`, `.sig02`, …, `.sigma`).
 *
 * Layout (as in FittedModel.ranef): terms in matrices.reTerms order; within a term with p columns
 * and ℓ levels, level l column j is at termOffset + l·p + j. Λ is block diagonal with the term's
 * p × p lower-triangular block T repeated for each level, so Var(b) = σ² Λ Λᵀ (JSS 2015 eq. 4).
 */
import type { ModelMatrices, ReMat } from "../../model/matrices.js";

/** Start of each term's columns in b, and q = total number of random effects. */
export function reOffsets(m: ModelMatrices): { offsets: number[]; q: number } {
  const offsets: number[] = [];
  let q = 0;
  for (const t of m.reTerms) {
    offsets.push(q);
    q += t.levels.length * t.columnNames.length;
  }
  return { offsets, q };
}

/** The term's p × p block T (row-major, lower triangle) from θ: a full lower triangle filled in
 *  column-major order when correlated, the diagonal otherwise. */
export function lambdaBlock(t: ReMat, theta: ArrayLike<number>): Float64Array {
  const p = t.columnNames.length;
  const T = new Float64Array(p * p);
  let k = t.thetaOffset;
  if (t.correlated) {
    for (let j = 0; j < p; j++) for (let i = j; i < p; i++) T[i * p + j] = theta[k++];
  } else {
    for (let j = 0; j < p; j++) T[j * p + j] = theta[k++];
  }
  return T;
}

/** b = Λ u, term by term and level by level. */
export function lambdaTimes(m: ModelMatrices, theta: ArrayLike<number>, u: ArrayLike<number>, out?: Float64Array): Float64Array {
  const { offsets, q } = reOffsets(m);
  const b = out ?? new Float64Array(q);
  m.reTerms.forEach((t, k) => {
    const p = t.columnNames.length;
    const T = lambdaBlock(t, theta);
    for (let l = 0; l < t.levels.length; l++) {
      const base = offsets[k] + l * p;
      for (let i = p - 1; i >= 0; i--) {
        let v = 0;
        for (let j = 0; j <= i; j++) v += T[i * p + j] * u[base + j];
        b[base + i] = v;
      }
    }
  });
  return b;
}

/** Row i of Z as (column, value) pairs: one run of p entries per term. */
export interface ZRows {
  /** For row i, entries start at i·nnz; nnz = Σ p over terms. */
  nnz: number;
  cols: Int32Array;
  vals: Float64Array;
}

export function zRows(m: ModelMatrices, reTerms: ReMat[] = m.reTerms): ZRows {
  const { offsets } = reOffsets(m);
  const nnz = reTerms.reduce((s, t) => s + t.columnNames.length, 0);
  const n = reTerms.length > 0 ? reTerms[0].refs.length : m.n;
  const cols = new Int32Array(n * nnz);
  const vals = new Float64Array(n * nnz);
  for (let i = 0; i < n; i++) {
    let e = i * nnz;
    reTerms.forEach((t, k) => {
      const p = t.columnNames.length;
      const ref = t.refs[i];
      for (let j = 0; j < p; j++, e++) {
        cols[e] = ref < 0 ? -1 : offsets[k] + ref * p + j;
        vals[e] = ref < 0 ? 0 : t.z[i * p + j];
      }
    });
  }
  return { nnz, cols, vals };
}

/** (Z b)_i for every row. */
export function zTimes(z: ZRows, b: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  const r = out ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let e = i * z.nnz; e < (i + 1) * z.nnz; e++) if (z.cols[e] >= 0) v += z.vals[e] * b[z.cols[e]];
    r[i] = v;
  }
  return r;
}

/** lme4's profile names: `.sig01`, `.sig02`, … one per θ entry, then `.sigma` when the family
 *  has a scale (LMMs). */
export function sdCorNames(m: ModelMatrices, useScale: boolean): string[] {
  const names = m.thetaNames.map((_, i) => `.sig${String(i + 1).padStart(2, "0")}`);
  if (useScale) names.push(".sigma");
  return names;
}

/** Whether θ entry k sits on a diagonal of its block (an sd) or below it (a correlation). */
export function thetaIsDiagonal(m: ModelMatrices): boolean[] {
  const diag = new Array<boolean>(m.theta0.length).fill(true);
  for (const t of m.reTerms) {
    if (!t.correlated) continue;
    const p = t.columnNames.length;
    let k = t.thetaOffset;
    for (let j = 0; j < p; j++) for (let i = j; i < p; i++) diag[k++] = i === j;
  }
  return diag;
}

/**
 * θ, σ → sd/cor parameters in θ's order: position (i, i) of a block holds the sd of column i,
 * position (i, j) the correlation of columns i and j (lme4's Cv_to_Sv). Σ = σ² T Tᵀ.
 */
export function thetaToSdCor(m: ModelMatrices, theta: ArrayLike<number>, sigma: number): Float64Array {
  const out = new Float64Array(theta.length);
  for (const t of m.reTerms) {
    const p = t.columnNames.length;
    const T = lambdaBlock(t, theta);
    const S = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let j = 0; j <= i; j++) {
        let v = 0;
        for (let s = 0; s <= j; s++) v += T[i * p + s] * T[j * p + s];
        S[i * p + j] = S[j * p + i] = sigma * sigma * v;
      }
    let k = t.thetaOffset;
    if (t.correlated) {
      for (let j = 0; j < p; j++)
        for (let i = j; i < p; i++) {
          out[k++] = i === j ? Math.sqrt(S[i * p + i]) : S[i * p + j] / Math.sqrt(S[i * p + i] * S[j * p + j]);
        }
    } else {
      for (let j = 0; j < p; j++) out[k++] = Math.sqrt(S[j * p + j]);
    }
    // A zero sd leaves its correlations undefined; lme4 reports 0 there.
    for (let c = t.thetaOffset; c < t.thetaOffset + t.thetaCount; c++) if (!Number.isFinite(out[c])) out[c] = 0;
  }
  return out;
}

/**
 * The inverse map (lme4's Sv_to_Cv): sd/cor parameters and σ → θ, with T the lower Cholesky factor
 * of Σ/σ². Returns null when the correlations do not make a positive semi-definite matrix.
 */
export function sdCorToTheta(m: ModelMatrices, pars: ArrayLike<number>, sigma: number, out?: Float64Array): Float64Array | null {
  const theta = out ?? new Float64Array(m.theta0.length);
  for (const t of m.reTerms) {
    const p = t.columnNames.length;
    let k = t.thetaOffset;
    if (!t.correlated) {
      for (let j = 0; j < p; j++, k++) theta[k] = pars[k] / sigma;
      continue;
    }
    const sd = new Float64Array(p);
    const C = new Float64Array(p * p);
    for (let j = 0; j < p; j++)
      for (let i = j; i < p; i++, k++) {
        if (i === j) sd[i] = pars[k];
        else C[i * p + j] = C[j * p + i] = pars[k];
      }
    for (let i = 0; i < p; i++) C[i * p + i] = 1;
    // Cholesky of the correlation matrix, allowing a zero pivot only when the rest of its column is 0.
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
    k = t.thetaOffset;
    for (let j = 0; j < p; j++) for (let i = j; i < p; i++, k++) theta[k] = (sd[i] * L[i * p + j]) / sigma;
  }
  return theta;
}

/** Bounds on the sd/cor scale: sds in [0, ∞), correlations in [−1, 1]. */
export function sdCorBounds(m: ModelMatrices): { lower: Float64Array; upper: Float64Array } {
  const diag = thetaIsDiagonal(m);
  return {
    lower: Float64Array.from(diag, (d) => (d ? 0 : -1)),
    upper: Float64Array.from(diag, (d) => (d ? Infinity : 1)),
  };
}
