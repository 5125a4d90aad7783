/** Random symmetric positive-definite matrices (column-major, full) for the kernel tests. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A = B Bᵀ + n I for a random n × n B: symmetric, well-conditioned, positive definite. */
export function randomSpd(n: number, seed: number): Float64Array {
  const rnd = lcg(seed);
  const b = new Float64Array(n * n).map(() => rnd());
  const a = new Float64Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += b[i + k * n] * b[j + k * n];
      a[i + j * n] = s + (i === j ? n : 0);
    }
  return a;
}

/** max |(L Lᵀ − A)[i, j]| over the lower triangle, L the lower triangle of `l`. */
export function reconstructionError(l: Float64Array, a: Float64Array, n: number): number {
  let worst = 0;
  for (let j = 0; j < n; j++)
    for (let i = j; i < n; i++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += l[i + k * n] * l[j + k * n];
      worst = Math.max(worst, Math.abs(s - a[i + j * n]));
    }
  return worst;
}
