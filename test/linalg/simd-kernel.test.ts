import { afterAll, describe, expect, it } from "vitest";
import { choleskyInPlace, setSimdKernel } from "../../src/linalg/cholesky.js";
import { simdKernel } from "../../src/linalg/simd-kernel.js";
import { lcg, randomSpd, reconstructionError } from "./helpers.js";

describe("WebAssembly SIMD update kernel", () => {
  afterAll(() => setSimdKernel(true));

  it("assembles, validates and instantiates (Node has WebAssembly SIMD)", () => {
    expect(simdKernel(1, 1)).not.toBeNull();
  });

  it("colPair gives ⟨P_i, P_j⟩ and ⟨P_i, P_j+1⟩ eight rows at a time, each summed in k order", () => {
    const k = simdKernel(4000, 4000)!;
    const rnd = lcg(17);
    for (const [st, cnt, j] of [[2, 8, 0], [6, 18, 2], [48, 40, 8], [10, 9, 0]]) {
      for (let i = 0; i < cnt * st; i++) k.pack[i] = rnd();
      for (let r = 0; r + 1 < cnt; r += 2)
        for (let c = 0; c < st; c++) {
          k.interleaved[(r / 2) * 2 * st + 2 * c] = k.pack[r * st + c];
          k.interleaved[(r / 2) * 2 * st + 2 * c + 1] = k.pack[(r + 1) * st + c];
        }
      const iEnd = j + ((cnt - j) & ~7);
      expect(iEnd).toBeGreaterThan(j);
      k.colPair(st, j, iEnd);
      for (let b = 0; j + 8 * b < iEnd; b++)
        for (let h = 0; h < 8; h++)
          for (let c = 0; c < 2; c++) {
            const i = j + 8 * b + h;
            let s = 0;
            for (let q = 0; q < st; q++) s += k.pack[i * st + q] * k.pack[(j + c) * st + q];
            expect(k.out[16 * b + 8 * c + h]).toBe(s);
          }
    }
  });

  it("choleskyInPlace with and without it: the same factor to the last bit (odd panels, skipped rows, offsets)", () => {
    const n = 157;
    const a = randomSpd(n, 23);
    // zero some off-diagonal entries so panels skip rows
    for (let j = 0; j < 40; j++) for (let i = j + 3; i < 90; i += 2) { a[i + j * n] = 0; a[j + i * n] = 0; }
    const panels = [0, 1, 4, 9, 21, 70, 71, 120, 157];
    const ld = n + 5, off = 3 + 2 * ld;
    const embed = () => {
      const big = new Float64Array(ld * (n + 3));
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) big[off + i + j * ld] = a[i + j * n];
      return big;
    };
    expect(setSimdKernel(false)).toBe(true);
    const plain = embed();
    choleskyInPlace(plain, n, off, ld, panels);
    setSimdKernel(true);
    const simd = embed();
    choleskyInPlace(simd, n, off, ld, panels);
    const l = new Float64Array(n * n);
    for (let j = 0; j < n; j++)
      for (let i = j; i < n; i++) {
        const v = simd[off + i + j * ld];
        expect(v).toBe(plain[off + i + j * ld]);
        l[i + j * n] = v;
      }
    expect(reconstructionError(l, a, n)).toBeLessThan(1e-10 * n);
  });
});
