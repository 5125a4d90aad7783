/**
 * The studentized range distribution: P(Q ≤ q) for the range of `nmeans` independent standard
 * normals divided by an independent √(χ²_df / df), as R's ptukey(q, nmeans, df) computes it.
 *
 * No kept npm package provides it (jstat and @stdlib have none), so it is written here from the
 * algorithm R's nmath/ptukey.c implements: Copenhaver M.D. & Holland B.S. (1988), "Computation of
 * the distribution of the maximum studentized range statistic with application to multiple
 * significance testing of simple effects", J. Statist. Comput. Simul. 30, 1–15. The range's
 * distribution for known σ is Hartley's form, integrated by Gauss–Legendre quadrature (12 points on
 * two or three panels of [w/2, 8]); the studentized version integrates that against the density of
 * s = √(χ²_df/df) by 16-point Gauss–Legendre on panels of width 1, ½, ¼ or ⅛ (by df) until a panel
 * adds less than 1e-14. The cut-offs are those of the paper (and R), so the values agree with R's
 * to its accuracy (about 1e-10 absolute, far below any p-value we print).
 *
 * The Gauss–Legendre nodes and weights are computed here (Newton's method on the Legendre
 * polynomials, Golub–Welsch-free), not tabulated.
 */
import { lgamma, pnorm } from "../../fit/family/special.js";

/** Nodes (positive half, descending) and weights of the n-point Gauss–Legendre rule on [−1, 1]. */
function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= Math.floor(n / 2); i++) {
    // Tricomi's approximation of the i-th root, then Newton on P_n.
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const step = p1 / dp;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    nodes.push(x);
    weights.push(2 / ((1 - x * x) * dp * dp));
  }
  return { nodes, weights };
}

const INNER = gaussLegendre(12);
const OUTER = gaussLegendre(16);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * P(range of `cc` standard normals ≤ w), raised to the power `rr` (the number of ranges), by
 * Hartley's form: [2Φ(w/2) − 1]^cc + cc ∫_{w/2}^{∞} φ(x) [Φ(x) − Φ(x − w)]^{cc−1} dx (times 2),
 * the integral truncated at 8 where it is below 1e-14.
 */
function rangeProbability(w: number, rr: number, cc: number): number {
  const half = w * 0.5;
  if (half >= 8) return 1;
  // first term: (2Φ(w/2) − 1)^cc, dropped when below exp(−50)
  let pr = 2 * pnorm(half) - 1;
  pr = pr >= Math.exp(-50 / cc) ? Math.pow(pr, cc) : 0;
  // fewer panels when w is large: the integrand is then small
  const panels = w > 3 ? 2 : 3;
  const width = (8 - half) / panels;
  const cc1 = cc - 1;
  let lower = half;
  let integral = 0;
  for (let k = 0; k < panels; k++) {
    const mid = lower + width / 2;
    const b = width / 2;
    let sum = 0;
    // nodes from −1 to 1: the negative half ascending, then the positive half ascending
    for (let jj = 0; jj < 12; jj++) {
      const j = jj < 6 ? jj : 11 - jj;
      const x = jj < 6 ? -INNER.nodes[j]! : INNER.nodes[j]!;
      const ac = mid + b * x;
      const qexpo = ac * ac;
      if (qexpo > 60) break; // exp(−qexpo/2) < 9e-14: nothing further contributes
      const inner = pnorm(ac) - pnorm(ac - w);
      if (inner >= Math.exp(-30 / cc1)) sum += INNER.weights[j]! * Math.exp(-0.5 * qexpo) * Math.pow(inner, cc1);
    }
    integral += (sum * 2 * b * cc) / SQRT_2PI;
    lower += width;
  }
  pr += integral;
  if (pr <= Math.exp(-30 / rr)) return 0;
  pr = Math.pow(pr, rr);
  return pr >= 1 ? 1 : pr;
}

/**
 * P(Q ≤ q) (lowerTail, default) or P(Q > q) for the studentized range of `nmeans` means with `df`
 * degrees of freedom (R's ptukey(q, nmeans, df, nranges = 1)). df may be non-integer (emmeans passes
 * Satterthwaite and Kenward–Roger df); df = Infinity gives the range of normals itself.
 */
export function ptukey(q: number, nmeans: number, df: number, lowerTail = true, nranges = 1): number {
  if (Number.isNaN(q) || Number.isNaN(nmeans) || Number.isNaN(df)) return NaN;
  if (df < 2 || nranges < 1 || nmeans < 2) return NaN;
  const tail = (p: number) => (lowerTail ? p : 1 - p);
  if (q <= 0) return tail(0);
  if (!Number.isFinite(q)) return tail(1);
  if (df > 25000) return tail(rangeProbability(q, nranges, nmeans));

  // log of the density constant of s = √(χ²_df/df) after the substitution u = s²: f2lf
  const f2 = df * 0.5;
  let f2lf = f2 * Math.log(df) - df * Math.LN2 - lgamma(f2);
  const f21 = f2 - 1;
  const ff4 = df * 0.25;
  const ulen = df <= 100 ? 1 : df <= 800 ? 0.5 : df <= 5000 ? 0.25 : 0.125;
  f2lf += Math.log(ulen);

  let ans = 0;
  let panel = 0;
  for (let i = 1; i <= 50; i++) {
    panel = 0;
    const centre = (2 * i - 1) * ulen;
    for (let jj = 0; jj < 16; jj++) {
      const upper = jj >= 8;
      const j = upper ? jj - 8 : jj;
      const offset = OUTER.nodes[j]! * ulen;
      const u = upper ? centre + offset : centre - offset;
      const t1 = f2lf + f21 * Math.log(u) - u * ff4;
      if (t1 >= -30) {
        const wprb = rangeProbability(q * Math.sqrt(u * 0.5), nranges, nmeans);
        panel += wprb * OUTER.weights[j]! * Math.exp(t1);
      }
    }
    // at least 1/ulen panels, so that a small area in the left tail is not missed
    if (i * ulen >= 1 && panel <= 1e-14) break;
    ans += panel;
  }
  return tail(Math.min(ans, 1));
}

/**
 * The p-quantile of the studentized range (R's qtukey(p, nmeans, df)), by bracketing and the
 * Illinois variant of regula falsi on ptukey. R's qtukey stops its secant iteration at an absolute error of 1e-4;
 * this one goes to 1e-10, so the two agree to R's 1e-4.
 */
export function qtukey(p: number, nmeans: number, df: number, nranges = 1): number {
  if (!(p >= 0 && p <= 1) || df < 2 || nmeans < 2 || nranges < 1) return NaN;
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const f = (x: number) => ptukey(x, nmeans, df, true, nranges) - p;
  let lo = 0;
  let hi = 1;
  while (f(hi) < 0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e6) return Infinity;
  }
  let flo = f(lo);
  let fhi = f(hi);
  // Illinois regula falsi: superlinear, and the bracket always shrinks
  let side = 0;
  for (let it = 0; it < 200 && hi - lo > 1e-10 * Math.max(1, hi); it++) {
    const x = lo - (flo * (hi - lo)) / (fhi - flo);
    const fx = f(x);
    if (fx === 0) return x;
    if (fx < 0) {
      lo = x;
      flo = fx;
      if (side === -1) fhi /= 2;
      side = -1;
    } else {
      hi = x;
      fhi = fx;
      if (side === 1) flo /= 2;
      side = 1;
    }
  }
  return (lo + hi) / 2;
}
