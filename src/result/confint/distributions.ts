/**
 * The χ² distribution for likelihood-ratio tests and profile cut-offs: P(X > x) through the
 * regularized incomplete gamma function (Numerical Recipes §6.2: series below a + 1, Lentz's
 * continued fraction above), and its quantile by safeguarded Newton steps.
 */
import { lgamma, pnorm, qnorm } from "../../fit/family/special.js";

export { pnorm, qnorm };

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let k = 1; k < 1000; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
  }
  return 1 - gammaQContinued(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the far tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaP(a, x) : gammaQContinued(a, x);
}

function gammaQContinued(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

/** P(X > x) for X ~ χ²(df) (R's pchisq(x, df, lower.tail = FALSE)). */
export function pchisqUpper(x: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  return gammaQ(df / 2, x / 2);
}

/** The p-quantile of χ²(df) (R's qchisq(p, df)). */
export function qchisq(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return Number.NaN;
  if (df === 1) return qnorm((1 + p) / 2) ** 2;
  // Wilson–Hilferty start, then bisection-guarded Newton on P(df/2, x/2) = p.
  const z = qnorm(p);
  let x = Math.max(1e-8, df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3);
  let lo = 0;
  let hi = Infinity;
  for (let it = 0; it < 200; it++) {
    const f = gammaP(df / 2, x / 2) - p;
    if (f > 0) hi = x;
    else lo = x;
    const dens = Math.exp((df / 2 - 1) * Math.log(x / 2) - x / 2 - lgamma(df / 2)) / 2;
    let next = x - f / dens;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : 2 * x;
    if (Math.abs(next - x) <= 1e-14 * x) return next;
    x = next;
  }
  return x;
}
