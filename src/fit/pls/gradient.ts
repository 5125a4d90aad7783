/**
 * The gradient of the profiled LMM criterion with respect to the Λ entries, from the blocked factor
 * and its selected inverse — no finite differences, no dense q × q inverse.
 *
 * With Λ̃ = diag(Λ, I_p, 1), A = [Z X y]ᵀW[Z X y] and D = diag(I_q, 0, 0), the factored matrix is
 * Ω(θ) = Λ̃ᵀAΛ̃ + D (update-l.ts). Its leading blocks give the three log-determinants the criterion
 * is made of (JSS 2015 eqs. 18–19, 34, 41):
 *
 *   f₁ = log det Ω[Z]       = log|L_θ|²
 *   f₂ = log det Ω[Z, X]    = log|L_θ|² + log|R_X|²
 *   f₃ = log det Ω[Z, X, y] = f₂ + log r²(θ)
 *
 *   ML:   d   = f₁ + n (f₃ − f₂) + const          REML:  d_R = f₂ + (n − p)(f₃ − f₂) + const
 *
 * so d = a₁f₁ + a₂f₂ + a₃f₃ with (a₁, a₂, a₃) = (1, −n, n) or (0, 1 − (n − p), n − p).
 * For a leading block Ω_j, ∂ log det Ω_j = tr(Ω_j⁻¹ ∂Ω_j) and ∂Ω = ∂Λ̃ᵀAΛ̃ + Λ̃ᵀA∂Λ̃, hence
 *
 *   ∂f_j / ∂Λ_k[r, s] = 2 Σ_levels l  [P_j B]_{(l, s), (l, r)},      B = Λ̃ᵀA,
 *
 * with P_j = Ω_j⁻¹ padded by zeros. By the Schur complement, with Σ = Ω⁻¹ and R = the X and y rows,
 *   P₁ = Σ − Σ_{·R} Σ_RR⁻¹ Σ_{R·}      (Σ_RR⁻¹ = L_RR L_RRᵀ, the last p + 1 rows of the factor)
 *   P₂ = Σ − Σ_{·y} Σ_{y·} / Σ_yy      (1/Σ_yy = r², the last pivot squared)
 * (both vanish on the columns they drop), so only Σ is needed, and only where B is nonzero in a
 * level's column — A's pattern, which is whole level blocks and lies inside L's pattern. The selected
 * inverse (Takahashi; src/linalg/selected-inverse.ts) gives Σ there at the cost of a factorisation:
 *   Σ₂₂ = (L₂₂L₂₂ᵀ)⁻¹ on L₂₂'s pattern;  per first-term level j, with X_j = L₁₁[j]⁻¹ and
 *   V_j = L₂₁[·, j] X_j:  Σ₂₁[·, j] = −Σ₂₂ V_j,  Σ₁₁[j] = X_jᵀX_j − V_jᵀ Σ₂₁[·, j]   (block inverse).
 * The derivative with respect to θ then follows from how θ fills Λ (lambda.ts).
 *
 * Cost: one selected inverse of L₂₂ plus, per level, (pattern size)² × p_k — the order of one
 * updateL. Cf. MixedModels.jl's discussion of analytic gradients (Bates, "gradient of the
 * objective", MixedModels.jl issue #312) and lme4's finite-difference deriv12.
 */
import { invertLower } from "../../linalg/invert-lower.js";
import { selectedInverse } from "../../linalg/selected-inverse.js";
import type { ReMat } from "../../model/matrices.js";
import type { CrossProducts } from "./cross-products.js";
import type { LambdaStore } from "./lambda.js";
import type { BlockStructure } from "./structure.js";
import type { Factor } from "./update-l.js";

/** Buffers the gradient reuses from one call to the next (sized by the structure, allocated once). */
export interface GradientWorkspace {
  sig22: Float64Array;
  sig11: Float64Array;
  sig21: Float64Array;
  /** Per-level V (pattern × p₁) and the first-term B entries of a trailing column. */
  v: Float64Array;
  bFirst: Float64Array;
  bTrail: Float64Array;
  bOwn: Float64Array;
  bRest: Float64Array;
  /** First-term level of each A₂₁ pattern position. */
  levelOf: Int32Array;
}

