/**
 * The PLS system when the first random-effects term is scalar, evaluated in O(D·m²) per θ with D
 * the number of distinct first-term level "counts" and m the order of the trailing block —
 * independent of n and of the first term's number of levels (docs/crossed-evaluations.md).
 *
 * With the first term (1 | g₁) (or any one column z), parameter λ, level j's (weighted) count
 * aⱼ = Σ w z² and cⱼ = level j's row of Z₁ᵀW[Z₂ … Z_K X y] (length m = q_rest + p + 1):
 *
 *   L₁₁ = diag(√(λ²aⱼ + 1)),   L₂₁ⱼ = λ Λ̃ᵀcⱼ / √(λ²aⱼ + 1),   Λ̃ = blockdiag(Λ₂ … Λ_K, I_{p+1})
 *   L₂₂L₂₂ᵀ = Λ̃ᵀ (A₂₂ − Σ_a λ²/(λ²a + 1) · S_a) Λ̃ + I_rest,   S_a = Σ_{j : aⱼ = a} cⱼcⱼᵀ
 *   log|L_θ|² = Σ_a n_a log(λ²a + 1) + log|L₂₂,rest|²
 *
 * (JSS 2015 eqs. 17–18 with the first block eliminated in closed form.) The S_a are θ-free and made
 * once (src/sql/count-blocks.ts: one GROUP BY over g₁ streamed into them). The per-level cⱼ are
 * kept for what follows the fit: the first term's modes, from its row of the system,
 *
 *   (λ²aⱼ + 1) u₁ⱼ = λ cⱼᵀ [−b_rest; −β; 1],
 *
 * and its conditional variances, [M⁻¹]ⱼⱼ = 1/Dⱼ + ‖L_rr⁻¹ Bⱼ‖²/Dⱼ² with Dⱼ = λ²aⱼ + 1,
 * Bⱼ = λ Λ_restᵀ cⱼ,rest and L_rr the random-effects part of L₂₂ (the block inverse of
 * [D Bᵀ; B C]). The rest of the results read L₂₂ as PlsSystem does.
 */
import { choleskyUnblocked } from "../../linalg/cholesky.js";
import { inverseOfLowerProduct } from "../../linalg/inverse-product.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { bFromU, makeLambdaStore, setLambda, splitByTerm, type LambdaStore } from "./lambda.js";

/** What the count-grouped system is built from (θ-free; trailing indices in natural order: the
 *  later terms' levels term by term, level-major, then the p X columns, then y). */
export interface CountGroupedData {
  /** Per first-term level: aⱼ, and cⱼ at [j·m, (j+1)·m). */
  a: Float64Array;
  c: Float64Array;
  /** The distinct counts, how many levels have each, and their S_a (m × m, both triangles, column-major, a after a). */
  counts: Float64Array;
  multiplicity: Float64Array;
  S: Float64Array;
  /** A₂₂: [Z₂ … Z_K X y]ᵀW[Z₂ … Z_K X y], m × m, both triangles. */
  a22: Float64Array;
  /** Σ log wᵢ over the prior weights (0 without weights). */
  sumLogWeights: number;
}

/** The order of the trailing block: every later term's levels × columns, X's columns and y. */
export function trailingOrder(m: ModelMatrices): number {
  let q = 0;
  for (let k = 1; k < m.reTerms.length; k++) q += m.reTerms[k].levels.length * m.reTerms[k].columnNames.length;
  return q + m.p + 1;
}

/** Accumulates S_a from levels streamed in any order (cⱼ appended as they come). */
export class CountGroupedBuilder {
  private readonly byCount = new Map<number, number>();
  private readonly sums: Float64Array[] = [];
  private readonly mult: number[] = [];
  readonly a: Float64Array;
  readonly c: Float64Array;
  constructor(readonly levels: number, readonly m: number) {
    this.a = new Float64Array(levels);
    this.c = new Float64Array(levels * m);
  }

