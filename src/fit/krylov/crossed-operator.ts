/**
 * Two crossed scalar random-effects terms, `(1 | g1) + (1 | g2)` (or any single column per term),
 * with the large factor g1 eliminated exactly: the θ-free data of the Krylov path and the
 * matrix-free Schur complement on the small factor g2.
 *
 * With α = λ₁², γ = λ₂², a = Z₁ᵀWZ₁ (diagonal, ℓ₁), d = Z₂ᵀWZ₂ (diagonal, ℓ₂) and N = Z₁ᵀWZ₂
 * (ℓ₁ × ℓ₂, the weighted pair-count matrix: one entry per distinct (g1, g2) pair in the data),
 * the random-effects block of the PLS system (JSS 2015 eq. 17) is
 *
 *   A = ⎡ αD_a + I    λ₁λ₂N  ⎤ ,   E = αD_a + I diagonal,   S = γD_d + I − αγ NᵀE⁻¹N  (ℓ₂ × ℓ₂)
 *       ⎣ λ₁λ₂Nᵀ   γD_d + I ⎦
 *
 * so log|A| = Σⱼ log eⱼ + log|S| and A⁻¹ is applied by block elimination through S. S is never
 * formed: S·x costs two passes over N's nonzeros (applySchur), batched over several vectors so
 * that the pattern is read once for all of them (Sigrist et al. 2025 §3 work on the full system;
 * eliminating the diagonal block first is the classical Schur-complement reduction, e.g. Saad 2003
 * §14.2).
 */
import type { ModelMatrices } from "../../model/matrices.js";

export interface CrossedData {
  l1: number;
  l2: number;
  /** Columns of [X y]: p + 1. */
  k: number;
  /** Z₁ᵀWZ₁ and Z₂ᵀWZ₂ diagonals. */
  a: Float64Array;
  d: Float64Array;
  /** N in CSR by g1 level: row j's g2 levels col[rowPtr[j] .. rowPtr[j+1]) with values val. */
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float64Array;
  /** Z₁ᵀW[X y] (ℓ₁ × k row-major), Z₂ᵀW[X y] (ℓ₂ × k row-major), [X y]ᵀW[X y] (k × k). */
  f1: Float64Array;
  f2: Float64Array;
  c0: Float64Array;
  /** Σ over g2 levels' rows of N's squares: not stored; per-column Σⱼ N_jk² / eⱼ is per θ. */
  /** Total weight Σ a (= Σ d for unit z): the independence model's scale (preconditioner). */
  total: number;
}

/**
 * The θ-free pieces from the rows: one pass to count pairs per g1 level, one to fill them (sorted
 * and merged per level), one for the [X y] products. `w` are the prior weights, `z` the response
 * (already shifted by Xβ₀ when the caller does that, response-shift.ts).
 */
export function crossedData(m: ModelMatrices, w: Float64Array, z: Float64Array): CrossedData {
  const [t1, t2] = m.reTerms;
  const n = m.n;
  const p = m.p;
  const k = p + 1;
  const l1 = t1.levels.length;
  const l2 = t2.levels.length;
  const r1 = t1.refs;
  const r2 = t2.refs;
  const z1 = t1.z;
  const z2 = t2.z;
  const a = new Float64Array(l1);
  const d = new Float64Array(l2);
  // rows grouped by g1 level (counting sort), then each level's g2 levels merged
  const start = new Int32Array(l1 + 1);
  for (let i = 0; i < n; i++) start[r1[i] + 1]++;
  for (let j = 0; j < l1; j++) start[j + 1] += start[j];
  const fill = start.slice(0, l1);
  const byLevel = new Int32Array(n);
  for (let i = 0; i < n; i++) byLevel[fill[r1[i]]++] = i;
  const rowPtr = new Int32Array(l1 + 1);
  let col = new Int32Array(Math.min(n, 1 << 20));
  let val = new Float64Array(col.length);
  const mark = new Int32Array(l2).fill(-1);
  let nnz = 0;
  for (let j = 0; j < l1; j++) {
    const s = nnz;
    for (let q = start[j]; q < start[j + 1]; q++) {
      const i = byLevel[q];
      const g = r2[i];
      const wz1 = w[i] * z1[i];
      a[j] += wz1 * z1[i];
      d[g] += w[i] * z2[i] * z2[i];
      if (mark[g] >= s) val[mark[g]] += wz1 * z2[i];
      else {
        if (nnz === col.length) {
          const c2 = new Int32Array(Math.min(n, col.length * 2));
          c2.set(col);
          col = c2;
          const v2 = new Float64Array(c2.length);
          v2.set(val);
          val = v2;
        }
        mark[g] = nnz;
        col[nnz] = g;
        val[nnz++] = wz1 * z2[i];
      }
    }
    rowPtr[j + 1] = nnz;
  }
  const f1 = new Float64Array(l1 * k);
  const f2 = new Float64Array(l2 * k);
  const c0 = new Float64Array(k * k);
  const X = m.X;
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < p; c++) row[c] = X[c * n + i];
    row[p] = z[i];
    const wi = w[i];
    const o1 = r1[i] * k;
    const o2 = r2[i] * k;
    const s1 = wi * z1[i];
    const s2 = wi * z2[i];
    for (let c = 0; c < k; c++) {
      f1[o1 + c] += s1 * row[c];
      f2[o2 + c] += s2 * row[c];
      const wr = wi * row[c];
      for (let c2 = c; c2 < k; c2++) c0[c + c2 * k] += wr * row[c2];
    }
  }
  for (let c = 0; c < k; c++) for (let c2 = c + 1; c2 < k; c2++) c0[c2 + c * k] = c0[c + c2 * k];
  let total = 0;
  for (let j = 0; j < l1; j++) total += a[j];
  return { l1, l2, k, a, d, rowPtr, col: col.slice(0, nnz), val: val.slice(0, nnz), f1, f2, c0, total };
}

