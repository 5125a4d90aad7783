import { describe, expect, it } from "vitest";
import { choleskyInPlace, choleskyUnblocked } from "../../src/linalg/cholesky.js";
import { NotPositiveDefiniteError } from "../../src/linalg/errors.js";
import { randomSpd, reconstructionError } from "./helpers.js";

describe("choleskyInPlace", () => {
  // sizes below, at and across the panel width (48), odd and even trailing sizes
  for (const n of [1, 2, 3, 7, 47, 48, 49, 97, 150]) {
    it(`L Lᵀ = A for n = ${n}`, () => {
      const a = randomSpd(n, n);
      const l = Float64Array.from(a);
      choleskyInPlace(l, n);
      expect(reconstructionError(l, a, n)).toBeLessThan(1e-10 * n);
      for (let j = 0; j < n; j++) expect(l[j + j * n]).toBeGreaterThan(0);
    });
  }

  it("leaves the strict upper triangle untouched", () => {
    const n = 60;
    const a = randomSpd(n, 3);
    const l = Float64Array.from(a);
    choleskyInPlace(l, n);
    for (let j = 1; j < n; j++) for (let i = 0; i < j; i++) expect(l[i + j * n]).toBe(a[i + j * n]);
  });

  it("factors a block inside a larger array (offset, leading dimension)", () => {
    const n = 5, ld = 9, off = 2 + 3 * ld;
    const a = randomSpd(n, 11);
    const big = new Float64Array(ld * 9);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) big[off + i + j * ld] = a[i + j * n];
    choleskyInPlace(big, n, off, ld);
    const l = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) l[i + j * n] = big[off + i + j * ld];
    expect(reconstructionError(l, a, n)).toBeLessThan(1e-12);
  });

  it("throws NotPositiveDefiniteError naming the failing pivot", () => {
    // [[1, 2], [2, 1]] has eigenvalues 3 and −1: the second pivot is 1 − 4 = −3
    const a = Float64Array.from([1, 2, 2, 1]);
    expect(() => choleskyInPlace(a, 2)).toThrow(NotPositiveDefiniteError);
    try {
      choleskyUnblocked(Float64Array.from([1, 2, 2, 1]), 2);
    } catch (e) {
      expect((e as NotPositiveDefiniteError).column).toBe(1);
      expect((e as Error).message).toMatch(/not positive definite: Cholesky pivot 2 is -3/);
    }
  });

  it("rejects a non-positive-definite large matrix in the blocked path", () => {
    const n = 100;
    const a = randomSpd(n, 5);
    a[70 + 70 * n] = -1e6;
    expect(() => choleskyInPlace(a, n)).toThrow(/not positive definite/);
  });

  it("rejects NaN input instead of returning NaN", () => {
    const a = Float64Array.from([NaN]);
    expect(() => choleskyInPlace(a, 1)).toThrow(NotPositiveDefiniteError);
  });

  it("panels with zero rows skipped give the same factor as the dense algorithm", () => {
    // a sparse SPD matrix: banded plus an arrow (last rows dense), factored with uneven panels
    const n = 130;
    const a = new Float64Array(n * n);
    for (let j = 0; j < n; j++)
      for (let i = j; i < n; i++) {
        const v = i === j ? 20 : i - j <= 2 || i >= n - 3 ? Math.sin(i + 2 * j) : 0;
        a[i + j * n] = v;
        a[j + i * n] = v;
      }
    const dense = Float64Array.from(a);
    choleskyInPlace(dense, n);
    const sparse = Float64Array.from(a);
    choleskyInPlace(sparse, n, 0, n, [0, 1, 2, 5, 9, 60, 127, 130]);
    for (let j = 0; j < n; j++) for (let i = j; i < n; i++) expect(sparse[i + j * n]).toBeCloseTo(dense[i + j * n], 12);
    expect(reconstructionError(sparse, a, n)).toBeLessThan(1e-12 * n);
  });
});