  /** Level j with count a and its cⱼ (length m; copied). */
  add(j: number, a: number, c: ArrayLike<number>): void {
    const m = this.m;
    this.a[j] = a;
    const o = j * m;
    for (let r = 0; r < m; r++) this.c[o + r] = c[r];
    let k = this.byCount.get(a);
    if (k === undefined) {
      k = this.sums.length;
      this.byCount.set(a, k);
      this.sums.push(new Float64Array(m * m));
      this.mult.push(0);
    }
    this.mult[k]++;
    const s = this.sums[k];
    // lower triangle only here; mirrored in data()
    for (let col = 0; col < m; col++) {
      const v = this.c[o + col];
      if (v === 0) continue;
      const cm = col * m;
      for (let r = col; r < m; r++) s[r + cm] += this.c[o + r] * v;
    }
  }

  /** Distinct counts so far. */
  get distinct(): number {
    return this.sums.length;
  }

  data(a22: Float64Array, sumLogWeights: number): CountGroupedData {
    const m = this.m;
    const D = this.sums.length;
    const S = new Float64Array(D * m * m);
    const counts = new Float64Array(D);
    for (const [a, k] of this.byCount) counts[k] = a;
    this.sums.forEach((s, k) => {
      const o = k * m * m;
      for (let col = 0; col < m; col++) {
        for (let r = col; r < m; r++) {
          S[o + r + col * m] = s[r + col * m];
          S[o + col + r * m] = s[r + col * m];
        }
      }
    });
    return { a: this.a, c: this.c, counts, multiplicity: Float64Array.from(this.mult), S, a22, sumLogWeights };
  }
}

export class CountGroupedSystem {
  readonly matrices: ModelMatrices;
  readonly n: number;
  readonly p: number;
  readonly q: number;
  readonly nTheta: number;
  readonly u: Float64Array;
  readonly beta: Float64Array;
  readonly theta: Float64Array;
  readonly rowsAbsent = true;
  /** Order of the trailing block and its random-effects part. */
  readonly m: number;
  readonly qRest: number;

  private readonly lambda: LambdaStore;
  private readonly data: CountGroupedData;
  private readonly l22: Float64Array;
  private readonly work: Float64Array;
  /** Per trailing index: its level block's first index, its column in the block, the block's size
   *  and the Λ block's offset in the store (X and y: a block of one with Λ = 1). */
  private readonly blockStart: Int32Array;
  private readonly blockCol: Int32Array;
  private readonly blockSize: Int32Array;
  private readonly blockLam: Int32Array;
  private ldL1 = 0;

  constructor(m: ModelMatrices, data: CountGroupedData) {
    const t1 = m.reTerms[0];
    if (t1.columnNames.length !== 1) throw new Error("internal: the count-grouped system needs a scalar first term");
    this.matrices = m;
    this.data = data;
    this.n = m.n;
    this.p = m.p;
    this.nTheta = m.theta0.length;
    this.theta = Float64Array.from(m.theta0);
    this.lambda = makeLambdaStore(m.reTerms);
    const order = trailingOrder(m);
    this.m = order;
    this.qRest = order - m.p - 1;
    this.q = t1.levels.length + this.qRest;
    this.u = new Float64Array(this.q);
    this.beta = new Float64Array(m.p);
    this.l22 = new Float64Array(order * order);
    this.work = new Float64Array(order * order);
    this.blockStart = new Int32Array(order);
    this.blockCol = new Int32Array(order);
    this.blockSize = new Int32Array(order).fill(1);
    this.blockLam = new Int32Array(order).fill(this.lambda.one);
    let r = 0;
    for (let k = 1; k < m.reTerms.length; k++) {
      const pk = m.reTerms[k].columnNames.length;
      for (let l = 0; l < m.reTerms[k].levels.length; l++) {
        for (let c = 0; c < pk; c++, r++) {
          this.blockStart[r] = r - c;
          this.blockCol[r] = c;
          this.blockSize[r] = pk;
          this.blockLam[r] = this.lambda.offsets[k];
        }
      }
    }
    for (; r < order; r++) this.blockStart[r] = r;
    if (data.a.length !== t1.levels.length || data.a22.length !== order * order) {
      throw new Error("internal: count-grouped data do not match the model's terms");
    }
    setLambda(this.lambda, m.reTerms, this.theta);
  }

  setTheta(theta: ArrayLike<number>): this {
    for (let i = 0; i < this.nTheta; i++) this.theta[i] = theta[i];
    setLambda(this.lambda, this.matrices.reTerms, this.theta);
    return this;
  }

