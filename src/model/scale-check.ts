/**
 * lme4's checkScaleX (R/modular.R, lmerControl(check.scaleX = "warning"), tol 1e3): the columns of
 * a model matrix that are not all 0/1 are "on very different scales" when two standard deviations
 * differ by more than a factor 1e3, or one is more than 1e3 from 1. lme4 applies it to X and warns;
 * the LMM fit also applies it to the random-effects columns, which it then rescales internally
 * (src/fit/lmm/re-scaling.ts).
 */
export const SCALE_MESSAGE = "Some predictor variables are on very different scales: consider rescaling";
const SCALE_TOL = 1e3;

/** R's sd() of column j of a column-major n × p matrix, or null when the column is all 0/1
 *  (an intercept or an indicator, which lme4 leaves out). */
export function continuousColumnSd(a: ArrayLike<number>, n: number, j: number, stride = n, step = 1): number | null {
  let indicator = true;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const v = a[j * stride + i * step];
    if (v !== 0 && v !== 1) indicator = false;
    mean += v;
  }
  if (indicator || n < 2) return null;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = a[j * stride + i * step] - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - 1));
}

/** checkScaleX's test on the standard deviations of the continuous columns. */
export function onVeryDifferentScales(sds: readonly number[]): boolean {
  const logTol = Math.log(SCALE_TOL);
  const logs = sds.filter((s) => s > 0 && Number.isFinite(s)).map(Math.log);
  for (let i = 0; i < logs.length; i++) {
    if (Math.abs(logs[i]) > logTol) return true;
    for (let k = 0; k < i; k++) if (Math.abs(logs[i] - logs[k]) > logTol) return true;
  }
  return false;
}

/** The warning for X (column-major n × p), as lme4's lFormula gives it. */
export function checkScaleX(X: Float64Array, n: number, p: number): string | null {
  const sds: number[] = [];
  for (let j = 0; j < p; j++) {
    const s = continuousColumnSd(X, n, j);
    if (s !== null) sds.push(s);
  }
  return onVeryDifferentScales(sds) ? SCALE_MESSAGE : null;
}

/**
 * The largest magnitude a value may have so that the cross-products of n of them (Σ w v², the
 * PLS system's entries) stay finite: √(Number.MAX_VALUE / n). Beyond it the fit would fail with a
 * NaN Cholesky pivot instead of naming the column.
 */
export function overflowLimit(n: number): number {
  return Math.sqrt(Number.MAX_VALUE / Math.max(1, n)) / 16;
}

/** The first row whose |value| exceeds overflowLimit(n), or −1. `step`/`offset` read one column
 *  of a row-major matrix. */
export function firstOverflowRow(a: ArrayLike<number>, n: number, offset = 0, step = 1): number {
  const limit = overflowLimit(n);
  for (let i = 0; i < n; i++) if (Math.abs(a[offset + i * step]) > limit) return i;
  return -1;
}
