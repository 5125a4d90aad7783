/**
 * Tail probabilities and quantiles of the t and F distributions for the tests of this folder.
 * The regularized incomplete beta function comes from @stdlib (a port of Boost's ibeta, accurate
 * in both tails: a p-value of 1e-18 keeps its digits, where 1 − cdf would round to 0); df = ∞
 * falls back on the normal and χ² distributions.
 */
import betainc from "@stdlib/math-base-special-betainc";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import { pchisqUpper, pnorm, qnorm } from "../confint/distributions.js";

/** P(|T| > |t|) for T ~ t(df), as R's 2 * pt(abs(t), df, lower.tail = FALSE). */
export function ptTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return NaN;
  if (df === Infinity) return 2 * pnorm(-Math.abs(t));
  if (!Number.isFinite(t)) return 0;
  // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2)  (Abramowitz & Stegun 26.7.1 and 26.5.2)
  return betainc(df / (df + t * t), df / 2, 0.5, true, false);
}

/** P(F > f) for F ~ F(df1, df2), as R's pf(f, df1, df2, lower.tail = FALSE). */
export function pfUpper(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f) || Number.isNaN(df1) || Number.isNaN(df2)) return NaN;
  if (f <= 0) return 1;
  if (df2 === Infinity) return pchisqUpper(f * df1, df1);
  // P(F > f) = I_{df2/(df2 + df1 f)}(df2/2, df1/2)  (A&S 26.6.2)
  return betainc(df2 / (df2 + df1 * f), df2 / 2, df1 / 2, true, false);
}

/** The p-quantile of t(df), as R's qt(p, df); df = ∞ gives the normal quantile. */
export function qt(p: number, df: number): number {
  if (df === Infinity) return qnorm(p);
  return tQuantile(p, df);
}

/** Two-sided normal p-value P(|Z| > |z|), as lme4's Pr(>|z|). */
export function pnormTwoSided(z: number): number {
  return 2 * pnorm(-Math.abs(z));
}
