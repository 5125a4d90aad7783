/**
 * lme4's deriv12 (R/deriv.R): central finite-difference gradient and Hessian of a criterion at a
 * point, as checkConv and glmer's Hessian-based standard errors use them:
 *
 *   H_jj = (f(x + δe_j) − 2f(x) + f(x − δe_j)) / δ²
 *   H_ij = (f(x+δe_i+δe_j) − f(x+δe_i−δe_j) − f(x−δe_i+δe_j) + f(x−δe_i−δe_j)) / (2δ)²
 *   g_j  = (f(x + δe_j) − f(x − δe_j)) / (2δ),         δ = 1e-4, no bounds (as lme4 calls it)
 */
export interface Derivatives {
  gradient: Float64Array;
  /** k × k, column-major. */
  hessian: Float64Array;
  evaluations: number;
}

/** lme4's deriv12(fun, x, delta = 1e-4, fx). */
export function deriv12(f: (x: Float64Array) => number, x: ArrayLike<number>, fx: number, delta = 1e-4): Derivatives {
  const k = x.length;
  const gradient = new Float64Array(k);
  const hessian = new Float64Array(k * k);
  const pt = Float64Array.from(x);
  let evaluations = 0;
  const at = (i: number, di: number, j: number, dj: number): number => {
    pt.set(x as ArrayLike<number>);
    pt[i] += di;
    if (j >= 0) pt[j] += dj;
    evaluations++;
    return f(pt);
  };
  for (let j = 0; j < k; j++) {
    const fadd = at(j, delta, -1, 0);
    const fsub = at(j, -delta, -1, 0);
    hessian[j + j * k] = (fadd - 2 * fx + fsub) / (delta * delta);
    gradient[j] = (fadd - fsub) / (2 * delta);
    for (let i = 0; i < j; i++) {
      const faa = at(i, delta, j, delta);
      const fas = at(i, delta, j, -delta);
      const fsa = at(i, -delta, j, delta);
      const fss = at(i, -delta, j, -delta);
      const h = (faa - fas - fsa + fss) / (4 * delta * delta);
      hessian[i + j * k] = h;
      hessian[j + i * k] = h;
    }
  }
  return { gradient, hessian, evaluations };
}

/**
 * The same derivatives from an analytic gradient: g at x as given, and the Hessian by central
 * differences of the gradient, H[·, j] = (g(x + δe_j) − g(x − δe_j)) / 2δ, symmetrised — 2k gradient
 * calls instead of deriv12's 2k² criterion calls (what makes checkConv affordable for many θ).
 * `gradient(x, out)` writes the gradient at x into out.
 */
export function deriv12FromGradient(
  gradient: (x: Float64Array, out: Float64Array) => void, x: ArrayLike<number>, delta = 1e-4,
): Derivatives {
  const k = x.length;
  const g = new Float64Array(k);
  const hessian = new Float64Array(k * k);
  const pt = Float64Array.from(x);
  const up = new Float64Array(k);
  const dn = new Float64Array(k);
  gradient(pt, g);
  for (let j = 0; j < k; j++) {
    pt[j] = x[j] + delta;
    gradient(pt, up);
    pt[j] = x[j] - delta;
    gradient(pt, dn);
    pt[j] = x[j];
    for (let i = 0; i < k; i++) hessian[i + j * k] = (up[i] - dn[i]) / (2 * delta);
  }
  for (let j = 0; j < k; j++)
    for (let i = 0; i < j; i++) {
      const h = (hessian[i + j * k] + hessian[j + i * k]) / 2;
      hessian[i + j * k] = h;
      hessian[j + i * k] = h;
    }
  return { gradient: g, hessian, evaluations: 2 * k + 1 };
}