  /** Λ-entry (row a, column b) of the trailing Λ̃ for indices in one level block (a ≥ b). */
  private lam(a: number, b: number): number {
    const size = this.blockSize[a];
    if (size === 1) return this.lambda.values[this.blockLam[a]];
    return this.lambda.values[this.blockLam[a] + this.blockCol[a] + this.blockCol[b] * size];
  }

  updateL(): this {
    const { m, qRest, data, work: t, l22 } = this;
    const lam1 = this.lambda.values[this.lambda.offsets[0]];
    const l2 = lam1 * lam1;
    // T = A₂₂ − Σ_a λ²/(λ²a + 1) S_a
    t.set(data.a22);
    const mm = m * m;
    let ld = 0;
    for (let k = 0; k < data.counts.length; k++) {
      const a = data.counts[k];
      const w = l2 / (l2 * a + 1);
      ld += data.multiplicity[k] * Math.log(l2 * a + 1);
      const o = k * mm;
      for (let i = 0; i < mm; i++) t[i] -= w * data.S[o + i];
    }
    this.ldL1 = ld;
    // Ω = Λ̃ᵀ T Λ̃ + I_rest (lower triangle), Λ̃ block-lower-triangular within level blocks:
    // (Λ̃ᵀTΛ̃)[i, j] = Σ_{a ≥ i in i's block} Σ_{b ≥ j in j's block} Λ[a, i] T[a, b] Λ[b, j]
    const { blockStart, blockSize } = this;
    for (let j = 0; j < m; j++) {
      const bj = blockStart[j] + blockSize[j];
      for (let i = j; i < m; i++) {
        const bi = blockStart[i] + blockSize[i];
        let s = 0;
        for (let a = i; a < bi; a++) {
          const la = this.lam(a, i);
          if (la === 0) continue;
          let inner = 0;
          for (let b = j; b < bj; b++) inner += t[a + b * m] * this.lam(b, j);
          s += la * inner;
        }
        l22[i + j * m] = i === j && i < qRest ? s + 1 : s;
      }
    }
    choleskyUnblocked(l22, m, 0, m);
    return this;
  }

  logDetL2(): number {
    let s = 0;
    for (let r = 0; r < this.qRest; r++) s += Math.log(this.l22[r + r * this.m]);
    return this.ldL1 + 2 * s;
  }

  logDetRX2(): number {
    const { qRest, m, p, l22 } = this;
    let s = 0;
    for (let c = qRest; c < qRest + p; c++) s += Math.log(l22[c + c * m]);
    return 2 * s;
  }

  pwrss(): number {
    const r = this.l22[this.m * this.m - 1];
    return r * r;
  }

  sumLogWeights(): number {
    return this.data.sumLogWeights;
  }

  /** β and u at the current factor; returns r²(θ). */
  solve(): number {
    const { m, qRest, p, l22, data } = this;
    // [u_rest; β] = L₂₂,(1:m−1)⁻ᵀ ℓ with ℓ the last row of L₂₂
    const x = new Float64Array(m - 1);
    for (let i = 0; i < m - 1; i++) x[i] = l22[m - 1 + i * m];
    for (let i = m - 2; i >= 0; i--) {
      let s = x[i];
      for (let k = i + 1; k < m - 1; k++) s -= l22[k + i * m] * x[k];
      x[i] = s / l22[i + i * m];
    }
    for (let j = 0; j < p; j++) this.beta[j] = x[qRest + j];
    const l1 = data.a.length;
    this.u.set(x.subarray(0, qRest), l1);
    // v = [−b_rest; −β; 1]; u₁ⱼ = λ cⱼᵀv / (λ²aⱼ + 1)
    const bRest = this.b().subarray(l1);
    const v = new Float64Array(m);
    for (let i = 0; i < qRest; i++) v[i] = -bRest[i];
    for (let j = 0; j < p; j++) v[qRest + j] = -this.beta[j];
    v[m - 1] = 1;
    const lam1 = this.lambda.values[this.lambda.offsets[0]];
    const l2 = lam1 * lam1;
    for (let j = 0; j < l1; j++) {
      const o = j * m;
      let s = 0;
      for (let r = 0; r < m; r++) s += data.c[o + r] * v[r];
      this.u[j] = (lam1 * s) / (l2 * data.a[j] + 1);
    }
    return this.pwrss();
  }

