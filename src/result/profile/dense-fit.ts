/**
 * A complete fit of a small LMM or GLMM on the dense systems profiling uses, producing the same
 * FittedModel the fit stage does. Used to refit simulated responses in the parametric bootstrap
 * and as the reference path when the sparse fitters are not at hand; the fit stage's
 * `fitLmm`/`fitGlmm` remain the main entry points.
 *
 * LMM: θ̂ minimises the profiled ML/REML criterion (JSS 2015 eq. 34/41). GLMM: (θ̂, β̂) minimise the
 * Laplace deviance, started from the GLM fit without random effects; Var(β̂) is from the numerical
 * Hessian of the deviance in (θ, β), as lme4's vcov(use.hessian = TRUE).
 */
import { makeFamily, type Family } from "../../fit/family/index.js";
import type { FamilyName, FittedModel } from "../../fit/fitted.js";
import type { ModelMatrices } from "../../model/matrices.js";
import { choleskyInPlace, cholInverse } from "./dense.js";
import { glmmSystem } from "./glmm-deviance.js";
import { lmmSystem, profiledDeviance } from "./lmm-deviance.js";
import { minimize } from "./minimize.js";
import { lambdaTimes, reOffsets, zRows, zTimes } from "./re-layout.js";

export interface DenseFitOptions {
  family?: FamilyName;
  link?: string;
  REML?: boolean;
  /** Response to fit instead of m.y (bootstrap replicates). */
  y?: Float64Array;
  /** Starting θ (and β for GLMMs), e.g. the original fit's. */
  theta0?: ArrayLike<number>;
  beta0?: ArrayLike<number>;
}

export function fitDense(m: ModelMatrices, options: DenseFitOptions = {}): FittedModel {
  const start = Date.now();
  const family = makeFamily(options.family ?? "gaussian", options.link);
  const mm = options.y ? { ...m, y: options.y } : m;
  const fit = family.name === "gaussian" && family.link.name === "identity" ? fitLinear(mm, options.REML ?? true, options) : fitGeneralized(mm, family, options);
  fit.fitSeconds = (Date.now() - start) / 1000;
  return fit;
}

/** Diagonal of Λ (L Lᵀ)⁻¹ Λᵀ, per term in ranef layout: the conditional variances of b / σ². */
function conditionalVariances(m: ModelMatrices, theta: ArrayLike<number>, L: Float64Array): Float64Array {
  const { q } = reOffsets(m);
  const inv = cholInverse(L, q);
  const out = new Float64Array(q);
  const e = new Float64Array(q);
  const col = new Float64Array(q);
  // Row i of Λ times inv times its transpose, via Λ e_i… computed as (Λ inv Λᵀ)_ii column by column.
  const LamInv = new Float64Array(q * q);
  for (let c = 0; c < q; c++) {
    for (let r = 0; r < q; r++) e[r] = inv[r * q + c];
    lambdaTimes(m, theta, e, col);
    for (let r = 0; r < q; r++) LamInv[r * q + c] = col[r];
  }
  for (let r = 0; r < q; r++) {
    for (let c = 0; c < q; c++) e[c] = LamInv[r * q + c];
    lambdaTimes(m, theta, e, col);
    out[r] = col[r];
  }
  return out;
}

function splitByTerm(m: ModelMatrices, v: Float64Array, f: (x: number) => number = (x) => x): Float64Array[] {
  const { offsets } = reOffsets(m);
  return m.reTerms.map((t, k) => Float64Array.from(v.subarray(offsets[k], offsets[k] + t.levels.length * t.columnNames.length), f));
}

function linearPredictor(m: ModelMatrices, beta: ArrayLike<number>, b: Float64Array): Float64Array {
  const eta = zTimes(zRows(m), b, m.n);
  for (let i = 0; i < m.n; i++) {
    let v = m.offset[i];
    for (let j = 0; j < m.p; j++) v += m.X[j * m.n + i] * beta[j];
    eta[i] += v;
  }
  return eta;
}

function fitLinear(m: ModelMatrices, REML: boolean, options: DenseFitOptions): FittedModel {
  const sys = lmmSystem(m);
  const crit = (t: Float64Array) => {
    const st = sys.solve(t);
    return st ? profiledDeviance(st, sys.n, sys.p, sys.ldW, REML) : Infinity;
  };
  const r = minimize(crit, options.theta0 ?? m.theta0, { lower: m.lower, ftol: 1e-13 });
  const theta = Float64Array.from(r.x);
  const st = sys.solve(theta)!;
  const sigma = Math.sqrt(st.prss / (REML ? m.n - m.p : m.n));
  const beta = Float64Array.from(st.beta);
  const b = lambdaTimes(m, theta, st.u);
  const cv = conditionalVariances(m, theta, st.L);
  const vin = cholInverse(st.RX, m.p);
  const vcov = new Float64Array(m.p * m.p);
  for (let i = 0; i < m.p; i++) for (let j = 0; j < m.p; j++) vcov[j * m.p + i] = sigma * sigma * vin[i * m.p + j];
  const eta = linearPredictor(m, beta, b);
  const deviance = REML ? profiledDeviance(st, m.n, m.p, sys.ldW, false) : r.fx;
  return {
    family: "gaussian",
    link: "identity",
    REML,
    nAGQ: 1,
    matrices: m,
    theta,
    beta,
    sigma,
    objective: r.fx,
    vcov,
    ranef: splitByTerm(m, b),
    condSD: splitByTerm(m, cv, (v) => sigma * Math.sqrt(Math.max(v, 0))),
    eta,
    mu: Float64Array.from(eta),
    deviance,
    evaluations: r.evaluations,
    converged: true,
    messages: [],
    fitSeconds: 0,
  };
}

