/**
 * Simulating mixed-model data on the sleepstudy design (18 subjects × days 0–9): a seeded random
 * number generator, multivariate normal and Poisson draws, and the two models of the seed notebook.
 * Used by examples/simulate-*.ts and by test/examples/ (Monte-Carlo recovery of the parameters).
 */

/** xoshiro128** (Blackman & Vigna 2018), seeded by splitmix32: fast, 2^128 − 1 period. */
export class Rng {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32 to spread the seed over the state
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  private next32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform on (0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.next32() >>> 5; // 27 bits
    const lo = this.next32() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }

  /** Standard normal by the Marsaglia polar method. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  /** Poisson(λ): Knuth's product of uniforms for λ < 10, Hörmann's PTRS (1993) otherwise. */
  poisson(lambda: number): number {
    if (lambda < 10) {
      const L = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > L) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.uniform() - 0.5;
      const V = this.uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

/** Lower Cholesky factor of a small symmetric positive-definite matrix. */
export function cholesky(Q: number[][]): number[][] {
  const n = Q.length;
  const L = Q.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = Q[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] * L[j][k];
    if (!(d > 0)) throw new Error("covariance matrix is not positive definite");
    L[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = Q[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** One draw from N(0, Q) given Q's lower Cholesky factor L: L·z with z standard normal. */
export function multivariateNormal(rng: Rng, L: number[][]): number[] {
  const z = L.map(() => rng.normal());
  return L.map((row) => row.reduce((s, l, k) => s + l * z[k], 0));
}

/** The seed notebook's truth: β = (2, 1), Q = 0.1·[[1, .25], [.25, 1]], σ² = 0.1. */
export const GAUSSIAN_TRUTH = { beta: [2, 1], Q: [[0.1, 0.025], [0.025, 0.1]], sigma2: 0.1 };
/** β = (0.1, 0.1) with the same Q, Poisson with log link. */
export const POISSON_TRUTH = { beta: [0.1, 0.1], Q: [[0.1, 0.025], [0.025, 0.1]] };

/** Columns, as lmer()/glmer() take them (a type alias, so it fits their column-record input). */
export type SimulatedData = {
  y: number[];
  Days: number[];
  Subject: string[];
};

/** The sleepstudy design: subjects 1–18, each observed on days 0–9. */
export const SUBJECTS = 18;
export const DAYS = 10;

/**
 * y = Xβ + Zb (+ ε) on the sleepstudy design with per-subject (intercept, Days) effects b ~ N(0, Q):
 * Gaussian with ε ~ N(0, σ²), or Poisson counts with mean exp(η).
 */
export function simulateSleepstudy(
  rng: Rng,
  truth: { beta: number[]; Q: number[][]; sigma2?: number },
  family: "gaussian" | "poisson",
): SimulatedData {
  const L = cholesky(truth.Q);
  const out: SimulatedData = { y: [], Days: [], Subject: [] };
  for (let s = 0; s < SUBJECTS; s++) {
    const b = multivariateNormal(rng, L);
    for (let d = 0; d < DAYS; d++) {
      const eta = truth.beta[0] + b[0] + (truth.beta[1] + b[1]) * d;
      const y = family === "gaussian" ? eta + Math.sqrt(truth.sigma2 ?? 0) * rng.normal() : rng.poisson(Math.exp(eta));
      out.y.push(y);
      out.Days.push(d);
      out.Subject.push(`S${String(s + 1).padStart(2, "0")}`);
    }
  }
  return out;
}
