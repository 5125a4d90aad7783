import { describe, expect, it } from "vitest";
import { backSolveTransposeInPlace } from "../../src/linalg/back-solve.js";
import { choleskyInPlace } from "../../src/linalg/cholesky.js";
import { forwardSolveInPlace } from "../../src/linalg/forward-solve.js";
import { invertLower } from "../../src/linalg/invert-lower.js";
import { lcg, randomSpd } from "./helpers.js";

function factor(n: number, seed: number): Float64Array {
  const l = randomSpd(n, seed);
  choleskyInPlace(l, n);
  for (let j = 1; j < n; j++) for (let i = 0; i < j; i++) l[i + j * n] = 0;
  return l;
}

describe("triangular solves", () => {
  const n = 30;
  const l = factor(n, 7);
  const rnd = lcg(99);
  const x = Float64Array.from({ length: n }, () => rnd());

  it("forwardSolveInPlace solves L x = b", () => {
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) b[i] += l[i + k * n] * x[k];
    forwardSolveInPlace(l, n, b);
    for (let i = 0; i < n; i++) expect(b[i]).toBeCloseTo(x[i], 12);
  });

  it("backSolveTransposeInPlace solves Lᵀ x = b", () => {
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) b[i] += l[k + i * n] * x[k];
    backSolveTransposeInPlace(l, n, b);
    for (let i = 0; i < n; i++) expect(b[i]).toBeCloseTo(x[i], 12);
  });

  it("solves respect offsets and leading dimensions", () => {
    const ld = n + 4, loff = 2 + ld;
    const big = new Float64Array(ld * (n + 2));
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) big[loff + i + j * ld] = l[i + j * n];
    const b = new Float64Array(n + 3);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) b[3 + i] += l[i + k * n] * x[k];
    forwardSolveInPlace(big, n, b, loff, ld, 3);
    for (let i = 0; i < n; i++) expect(b[3 + i]).toBeCloseTo(x[i], 12);
  });

  it("invertLower gives L L⁻¹ = I", () => {
    const inv = invertLower(l, n);
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += l[i + k * n] * inv[k + j * n];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
  });
});
