/**
 * A seeded stream of uniform 32-bit integers (mulberry32, T. Ettinger 2017): small and fast, for
 * the Krylov path's fixed probe vectors and for reproducible generated data in tests and benches.
 * Not for anything where statistical quality beyond that matters.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
