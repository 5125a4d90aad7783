/**
 * The profiled (RE)ML criterion of `y ~ X + (1 | g1) + (1 | g2)` (two crossed scalar terms) by
 * Krylov methods, never factoring the ℓ₂ × ℓ₂ Schur complement S (crossed-operator.ts):
 *
 *   log|A|   = Σⱼ log eⱼ + log|P| + tr(S̃ − I) + tr g(S̃),   g(t) = log t − t + 1,
 *   S̃        = L⁻¹ S L⁻ᵀ with P = LLᵀ the preconditioner (below),
 *   tr(S̃)    exactly (one product), tr g(S̃) by stochastic Lanczos quadrature (Ubaru, Chen & Saad
 *              2017) with fixed Rademacher probes: subtracting the linear part exactly is a control
 *              variate that leaves the probes only the O((S̃ − I)²) remainder to estimate;
 *   C        = [X y]ᵀW[X y] − α F₁ᵀE⁻¹F₁ − GᵀS⁻¹G   ((p+1) × (p+1): the Schur complement of A in
 *              the PLS system; G = λ₂(F₂ − α NᵀE⁻¹F₁), Fₖ = ZₖᵀW[X y]), GᵀS⁻¹G by CG;
 *   chol(C) = [R_X ·; · r]: log|R_X|², r² and β̂ (JSS 2015 eqs. 18–19), then lmmDeviance.
 *
 * The preconditioner P = Δ − uuᵀ is Jacobi corrected by one rank-one term: in a crossed design the
 * pair counts are close to the independence model N_jk ≈ aⱼd_k/T, so NᵀE⁻¹N ≈ κ ddᵀ off the
 * diagonal, the one direction ("grand mean") that Jacobi alone leaves badly conditioned (there
 * S's Rayleigh quotient relative to its diagonal is about (1 + γd̄/(αā + 1)) / (1 + γd̄): 0.03 on
 * the bench data, while the rest of the spectrum of diag(S)⁻¹S lies near 1), u = √κ d with κ
 * fitted on d (setPreconditioner). Δ keeps S's diagonal. P's factor L = Δ^½(I − β vvᵀ) (P = LLᵀ),
 * v = Δ^-½u, and log|P| = log|Δ| + log(1 − vᵀv)
 * (the matrix determinant lemma) are closed forms. Sigrist et al. (2025, "Scalable computations for
 * GLMMs with crossed random effects using Krylov subspace methods") precondition the full system;
 * here the large factor is eliminated exactly first, so the Krylov methods see only ℓ₂.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { shiftResponse } from "../pls/response-shift.js";
import { lmmDeviance } from "../lmm/profiled-deviance.js";
import { NotPositiveDefiniteError } from "../../linalg/errors.js";
import { inverseOfLowerProduct } from "../../linalg/inverse-product.js";
import { allocateSchurState, applyN, applyNt, applySchur, crossedData, schurQuadratic, setSchurTheta, type CrossedData, type SchurState } from "./crossed-operator.js";
import { blockCg, LanczosJob, rademacherProbes, runJobs, type BlockOperator } from "./krylov.js";

/** The accuracy controls of the Krylov path (README "Huge crossed factors"). */
export interface KrylovControls {
  /** Rademacher probe vectors for the log-determinant (fixed for the fit). */
  probes: number;
  /** Seed of the probes. */
  seed: number;
  /** Lanczos steps per probe at most, and the change in a probe's quadrature (in units of the
   *  criterion, per probe) below which it stops. */
  lanczosSteps: number;
  lanczosTol: number;
  /** Probes of the conditional variances' estimate (conditionalDiagonal), once per fit. */
  diagonalProbes: number;
  /** CG: relative residual ‖r‖/‖b‖ at which a solve stops, and its iteration cap. */
  cgTol: number;
  cgMaxIter: number;
}

export const DEFAULT_KRYLOV_CONTROLS: KrylovControls = {
  probes: 4, seed: 20250612, lanczosSteps: 60, lanczosTol: 1e-8, diagonalProbes: 16, cgTol: 1e-10, cgMaxIter: 1000,
};

/** What one evaluation computed (kept for the results at the optimum). */
interface Evaluation {
  lambda1: number;
  lambda2: number;
  ldA: number;
  ldRX2: number;
  r2: number;
  /** chol(C) (k × k column-major, lower). */
  R: Float64Array;
  /** S⁻¹G (ℓ₂ × k, column per [X y] column). */
  sinvG: Float64Array[];
  cgIterations: number;
  lanczosSteps: number;
}

