import { describe, expect, it } from "vitest";
import { choleskyInPlace } from "../../src/linalg/cholesky.js";
import { invertLower } from "../../src/linalg/invert-lower.js";
import { selectedInverse } from "../../src/linalg/selected-inverse.js";
import { lcg, randomSpd } from "./helpers.js";

/** (LLᵀ)⁻¹ = L⁻ᵀL⁻¹ in full, the simple way. */
function denseInverse(l: Float64Array, n: number, loff: number, ld: number): Float64Array {
  const m = invertLower(l, n, loff, ld);
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += m[k + i * n] * m[k + j * n];
      out[i + j * n] = s;
    }
  return out;
}

/** A sparse SPD matrix: a random sparse pattern plus a dense trailing clique of `clique` rows. */
function sparseSpd(n: number, clique: number, seed: number): Float64Array {
  const rnd = lcg(seed);
  const a = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    a[j + j * n] = n;
    for (let i = j + 1; i < n; i++) {
      if (i >= n - clique || rnd() > 0.4) {
        const v = rnd();
        a[i + j * n] = v;
        a[j + i * n] = v;
      }
    }
  }
  return a;
}

function expectSelectedInverse(l: Float64Array, n: number, loff: number, ld: number): void {
  const sig = selectedInverse(l, n, loff, ld);
  const full = denseInverse(l, n, loff, ld);
  let onPattern = 0;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      if (i < j) {
        expect(sig[i + j * n]).toBe(0);
        continue;
      }
      if (i === j || l[loff + i + j * ld] !== 0) {
        onPattern++;
        expect(Math.abs(sig[i + j * n] - full[i + j * n])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(full[i + j * n])));
      }
    }
  expect(onPattern).toBeGreaterThan(n);
}

describe("selectedInverse: Takahashi's recurrences give (LLᵀ)⁻¹ on L's pattern", () => {
  it("dense factor: the whole lower triangle of the inverse", () => {
    const n = 40;
    const l = randomSpd(n, 11);
    choleskyInPlace(l, n);
    expectSelectedInverse(l, n, 0, n);
  });

  it("sparse factor with a dense final clique, at an offset inside a larger array", () => {
    const n = 60;
    const a = sparseSpd(n, 15, 5);
    const ld = n + 3;
    const loff = 1 + 2 * ld;
    const big = new Float64Array(ld * (n + 2));
    for (let j = 0; j < n; j++) for (let i = j; i < n; i++) big[loff + i + j * ld] = a[i + j * n];
    choleskyInPlace(big, n, loff, ld);
    let zeros = 0;
    for (let j = 0; j < n; j++) for (let i = j + 1; i < n; i++) if (big[loff + i + j * ld] === 0) zeros++;
    expect(zeros).toBeGreaterThan(0); // the pattern really is sparse somewhere
    expectSelectedInverse(big, n, loff, ld);
  });

  it("diagonal L: 1/L_jj² on the diagonal", () => {
    const l = Float64Array.from([2, 0, 0, 0, 4, 0, 0, 0, 0.5]);
    const sig = selectedInverse(l, 3);
    expect(Array.from([sig[0], sig[4], sig[8]])).toEqual([0.25, 1 / 16, 4]);
  });
});