/** IRLS for the GLM without random effects: the starting β. */
function glmStart(m: ModelMatrices, family: Family): Float64Array {
  const { n, p, X } = m;
  const eta = Float64Array.from(m.y, (y, i) => family.link.linkfun(family.initialMu(y, m.weights[i])));
  const beta = new Float64Array(p);
  for (let it = 0; it < 25; it++) {
    const A = new Float64Array(p * p);
    const rhs = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const mu = family.link.linkinv(eta[i]);
      const me = family.link.muEta(eta[i]);
      const w = (m.weights[i] * me * me) / family.variance(mu);
      const zi = eta[i] - m.offset[i] + (m.y[i] - mu) / me;
      for (let j = 0; j < p; j++) {
        rhs[j] += w * X[j * n + i] * zi;
        for (let k = 0; k < p; k++) A[j * p + k] += w * X[j * n + i] * X[k * n + i];
      }
    }
    if (!choleskyInPlace(A, p)) break;
    const inv = cholInverse(A, p);
    for (let j = 0; j < p; j++) {
      let v = 0;
      for (let k = 0; k < p; k++) v += inv[j * p + k] * rhs[k];
      beta[j] = v;
    }
    for (let i = 0; i < n; i++) {
      let v = m.offset[i];
      for (let j = 0; j < p; j++) v += X[j * n + i] * beta[j];
      eta[i] = v;
    }
  }
  return beta;
}

/** Central-difference Hessian of f at x (step 1e-4 as lme4's deriv12). */
function hessian(f: (x: Float64Array) => number, x: Float64Array, h = 1e-4): Float64Array {
  const d = x.length;
  const H = new Float64Array(d * d);
  const y = Float64Array.from(x);
  const f0 = f(y);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let v: number;
      if (i === j) {
        y[i] = x[i] + h;
        const fp = f(y);
        y[i] = x[i] - h;
        const fm = f(y);
        y[i] = x[i];
        v = (fp - 2 * f0 + fm) / (h * h);
      } else {
        const g = (a: number, b: number) => {
          y[i] = x[i] + a;
          y[j] = x[j] + b;
          const r = f(y);
          y[i] = x[i];
          y[j] = x[j];
          return r;
        };
        v = (g(h, h) - g(h, -h) - g(-h, h) + g(-h, -h)) / (4 * h * h);
      }
      H[i * d + j] = H[j * d + i] = v;
    }
  }
  return H;
}

function fitGeneralized(m: ModelMatrices, family: Family, options: DenseFitOptions): FittedModel {
  const nth = m.theta0.length;
  const p = m.p;
  const sys = glmmSystem(m, family);
  const dev = (x: Float64Array) => sys.laplace(x.subarray(0, nth), x.subarray(nth));
  const x0 = Float64Array.from([...Array.from(options.theta0 ?? m.theta0), ...Array.from(options.beta0 ?? glmStart(m, family))]);
  const lower = Float64Array.from([...m.lower, ...new Array<number>(p).fill(-Infinity)]);
  const r = minimize(dev, x0, { lower, ftol: 1e-13 });
  const x = Float64Array.from(r.x);
  const objective = dev(x);
  const st = sys.state();
  const theta = x.slice(0, nth);
  const beta = x.slice(nth);
  const b = Float64Array.from(st.b);
  const cv = conditionalVariances(m, theta, Float64Array.from(st.L));
  const eta = Float64Array.from(st.eta);
  const mu = Float64Array.from(st.mu);
  const devResid = st.devResid;
  // vcov: the β block of 2·H⁻¹ over (θ, β); fall back to the PIRLS R_X when H is not positive definite.
  const H = hessian(dev, x);
  const d = nth + p;
  const Hc = Float64Array.from(H);
  const vcov = new Float64Array(p * p);
  if (choleskyInPlace(Hc, d)) {
    const inv = cholInverse(Hc, d);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) vcov[j * p + i] = 2 * inv[(nth + i) * d + nth + j];
  } else {
    const Hb = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) Hb[i * p + j] = H[(nth + i) * d + nth + j] / 2;
    if (choleskyInPlace(Hb, p)) vcov.set(cholInverse(Hb, p));
  }
  dev(x);
  return {
    family: family.name,
    link: family.link.name,
    REML: false,
    nAGQ: 1,
    matrices: m,
    theta,
    beta,
    sigma: 1,
    objective,
    vcov,
    ranef: splitByTerm(m, b),
    condSD: splitByTerm(m, cv, (v) => Math.sqrt(Math.max(v, 0))),
    eta,
    mu,
    deviance: devResid,
    evaluations: r.evaluations,
    converged: true,
    messages: [],
    fitSeconds: 0,
  };
}
