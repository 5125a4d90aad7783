/**
 * A small seeded random-number generator for simulate() and the parametric bootstrap, so that a
 * given seed reproduces the same draws on every platform (Math.random cannot be seeded).
 *
 * Uniforms: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32; normals: Marsaglia's
 * polar method; Poisson: multiplication of uniforms for small means, Hörmann's PTRS (1993) for
 * large; binomial: inversion by the pmf recurrence; gamma: Marsaglia & Tsang (2000); inverse
 * Gaussian: Michael, Schucany & Haas (1976). The streams are not R's: a seed reproduces our
 * own draws, not R's set.seed().
 */

export interface Rng {
  /** Uniform on (0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  poisson(mean: number): number;
  binomial(trials: number, prob: number): number;
  /** Gamma with the given shape and rate (mean shape/rate). */
  gamma(shape: number, rate: number): number;
  /** Inverse Gaussian with mean μ and shape λ. */
  inverseGaussian(mean: number, shape: number): number;
  /** An integer seed for a child generator (one per bootstrap replicate). */
  nextSeed(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator from an integer seed (any finite number; its low 32 bits and high bits both count). */
export function makeRng(seed: number): Rng {
  const mix = splitmix32((seed >>> 0) ^ Math.floor(seed / 4294967296));
  const s = new Uint32Array([mix(), mix(), mix(), mix()]);
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;

  function next32(): number {
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

  function uniform(): number {
    // 53 random bits, shifted off 0 so that log(u) is finite.
    const hi = next32() >>> 5;
    const lo = next32() >>> 6;
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }

  let spare: number | undefined;
  function normal(): number {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    for (;;) {
      const a = 2 * uniform() - 1;
      const b = 2 * uniform() - 1;
      const r = a * a + b * b;
      if (r > 0 && r < 1) {
        const f = Math.sqrt((-2 * Math.log(r)) / r);
        spare = b * f;
        return a * f;
      }
    }
  }

  function poisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`Poisson mean ${mean} is not a finite non-negative number`);
    if (mean === 0) return 0;
    if (mean < 30) {
      const limit = Math.exp(-mean);
      let k = 0;
      let prod = uniform();
      while (prod > limit) {
        k++;
        prod *= uniform();
      }
      return k;
    }
    return poissonPtrs(mean, uniform);
  }

  function binomial(trials: number, prob: number): number {
    if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`binomial trials ${trials} is not a non-negative integer`);
    if (!(prob >= 0 && prob <= 1)) throw new RangeError(`binomial probability ${prob} is not in [0, 1]`);
    if (prob === 0 || trials === 0) return 0;
    if (prob === 1) return trials;
    // Inversion with the pmf recurrence P(k+1) = P(k)·(n−k)/(k+1)·p/q, on the smaller tail.
    const flip = prob > 0.5;
    const p = flip ? 1 - prob : prob;
    const q = 1 - p;
    const ratio = p / q;
    let pk = Math.exp(trials * Math.log(q));
    let cdf = pk;
    const u = uniform();
    let k = 0;
    while (u > cdf && k < trials) {
      pk *= (ratio * (trials - k)) / (k + 1);
      k++;
      cdf += pk;
      if (pk === 0 && k > trials * p) break;
    }
    return flip ? trials - k : k;
  }

  /** Marsaglia & Tsang (2000); shape < 1 by the boost x·U^(1/shape). */
  function gamma(shape: number, rate: number): number {
    if (!(shape > 0) || !(rate > 0)) throw new RangeError(`gamma shape ${shape} and rate ${rate} must be positive`);
    if (shape < 1) return gamma(shape + 1, rate) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
    }
  }

  /** Michael, Schucany & Haas (1976): a root of the χ²₁ transformation, chosen at random. */
  function inverseGaussian(mean: number, shape: number): number {
    if (!(mean > 0) || !(shape > 0)) throw new RangeError(`inverse Gaussian mean ${mean} and shape ${shape} must be positive`);
    const z = normal();
    const y = z * z;
    const x = mean + (mean * mean * y) / (2 * shape) - (mean / (2 * shape)) * Math.sqrt(4 * mean * shape * y + mean * mean * y * y);
    return uniform() <= mean / (mean + x) ? x : (mean * mean) / x;
  }

  return { uniform, normal, poisson, binomial, gamma, inverseGaussian, nextSeed: () => next32() };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** PTRS: transformed rejection with squeeze, Hörmann (1993), for means ≥ 10. */
function poissonPtrs(mean: number, uniform: () => number): number {
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniform() - 0.5;
    const v = uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logFactorial(k)) {
      return k;
    }
  }
}

/** log(k!) by Stirling's series beyond a small table. */
export function logFactorial(k: number): number {
  if (k < 2) return 0;
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}