export class CrossedKrylovSystem {
  readonly n: number;
  readonly p: number;
  readonly data: CrossedData;
  readonly controls: KrylovControls;
  private readonly st: SchurState;
  private readonly probes: Float64Array[];
  private readonly beta0: Float64Array;
  private readonly ldW: number;
  /** Preconditioner of the current θ: Δ^-½, v, β' and log|P|. */
  private readonly dInvSqrt: Float64Array;
  private readonly v: Float64Array;
  private betaPrime = 0;
  private logP = 0;
  private c = 0;
  private scratch = new Float64Array(0);
  /** N·d (θ-free), for dᵀSd in setPreconditioner. */
  private readonly nd: Float64Array;
  /** Scratch panels of applySchur (8ℓ₂). */
  private readonly panel: Float64Array;
  last: Evaluation | null = null;
  /** Totals over the fit, for the report. */
  stats = { evaluations: 0, cgIterations: 0, lanczosSteps: 0 };

  constructor(readonly matrices: ModelMatrices, controls: Partial<KrylovControls> = {}) {
    const m = matrices;
    this.controls = { ...DEFAULT_KRYLOV_CONTROLS, ...controls };
    this.n = m.n;
    this.p = m.p;
    const w = Float64Array.from(m.weights);
    const z = new Float64Array(m.n);
    for (let i = 0; i < m.n; i++) z[i] = m.y[i] - m.offset[i];
    this.beta0 = shiftResponse(m, w, z);
    let ldW = 0;
    for (let i = 0; i < m.n; i++) if (w[i] > 0 && w[i] !== 1) ldW += Math.log(w[i]);
    this.ldW = ldW;
    this.data = crossedData(m, w, z);
    this.st = allocateSchurState(this.data);
    this.probes = rademacherProbes(this.controls.probes, this.data.l2, this.controls.seed);
    this.dInvSqrt = new Float64Array(this.data.l2);
    this.v = new Float64Array(this.data.l2);
    this.panel = new Float64Array(8 * this.data.l2);
    this.nd = new Float64Array(this.data.l1);
    applyN(this.data, this.data.d, this.nd, 1);
  }

  /** The criterion at θ = (λ₁, λ₂). Throws NotPositiveDefiniteError when C is not PD. */
  evaluate(theta: ArrayLike<number>, REML: boolean): number {
    const e = this.compute(theta[0], theta[1]);
    this.last = e;
    this.stats.evaluations++;
    this.stats.cgIterations += e.cgIterations;
    this.stats.lanczosSteps += e.lanczosSteps;
    return lmmDeviance(e.ldA, REML ? e.ldRX2 : 0, e.r2, this.n, this.p, this.ldW, REML);
  }

  /** The ML criterion at the last evaluation's θ (lme4's deviance(fit, REML = FALSE)). */
  mlDeviance(): number {
    const e = this.last!;
    return lmmDeviance(e.ldA, 0, e.r2, this.n, this.p, this.ldW, false);
  }