export function allocateGradientWorkspace(s: BlockStructure): GradientWorkspace {
  const { l1, p1, m, colPtr, rowIdx, byRowStart } = s;
  let maxLen = 0;
  for (let j = 0; j < l1; j++) maxLen = Math.max(maxLen, colPtr[j + 1] - colPtr[j]);
  let maxRow = 0;
  for (let r = 0; r < m; r++) maxRow = Math.max(maxRow, byRowStart[r + 1] - byRowStart[r]);
  const levelOf = new Int32Array(rowIdx.length);
  for (let j = 0; j < l1; j++) levelOf.fill(j, colPtr[j], colPtr[j + 1]);
  return {
    sig22: new Float64Array(m * m), sig11: new Float64Array(l1 * p1 * p1), sig21: new Float64Array(rowIdx.length * p1),
    v: new Float64Array(maxLen * p1), bFirst: new Float64Array(maxRow * p1), bTrail: new Float64Array(m),
    bOwn: new Float64Array(p1), bRest: new Float64Array(maxLen), levelOf,
  };
}

/** Coefficients (a₁, a₂, a₃) of the criterion in the three log-determinants. */
export function criterionCoefficients(n: number, p: number, REML: boolean): [number, number, number] {
  return REML ? [0, 1 - (n - p), n - p] : [1, -n, n];
}

/** Per term, ∂d/∂Λ_k[r, s] (p_k × p_k, column-major, lower triangle) at the current factor. */
export function lambdaGradient(
  s: BlockStructure, a: CrossProducts, lam: LambdaStore, f: Factor, terms: ReMat[], coef: [number, number, number],
  ws: GradientWorkspace,
): Float64Array[] {
  const { m, qRest } = s;
  // the X and y rows are dense: counted in the pattern even where an entry cancels to 0
  const sig22 = symmetrize(selectedInverse(f.l22, m, 0, m, qRest, ws.sig22), m);
  const lowRank = new LowRank(s, f, coef);
  const grads = terms.map((t) => new Float64Array(t.columnNames.length ** 2));
  const sum = coef[0] + coef[1] + coef[2];
  const firstTerm = firstTermInverse(s, f, sig22, ws);
  firstTermGradient(s, a, lam, sig22, firstTerm, lowRank, sum, grads[0], ws);
  if (qRest > 0) laterTermsGradient(s, a, lam, sig22, firstTerm, lowRank, sum, terms, grads, ws);
  return grads;
}

/** Copy the selected inverse's lower triangle into its upper one, so that row i of Σ₂₂ is the
 *  contiguous column i. */
function symmetrize(sig22: Float64Array, m: number): Float64Array {
  for (let j = 0; j < m; j++) for (let i = j + 1; i < m; i++) sig22[j + i * m] = sig22[i + j * m];
  return sig22;
}

/** Σ₁₁[j] (p₁ × p₁ per level, column-major) and Σ₂₁ on A₂₁'s pattern (nnz × p₁, row-major). */
interface FirstTermInverse {
  sig11: Float64Array;
  sig21: Float64Array;
}

function firstTermInverse(s: BlockStructure, f: Factor, sig22: Float64Array, ws: GradientWorkspace): FirstTermInverse {
  const { l1, p1, colPtr, rowIdx, m } = s;
  const p1sq = p1 * p1;
  const { sig11, sig21, v, bRest: row } = ws;
  for (let j = 0; j < l1; j++) {
    const x = invertLower(f.l11, p1, j * p1sq, p1);
    const q0 = colPtr[j];
    const len = colPtr[j + 1] - q0;
    // V = L₂₁[S_j, j] X (len × p₁, column-major: each column a contiguous run for the products below)
    for (let e = 0; e < len; e++)
      for (let c = 0; c < p1; c++) {
        let acc = 0;
        for (let d = c; d < p1; d++) acc += f.l21[(q0 + e) * p1 + d] * x[d + c * p1];
        v[c * len + e] = acc;
      }
    // Σ₂₁[S_j, j] = −Σ₂₂[S_j, S_j] V
    const base = rowIdx[q0];
    if (rowIdx[q0 + len - 1] - base === len - 1) negProductContiguous(sig22, m, base, len, v, p1, sig21, q0);
    else {
      // one gathered row of Σ₂₂ at a time
      for (let e = 0; e < len; e++) {
        const col = rowIdx[q0 + e] * m;
        for (let e2 = 0; e2 < len; e2++) row[e2] = sig22[col + rowIdx[q0 + e2]];
        const out = (q0 + e) * p1;
        for (let c = 0; c < p1; c++) {
          const vo = c * len;
          let acc = 0;
          for (let e2 = 0; e2 < len; e2++) acc += row[e2] * v[vo + e2];
          sig21[out + c] = -acc;
        }
      }
    }
    // Σ₁₁[j] = XᵀX − Vᵀ Σ₂₁[S_j, j]
    for (let c = 0; c < p1; c++)
      for (let d = 0; d < p1; d++) {
        let acc = 0;
        for (let r = Math.max(c, d); r < p1; r++) acc += x[r + c * p1] * x[r + d * p1];
        for (let e = 0; e < len; e++) acc -= v[c * len + e] * sig21[(q0 + e) * p1 + d];
        sig11[j * p1sq + c + d * p1] = acc;
      }
  }
  return { sig11, sig21 };
}

