/**
 * The interpolation lme4's profile() uses (via R's splines package): a natural cubic interpolating
 * spline of ζ against the parameter (interpSpline), and its inverse (backSpline): the piecewise
 * cubic Hermite interpolant through the points (ζᵢ, xᵢ) with slopes 1/ζ'(xᵢ), from which confint()
 * reads the limits at ζ = ±z_{(1+level)/2}.
 */

/** Slopes at the knots of the natural cubic spline through (x, y), x strictly increasing
 *  (second derivative 0 at both ends; the tridiagonal system of de Boor, "A Practical Guide to
 *  Splines", ch. IV). */
export function naturalSplineSlopes(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = x.length;
  const slopes = new Float64Array(n);
  if (n < 2) return slopes;
  if (n === 2) {
    slopes.fill((y[1] - y[0]) / (x[1] - x[0]));
    return slopes;
  }
  const h = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) h[i] = x[i + 1] - x[i];
  // Second derivatives M (M₀ = M_{n−1} = 0) from the interior equations, by the Thomas algorithm.
  const M = new Float64Array(n);
  const diag = new Float64Array(n);
  const rhs = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    diag[i] = 2 * (h[i - 1] + h[i]);
    rhs[i] = 6 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1]);
  }
  for (let i = 2; i < n - 1; i++) {
    const f = h[i - 1] / diag[i - 1];
    diag[i] -= f * h[i - 1];
    rhs[i] -= f * rhs[i - 1];
  }
  for (let i = n - 2; i >= 1; i--) M[i] = (rhs[i] - (i < n - 2 ? h[i] * M[i + 1] : 0)) / diag[i];
  for (let i = 0; i < n - 1; i++) slopes[i] = (y[i + 1] - y[i]) / h[i] - (h[i] * (2 * M[i] + M[i + 1])) / 6;
  slopes[n - 1] = (y[n - 1] - y[n - 2]) / h[n - 2] + (h[n - 2] * (M[n - 2] + 2 * M[n - 1])) / 6;
  return slopes;
}

/** Value of the natural spline through (x, y) at t (linear beyond the end knots, as R's
 *  predict() of an interpSpline). */
export function naturalSplineAt(x: ArrayLike<number>, y: ArrayLike<number>, slopes: ArrayLike<number>, t: number): number {
  const n = x.length;
  if (t <= x[0]) return y[0] + slopes[0] * (t - x[0]);
  if (t >= x[n - 1]) return y[n - 1] + slopes[n - 1] * (t - x[n - 1]);
  return hermiteAt(x, y, slopes, t);
}

function hermiteAt(x: ArrayLike<number>, y: ArrayLike<number>, d: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= t) lo = mid;
    else hi = mid;
  }
  const h = x[hi] - x[lo];
  const s = (t - x[lo]) / h;
  const h00 = (1 + 2 * s) * (1 - s) * (1 - s);
  const h10 = s * (1 - s) * (1 - s);
  const h01 = s * s * (3 - 2 * s);
  const h11 = s * s * (s - 1);
  return h00 * y[lo] + h10 * h * d[lo] + h01 * y[hi] + h11 * h * d[hi];
}

/** A profile's forward spline ζ(x) and its inverse x(ζ). */
export interface ProfileSpline {
  /** Knots: parameter values (increasing) and ζ there. */
  x: Float64Array;
  zeta: Float64Array;
  /** dζ/dx at the knots. */
  slopes: Float64Array;
  /** Whether ζ increases strictly with x (otherwise the inverse is undefined: lme4 warns
   *  "non-monotonic profile"). */
  monotone: boolean;
}

export function profileSpline(x: ArrayLike<number>, zeta: ArrayLike<number>): ProfileSpline {
  const xs = Float64Array.from(x);
  const zs = Float64Array.from(zeta);
  const slopes = naturalSplineSlopes(xs, zs);
  let monotone = xs.length >= 2;
  for (let i = 1; i < zs.length; i++) if (!(zs[i] > zs[i - 1])) monotone = false;
  for (const s of slopes) if (!(s > 0)) monotone = false;
  return { x: xs, zeta: zs, slopes, monotone };
}

/** x at ζ = target by the inverse spline; NaN outside the profiled range or for a
 *  non-monotone profile (confint then falls back, as lme4's does). */
export function inverseAt(s: ProfileSpline, target: number): number {
  const n = s.x.length;
  if (!s.monotone || n < 2 || target < s.zeta[0] || target > s.zeta[n - 1]) return Number.NaN;
  const inv = Float64Array.from(s.slopes, (v) => 1 / v);
  return hermiteAt(s.zeta, s.x, inv, target);
}

/** Linear interpolation of x at ζ = target over raw points (lme4's fallback when the spline
 *  cannot be inverted). Points must be sorted by ζ. */
export function linearInverseAt(zeta: ArrayLike<number>, x: ArrayLike<number>, target: number): number {
  for (let i = 1; i < zeta.length; i++) {
    const a = zeta[i - 1];
    const b = zeta[i];
    if ((a <= target && target <= b) || (b <= target && target <= a)) {
      return b === a ? x[i] : x[i - 1] + ((target - a) / (b - a)) * (x[i] - x[i - 1]);
    }
  }
  return Number.NaN;
}
