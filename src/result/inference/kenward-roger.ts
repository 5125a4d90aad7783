/**
 * Kenward–Roger's adjusted covariance Φ_A of β̂ and its scaled F test, as pbkrtest 0.5 computes
 * them (R/KR_vcovAdj.R: vcovAdj_internal; R/KR_Sigma_G2.R: .get_SigmaG; R/KR_modcomp.R:
 * .KR_adjust; R/get_info_functions.R: Lb_ddf) — without any n × n matrix.
 *
 * pbkrtest's parameters ψ are the entries of each term's covariance σ²Λ_rΛ_rᵀ (lower triangle,
 * column-major, one per entry even for a zero covariance) and σ²; V = Σ_k ψ_k G_k with
 *   G_k = Z_r (I_ℓ ⊗ E_k) Z_rᵀ = Z D_k Zᵀ  (E_k = e_ie_jᵀ + e_je_iᵀ, or e_ie_iᵀ),   G_res = I.
 * It forms V (n × n), V⁻¹, and per parameter G_kV⁻¹ (n × n) to get
 *   P_k = −XᵀV⁻¹G_kV⁻¹X,  Q_kl = XᵀV⁻¹G_kV⁻¹G_lV⁻¹X,  K_kl = tr(G_kV⁻¹G_lV⁻¹),
 *   I_kl = K_kl − 2 tr(ΦQ_kl) + tr(ΦP_kΦP_l),  W = 2I⁻¹,
 *   Φ_A = Φ + 2Φ [Σ_kl W_kl (Q_kl − P_kΦP_l)] Φ.
 *
 * How this avoids n × n: V = σ²Ṽ, Ṽ = I + ZΛΛᵀZᵀ, and by Woodbury Ṽ⁻¹ = I − ZΩZᵀ with
 * Ω = ΛM⁻¹Λᵀ, M = ΛᵀZᵀZΛ + I (the PLS system's L_θL_θᵀ). Every G_k is Z-blocked (D_k is q × q
 * block diagonal, nonzero in one term's level blocks), so each quantity above is a product of the
 * q × q and q × p matrices
 *   S = ZᵀZ (sparse),  B = ZᵀX,  K = ΩS,  N = ZᵀṼ⁻¹Z = S − SK,  ZᵀṼ⁻¹X = B − KᵀB,
 *   ZᵀṼ⁻²Z = N − NK,  ZᵀṼ⁻²X = (I − Kᵀ)ZᵀṼ⁻¹X,  XᵀṼ⁻¹X = XᵀX − BᵀΩB,
 *   XᵀṼ⁻²X = XᵀṼ⁻¹X − BᵀΩZᵀṼ⁻¹X,  XᵀṼ⁻³X = XᵀṼ⁻²X − (ZᵀṼ⁻¹X)ᵀΩ(ZᵀṼ⁻¹X),
 *   tr Ṽ⁻² = n − 2 tr K + tr K²,
 * e.g. P_k = −σ⁻⁴ (ZᵀṼ⁻¹X)ᵀD_k(ZᵀṼ⁻¹X), K_kl = σ⁻⁴ tr(D_kND_lN), K_k,res = σ⁻⁴ tr(D_kZᵀṼ⁻²Z).
 * (ZᵀV⁻¹Z needs no Λ⁻¹, so singular fits are handled.)
 *
 * Cost: this is the "dense in q" route — K and N are dense q × q (for crossed factors ZᵀV⁻¹Z is
 * dense anyway, and tr(D_kND_lN) needs all of its cross-term blocks): q applications of M⁻¹
 * through the blocked Cholesky factor (O(q·(nnz(L₂₁) + q_rest²))), O(q·nnz(S)) for N, and
 * O(q²) memory. Nothing is n × n; every pass over the rows is O(n).
 */
import type { MixedModel } from "../model.js";
import { MixedModelsError } from "../../errors.js";
import { PlsSystem } from "../../fit/pls/pls-system.js";
import { makeLambdaStore, setLambda } from "../../fit/pls/lambda.js";
import { ginv, inv, matmul, rowsToColumnMajor, sandwich, symmetricEigen, transpose } from "./linalg.js";

