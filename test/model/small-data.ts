/** A small data set used by the unit tests; the same values were given to R for the expected answers. */
export const small = {
  y: [1.5, 2.3, 3.1, 4.8, 5.2, 6.9, 7.1, 8.4, 9.0, 10.2, 11.7, 12.1],
  a: ["p", "q", "r", "p", "q", "r", "p", "q", "r", "p", "q", "r"],
  b: ["u", "u", "v", "v", "u", "u", "v", "v", "u", "u", "v", "v"],
  g: ["g1", "g1", "g1", "g1", "g2", "g2", "g2", "g2", "g3", "g3", "g3", "g3"],
  x: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6],
  z: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8],
};

export function smallWith(extra: Record<string, unknown[]>): Record<string, unknown[]> {
  return { ...small, ...extra };
}
