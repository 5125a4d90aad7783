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
 * that the pattern is read once for all of them (Sigrist et al. 2025 work on the full system;
 * eliminating the diagonal block first is the classical Schur-complement reduction, Saad 2003,
 * "Iterative Methods for Sparse Linear Systems" ch. 14).
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
  /** When every entry of N is a small whole number (unweighted counts of pairs, the common case),
   *  N with each entry repeated as often as its count and all values 1, for the product kernel
   *  (subtractOffDiagonal4): it then reads no values, 4 bytes a nonzero instead of 12 (measured
   *  ~20% faster per pass). Null otherwise or when repeating would grow N by more than 5%. */
  unit: { rowPtr: Int32Array; col: Int32Array } | null;
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
  const merged = { rowPtr, col: col.slice(0, nnz), val: val.slice(0, nnz) };
  return { l1, l2, k, a, d, ...merged, unit: unitPattern(merged.rowPtr, merged.col, merged.val), f1, f2, c0, total };
}

/** CrossedData.unit, or null. */
function unitPattern(rowPtr: Int32Array, col: Int32Array, val: Float64Array): CrossedData["unit"] {
  let total = 0;
  for (let q = 0; q < val.length; q++) {
    const v = val[q];
    if (!(v >= 1 && v <= 4 && Number.isInteger(v))) return null;
    total += v;
  }
  if (total > 1.05 * val.length) return null;
  const l1 = rowPtr.length - 1;
  const uPtr = new Int32Array(l1 + 1);
  const uCol = new Int32Array(total);
  let o = 0;
  for (let j = 0; j < l1; j++) {
    for (let q = rowPtr[j]; q < rowPtr[j + 1]; q++) for (let r = 0; r < val[q]; r++) uCol[o++] = col[q];
    uPtr[j + 1] = o;
  }
  return { rowPtr: uPtr, col: uCol };
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
 * out ← S x for `b` vectors interleaved (x[c·b + v] is entry c of vector v). The vectors go
 * through N four at a time, each four packed contiguously (`panel`, scratch of length ≥ 8ℓ₂) so
 * that a pass reads a 32ℓ₂-byte panel that stays in cache: per g1 level, t = (N x)ⱼ, then
 * out −= αγ/eⱼ · N_jᵀ t (subtractOffDiagonal4).
 */
export function applySchur(cd: CrossedData, st: SchurState, x: Float64Array, out: Float64Array, b: number, panel: Float64Array): void {
  const { l2, d } = cd;
  const { alpha, gamma } = st;
  for (let c = 0; c < l2; c++) {
    const s = 1 + gamma * d[c];
    const o = c * b;
    for (let v = 0; v < b; v++) out[o + v] = s * x[o + v];
  }
  if (alpha * gamma === 0) return;
  const xp = panel.subarray(0, 4 * l2);
  const yp = panel.subarray(4 * l2, 8 * l2);
  for (let g = 0; g < b; g += 4) {
    const w = Math.min(4, b - g);
    xp.fill(0);
    yp.fill(0);
    for (let c = 0; c < l2; c++) for (let v = 0; v < w; v++) xp[c * 4 + v] = x[c * b + g + v];
    subtractOffDiagonal4(cd, st, xp, yp);
    for (let c = 0; c < l2; c++) for (let v = 0; v < w; v++) out[c * b + g + v] += yp[c * 4 + v];
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

/** y −= αγ NᵀE⁻¹N x for four vectors interleaved (x[c·4 + v]): four accumulators in registers,
 *  which V8 compiles to straight-line code (a loop over a variable block width does not unroll,
 *  and measured ~2.5× slower per vector). */
export function subtractOffDiagonal4(cd: CrossedData, st: SchurState, x: Float64Array, out: Float64Array): void {
  if (cd.unit) {
    subtractOffDiagonal4Unit(cd.unit.rowPtr, cd.unit.col, cd.l1, st, x, out);
    return;
  }
  const { rowPtr, col, val, l1 } = cd;
  const ag = st.alpha * st.gamma;
  const eInv = st.eInv;
  for (let j = 0; j < l1; j++) {
    const q0 = rowPtr[j];
    const q1 = rowPtr[j + 1];
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let q = q0; q < q1; q++) {
      const o = col[q] * 4;
      const nv = val[q];
      t0 += nv * x[o];
      t1 += nv * x[o + 1];
      t2 += nv * x[o + 2];
      t3 += nv * x[o + 3];
    }
    const s = ag * eInv[j];
    t0 *= s;
    t1 *= s;
    t2 *= s;
    t3 *= s;
    for (let q = q0; q < q1; q++) {
      const o = col[q] * 4;
      const nv = val[q];
      out[o] -= nv * t0;
      out[o + 1] -= nv * t1;
      out[o + 2] -= nv * t2;
      out[o + 3] -= nv * t3;
    }
  }
}

/** xᵀSx for one vector by the gather half only: xᵀ(I + γD)x − αγ Σⱼ (Nx)ⱼ² / eⱼ (one pass over N,
 *  no scatter). With `nx` given (Nx, θ-free when x is), no pass at all. */
export function schurQuadratic(cd: CrossedData, st: SchurState, x: Float64Array, nx?: Float64Array): number {
  const { rowPtr, col, val, l1, l2, d } = cd;
  let s = 0;
  for (let c = 0; c < l2; c++) s += x[c] * x[c] * (1 + st.gamma * d[c]);
  let off = 0;
  for (let j = 0; j < l1; j++) {
    let t = 0;
    if (nx) t = nx[j];
    else for (let q = rowPtr[j]; q < rowPtr[j + 1]; q++) t += val[q] * x[col[q]];
    off += t * t * st.eInv[j];
  }
  return s - st.alpha * st.gamma * off;
}

/** subtractOffDiagonal4 on the repeated-entry pattern with all values 1 (CrossedData.unit). */
function subtractOffDiagonal4Unit(rowPtr: Int32Array, col: Int32Array, l1: number, st: SchurState, x: Float64Array, out: Float64Array): void {
  const ag = st.alpha * st.gamma;
  const eInv = st.eInv;
  for (let j = 0; j < l1; j++) {
    const q0 = rowPtr[j];
    const q1 = rowPtr[j + 1];
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let q = q0; q < q1; q++) {
      const o = col[q] * 4;
      t0 += x[o];
      t1 += x[o + 1];
      t2 += x[o + 2];
      t3 += x[o + 3];
    }
    const s = ag * eInv[j];
    t0 *= s;
    t1 *= s;
    t2 *= s;
    t3 *= s;
    for (let q = q0; q < q1; q++) {
      const o = col[q] * 4;
      out[o] -= t0;
      out[o + 1] -= t1;
      out[o + 2] -= t2;
      out[o + 3] -= t3;
    }
  }
}