/** Largest random-effects dimension q for which K and N (two dense q × q matrices) are formed. */
export const MAX_KR_Q = 12_000;

/** pbkrtest's vcovAdj result: Φ_A with its attributes P and W. */
export interface KrParts {
  /** Φ_A, p × p column-major. */
  PhiA: Float64Array;
  /** Φ = vcov(β̂) used throughout (lme4's). */
  Phi: Float64Array;
  /** P_k per parameter (p × p), and W = 2 I⁻¹ (k × k column-major). */
  P: Float64Array[];
  W: Float64Array;
  p: number;
}

/** One variance/covariance parameter of a term: its term and the (u, v) pairs of E_k. */
interface Param {
  term: number;
  pairs: [number, number][];
}

export class KenwardRogerError extends MixedModelsError {
  constructor(message: string) {
    super(message);
    this.name = "KenwardRogerError";
  }
}

export function kenwardRogerParts(model: MixedModel): KrParts {
  const mm = model.matrices;
  const fit = model.fit;
  if (model.isGLMM) throw new KenwardRogerError("Kenward-Roger's method is for linear mixed models (lmer fits) only");
  if (!fit.REML) throw new KenwardRogerError("Kenward-Roger's method is only available for REML model fits (refit with REML = true)");
  for (let i = 0; i < mm.n; i++) {
    if (mm.weights[i] !== 1) throw new KenwardRogerError("Kenward-Roger's method is not available with prior weights (pbkrtest's V = ZGZ' + σ²I has none)");
  }
  const { n, p, reTerms: terms } = mm;
  const off: number[] = [];
  let q = 0;
  for (const t of terms) {
    off.push(q);
    q += t.levels.length * t.columnNames.length;
  }
  if (q > MAX_KR_Q) {
    throw new KenwardRogerError(`Kenward-Roger's method needs two dense q × q matrices; q = ${q} random effects is more than the ${MAX_KR_Q} supported`);
  }
  const s2 = fit.sigma * fit.sigma;
  const sys = new PlsSystem(mm).setTheta(fit.theta).updateL();
  const lam = makeLambdaStore(terms);
  setLambda(lam, terms, fit.theta);
  const S = crossZ(model, off, q);
  const B = crossZX(model, off, q);
  const XX = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += mm.X[i + a * n] * mm.X[i + b * n];
      XX[a + b * p] = s;
      XX[b + a * p] = s;
    }

  // Ω v = Λ M⁻¹ Λᵀ v
  const scratch = new Float64Array(sys.structure.qRest);
  const lamT = (v: Float64Array, transposeIt: boolean) => {
    for (let k = 0; k < terms.length; k++) {
      const pk = terms[k].columnNames.length;
      const lo = lam.offsets[k];
      const tmp = new Float64Array(pk);
      for (let l = 0; l < terms[k].levels.length; l++) {
        const o = off[k] + l * pk;
        for (let r = 0; r < pk; r++) {
          let s = 0;
          for (let c = 0; c < pk; c++) s += (transposeIt ? lam.values[lo + c + r * pk] : lam.values[lo + r + c * pk]) * v[o + c];
          tmp[r] = s;
        }
        v.set(tmp, o);
      }
    }
  };
  // the level block (start, size) of a natural index
  const termStart = off.concat([q]);
  const blockOf = (i: number): { start: number; size: number } => {
    let k = 0;
    while (i >= termStart[k + 1]) k++;
    const pk = terms[k].columnNames.length;
    return { start: off[k] + Math.floor((i - off[k]) / pk) * pk, size: pk };
  };
  const omega = (v: Float64Array): Float64Array => {
    lamT(v, true);
    sys.solveM(v, scratch);
    lamT(v, false);
    return v;
  };
  // K = ΩS = Λ M⁻¹ (ΛᵀS): M⁻¹ dense from the blocked factor (solve-m.ts), then column c of K is
  // Λ M⁻¹ (ΛᵀS e_c) with ΛᵀS e_c sparse (S's column, Λ block diagonal)
  const N = sys.denseInverseM();
  const K = omegaS(S, N, q, (v, t) => lamT(v, t), blockOf);
  subtractSK(S, K, N, q);
  let trK = 0;
  let trK2 = 0;
  for (let a = 0; a < q; a++) {
    trK += K[a + a * q];
    for (let b = 0; b < q; b++) trK2 += K[a + b * q] * K[b + a * q];
  }
  // ZᵀṼ⁻¹X = B − KᵀB
  const ktMul = (Y: Float64Array): Float64Array => {
    const out = new Float64Array(q * p);
    for (let j = 0; j < p; j++)
      for (let a = 0; a < q; a++) {
        let s = 0;
        const ka = a * q;
        for (let c = 0; c < q; c++) s += K[ka + c] * Y[c + j * q];
        out[a + j * q] = s;
      }
    return out;
  };
  const KtB = ktMul(B);
  const NB = B.map((v, i) => v - KtB[i]);
  const KtNB = ktMul(NB);
  const Z2X = NB.map((v, i) => v - KtNB[i]);
  const omegaCols = (Y: Float64Array): Float64Array => {
    const out = new Float64Array(q * p);
    for (let j = 0; j < p; j++) {
      const v = Y.slice(j * q, (j + 1) * q);
      out.set(omega(v), j * q);
    }
    return out;
  };
  const OmB = omegaCols(B);
  const OmNB = omegaCols(NB);
  const crossQ = (A: Float64Array, C: Float64Array): Float64Array => {
    const out = new Float64Array(p * p);
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let i = 0; i < q; i++) s += A[i + a * q] * C[i + b * q];
        out[a + b * p] = s;
      }
    return out;
  };
  const BtOmB = crossQ(B, OmB);
  const BtOmNB = crossQ(B, OmNB);
  const NBtOmNB = crossQ(NB, OmNB);
  const X1X = XX.map((v, i) => v - BtOmB[i]);
  const X2X = X1X.map((v, i) => v - BtOmNB[i]);
  const X3X = X2X.map((v, i) => v - NBtOmNB[i]);
  const trV2 = n - 2 * trK + trK2;

  // the parameters, in pbkrtest's order: terms in order, each term's lower triangle column-major
  const params: Param[] = [];
  terms.forEach((t, r) => {
    const pr = t.columnNames.length;
    for (let j = 0; j < pr; j++)
      for (let i = j; i < pr; i++) params.push({ term: r, pairs: i === j ? [[i, i]] : [[i, j], [j, i]] });
  });
  const nRe = params.length;
  const G = nRe + 1; // with the residual variance last
  const s4 = 1 / (s2 * s2);
  const s6 = s4 / s2;
  const idx = (r: number, level: number, u: number) => off[r] + level * terms[r].columnNames.length + u;

  // Σ_a Σ_(u,v) A[a_u, :]ᵀ C[a_v, :]  (AᵀD_kC for q × p A and C)
  const dSandwich = (k: Param, A: Float64Array, C: Float64Array, scale: number): Float64Array => {
    const out = new Float64Array(p * p);
    const lr = terms[k.term].levels.length;
    for (let a = 0; a < lr; a++)
      for (const [u, v] of k.pairs) {
        const iu = idx(k.term, a, u);
        const iv = idx(k.term, a, v);
        for (let x = 0; x < p; x++) {
          const ax = A[iu + x * q] * scale;
          if (ax === 0) continue;
          for (let y = 0; y < p; y++) out[x + y * p] += ax * C[iv + y * q];
        }
      }
    return out;
  };
  // R_l = N D_l (ZᵀṼ⁻¹X), q × p
  const R = params.map((l) => {
    const out = new Float64Array(q * p);
    const lr = terms[l.term].levels.length;
    for (let b = 0; b < lr; b++)
      for (const [s, t] of l.pairs) {
        const bs = idx(l.term, b, s);
        const bt = idx(l.term, b, t);
        for (let y = 0; y < p; y++) {
          const nb = NB[bt + y * q];
          if (nb === 0) continue;
          const o = y * q;
          const ncol = bs * q; // N symmetric: N[x, b_s] = N[b_s, x], column b_s
          for (let x = 0; x < q; x++) out[o + x] += N[ncol + x] * nb;
        }
      }
    return out;
  });
  const P: Float64Array[] = params.map((k) => dSandwich(k, NB, NB, -s4));
  P.push(X2X.map((v) => -v * s4));
  const Q: Float64Array[][] = Array.from({ length: G }, () => new Array<Float64Array>(G));
  for (let i = 0; i < nRe; i++) {
    for (let j = i; j < nRe; j++) Q[i][j] = dSandwich(params[i], NB, R[j], s6);
    Q[i][nRe] = dSandwich(params[i], NB, Z2X, s6);
  }
  Q[nRe][nRe] = X3X.map((v) => v * s6);
  // K_kl = tr(G_kV⁻¹G_lV⁻¹)
  const Kt = new Float64Array(G * G);
  for (let i = 0; i < nRe; i++) {
    const ki = params[i];
    for (let j = i; j < nRe; j++) {
      const kj = params[j];
      let s = 0;
      const la = terms[ki.term].levels.length;
      const lb = terms[kj.term].levels.length;
      for (let a = 0; a < la; a++)
        for (const [u, v] of ki.pairs) {
          const au = idx(ki.term, a, u) * q;
          const av = idx(ki.term, a, v) * q;
          for (let b = 0; b < lb; b++)
            for (const [ss, tt] of kj.pairs) s += N[av + idx(kj.term, b, ss)] * N[au + idx(kj.term, b, tt)];
        }
      Kt[i + j * G] = Kt[j + i * G] = s * s4;
    }
    // tr(D_k ZᵀṼ⁻²Z), (ZᵀṼ⁻²Z)[x, y] = N[x, y] − N[:, x]·K[:, y]
    let s = 0;
    for (let a = 0; a < terms[ki.term].levels.length; a++)
      for (const [u, v] of ki.pairs) {
        const x = idx(ki.term, a, v);
        const y = idx(ki.term, a, u);
        let d = 0;
        for (let c = 0; c < q; c++) d += N[c + x * q] * K[c + y * q];
        s += N[x + y * q] - d;
      }
    Kt[i + nRe * G] = Kt[nRe + i * G] = s * s4;
  }
  Kt[nRe + nRe * G] = trV2 * s4;

  const Phi = Float64Array.from(fit.vcov);
  // the expected information (pbkrtest's IE2) and W = 2 IE2⁻¹
  const IE2 = new Float64Array(G * G);
  const PhiP = P.map((Pi) => matmul(Phi, Pi, p, p, p));
  const PPhi = P.map((Pi) => matmul(Pi, Phi, p, p, p));
  for (let i = 0; i < G; i++)
    for (let j = i; j < G; j++) {
      let tq = 0;
      let tp = 0;
      for (let e = 0; e < p * p; e++) {
        tq += Phi[e] * Q[i][j][e];
        tp += PhiP[i][e] * PPhi[j][e];
      }
      IE2[i + j * G] = IE2[j + i * G] = Kt[i + j * G] - 2 * tq + tp;
    }
  const { values } = symmetricEigen(IE2, G);
  const condi = Math.min(...values.map(Math.abs));
  const W = (condi > 1e-10 ? inv(IE2, G) : ginv(IE2, G)).map((v) => 2 * v);
  const U = new Float64Array(p * p);
  const addTerm = (i: number, j: number, w: number, into: Float64Array) => {
    const PPP = matmul(PPhi[i], P[j], p, p, p);
    for (let e = 0; e < p * p; e++) into[e] += w * (Q[i][j][e] - PPP[e]);
  };
  for (let i = 0; i < G - 1; i++) for (let j = i + 1; j < G; j++) addTerm(i, j, W[i + j * G], U);
  const Ut = transpose(U, p, p);
  for (let e = 0; e < p * p; e++) U[e] += Ut[e];
  for (let i = 0; i < G; i++) addTerm(i, i, W[i + i * G], U);
  const PhiUPhi = matmul(matmul(Phi, U, p, p, p), Phi, p, p, p);
  const PhiA = Phi.map((v, e) => v + 2 * PhiUPhi[e]);
  return { PhiA, Phi, P, W, p };
}