  private compute(lambda1: number, lambda2: number): Evaluation {
    const cd = this.data;
    const { l2, k } = cd;
    setSchurTheta(cd, this.st, lambda1, lambda2);
    this.setPreconditioner();
    const op = this.preconditionedOperator();
    // log|A| = Σ log eⱼ + log|P| + tr(S̃ − I) + tr g(S̃)
    let ldE = 0;
    for (let j = 0; j < cd.l1; j++) ldE -= Math.log(this.st.eInv[j]);
    const trace = this.traceSTilde() - l2;
    const K = this.probes.length;
    const { lanczosTol, lanczosSteps } = this.controls;
    const jobs = this.probes.map((z) => new LanczosJob(z, (t) => Math.log(t) - t + 1, lanczosTol, lanczosSteps));
    runJobs(op, l2, jobs);
    let g = 0;
    for (const j of jobs) g += j.value;
    const ldA = ldE + this.logP + trace + g / K;
    // G = λ₂(F₂ − α NᵀE⁻¹F₁), then S⁻¹G = L⁻ᵀ S̃⁻¹ L⁻¹ G by CG
    const tmp = new Float64Array(l2 * k);
    applyNt(cd, cd.f1, this.st.eInv, tmp, k);
    const cols: Float64Array[] = [];
    for (let c = 0; c < k; c++) {
      const col = new Float64Array(l2);
      for (let i = 0; i < l2; i++) col[i] = lambda2 * (cd.f2[i * k + c] - this.st.alpha * tmp[i * k + c]);
      cols.push(col);
    }
    const gHat = cols.map((col) => this.lInv(col));
    const { x: ys, iterations } = blockCg(op, l2, gHat, this.controls.cgTol, this.controls.cgMaxIter);
    const sinvG = ys.map((y) => this.lInvT(y));
    // C = C₀ − α F₁ᵀE⁻¹F₁ − GᵀS⁻¹G
    const C = Float64Array.from(cd.c0);
    const alpha = this.st.alpha;
    for (let j = 0; j < cd.l1; j++) {
      const s = alpha * this.st.eInv[j];
      const o = j * k;
      for (let c = 0; c < k; c++) for (let c2 = c; c2 < k; c2++) C[c2 + c * k] -= s * cd.f1[o + c] * cd.f1[o + c2];
    }
    for (let c = 0; c < k; c++) for (let c2 = c; c2 < k; c2++) C[c2 + c * k] -= 0.5 * (dotRaw(gHat[c], ys[c2]) + dotRaw(gHat[c2], ys[c]));
    const R = choleskyLower(C, k);
    let ldRX2 = 0;
    for (let c = 0; c < k - 1; c++) ldRX2 += 2 * Math.log(R[c + c * k]);
    const r = R[k * k - 1];
    let steps = 0;
    for (const j of jobs) steps += j.steps;
    return { lambda1, lambda2, ldA, ldRX2, r2: r * r, R, sinvG, cgIterations: iterations, lanczosSteps: steps };
  }

  /**
   * P = Δ − κddᵀ with Δ = diag(S) + κ d⊙d (P keeps S's diagonal) and κ chosen so that P and S have
   * the same Rayleigh quotient on d (dᵀSd from the θ-free N·d, no pass over N): dᵀPd = dᵀSd gives
   * κ = (dᵀdiag(S)d − dᵀSd) / ((dᵀd)² − Σd⁴). Then v = Δ^-½u, u = √κ d, and c = vᵀv < 1 keeps P
   * SPD (capped at 0.999 should the estimate exceed it).
   */
  private setPreconditioner(): void {
    const cd = this.data;
    const { l2, d } = cd;
    const diag = this.st.diag;
    const dSd = schurQuadratic(cd, this.st, d, this.nd);
    let dDiagD = 0;
    let dd = 0;
    let d4 = 0;
    for (let i = 0; i < l2; i++) {
      const di = d[i];
      dDiagD += di * di * diag[i];
      dd += di * di;
      d4 += di * di * di * di;
    }
    const denom = dd * dd - d4;
    const kappa = denom > 0 ? Math.max(0, (dDiagD - dSd) / denom) : 0;
    const su = Math.sqrt(kappa);
    let c = 0;
    let logDelta = 0;
    for (let i = 0; i < l2; i++) {
      const u = su * d[i];
      const delta = diag[i] + u * u;
      if (!(delta > 0)) throw new NotPositiveDefiniteError(i, delta, "Schur complement of the Krylov path");
      logDelta += Math.log(delta);
      this.dInvSqrt[i] = 1 / Math.sqrt(delta);
      this.v[i] = u * this.dInvSqrt[i];
      c += this.v[i] * this.v[i];
    }
    if (c > 0.999) {
      const s = Math.sqrt(0.999 / c);
      for (let i = 0; i < l2; i++) this.v[i] *= s;
      c = 0.999;
    }
    this.c = c;
    const beta = c > 0 ? (1 - Math.sqrt(1 - c)) / c : 0.5;
    this.betaPrime = beta / (1 - beta * c);
    this.logP = logDelta + Math.log(1 - c);
  }