/** The θ-dependent scalars of S: α, γ, eⱼ⁻¹ and S's diagonal. */
export interface SchurState {
  alpha: number;
  gamma: number;
  /** 1 / eⱼ = 1 / (α aⱼ + 1). */
  eInv: Float64Array;
  /** diag(S)_k = 1 + γ d_k − αγ Σⱼ N_jk² / eⱼ. */
  diag: Float64Array;
}

export function allocateSchurState(cd: CrossedData): SchurState {
  return { alpha: 0, gamma: 0, eInv: new Float64Array(cd.l1), diag: new Float64Array(cd.l2) };
}

export function setSchurTheta(cd: CrossedData, st: SchurState, lambda1: number, lambda2: number): void {
  const alpha = lambda1 * lambda1;
  const gamma = lambda2 * lambda2;
  st.alpha = alpha;
  st.gamma = gamma;
  const { a, d, rowPtr, col, val, l1, l2 } = cd;
  for (let j = 0; j < l1; j++) st.eInv[j] = 1 / (alpha * a[j] + 1);
  const diag = st.diag;
  diag.fill(0);
  for (let j = 0; j < l1; j++) {
    const e = st.eInv[j];
    for (let q = rowPtr[j]; q < rowPtr[j + 1]; q++) diag[col[q]] += val[q] * val[q] * e;
  }
  for (let c = 0; c < l2; c++) diag[c] = 1 + gamma * d[c] - alpha * gamma * diag[c];
}

/**
 * out ← S x for `b` vectors interleaved (x[c·b + v] is entry c of vector v). One fused pass over
 * N per call: per g1 level, t = (N x)ⱼ for all vectors, then out −= αγ/eⱼ · N_jᵀ t.
 * `t` is scratch of length ≥ b.
 */
export function applySchur(cd: CrossedData, st: SchurState, x: Float64Array, out: Float64Array, b: number, t: Float64Array): void {
  const { rowPtr, col, val, l1, l2, d } = cd;
  const { alpha, gamma, eInv } = st;
  const ag = alpha * gamma;
  for (let c = 0; c < l2; c++) {
    const s = 1 + gamma * d[c];
    const o = c * b;
    for (let v = 0; v < b; v++) out[o + v] = s * x[o + v];
  }
  if (ag === 0) return;
  if (b === 1) {
    for (let j = 0; j < l1; j++) {
      const q0 = rowPtr[j];
      const q1 = rowPtr[j + 1];
      let s = 0;
      for (let q = q0; q < q1; q++) s += val[q] * x[col[q]];
      s *= ag * eInv[j];
      for (let q = q0; q < q1; q++) out[col[q]] -= val[q] * s;
    }
    return;
  }
  for (let j = 0; j < l1; j++) {
    const q0 = rowPtr[j];
    const q1 = rowPtr[j + 1];
    for (let v = 0; v < b; v++) t[v] = 0;
    for (let q = q0; q < q1; q++) {
      const o = col[q] * b;
      const nv = val[q];
      for (let v = 0; v < b; v++) t[v] += nv * x[o + v];
    }
    const s = ag * eInv[j];
    for (let v = 0; v < b; v++) t[v] *= s;
    for (let q = q0; q < q1; q++) {
      const o = col[q] * b;
      const nv = val[q];
      for (let v = 0; v < b; v++) out[o + v] -= nv * t[v];
    }
  }
}

/** out (ℓ₂ × b interleaved) ← Nᵀ diag(s) y for y (ℓ₁ × b interleaved): s = null means no scaling. */
export function applyNt(cd: CrossedData, y: Float64Array, s: Float64Array | null, out: Float64Array, b: number): void {
  const { rowPtr, col, val, l1 } = cd;
  out.fill(0);
  for (let j = 0; j < l1; j++) {
    const sj = s ? s[j] : 1;
    for (let q = rowPtr[j]; q < rowPtr[j + 1]; q++) {
      const o = col[q] * b;
      const nv = val[q] * sj;
      for (let v = 0; v < b; v++) out[o + v] += nv * y[j * b + v];
    }
  }
}

/** out (ℓ₁ × b interleaved) ← N x for x (ℓ₂ × b interleaved). */
export function applyN(cd: CrossedData, x: Float64Array, out: Float64Array, b: number): void {
  const { rowPtr, col, val, l1 } = cd;
  out.fill(0);
  for (let j = 0; j < l1; j++) {
    for (let q = rowPtr[j]; q < rowPtr[j + 1]; q++) {
      const o = col[q] * b;
      const nv = val[q];
      for (let v = 0; v < b; v++) out[j * b + v] += nv * x[o + v];
    }
  }
}
