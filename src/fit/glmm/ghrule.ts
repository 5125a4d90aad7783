/**
 * Gauss–Hermite rules for the standard normal density, as lme4's GHrule(k): knots z, weights w
 * (Σw = 1, so Σ w f(z) ≈ E f(Z) for Z ~ N(0, 1)) and log φ(z).
 *
 * Knots are the roots of the physicists' Hermite polynomial H_k, found by Newton's method on the
 * orthonormal three-term recurrence (Golub & Welsch 1969; Press et al., Numerical Recipes §4.5
 * "gauher"), starting from the asymptotic guesses for the largest roots; then z = √2·x and
 * w = w_H/√π turn ∫e^{−x²}f into E f(Z).
 */

export interface GHRule {
  z: Float64Array;
  w: Float64Array;
  /** log φ(z), the standard normal log density at each knot (lme4's `ldnorm` column). */
  ldnorm: Float64Array;
}

const PI_M4 = Math.pow(Math.PI, -0.25);

/** Orthonormal Hermite p_k(x) and p_{k−1}(x) by the recurrence
 *  p_j = x√(2/j) p_{j−1} − √((j−1)/j) p_{j−2}, p_0 = π^{−1/4}. */
function hermitePair(k: number, x: number): [number, number] {
  let p1 = PI_M4;
  let p2 = 0;
  for (let j = 1; j <= k; j++) {
    const p3 = p2;
    p2 = p1;
    p1 = x * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
  }
  return [p1, p2];
}

/** Roots x_i (descending) and weights of the k-point rule for ∫ e^{−x²} f(x) dx. */
function physicistsRule(k: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(k);
  const w = new Float64Array(k);
  const half = Math.floor((k + 1) / 2);
  let z = 0;
  for (let i = 0; i < half; i++) {
    // asymptotic starting guesses for the i-th largest root (Numerical Recipes §4.5)
    if (i === 0) z = Math.sqrt(2 * k + 1) - 1.85575 * Math.pow(2 * k + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(k, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0];
    else if (i === 3) z = 1.91 * z - 0.91 * x[1];
    else z = 2 * z - x[i - 2];
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      const [p1, p2] = hermitePair(k, z);
      // derivative of the orthonormal p_k: p_k' = √(2k) p_{k−1}
      pp = Math.sqrt(2 * k) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    const [, p2] = hermitePair(k, z);
    pp = Math.sqrt(2 * k) * p2;
    x[i] = z;
    x[k - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[k - 1 - i] = w[i];
  }
  if (k % 2 === 1) x[half - 1] = 0;
  return { x, w };
}

/** lme4's GHrule(k) for 1 ≤ k ≤ 100: knots in increasing order. */
export function ghRule(k: number): GHRule {
  if (!Number.isInteger(k) || k < 1 || k > 100) {
    throw new RangeError(`the number of quadrature points nAGQ must be an integer from 1 to 100, not ${k}`);
  }
  const { x, w } = physicistsRule(k);
  const z = new Float64Array(k);
  const wn = new Float64Array(k);
  const ldnorm = new Float64Array(k);
  const sqrtPi = Math.sqrt(Math.PI);
  let total = 0;
  for (let i = 0; i < k; i++) {
    // x is descending; lme4's knots ascend
    const xi = x[k - 1 - i];
    z[i] = Math.SQRT2 * xi;
    wn[i] = w[k - 1 - i] / sqrtPi;
    total += wn[i];
  }
  for (let i = 0; i < k; i++) {
    // renormalise so Σw = 1 exactly, as lme4's tabulated rules are
    wn[i] /= total;
    ldnorm[i] = -0.5 * z[i] * z[i] - 0.5 * Math.log(2 * Math.PI);
  }
  return { z, w: wn, ldnorm };
}
