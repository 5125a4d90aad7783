/**
 * The linear mixed model's penalized least-squares solution at a given θ, on dense matrices, for
 * profiling and refitting small models (JSS 2015, Bates et al., §3.4–3.6):
 *
 *   L Lᵀ = Λᵀ Zᵀ W Z Λ + I                          (eq. 18)
 *   L R_ZX = Λᵀ Zᵀ W X,  R_Xᵀ R_X = Xᵀ W X − R_ZXᵀ R_ZX   (eq. 19–20, the blocked Cholesky factor)
 *   β̂ and û from the two triangular solves, r²(θ) = ‖W^½(y − Xβ̂ − ZΛû)‖² + ‖û‖²
 *
 * and from these the profiled ML and REML criteria (eq. 34, 41) and the deviance at a fixed σ that
 * lme4's devfun2 profiles (R/profile.R). The cross-products ZᵀWZ, ZᵀWX, XᵀWX are formed once per
 * system; evaluating θ allocates nothing. Models with many random effects use the fit stage's
 * blocked PlsSystem instead (same quantities, sparse factor).
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { PlsSystem } from "../../fit/pls/index.js";
import { backSolve, choleskyInPlace, cholInverse, forwardSolve, logDet2 } from "./dense.js";
import {
  lambdaBlocksTimes,
  lambdaSandwich,
  lambdaTransposeTimes,
  reBlocks,
  reOffsets,
  termBlocks,
  zRows,
  zTimes,
  type ZRows,
} from "./re-layout.js";

/** The pieces of the solution at one θ. Views into the system's buffers: copy to keep. */
export interface LmmState {
  /** log det(L Lᵀ), log det(R_Xᵀ R_X). */
  ldL2: number;
  ldRX2: number;
  /** Penalized weighted residual sum of squares r²(θ). */
  prss: number;
  beta: Float64Array;
  u: Float64Array;
}

export interface LmmSystem {
  n: number;
  p: number;
  q: number;
  /** Σ log wᵢ (lme4's ldW). */
  ldW: number;
  /** Solve at θ; null when L L' is not positive definite. */
  solve(theta: ArrayLike<number>): LmmState | null;
  /** (R_Xᵀ R_X)⁻¹ at the last solve (p × p, symmetric): Var(β̂) = σ² times it. */
  unscaledVcov(): Float64Array;
}

/** Optional replacements: X without a column and an offset that carries it (profiling a fixed
 *  effect, lme4's fe.zeta), or a new response (bootstrap). */
export interface LmmSystemOptions {
  X?: Float64Array;
  p?: number;
  offset?: Float64Array;
  y?: Float64Array;
  /** "dense" (small q, this file's kernels), "sparse" (the fit stage's blocked PlsSystem), or
   *  "auto" (default): dense up to DENSE_MAX_Q random effects. */
  engine?: "dense" | "sparse" | "auto";
}

/** Above this many random effects the dense kernels' O(q³) per θ loses to the blocked system. */
export const DENSE_MAX_Q = 400;

export function lmmSystem(m: ModelMatrices, options: LmmSystemOptions = {}): LmmSystem {
  const engine = options.engine ?? "auto";
  if (engine === "sparse" || (engine === "auto" && reOffsets(m).q > DENSE_MAX_Q)) return sparseLmmSystem(m, options);
  return denseLmmSystem(m, options);
}

/** The same solution through the fit stage's PlsSystem (src/fit/pls/): sparse blocked Cholesky. */
function sparseLmmSystem(m: ModelMatrices, options: LmmSystemOptions): LmmSystem {
  const mm: ModelMatrices = {
    ...m,
    X: options.X ?? m.X,
    p: options.p ?? m.p,
    offset: options.offset ?? m.offset,
    y: options.y ?? m.y,
  };
  const sys = new PlsSystem(mm);
  const state: LmmState = { ldL2: 0, ldRX2: 0, prss: 0, beta: sys.beta, u: sys.u };
  return {
    n: sys.n,
    p: sys.p,
    q: sys.q,
    ldW: sys.sumLogWeights(),
    solve(theta) {
      sys.setTheta(theta).updateL();
      state.ldL2 = sys.logDetL2();
      state.ldRX2 = sys.logDetRX2();
      state.prss = sys.solve();
      return Number.isFinite(state.ldL2) && Number.isFinite(state.ldRX2) && Number.isFinite(state.prss) ? state : null;
    },
    unscaledVcov: () => sys.unscaledVcov(),
  };
}

