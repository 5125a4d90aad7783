/**
 * The engine's pieces: t and F tails and t quantiles against R (distributions.json, make.R);
 * numDeriv-style Richardson derivatives on functions with known derivatives; M⁻¹ from the blocked
 * factor (dense, and column by column) against each other; and two more models against
 * lmerTest/pbkrtest (more_coef.json): a singular fit, and a correlated first term crossed with a
 * second term (the trailing block of the factor).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PlsSystem } from "../../../src/fit/pls/pls-system.js";
import { coefficients } from "../../../src/result/inference/coefficients.js";
import { pfUpper, ptTwoSided, qt } from "../../../src/result/inference/distributions.js";
import { hessian, jacobian } from "../../../src/result/inference/numderiv.js";
import { INFERENCE, expectCoefRow, expectRel, fitCase, readJSON, type CoefRef } from "./helpers.js";

describe("distributions vs R", () => {
  const ref = readJSON<{ t: { t: number; df: number; p: number }[]; F: { F: number; df1: number; df2: number; p: number }[]; qt: { p: number; df: number; q: number }[] }>(
    join(INFERENCE, "distributions.json"),
  );
  it("2 * pt(|t|, df, lower.tail = FALSE)", () => {
    // 1e-9: at df = 1e6 Boost's and R's incomplete beta differ by 3e-11
    for (const r of ref.t) expectRel(ptTwoSided(r.t, r.df), r.p, 1e-9, `t ${r.t} df ${r.df}`);
    for (const r of ref.t) expectRel(ptTwoSided(-r.t, r.df), r.p, 1e-9, `t −${r.t} df ${r.df}`);
  });
  it("pf(F, df1, df2, lower.tail = FALSE)", () => {
    for (const r of ref.F) expectRel(pfUpper(r.F, r.df1, r.df2), r.p, 1e-12, `F ${r.F} (${r.df1}, ${r.df2})`);
  });
  it("qt(p, df)", () => {
    for (const r of ref.qt) expect(Math.abs(qt(r.p, r.df) - r.q)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(r.q)));
  });
  it("df = Infinity: the normal and χ² limits", () => {
    expectRel(ptTwoSided(1.959963984540054, Infinity), 0.05, 1e-12, "z");
    expectRel(qt(0.975, Infinity), 1.959963984540054, 1e-12, "qnorm");
    expectRel(pfUpper(3.841458820694124, 1, Infinity), 0.05, 1e-10, "χ²₁");
  });
});

describe("Richardson derivatives (numDeriv's scheme)", () => {
  it("hessian of a smooth function of three variables", () => {
    const f = (x: Float64Array) => Math.exp(x[0]) * x[1] ** 2 + Math.sin(x[1] * x[2]) + x[2] ** 3;
    const x = [0.3, 1.2, -0.7];
    const H = hessian(f, x);
    const [a, b, c] = x;
    const want = [
      [Math.exp(a) * b * b, 2 * Math.exp(a) * b, 0],
      [2 * Math.exp(a) * b, 2 * Math.exp(a) - c * c * Math.sin(b * c), Math.cos(b * c) - b * c * Math.sin(b * c)],
      [0, Math.cos(b * c) - b * c * Math.sin(b * c), -b * b * Math.sin(b * c) + 6 * c],
    ];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(H[i + j * 3] - want[i][j])).toBeLessThan(1e-7);
  });
  it("jacobian of a vector function, including a zero argument (numDeriv's eps step)", () => {
    const f = (x: Float64Array) => Float64Array.of(x[0] * x[1], Math.log1p(x[0] ** 2), x[1] ** 3);
    const J = jacobian(f, [0, 2]);
    const want = [[2, 0, 0], [0, 0, 12]]; // columns ∂f/∂x₀, ∂f/∂x₁
    for (let i = 0; i < 2; i++) for (let k = 0; k < 3; k++) expect(Math.abs(J[i][k] - want[i][k])).toBeLessThan(1e-9);
  });
});

describe("M⁻¹ from the blocked factor", () => {
  it("denseInverseM equals q solves, with a correlated first term and a trailing term", () => {
    const m = fitCase(join(INFERENCE, "crossed.csv"), "y ~ x + (x | subj) + (1 | item)");
    const sys = new PlsSystem(m.matrices).setTheta(m.fit.theta).updateL();
    expect(sys.structure.p1).toBe(2);
    expect(sys.structure.qRest).toBe(8);
    const q = sys.q;
    const Minv = sys.denseInverseM();
    const scratch = new Float64Array(sys.structure.qRest);
    let worst = 0;
    for (let c = 0; c < q; c++) {
      const v = new Float64Array(q);
      v[c] = 1;
      sys.solveM(v, scratch);
      for (let r = 0; r < q; r++) worst = Math.max(worst, Math.abs(v[r] - Minv[r + c * q]));
    }
    expect(worst).toBeLessThan(1e-12);
  });
});

describe("more models vs lmerTest and pbkrtest", () => {
  const ref = readJSON<{ id: string; data: string; formula: string; satt: CoefRef[]; kr: CoefRef[] }[]>(join(INFERENCE, "more_coef.json"));
  it.each(ref.map((r) => [r.id, r] as const))("%s", (_, r) => {
    const m = fitCase(join(INFERENCE, r.data), r.formula);
    coefficients(m, { ddf: "Satterthwaite" }).forEach((row, i) => expectCoefRow(row, r.satt[i], `${r.id} Satterthwaite`));
    coefficients(m, { ddf: "Kenward-Roger" }).forEach((row, i) => expectCoefRow(row, r.kr[i], `${r.id} KR`));
  });
});
