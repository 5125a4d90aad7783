/**
 * Orthogonal polynomials as R's poly(x, degree) makes them (stats:::poly, raw = FALSE).
 *
 * R centres x, takes the QR of [1, x, x², …] and keeps Q·diag(R), i.e. each power of x made
 * orthogonal to the lower ones, then scales the columns to unit length. The same columns come
 * from the three-term (Stieltjes) recurrence R's predict.poly uses with poly's `coefs`
 * (alpha, norm2): P₀ = 1, P₁ = x − α₀, P_{k+1} = (x − α_k)P_k − (‖P_k‖²/‖P_{k−1}‖²)P_{k−1},
 * α_k = Σ x P_k² / Σ P_k², which is what we compute.
 */
import { ModelError } from "./errors.js";

export interface PolyResult {
  /** Column-major n × degree values, missing rows NaN. */
  values: Float64Array;
  degree: number;
  /** R's `coefs` attribute: alpha (length degree) and norm2 (length degree + 2). */
  alpha: number[];
  norm2: number[];
}

/** poly(x, degree) over the non-missing entries of x (NaN rows stay NaN). */
export function orthogonalPolynomial(x: Float64Array, degree: number, label = "x"): PolyResult {
  if (!Number.isInteger(degree) || degree < 1) {
    throw new ModelError(`poly(): degree must be a positive integer, got ${degree}`, label);
  }
  const n = x.length;
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!)) distinct.add(x[i]!);
  if (degree >= distinct.size) {
    throw new ModelError(
      `poly(${label}, ${degree}): degree must be less than the number of distinct values of ${label} (${distinct.size})`,
      label,
    );
  }
  const values = new Float64Array(n * degree).fill(NaN);
  let prev = new Float64Array(n).fill(1); // P₀
  let cur = new Float64Array(n);
  let normPrev = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!)) normPrev += 1;
  const alpha: number[] = [];
  const norm2: number[] = [1, normPrev];
  let a = weightedMean(x, prev);
  alpha.push(a);
  for (let i = 0; i < n; i++) cur[i] = x[i]! - a;
  let normCur = sumSquares(cur, x);
  norm2.push(normCur);
  storeScaled(values, 0, cur, normCur, x);
  for (let k = 1; k < degree; k++) {
    a = weightedMean(x, cur);
    alpha.push(a);
    const ratio = normCur / normPrev;
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = (x[i]! - a) * cur[i]! - ratio * prev[i]!;
    prev = cur;
    cur = next;
    normPrev = normCur;
    normCur = sumSquares(cur, x);
    norm2.push(normCur);
    storeScaled(values, k, cur, normCur, x);
  }
  return { values, degree, alpha, norm2 };
}

/** Σ x P² / Σ P² over non-missing x. */
function weightedMean(x: Float64Array, p: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (Number.isNaN(xi)) continue;
    const w = p[i]! * p[i]!;
    num += xi * w;
    den += w;
  }
  return num / den;
}

function sumSquares(p: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(x[i]!)) s += p[i]! * p[i]!;
  return s;
}

function storeScaled(out: Float64Array, col: number, p: Float64Array, norm: number, x: Float64Array): void {
  const n = p.length;
  const s = 1 / Math.sqrt(norm);
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!)) out[col * n + i] = p[i]! * s;
}

/**
 * poly() columns at new x from a fit's coefficients, as R's predict.poly: the same recurrence with
 * the fit's alpha and norm2, so that new data get the fit's polynomial basis.
 */
export function polynomialFromCoefs(x: Float64Array, alpha: number[], norm2: number[]): Float64Array {
  const n = x.length;
  const degree = alpha.length;
  const out = new Float64Array(n * degree);
  let prev = new Float64Array(n).fill(1);
  let cur = new Float64Array(n);
  for (let i = 0; i < n; i++) cur[i] = x[i]! - alpha[0]!;
  for (let k = 0; k < degree; k++) {
    if (k > 0) {
      const next = new Float64Array(n);
      const ratio = norm2[k + 1]! / norm2[k]!;
      for (let i = 0; i < n; i++) next[i] = (x[i]! - alpha[k]!) * cur[i]! - ratio * prev[i]!;
      prev = cur;
      cur = next;
    }
    const s = 1 / Math.sqrt(norm2[k + 2]!);
    for (let i = 0; i < n; i++) out[k * n + i] = cur[i]! * s;
  }
  return out;
}
