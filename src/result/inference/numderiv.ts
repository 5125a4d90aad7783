/**
 * Numerical derivatives by Richardson extrapolation, as R's numDeriv 2016.8 computes them
 * (numDeriv::hessian via genD, and numDeriv::jacobian), because lmerTest 3.1 takes its Hessian of
 * the deviance and its Jacobian of vcov(β) that way (R/lmer.R, as_lmerModLT): reproducing its
 * steps reproduces its numbers, errors included.
 *
 * Steps: h₀ = |d·x| + eps·(|x| < zero.tol), halved r − 1 times (v = 2); central differences at
 * each h, then Richardson's extrapolation (4ᵐ·A_{k+1} − A_k)/(4ᵐ − 1), m = 1 … r − 1.
 */

interface RichardsonArgs {
  eps: number;
  d: number;
  zeroTol: number;
  r: number;
}

const ZERO_TOL = Math.sqrt(2.220446049250313e-16 / 7e-7);
/** numDeriv::hessian's defaults (genD: d = 0.1) and numDeriv::jacobian's (d = 1e-4). */
export const HESSIAN_ARGS: RichardsonArgs = { eps: 1e-4, d: 0.1, zeroTol: ZERO_TOL, r: 4 };
export const JACOBIAN_ARGS: RichardsonArgs = { eps: 1e-4, d: 1e-4, zeroTol: ZERO_TOL, r: 4 };

function initialSteps(x: ArrayLike<number>, a: RichardsonArgs): Float64Array {
  return Float64Array.from(x, (xi) => Math.abs(a.d * xi) + a.eps * (Math.abs(xi) < a.zeroTol ? 1 : 0));
}

/** Richardson's extrapolation of the r approximations in `a` (vectors), in place; returns a[0]. */
function extrapolate(a: Float64Array[]): Float64Array {
  const r = a.length;
  for (let m = 1; m < r; m++) {
    const f = 4 ** m;
    for (let k = 0; k < r - m; k++) for (let i = 0; i < a[k].length; i++) a[k][i] = (a[k + 1][i] * f - a[k][i]) / (f - 1);
  }
  return a[0];
}

/** numDeriv::hessian(f, x) (method "Richardson", genD's lower triangle mirrored): k × k,
 *  column-major. */
export function hessian(f: (x: Float64Array) => number, x: ArrayLike<number>, args: RichardsonArgs = HESSIAN_ARGS): Float64Array {
  const n = x.length;
  const f0 = f(Float64Array.from(x));
  const h0 = initialSteps(x, args);
  const r = args.r;
  const diag = new Float64Array(n);
  const at = (steps: [number, number][]): number => {
    const y = Float64Array.from(x);
    for (const [i, s] of steps) y[i] += s;
    return f(y);
  };
  for (let i = 0; i < n; i++) {
    const approx: Float64Array[] = [];
    let h = h0[i];
    for (let k = 0; k < r; k++) {
      const f1 = at([[i, h]]);
      const f2 = at([[i, -h]]);
      approx.push(Float64Array.of((f1 - 2 * f0 + f2) / (h * h)));
      h /= 2;
    }
    diag[i] = extrapolate(approx)[0];
  }
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    H[i + i * n] = diag[i];
    for (let j = 0; j < i; j++) {
      const approx: Float64Array[] = [];
      let hi = h0[i];
      let hj = h0[j];
      for (let k = 0; k < r; k++) {
        const f1 = at([[i, hi], [j, hj]]);
        const f2 = at([[i, -hi], [j, -hj]]);
        approx.push(Float64Array.of((f1 - 2 * f0 + f2 - diag[i] * hi * hi - diag[j] * hj * hj) / (2 * hi * hj)));
        hi /= 2;
        hj /= 2;
      }
      const v = extrapolate(approx)[0];
      H[i + j * n] = v;
      H[j + i * n] = v;
    }
  }
  return H;
}

/** numDeriv::jacobian(f, x) (method "Richardson"): column i is ∂f/∂x_i (length of f(x) each). */
export function jacobian(
  f: (x: Float64Array) => Float64Array, x: ArrayLike<number>, args: RichardsonArgs = JACOBIAN_ARGS,
): Float64Array[] {
  const n = x.length;
  const h0 = initialSteps(x, args);
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const approx: Float64Array[] = [];
    let h = h0[i];
    for (let k = 0; k < args.r; k++) {
      const y = Float64Array.from(x);
      y[i] = x[i] + h;
      const f1 = f(y);
      y[i] = x[i] - h;
      const f2 = f(y);
      approx.push(f1.map((v, j) => (v - f2[j]) / (2 * h)));
      h /= 2;
    }
    out.push(extrapolate(approx));
  }
  return out;
}
