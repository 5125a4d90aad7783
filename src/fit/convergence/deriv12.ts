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
