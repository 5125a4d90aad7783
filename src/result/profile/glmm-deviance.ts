/**
 * The Laplace approximation to a GLMM's deviance at given (θ, β) — lme4's stage-2 deviance
 * function (`glmer` with nAGQ = 1), on dense matrices for profiling and refitting small models.
 *
 * At fixed θ and β, penalized iteratively reweighted least squares finds the conditional mode ũ
 * minimising  Σ d(yᵢ, μᵢ) + ‖u‖²,  η = offset + Xβ + ZΛu  (JSS 2015 §5; Bates, "lme4: Mixed-effects
 * modeling with R", ch. 6), by Fisher-scoring steps with step halving. The Laplace deviance is then
 *   log det(L Lᵀ) + ‖ũ‖² + aic(y, μ)        (lme4's glmResp::Laplace)
 * with L Lᵀ = Λᵀ Zᵀ W Z Λ + I at ũ and aic the family's −2 log-likelihood with its constants.
 */
import type { Family } from "../../fit/family/index.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { backSolve, choleskyInPlace, forwardSolve, logDet2 } from "./dense.js";
import { lambdaBlocksTimes, lambdaSandwich, lambdaTransposeTimes, reBlocks, reOffsets, termBlocks, zRows, zTimes } from "./re-layout.js";

export interface GlmmState {
  deviance: number;
  ldL2: number;
  /** Conditional modes on the spherical scale ũ, and b = Λũ. */
  u: Float64Array;
  b: Float64Array;
  eta: Float64Array;
  mu: Float64Array;
  /** Σ deviance residuals at the mode (lme4's deviance() of a glmerMod). */
  devResid: number;
  /** The Cholesky factor L (row-major q × q) at the mode. */
  L: Float64Array;
  /** Working weights at the mode. */
  W: Float64Array;
}

export interface GlmmSystem {
  n: number;
  p: number;
  q: number;
  /** Laplace deviance at (θ, β); warm-started from the previous mode. NaN when PIRLS fails. */
  laplace(theta: ArrayLike<number>, beta: ArrayLike<number>): number;
  /** The state of the last successful evaluation (views: copy to keep). */
  state(): GlmmState;
}

export interface GlmmSystemOptions {
  y?: Float64Array;
  maxIter?: number;
  tolerance?: number;
}

export function glmmSystem(m: ModelMatrices, family: Family, options: GlmmSystemOptions = {}): GlmmSystem {
  const n = m.n;
  const p = m.p;
  const { q } = reOffsets(m);
  if (q * q > 25_000_000) throw new RangeError(`the model has ${q} random effects: too many for the dense profile (at most 5000)`);
  const y = options.y ?? m.y;
  const wt = m.weights;
  const maxIter = options.maxIter ?? 60;
  const tol = options.tolerance ?? 1e-12;
  const z = zRows(m);
  const link = family.link;

  const blocks = reBlocks(m);
  const Ts = m.reTerms.map((t) => new Float64Array(t.columnNames.length ** 2));
  const u = new Float64Array(q);
  const uNew = new Float64Array(q);
  const b = new Float64Array(q);
  const zb = new Float64Array(n);
  const fixed = new Float64Array(n);
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  const W = new Float64Array(n);
  const G = new Float64Array(q * q);
  const A = new Float64Array(q * q);
  const rhs = new Float64Array(q);
  const zr = new Float64Array(n);
  const nTrials = wt;
  let last: GlmmState | null = null;

  /** η, μ and Σd + ‖u‖² at u (written into eta/mu). */
  function penalizedDeviance(uu: Float64Array): number {
    lambdaBlocksTimes(blocks, Ts, uu, b);
    zTimes(z, b, n, zb);
    let dev = 0;
    for (let i = 0; i < n; i++) {
      eta[i] = fixed[i] + zb[i];
      mu[i] = link.linkinv(eta[i]);
      dev += family.devResid(y[i], mu[i], wt[i]);
    }
    for (let i = 0; i < q; i++) dev += uu[i] * uu[i];
    return dev;
  }

  /** A = Λᵀ Zᵀ W Z Λ + I at the current η, and rhs = Λᵀ Zᵀ r − u (the score). */
  function normalEquations(uu: Float64Array): boolean {
    G.fill(0);
    rhs.fill(0);
    for (let i = 0; i < n; i++) {
      const me = link.muEta(eta[i]);
      const v = family.variance(mu[i]);
      W[i] = (wt[i] * me * me) / v;
      zr[i] = (wt[i] * (y[i] - mu[i]) * me) / v;
      for (let a = i * z.nnz; a < (i + 1) * z.nnz; a++) {
        const ca = z.cols[a];
        if (ca < 0) continue;
        const va = z.vals[a];
        rhs[ca] += va * zr[i];
        for (let c = i * z.nnz; c < (i + 1) * z.nnz; c++) if (z.cols[c] >= 0) G[ca * q + z.cols[c]] += W[i] * va * z.vals[c];
      }
    }
    // rhs ← Λᵀ (Zᵀ r) − u ; A ← Λᵀ G Λ + I
    lambdaTransposeTimes(blocks, Ts, rhs, uNew);
    for (let i = 0; i < q; i++) rhs[i] = uNew[i] - uu[i];
    lambdaSandwich(blocks, Ts, G, q, A);
    return choleskyInPlace(A, q);
  }

  function laplace(theta: ArrayLike<number>, beta: ArrayLike<number>): number {
    termBlocks(m, theta, Ts);
    for (let i = 0; i < n; i++) {
      let v = m.offset[i];
      for (let j = 0; j < p; j++) v += m.X[j * n + i] * beta[j];
      fixed[i] = v;
    }
    if (!last) u.fill(0);
    let pdev = penalizedDeviance(u);
    if (!Number.isFinite(pdev)) {
      u.fill(0);
      pdev = penalizedDeviance(u);
    }
    let converged = false;
    for (let it = 0; it < maxIter && !converged; it++) {
      if (!normalEquations(u)) return Number.NaN;
      forwardSolve(A, q, rhs);
      backSolve(A, q, rhs);
      let step = 1;
      let accepted = false;
      for (let half = 0; half < 30; half++, step /= 2) {
        for (let i = 0; i < q; i++) uNew[i] = u[i] + step * rhs[i];
        const d = penalizedDeviance(uNew);
        if (Number.isFinite(d) && d <= pdev + 1e-10 * Math.abs(pdev)) {
          converged = Math.abs(pdev - d) < tol * (1 + Math.abs(d));
          u.set(uNew);
          pdev = d;
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        converged = true; // no descent: at the mode to working precision
        penalizedDeviance(u);
      }
    }
    penalizedDeviance(u);
    if (!normalEquations(u)) return Number.NaN;
    const ldL2 = logDet2(A, q);
    let sqrL = 0;
    for (let i = 0; i < q; i++) sqrL += u[i] * u[i];
    let devResid = 0;
    for (let i = 0; i < n; i++) devResid += family.devResid(y[i], mu[i], wt[i]);
    const aic = family.aic(y as Float64Array, nTrials, mu, wt, devResid);
    const deviance = ldL2 + sqrL + aic;
    last = { deviance, ldL2, u, b, eta, mu, devResid, L: A, W };
    return deviance;
  }

  return {
    n,
    p,
    q,
    laplace,
    state() {
      if (!last) throw new Error("glmmSystem: no evaluation yet");
      return last;
    },
  };
}