/** Σ₂₁ rows q0 … q0 + len − 1 = −Σ₂₂[S, S] V when S is the contiguous run base … base + len − 1:
 *  four rows of Σ₂₂ (contiguous columns, Σ₂₂ being symmetric) per pass over each column of V. */
function negProductContiguous(
  sig22: Float64Array, m: number, base: number, len: number, v: Float64Array, p1: number, sig21: Float64Array, q0: number,
): void {
  let e = 0;
  for (; e + 3 < len; e += 4) {
    const r0 = (base + e) * m + base;
    const r1 = r0 + m;
    const r2 = r1 + m;
    const r3 = r2 + m;
    for (let c = 0; c < p1; c++) {
      const vo = c * len;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let e2 = 0; e2 < len; e2++) {
        const vv = v[vo + e2];
        a0 += sig22[r0 + e2] * vv;
        a1 += sig22[r1 + e2] * vv;
        a2 += sig22[r2 + e2] * vv;
        a3 += sig22[r3 + e2] * vv;
      }
      const out = (q0 + e) * p1 + c;
      sig21[out] = -a0;
      sig21[out + p1] = -a1;
      sig21[out + 2 * p1] = -a2;
      sig21[out + 3 * p1] = -a3;
    }
  }
  for (; e < len; e++) {
    const r0 = (base + e) * m + base;
    for (let c = 0; c < p1; c++) {
      const vo = c * len;
      let a0 = 0;
      for (let e2 = 0; e2 < len; e2++) a0 += sig22[r0 + e2] * v[vo + e2];
      sig21[(q0 + e) * p1 + c] = -a0;
    }
  }
}

/**
 * The low-rank corrections P₁ and P₂ of Σ: for a column vector b of B (as the sums h = Σ_{R·}b),
 * the correction to row i of Σb is −a₁ Σ_{iR} Σ_RR⁻¹ h − a₂ Σ_{iy} h_y r².
 */
class LowRank {
  /** Σ_RR⁻¹ = L_RR L_RRᵀ ((p + 1)², column-major). */
  private readonly inv: Float64Array;
  readonly r: number;
  private readonly h: Float64Array;
  private readonly g: Float64Array;
  private readonly r2: number;
  constructor(s: BlockStructure, f: Factor, private readonly coef: [number, number, number]) {
    const { m, qRest } = s;
    const r = m - qRest;
    this.r = r;
    this.inv = new Float64Array(r * r);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        let acc = 0;
        for (let k = 0; k <= Math.min(i, j); k++) acc += f.l22[qRest + i + (qRest + k) * m] * f.l22[qRest + j + (qRest + k) * m];
        this.inv[i + j * r] = acc;
      }
    const last = f.l22[m * m - 1];
    this.r2 = last * last;
    this.h = new Float64Array(r);
    this.g = new Float64Array(r);
  }

  /** g = a₁ Σ_RR⁻¹ h + a₂ r² h_y e_y, from h (length p + 1) — then the correction of row i is −Σ_{iR}·g. */
  weights(h: Float64Array): Float64Array {
    const { r, inv, g } = this;
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let j = 0; j < r; j++) acc += inv[i + j * r] * h[j];
      g[i] = this.coef[0] * acc;
    }
    g[r - 1] += this.coef[1] * this.r2 * h[r - 1];
    return g;
  }

  /** The h vector to fill (zeroed). */
  get scratch(): Float64Array {
    this.h.fill(0);
    return this.h;
  }
}