type Sparse = { ptr: Int32Array; idx: Int32Array; val: Float64Array };

/** K = ΩS = Λ M⁻¹ (ΛᵀS): column c is Λ M⁻¹ (ΛᵀS e_c), where ΛᵀS e_c is nonzero only in the level
 *  blocks that S e_c touches (Λ is block diagonal). `Minv` is M⁻¹, dense and symmetric. */
function omegaS(
  S: Sparse, Minv: Float64Array, q: number, lamT: (v: Float64Array, transposeIt: boolean) => void,
  blockOf: (i: number) => { start: number; size: number },
): Float64Array {
  const K = new Float64Array(q * q);
  const x = new Float64Array(q);
  const rcol = new Float64Array(q);
  for (let c = 0; c < q; c++) {
    rcol.fill(0);
    for (let t = S.ptr[c]; t < S.ptr[c + 1]; t++) rcol[S.idx[t]] = S.val[t];
    lamT(rcol, true);
    x.fill(0);
    for (let t = S.ptr[c]; t < S.ptr[c + 1]; t++) {
      const { start, size } = blockOf(S.idx[t]);
      for (let u = start; u < start + size; u++) {
        const ru = rcol[u];
        if (ru === 0) continue;
        rcol[u] = 0; // each block once
        axpy(x, Minv, u * q, ru, q);
      }
    }
    lamT(x, false);
    K.set(x, c * q);
  }
  return K;
}