  /** L⁻¹x = (I + β'vvᵀ) Δ^-½ x. */
  private lInv(x: Float64Array): Float64Array {
    const out = new Float64Array(x.length);
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      out[i] = x[i] * this.dInvSqrt[i];
      s += this.v[i] * out[i];
    }
    s *= this.betaPrime;
    for (let i = 0; i < x.length; i++) out[i] += s * this.v[i];
    return out;
  }

  /** L⁻ᵀx = Δ^-½ (I + β'vvᵀ) x. */
  private lInvT(x: Float64Array): Float64Array {
    const out = new Float64Array(x.length);
    const s = this.betaPrime * dotRaw(this.v, x);
    for (let i = 0; i < x.length; i++) out[i] = (x[i] + s * this.v[i]) * this.dInvSqrt[i];
    return out;
  }

  /** y ← S̃x = L⁻¹ S L⁻ᵀ x, for b interleaved vectors. */
  private preconditionedOperator(): BlockOperator {
    return (x, y, b) => {
      const l2 = this.data.l2;
      if (this.scratch.length < l2 * b) this.scratch = new Float64Array(l2 * b);
      const xs = this.scratch.subarray(0, l2 * b);
      const { v, dInvSqrt, betaPrime } = this;
      const s = new Float64Array(b);
      // xs = Δ^-½ (x + β' v (vᵀx))
      for (let i = 0; i < l2; i++) for (let c = 0; c < b; c++) s[c] += v[i] * x[i * b + c];
      for (let c = 0; c < b; c++) s[c] *= betaPrime;
      for (let i = 0; i < l2; i++) for (let c = 0; c < b; c++) xs[i * b + c] = (x[i * b + c] + s[c] * v[i]) * dInvSqrt[i];
      applySchur(this.data, this.st, xs, y, b, this.panel);
      // y = (I + β'vvᵀ) Δ^-½ y
      s.fill(0);
      for (let i = 0; i < l2; i++) {
        for (let c = 0; c < b; c++) {
          y[i * b + c] *= dInvSqrt[i];
          s[c] += v[i] * y[i * b + c];
        }
      }
      for (let c = 0; c < b; c++) s[c] *= betaPrime;
      for (let i = 0; i < l2; i++) for (let c = 0; c < b; c++) y[i * b + c] += s[c] * v[i];
    };
  }

  /** tr(S̃) = tr(SP⁻¹) = Σ S_kk/Δ_k + wᵀSw/(1 − c), P⁻¹ = Δ⁻¹ + wwᵀ/(1 − c), w = Δ^-½v (wᵀSw by
   *  one gather pass over N). */
  private traceSTilde(): number {
    const l2 = this.data.l2;
    let tr = 0;
    const w = new Float64Array(l2);
    for (let i = 0; i < l2; i++) {
      tr += this.st.diag[i] * this.dInvSqrt[i] * this.dInvSqrt[i];
      w[i] = this.v[i] * this.dInvSqrt[i];
    }
    return tr + schurQuadratic(this.data, this.st, w) / (1 - this.c);
  }

  /**
   * Results at the last evaluation: β (with the response shift added back), vcov(β)/σ² =
   * (R_XᵀR_X)⁻¹, the spherical modes u and the conditional variances' diagonal of A⁻¹ (estimated:
   * conditionalDiagonal).
   */
  solution(): { beta: Float64Array; r2: number; unscaledVcov: Float64Array; u1: Float64Array; u2: Float64Array } {
    const e = this.last!;
    const cd = this.data;
    const { k, l1, l2 } = cd;
    const p = this.p;
    const R = e.R;
    // β: R_X R_Xᵀ β = C_Xy  ⇔  forward/back with the lower factor: β = R_X⁻ᵀ (R_X⁻¹ C_Xy); the last row
    // of the lower factor holds R_X⁻¹ C_Xy
    const beta = new Float64Array(p);
    for (let c = p - 1; c >= 0; c--) {
      let s = R[k - 1 + c * k];
      for (let i = c + 1; i < p; i++) s -= R[i + c * k] * beta[i];
      beta[c] = s / R[c + c * k];
    }
    const unscaledVcov = inverseOfLowerProduct(R, p, 0, k);
    // u₂ = S⁻¹G c, u₁ = E⁻¹(λ₁F₁c − λ₁λ₂N u₂), c = [−β; 1]
    const cvec = new Float64Array(k);
    for (let c = 0; c < p; c++) cvec[c] = -beta[c];
    cvec[p] = 1;
    const u2 = new Float64Array(l2);
    for (let c = 0; c < k; c++) for (let i = 0; i < l2; i++) u2[i] += cvec[c] * e.sinvG[c][i];
    const nu = new Float64Array(l1);
    applyN(cd, u2, nu, 1);
    const u1 = new Float64Array(l1);
    for (let j = 0; j < l1; j++) {
      let f = 0;
      for (let c = 0; c < k; c++) f += cd.f1[j * k + c] * cvec[c];
      u1[j] = this.st.eInv[j] * (e.lambda1 * f - e.lambda1 * e.lambda2 * nu[j]);
    }
    for (let c = 0; c < p; c++) beta[c] += this.beta0[c];
    return { beta, r2: e.r2, unscaledVcov, u1, u2 };
  }

  /**
   * diag(A⁻¹) for both terms, estimated as the preconditioner's exact part plus a probe estimate of
   * the remainder (Bekas, Kokiopoulou & Saad 2007's stochastic diagonal estimator applied to
   * S⁻¹ − P⁻¹, small when P is good): diag(S⁻¹) ≈ diag(P⁻¹) + mean_z z ⊙ (S⁻¹ − P⁻¹)z, and for g1
   * level j, (A⁻¹)ⱼⱼ = 1/eⱼ + αγ/eⱼ² · nⱼᵀS⁻¹nⱼ with nⱼᵀS⁻¹nⱼ ≈ nⱼᵀP⁻¹nⱼ + mean_z (nⱼᵀz)(nⱼᵀ(S⁻¹ − P⁻¹)z).
   * One CG solve per probe, once per fit.
   */
  conditionalDiagonal(): { a1: Float64Array; a2: Float64Array } {
    const cd = this.data;
    const { l1, l2, rowPtr, col, val } = cd;
    const op = this.preconditionedOperator();
    const probes = rademacherProbes(this.controls.diagonalProbes, l2, this.controls.seed + 1);
    const K = probes.length;
    const { x: ys } = blockCg(op, l2, probes.map((z) => this.lInv(z)), this.controls.cgTol, this.controls.cgMaxIter);
    const w = new Float64Array(l2);
    for (let i = 0; i < l2; i++) w[i] = this.v[i] * this.dInvSqrt[i];
    const oneMinusC = 1 - this.c;
    const pInv = (x: Float64Array) => {
      const s = dotRaw(w, x) / oneMinusC;
      return x.map((xi, i) => xi * this.dInvSqrt[i] * this.dInvSqrt[i] + s * w[i]);
    };
    const rz = ys.map((y, q) => {
      const sz = this.lInvT(y);
      const pz = pInv(probes[q]);
      for (let i = 0; i < l2; i++) sz[i] -= pz[i];
      return sz;
    });
    const a2 = new Float64Array(l2);
    for (let i = 0; i < l2; i++) {
      let s = 0;
      for (let q = 0; q < K; q++) s += probes[q][i] * rz[q][i];
      a2[i] = this.dInvSqrt[i] * this.dInvSqrt[i] + w[i] * w[i] / oneMinusC + s / K;
    }
    const a1 = new Float64Array(l1);
    const { alpha, gamma, eInv } = this.st;
    for (let j = 0; j < l1; j++) {
      let quad = 0;
      let nw = 0;
      for (let q = rowPtr[j]; q < rowPtr[j + 1]; q++) {
        const c = col[q];
        quad += val[q] * val[q] * this.dInvSqrt[c] * this.dInvSqrt[c];
        nw += val[q] * w[c];
      }
      quad += nw * nw / oneMinusC;
      let corr = 0;
      for (let pr = 0; pr < K; pr++) {
        let nz = 0;
        let nr = 0;
        for (let q = rowPtr[j]; q < rowPtr[j + 1]; q++) {
          nz += val[q] * probes[pr][col[q]];
          nr += val[q] * rz[pr][col[q]];
        }
        corr += nz * nr;
      }
      quad += corr / K;
      a1[j] = eInv[j] + alpha * gamma * eInv[j] * eInv[j] * quad;
    }
    return { a1, a2 };
  }
}

function dotRaw(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Lower Cholesky factor of a small SPD matrix (column-major, lower triangle read). */
function choleskyLower(a: Float64Array, k: number): Float64Array {
  const L = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let s = a[j + j * k];
    for (let t = 0; t < j; t++) s -= L[j + t * k] ** 2;
    if (!(s > 0)) throw new NotPositiveDefiniteError(j, s, "fixed-effects block of the Krylov path");
    const d = Math.sqrt(s);
    L[j + j * k] = d;
    for (let i = j + 1; i < k; i++) {
      let v = a[i + j * k];
      for (let t = 0; t < j; t++) v -= L[i + t * k] * L[j + t * k];
      L[i + j * k] = v / d;
    }
  }
  return L;
}

