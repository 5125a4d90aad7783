import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ptukey, qtukey } from "../../../src/result/inference/ptukey.js";

interface Row { q: number; nmeans: number; df: number | "Inf"; p: number; upper: number }
interface QRow { p: number; nmeans: number; df: number | "Inf"; q: number }
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/inference/ptukey.json", import.meta.url), "utf8")) as {
  ptukey: Row[];
  qtukey: QRow[];
};
const num = (d: number | "Inf") => (d === "Inf" ? Infinity : d);

describe("ptukey against R's stats::ptukey (test/fixtures/inference/make-ptukey.R)", () => {
  it(`agrees on ${fixture.ptukey.length} points of q × nmeans × df within 1e-9`, () => {
    let worst = 0;
    for (const r of fixture.ptukey) {
      const p = ptukey(r.q, r.nmeans, num(r.df));
      const u = ptukey(r.q, r.nmeans, num(r.df), false);
      worst = Math.max(worst, Math.abs(p - r.p), Math.abs(u - r.upper));
      expect(Math.abs(p - r.p), JSON.stringify(r)).toBeLessThan(1e-9);
      expect(Math.abs(u - r.upper), JSON.stringify(r)).toBeLessThan(1e-9);
    }
    expect(worst).toBeLessThan(1e-9);
  });
  it("is 0 at q ≤ 0, 1 at q = ∞, NaN for df < 2 or nmeans < 2 (as R)", () => {
    expect(ptukey(0, 3, 10)).toBe(0);
    expect(ptukey(-1, 3, 10, false)).toBe(1);
    expect(ptukey(Infinity, 3, 10)).toBe(1);
    expect(ptukey(2, 3, 1.5)).toBeNaN();
    expect(ptukey(2, 1, 10)).toBeNaN();
  });
  it("with two means is the two-sided t test: P(Q > √2|t|) = 2 P(T > |t|)", () => {
    // 2 * pt(2.5, 20, lower.tail = FALSE) = 0.02123354543913 (R 4.2)
    expect(ptukey(Math.SQRT2 * 2.5, 2, 20, false)).toBeCloseTo(0.02123354543913, 12);
  });
});

describe("qtukey against R's stats::qtukey", () => {
  it(`agrees on ${fixture.qtukey.length} quantiles within R's own 1e-4 tolerance`, () => {
    for (const r of fixture.qtukey) {
      const q = qtukey(r.p, r.nmeans, num(r.df));
      expect(Math.abs(q - r.q), JSON.stringify(r)).toBeLessThan(1e-4);
      expect(Math.abs(ptukey(q, r.nmeans, num(r.df)) - r.p)).toBeLessThan(1e-9);
    }
  });
});