/** x += a · y[off … off + n) */
function axpy(x: Float64Array, y: Float64Array, off: number, a: number, n: number): void {
  for (let i = 0; i < n; i++) x[i] += y[off + i] * a;
}

/** N = S − S K, into `N` (overwritten). */
function subtractSK(S: Sparse, K: Float64Array, N: Float64Array, q: number): void {
  N.fill(0);
  const { ptr, idx, val } = S;
  for (let c = 0; c < q; c++) {
    const kc = c * q;
    for (let t = ptr[c]; t < ptr[c + 1]; t++) N[kc + idx[t]] += val[t];
    for (let j = 0; j < q; j++) {
      const kjc = K[kc + j];
      if (kjc === 0) continue;
      for (let t = ptr[j]; t < ptr[j + 1]; t++) N[kc + idx[t]] -= val[t] * kjc;
    }
  }
}

/** The sparse symmetric ZᵀZ (compressed columns; row indices ascending not required). */
function crossZ(model: MixedModel, off: number[], q: number): Sparse {
  const mm = model.matrices;
  const acc = new Map<number, number>();
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < mm.n; i++) {
    cols.length = 0;
    vals.length = 0;
    mm.reTerms.forEach((t, k) => {
      const pk = t.columnNames.length;
      for (let c = 0; c < pk; c++) {
        cols.push(off[k] + t.refs[i] * pk + c);
        vals.push(t.z[i * pk + c]);
      }
    });
    for (let a = 0; a < cols.length; a++)
      for (let b = 0; b < cols.length; b++) {
        const key = cols[a] * q + cols[b];
        acc.set(key, (acc.get(key) ?? 0) + vals[a] * vals[b]);
      }
  }
  const count = new Int32Array(q + 1);
  for (const key of acc.keys()) count[Math.floor(key / q) + 1]++;
  for (let c = 0; c < q; c++) count[c + 1] += count[c];
  const fill = count.slice(0, q);
  const idx = new Int32Array(acc.size);
  const val = new Float64Array(acc.size);
  for (const [key, v] of acc) {
    const c = Math.floor(key / q);
    const pos = fill[c]++;
    idx[pos] = key - c * q;
    val[pos] = v;
  }
  return { ptr: count, idx, val };
}