function denseLmmSystem(m: ModelMatrices, options: LmmSystemOptions): LmmSystem {
  const n = m.n;
  const X = options.X ?? m.X;
  const p = options.p ?? m.p;
  const offset = options.offset ?? m.offset;
  const yIn = options.y ?? m.y;
  const w = m.weights;
  const { q } = reOffsets(m);
  if (q * q > 25_000_000) {
    throw new RangeError(`the model has ${q} random effects: too many for the dense profile (at most 5000)`);
  }
  const z: ZRows = zRows(m);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = yIn[i] - offset[i];

  // Cross-products, weighted.
  const ZtWZ = new Float64Array(q * q);
  const ZtWX = new Float64Array(q * p);
  const ZtWy = new Float64Array(q);
  const XtWX = new Float64Array(p * p);
  const XtWy = new Float64Array(p);
  let ldW = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    ldW += Math.log(wi);
    for (let a = i * z.nnz; a < (i + 1) * z.nnz; a++) {
      const ca = z.cols[a];
      if (ca < 0) continue;
      const va = wi * z.vals[a];
      for (let b = i * z.nnz; b < (i + 1) * z.nnz; b++) if (z.cols[b] >= 0) ZtWZ[ca * q + z.cols[b]] += va * z.vals[b];
      for (let j = 0; j < p; j++) ZtWX[ca * p + j] += va * X[j * n + i];
      ZtWy[ca] += va * y[i];
    }
    for (let j = 0; j < p; j++) {
      const xij = wi * X[j * n + i];
      for (let k = 0; k < p; k++) XtWX[j * p + k] += xij * X[k * n + i];
      XtWy[j] += xij * y[i];
    }
  }

  // Buffers reused by every solve.
  const A = new Float64Array(q * q);
  const blocks = reBlocks(m);
  const Ts = m.reTerms.map((t) => new Float64Array(t.columnNames.length ** 2));
  const col2 = new Float64Array(q);
  const RZX = new Float64Array(q * p);
  const RX = new Float64Array(p * p);
  const cu = new Float64Array(q);
  const col = new Float64Array(q);
  const beta = new Float64Array(p);
  const u = new Float64Array(q);
  const b = new Float64Array(q);
  const zb = new Float64Array(n);
  const state: LmmState = { ldL2: 0, ldRX2: 0, prss: 0, beta, u };

  function solve(theta: ArrayLike<number>): LmmState | null {
    termBlocks(m, theta, Ts);
    // A = Λᵀ G Λ + I with G = ZᵀWZ (eq. 18).
    lambdaSandwich(blocks, Ts, ZtWZ, q, A);
    if (!choleskyInPlace(A, q)) return null;
    // cu = L⁻¹ Λᵀ ZᵀWy; R_ZX = L⁻¹ Λᵀ ZᵀWX (eq. 19).
    lambdaTransposeTimes(blocks, Ts, ZtWy, cu);
    forwardSolve(A, q, cu);
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < q; i++) col2[i] = ZtWX[i * p + j];
      lambdaTransposeTimes(blocks, Ts, col2, col);
      forwardSolve(A, q, col);
      for (let i = 0; i < q; i++) RZX[i * p + j] = col[i];
    }
    // R_Xᵀ R_X = XᵀWX − R_ZXᵀ R_ZX (eq. 20).
    for (let j = 0; j < p; j++)
      for (let k = 0; k <= j; k++) {
        let v = XtWX[j * p + k];
        for (let i = 0; i < q; i++) v -= RZX[i * p + j] * RZX[i * p + k];
        RX[j * p + k] = RX[k * p + j] = v;
      }
    if (!choleskyInPlace(RX, p)) return null;
    // β̂: R_Xᵀ R_X β = XᵀWy − R_ZXᵀ cu; û: Lᵀ u = cu − R_ZX β.
    for (let j = 0; j < p; j++) {
      let v = XtWy[j];
      for (let i = 0; i < q; i++) v -= RZX[i * p + j] * cu[i];
      beta[j] = v;
    }
    forwardSolve(RX, p, beta);
    backSolve(RX, p, beta);
    for (let i = 0; i < q; i++) {
      let v = cu[i];
      for (let j = 0; j < p; j++) v -= RZX[i * p + j] * beta[j];
      u[i] = v;
    }
    backSolve(A, q, u);
    // r² computed from the residuals directly (no cancellation).
    lambdaBlocksTimes(blocks, Ts, u, b);
    zTimes(z, b, n, zb);
    let prss = 0;
    for (let i = 0; i < n; i++) {
      let r = y[i] - zb[i];
      for (let j = 0; j < p; j++) r -= X[j * n + i] * beta[j];
      prss += w[i] * r * r;
    }
    for (let i = 0; i < q; i++) prss += u[i] * u[i];
    state.ldL2 = logDet2(A, q);
    state.ldRX2 = logDet2(RX, p);
    state.prss = prss;
    return state;
  }

  return { n, p, q, ldW, solve, unscaledVcov: () => cholInverse(RX, p) };
}

/** The profiled criterion lme4 minimises: −2 log-likelihood (ML, eq. 34) or the REML criterion
 *  (eq. 41), both with lme4's −Σ log wᵢ. */
export function profiledDeviance(s: LmmState, n: number, p: number, ldW: number, REML: boolean): number {
  if (!REML) return s.ldL2 - ldW + n * (1 + Math.log((2 * Math.PI * s.prss) / n));
  const nmp = n - p;
  return s.ldL2 - ldW + s.ldRX2 + nmp * (1 + Math.log((2 * Math.PI * s.prss) / nmp));
}

/** σ̂ at θ: √(r²/n) for ML, √(r²/(n − p)) for REML. */
export function sigmaHat(s: LmmState, n: number, p: number, REML: boolean): number {
  return Math.sqrt(s.prss / (REML ? n - p : n));
}

/** −2 log-likelihood at θ and a given σ, β profiled (lme4's devfun2 for LMMs):
 *  log det(LLᵀ) − Σ log w + r²/σ² + n log(2πσ²). */
export function devianceAtSigma(s: LmmState, n: number, ldW: number, sigma: number): number {
  const s2 = sigma * sigma;
  return s.ldL2 - ldW + s.prss / s2 + n * Math.log(2 * Math.PI * s2);
}