/** First term: each level's columns of B and the rows of P in that level. */
function firstTermGradient(
  s: BlockStructure, a: CrossProducts, lam: LambdaStore, sig22: Float64Array, inv: FirstTermInverse, lr: LowRank,
  sum: number, grad: Float64Array, ws: GradientWorkspace,
): void {
  const { l1, p1, colPtr, rowIdx, rLen, rLamPtr, qRest, m } = s;
  const L = lam.values;
  const lo = lam.offsets[0];
  const p1sq = p1 * p1;
  const { sig11, sig21 } = inv;
  const R = lr.r;
  for (let j = 0; j < l1; j++) {
    const q0 = colPtr[j];
    const q1 = colPtr[j + 1];
    const len = q1 - q0;
    const { bOwn, bRest } = ws;
    for (let r = 0; r < p1; r++) {
      // column a = (j, r) of B = Λ̃ᵀA: own level rows, then the pattern's trailing rows
      for (let c = 0; c < p1; c++) {
        let acc = 0;
        for (let d = c; d < p1; d++) acc += L[lo + d + c * p1] * a.a11[j * p1sq + d + r * p1];
        bOwn[c] = acc;
      }
      for (let e = 0; e < len; e++) {
        const t = rowIdx[q0 + e];
        const lp = rLamPtr[t];
        let acc = 0;
        for (let x = 0; x < rLen[t]; x++) acc += L[lp + x] * a.a21[(q0 + e + x) * p1 + r];
        bRest[e] = acc;
      }
      // h = Σ_{R·} b: R rows are the last p + 1 entries of the pattern
      const h = lr.scratch;
      for (let x = 0; x < R; x++) {
        const e = len - R + x;
        let acc = 0;
        for (let c = 0; c < p1; c++) acc += sig21[(q0 + e) * p1 + c] * bOwn[c];
        const col = (qRest + x) * m;
        for (let e2 = 0; e2 < len; e2++) acc += sig22[col + rowIdx[q0 + e2]] * bRest[e2];
        h[x] = acc;
      }
      const g = lr.weights(h);
      for (let sI = 0; sI < p1; sI++) {
        let acc = 0;
        for (let c = 0; c < p1; c++) acc += sig11[j * p1sq + sI + c * p1] * bOwn[c];
        for (let e = 0; e < len; e++) acc += sig21[(q0 + e) * p1 + sI] * bRest[e];
        let corr = 0;
        for (let x = 0; x < R; x++) corr += sig21[(q0 + len - R + x) * p1 + sI] * g[x];
        grad[r + sI * p1] += 2 * (sum * acc - corr);
      }
    }
  }
}

/** Later terms: for each trailing Z column, B's entries over the first-term levels that meet it
 *  and over the trailing rows, then the rows of P in its level block. */
