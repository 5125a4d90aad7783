/**
 * One-dimensional minimisation on an interval by Brent's method (golden section with parabolic
 * interpolation; Brent 1973, "Algorithms for Minimization without Derivatives", ch. 5), step for
 * step as R's optimize() runs it (src/library/stats/src/optimize.c, Brent_fmin), so that a
 * tolerance means what it means in R. Small enough to own: no npm package offers R's exact
 * stopping rule.
 */

export interface BrentResult {
  x: number;
  fx: number;
  evaluations: number;
}

/** The minimum of f on [lower, upper] to within tol (R's optimize(f, c(lower, upper), tol)). */
export function brentMinimize(f: (x: number) => number, lower: number, upper: number, tol: number): BrentResult {
  const c = (3 - Math.sqrt(5)) * 0.5;
  const eps = Math.sqrt(2.220446049250313e-16);
  let a = lower;
  let b = upper;
  let v = a + c * (b - a);
  let w = v;
  let x = v;
  let d = 0;
  let e = 0;
  let fx = f(x);
  let evaluations = 1;
  let fv = fx;
  let fw = fx;
  const tol3 = tol / 3;
  for (;;) {
    const xm = (a + b) * 0.5;
    const tol1 = eps * Math.abs(x) + tol3;
    const t2 = tol1 * 2;
    if (Math.abs(x - xm) <= t2 - (b - a) * 0.5) break;
    let p = 0;
    let q = 0;
    let r = 0;
    if (Math.abs(e) > tol1) {
      // fit a parabola through (v, w, x)
      r = (x - w) * (fx - fv);
      q = (x - v) * (fx - fw);
      p = (x - v) * q - (x - w) * r;
      q = (q - r) * 2;
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
    }
    let u: number;
    if (Math.abs(p) >= Math.abs(q * 0.5 * r) || p <= q * (a - x) || p >= q * (b - x)) {
      // golden-section step
      e = x < xm ? b - x : a - x;
      d = c * e;
    } else {
      // parabolic step, kept tol1 away from the ends
      d = p / q;
      u = x + d;
      if (u - a < t2 || b - u < t2) {
        d = tol1;
        if (x >= xm) d = -d;
      }
    }
    if (Math.abs(d) >= tol1) u = x + d;
    else if (d > 0) u = x + tol1;
    else u = x - tol1;
    const fu = f(u);
    evaluations++;
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      w = x;
      x = u;
      fv = fw;
      fw = fx;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, fx, evaluations };
}