  b(out: Float64Array = new Float64Array(this.q)): Float64Array {
    return bFromU(this.lambda, this.matrices.reTerms, this.u, out);
  }

  splitByTerm(v: Float64Array): Float64Array[] {
    return splitByTerm(this.matrices.reTerms, v);
  }

  /** (R_XᵀR_X)⁻¹ from L₂₂'s X block, as PlsSystem.unscaledVcov. */
  unscaledVcov(): Float64Array {
    const { qRest, m, p, l22 } = this;
    return inverseOfLowerProduct(l22, p, qRest + qRest * m, m);
  }

  /** Per term, level-major p_k × p_k blocks of Λ(L_θL_θᵀ)⁻¹Λᵀ (see the module comment). */
  conditionalVarianceBlocks(): Float64Array[] {
    const { m, qRest, l22, data } = this;
    const terms = this.matrices.reTerms;
    const lam1 = this.lambda.values[this.lambda.offsets[0]];
    const l2 = lam1 * lam1;
    const l1 = data.a.length;
    // B̃ⱼ = Λ_restᵀ cⱼ,rest (× λ below), then ‖L_rr⁻¹ B̃ⱼ‖²
    const first = new Float64Array(l1);
    const y = new Float64Array(qRest);
    for (let j = 0; j < l1; j++) {
      const o = j * m;
      for (let i = 0; i < qRest; i++) {
        let s = 0;
        for (let a = i; a < this.blockStart[i] + this.blockSize[i]; a++) s += this.lam(a, i) * data.c[o + a];
        y[i] = s;
      }
      let norm2 = 0;
      for (let i = 0; i < qRest; i++) {
        let s = y[i];
        for (let k = 0; k < i; k++) s -= l22[i + k * m] * y[k];
        y[i] = s / l22[i + i * m];
        norm2 += y[i] * y[i];
      }
      const d = l2 * data.a[j] + 1;
      first[j] = l2 * (1 / d + (l2 * norm2) / (d * d));
    }
    const out: Float64Array[] = [first];
    // later terms: Σ = (L_rr L_rrᵀ)⁻¹, its level blocks sandwiched by Λ_k
    const sigma = new Float64Array(qRest * qRest);
    const e = new Float64Array(qRest);
    for (let c = 0; c < qRest; c++) {
      e.fill(0);
      e[c] = 1;
      for (let i = c; i < qRest; i++) {
        let s = e[i];
        for (let k = c; k < i; k++) s -= l22[i + k * m] * e[k];
        e[i] = s / l22[i + i * m];
      }
      sigma.set(e, c * qRest); // column c of L⁻¹

    }
    // sigma holds L⁻¹ by columns; Σ[a, b] = Σ_r L⁻¹[r, a] L⁻¹[r, b]
    let r0 = 0;
    for (let k = 1; k < terms.length; k++) {
      const pk = terms[k].columnNames.length;
      const lk = terms[k].levels.length;
      const lo = this.lambda.offsets[k];
      const L = this.lambda.values;
      const blocks = new Float64Array(lk * pk * pk);
      const inner = new Float64Array(pk * pk);
      for (let l = 0; l < lk; l++, r0 += pk) {
        for (let a = 0; a < pk; a++) {
          for (let b = 0; b < pk; b++) {
            let s = 0;
            const ca = (r0 + a) * qRest;
            const cb = (r0 + b) * qRest;
            for (let r = 0; r < qRest; r++) s += sigma[ca + r] * sigma[cb + r];
            inner[a + b * pk] = s;
          }
        }
        // Λ_k inner Λ_kᵀ
        const o = l * pk * pk;
        for (let a = 0; a < pk; a++) {
          for (let b = 0; b < pk; b++) {
            let s = 0;
            for (let c = 0; c <= a; c++) for (let d = 0; d <= b; d++) s += L[lo + a + c * pk] * inner[c + d * pk] * L[lo + b + d * pk];
            blocks[o + a + b * pk] = s;
          }
        }
      }
      out.push(blocks);
    }
    return out;
  }

  criterionGradient(): Float64Array {
    throw new Error("internal: the count-grouped system has no analytic gradient; it is used with BOBYQA only");
  }
}