function laterTermsGradient(
  s: BlockStructure, a: CrossProducts, lam: LambdaStore, sig22: Float64Array, inv: FirstTermInverse, lr: LowRank,
  sum: number, terms: ReMat[], grads: Float64Array[], ws: GradientWorkspace,
): void {
  const { p1, qRest, m, rLen, rLamPtr, byRowStart, byRowPos, levelStart } = s;
  const L = lam.values;
  const lo = lam.offsets[0];
  const { sig21 } = inv;
  const R = lr.r;
  const a22 = a.a22;
  const { levelOf, bTrail, bFirst } = ws;
  for (let k = 1; k < terms.length; k++) {
    const pk = terms[k].columnNames.length;
    for (let l = 0; l < terms[k].levels.length; l++) {
      const t0 = levelStart[k][l];
      for (let r = 0; r < pk; r++) {
        const col = t0 + r;
        // B[t, col] = Σ_x Λ̃[t + x, t] A[t + x, col] over trailing rows t
        for (let t = 0; t < m; t++) {
          const lp = rLamPtr[t];
          let acc = 0;
          for (let x = 0; x < rLen[t]; x++) {
            const u = t + x;
            acc += L[lp + x] * (u >= col ? a22[u + col * m] : a22[col + u * m]);
          }
          bTrail[t] = acc;
        }
        // first-term entries: B[(j, c), col] = Σ_{d ≥ c} Λ₁[d, c] A₂₁[col, (j, d)], at positions q
        const pStart = byRowStart[col];
        const pEnd = byRowStart[col + 1];
        for (let w = pStart; w < pEnd; w++) {
          const q = byRowPos[w];
          for (let c = 0; c < p1; c++) {
            let acc = 0;
            for (let d = c; d < p1; d++) acc += L[lo + d + c * p1] * a.a21[q * p1 + d];
            bFirst[(w - pStart) * p1 + c] = acc;
          }
        }
        // Σ row i times b, for the rows i of this level block and the R rows
        const rowTimesB = (i: number): number => {
          let acc = 0;
          const col = i * m;
          for (let t = 0; t < m; t++) acc += sig22[col + t] * bTrail[t];
          for (let w = pStart; w < pEnd; w++) {
            const q = byRowPos[w];
            // Σ₂₁[i, (j, c)] sits at the position of row i in level j's pattern
            const qi = positionOf(s, levelOf[q], i);
            if (qi < 0) continue;
            for (let c = 0; c < p1; c++) acc += sig21[qi * p1 + c] * bFirst[(w - pStart) * p1 + c];
          }
          return acc;
        };
        const h = lr.scratch;
        for (let x = 0; x < R; x++) h[x] = rowTimesB(qRest + x);
        const g = lr.weights(h);
        for (let sI = 0; sI < pk; sI++) {
          const i = t0 + sI;
          let corr = 0;
          for (let x = 0; x < R; x++) corr += sig22[i * m + qRest + x] * g[x];
          grads[k][r + sI * pk] += 2 * (sum * rowTimesB(i) - corr);
        }
      }
    }
  }
}

/** Position of trailing row i in first-term level j's pattern (rowIdx ascending), or −1. */
function positionOf(s: BlockStructure, j: number, i: number): number {
  const { colPtr, rowIdx } = s;
  let lo = colPtr[j];
  let hi = colPtr[j + 1];
  // a level that meets every trailing row (crossed designs): the position is an offset
  if (rowIdx[hi - 1] - rowIdx[lo] === hi - 1 - lo) return i >= rowIdx[lo] && i <= rowIdx[hi - 1] ? lo + i - rowIdx[lo] : -1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowIdx[mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo < colPtr[j + 1] && rowIdx[lo] === i ? lo : -1;
}

/**
 * ∂d/∂θ from ∂d/∂Λ by the chain rule through the term's parameterisation (src/model/covariance/):
 * where every Λ entry is a θ entry (us, diag — its planEntries say which), the sum of the entries'
 * derivatives; for cs and ar1, whose Λ is a nonlinear function of (sds, ρ), the Jacobian of
 * fillLambda by central differences of the map itself (cheap: p² entries per θ entry, no
 * criterion evaluations).
 */
export function thetaGradient(
  terms: ReMat[], lambdaGrads: Float64Array[], theta: ArrayLike<number>, out: Float64Array,
): Float64Array {
  for (let k = 0; k < terms.length; k++) {
    const c = terms[k].covariance;
    const p = c.size;
    const G = lambdaGrads[k];
    const entries = c.planEntries();
    for (let t = 0; t < c.thetaCount; t++) out[c.thetaOffset + t] = 0;
    if (entries.every((e) => e.thetaIndex >= 0)) {
      for (const e of entries) out[e.thetaIndex] += G[e.row + e.col * p];
      continue;
    }
    const at = Float64Array.from(theta);
    const up = new Float64Array(p * p);
    const dn = new Float64Array(p * p);
    for (let t = 0; t < c.thetaCount; t++) {
      const i = c.thetaOffset + t;
      const h = 1e-7 * Math.max(1, Math.abs(theta[i]));
      at[i] = theta[i] + h;
      c.fillLambda(at, up, 0);
      at[i] = theta[i] - h;
      c.fillLambda(at, dn, 0);
      at[i] = theta[i];
      let acc = 0;
      for (let e = 0; e < p * p; e++) acc += G[e] * (up[e] - dn[e]);
      out[i] = acc / (2 * h);
    }
  }
  return out;
}