/** ZᵀX, q × p column-major. */
function crossZX(model: MixedModel, off: number[], q: number): Float64Array {
  const mm = model.matrices;
  const { n, p } = mm;
  const B = new Float64Array(q * p);
  mm.reTerms.forEach((t, k) => {
    const pk = t.columnNames.length;
    for (let i = 0; i < n; i++)
      for (let c = 0; c < pk; c++) {
        const z = t.z[i * pk + c];
        if (z === 0) continue;
        const row = off[k] + t.refs[i] * pk + c;
        for (let j = 0; j < p; j++) B[row + j * q] += z * mm.X[i + j * n];
      }
  });
  return B;
}

/** The statistics of pbkrtest's .KR_adjust / Lb_ddf for a full-row-rank L (r × p, column-major). */
export interface KrAdjusted {
  ddf: number;
  Fscaling: number;
  /** Unscaled Wald F: (Lβ)ᵀ(LΦ_ALᵀ)⁻¹(Lβ)/q. */
  FstatU: number;
}

export function krAdjust(parts: KrParts, L: Float64Array, r: number, beta: ArrayLike<number>): KrAdjusted {
  const { Phi, PhiA, P, W, p } = parts;
  const G = P.length;
  // Θ = Lᵀ(LΦLᵀ)⁻¹L
  const LPL = inv(sandwich(L, Phi, r, p), r);
  const Lt = transpose(L, r, p);
  const Theta = matmul(matmul(Lt, LPL, p, r, r), L, p, r, p);
  const ThetaPhi = matmul(Theta, Phi, p, p, p);
  const u = P.map((Pi) => matmul(matmul(ThetaPhi, Pi, p, p, p), Phi, p, p, p));
  const tr = (a: Float64Array) => {
    let s = 0;
    for (let i = 0; i < p; i++) s += a[i + i * p];
    return s;
  };
  let A1 = 0;
  let A2 = 0;
  for (let i = 0; i < G; i++)
    for (let j = i; j < G; j++) {
      const e = i === j ? 1 : 2;
      const w = W[i + j * G];
      A1 += e * w * tr(u[i]) * tr(u[j]);
      let s = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) s += u[i][a + b * p] * u[j][b + a * p];
      A2 += e * w * s;
    }
  const q = r;
  const Bq = (1 / (2 * q)) * (A1 + 6 * A2);
  const g = ((q + 1) * A1 - (q + 4) * A2) / ((q + 2) * A2);
  const c1 = g / (3 * q + 2 * (1 - g));
  const c2 = (q - g) / (3 * q + 2 * (1 - g));
  const c3 = (q + 2 - g) / (3 * q + 2 * (1 - g));
  let V0 = 1 + c1 * Bq;
  const V1 = 1 - c2 * Bq;
  const V2 = 1 - c3 * Bq;
  if (Math.abs(V0) < 1e-10) V0 = 0;
  const x = 1 - A2 / q;
  const ratio = Math.abs(x) < 1e-14 && Math.abs(V1) < 1e-14 ? 1 : x / V1; // pbkrtest's .divZero
  const rho = (1 / q) * ratio * ratio * (V0 / V2);
  const ddf = 4 + (q + 2) / (q * rho - 1);
  const Fscaling = Math.abs(ddf - 2) < 1e-2 ? 1 : (ddf * (1 - A2 / q)) / (ddf - 2);
  // Wald statistic with Φ_A
  const Lb = new Float64Array(r);
  for (let i = 0; i < r; i++) for (let j = 0; j < p; j++) Lb[i] += L[i + j * r] * beta[j];
  const LPaL = inv(sandwich(L, PhiA, r, p), r);
  let wald = 0;
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) wald += Lb[i] * LPaL[i + j * r] * Lb[j];
  return { ddf, Fscaling, FstatU: wald / q };
}

export { rowsToColumnMajor };
