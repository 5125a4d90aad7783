import type { ConstructionPlan } from "../../../src/model/plan.js";
/**
 * A random crossed design big enough for the trailing block to be reordered (> 64 level blocks),
 * with vector-valued terms, and a naive dense evaluation of the same PLS quantities to check the
 * blocked system against (JSS 2015 eqs. 14–19 computed literally).
 */
import type { ModelMatrices, ReMat } from "../../../src/model/matrices.js";
import { choleskyInPlace } from "../../../src/linalg/cholesky.js";
import { lambdaBlock, makeCovariance, thetaVectors } from "../../../src/model/covariance/index.js";

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface TermDef { levels: number; p: number; correlated: boolean }

export function syntheticModel(seed: number, n: number, defs: TermDef[], p = 3): ModelMatrices {
  const rnd = lcg(seed);
  const X = new Float64Array(n * p);
  for (let i = 0; i < n; i++) X[i] = 1;
  for (let j = 1; j < p; j++) for (let i = 0; i < n; i++) X[i + j * n] = rnd() * 4 - 2;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = 3 + (p > 1 ? X[i + n] : 0) + rnd() * 2;
  let thetaOffset = 0;
  const reTerms: ReMat[] = defs.map((d, k) => {
    const refs = new Int32Array(n);
    for (let i = 0; i < n; i++) refs[i] = i < d.levels ? i : Math.floor(rnd() * d.levels);
    const z = new Float64Array(n * d.p);
    for (let i = 0; i < n; i++) for (let c = 0; c < d.p; c++) z[i * d.p + c] = c === 0 ? 1 : rnd() * 2 - 1;
    for (let i = 0; i < n; i++) y[i] += Math.sin(refs[i] * (k + 1));
    const columnNames = Array.from({ length: d.p }, (_, c) => (c === 0 ? "(Intercept)" : `x${c}`));
    const covariance = makeCovariance({ structure: d.correlated ? "us" : "diag", group: `g${k}`, columnNames, thetaOffset });
    thetaOffset += covariance.thetaCount;
    const t: ReMat = {
      group: `g${k}`, varCorrName: `g${k}`, levels: Array.from({ length: d.levels }, (_, l) => `L${l}`), refs,
      columnNames, z, covariance,
    };
    return t;
  });
  const th = thetaVectors(reTerms.map((t) => t.covariance));
  return {
    n, y, X, p, xNames: Array.from({ length: p }, (_, j) => (j === 0 ? "(Intercept)" : `x${j}`)), droppedX: [],
    weights: new Float64Array(n).fill(1), offset: new Float64Array(n), reTerms,
    theta0: Float64Array.from(th.start), lower: Float64Array.from(th.lower), upper: Float64Array.from(th.upper), thetaNames: th.names,
    ngroups: Object.fromEntries(reTerms.map((t) => [t.group, t.levels.length])), messages: [], plan: { formula: "synthetic" } as unknown as ConstructionPlan,
  };
}

export interface DenseReference {
  logDetL2: number;
  logDetRX2: number;
  pwrss: number;
  beta: Float64Array;
  u: Float64Array;
  /** Λ (LLᵀ)⁻¹ Λᵀ, q × q column-major. */
  condCov: Float64Array;
}

/** The PLS quantities by brute force: dense ZΛ, dense Ω, dense Cholesky and solves. */
export function denseReference(m: ModelMatrices, theta: ArrayLike<number>, w: Float64Array, z: Float64Array): DenseReference {
  const n = m.n, p = m.p;
  const offsets: number[] = [];
  let q = 0;
  for (const t of m.reTerms) { offsets.push(q); q += t.levels.length * t.columnNames.length; }
  // Λ (q × q)
  const lam = new Float64Array(q * q);
  m.reTerms.forEach((t, k) => {
    const pk = t.columnNames.length;
    const block = lambdaBlock(t.covariance, theta);
    for (let l = 0; l < t.levels.length; l++)
      for (let j = 0; j < pk; j++) for (let i = 0; i < pk; i++) {
        const o = offsets[k] + l * pk;
        lam[o + i + (o + j) * q] = block[i + j * pk];
      }
  });
  // ZΛ (n × q), row-major
  const zl = new Float64Array(n * q);
  m.reTerms.forEach((t, k) => {
    const pk = t.columnNames.length;
    for (let i = 0; i < n; i++) {
      const o = offsets[k] + t.refs[i] * pk;
      for (let c = 0; c < q; c++) {
        let v = 0;
        for (let a = 0; a < pk; a++) v += t.z[i * pk + a] * lam[o + a + c * q];
        zl[i * q + c] += v;
      }
    }
  });
  // Ω over [ZΛ, X, z], order N = q + p + 1
  const N = q + p + 1;
  const col = (i: number, j: number) => (j < q ? zl[i * q + j] : j < q + p ? m.X[i + (j - q) * n] : z[i]);
  const omega = new Float64Array(N * N);
  for (let a = 0; a < N; a++)
    for (let b = a; b < N; b++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += w[i] * col(i, a) * col(i, b);
      if (a === b && a < q) v += 1;
      omega[b + a * N] = v;
      omega[a + b * N] = v;
    }
  const L = Float64Array.from(omega);
  choleskyInPlace(L, N);
  for (let j = 1; j < N; j++) for (let i = 0; i < j; i++) L[i + j * N] = 0;
  let ld = 0, lx = 0;
  for (let j = 0; j < q; j++) ld += 2 * Math.log(L[j + j * N]);
  for (let j = q; j < q + p; j++) lx += 2 * Math.log(L[j + j * N]);
  const r = L[N * N - 1];
  // [u; β] = L_Mᵀ⁻¹ ℓ_y
  const sol = new Float64Array(q + p);
  for (let j = 0; j < q + p; j++) sol[j] = L[N - 1 + j * N];
  for (let j = q + p - 1; j >= 0; j--) {
    let s = sol[j];
    for (let i = j + 1; i < q + p; i++) s -= L[i + j * N] * sol[i];
    sol[j] = s / L[j + j * N];
  }
  // (L_Z L_Zᵀ)⁻¹ via columns, then Λ · · Λᵀ
  const inv = new Float64Array(q * q);
  for (let e = 0; e < q; e++) {
    const x = new Float64Array(q);
    x[e] = 1;
    for (let j = 0; j < q; j++) { x[j] /= L[j + j * N]; for (let i = j + 1; i < q; i++) x[i] -= L[i + j * N] * x[j]; }
    for (let j = q - 1; j >= 0; j--) { let s = x[j]; for (let i = j + 1; i < q; i++) s -= L[i + j * N] * x[i]; x[j] = s / L[j + j * N]; }
    inv.set(x, e * q);
  }
  const tmp = new Float64Array(q * q), cc = new Float64Array(q * q);
  for (let j = 0; j < q; j++) for (let i = 0; i < q; i++) { let v = 0; for (let k = 0; k < q; k++) v += lam[i + k * q] * inv[k + j * q]; tmp[i + j * q] = v; }
  for (let j = 0; j < q; j++) for (let i = 0; i < q; i++) { let v = 0; for (let k = 0; k < q; k++) v += tmp[i + k * q] * lam[j + k * q]; cc[i + j * q] = v; }
  return { logDetL2: ld, logDetRX2: lx, pwrss: r * r, beta: sol.slice(q), u: sol.slice(0, q), condCov: cc };
}
