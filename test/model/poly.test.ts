/** poly() and scale() against R's values (printed by R 4 with digits = 17). */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/model/index.js";
import { orthogonalPolynomial } from "../../src/model/poly.js";

describe("poly(x, 3) as R's poly", () => {
  const x = Float64Array.from([1, 2, 4, 7, 11, 3.5]);
  // R: poly(c(1, 2, 4, 7, 11, 3.5), 3)
  const expected = [
    [-0.455172846775803386, -0.333793420968922394, -0.091034569355160702, 0.273103708065481898, 0.758621411293005421, -0.151724282258601129],
    [0.53272284851497254, 0.14827530025144295, -0.36842406241020192, -0.51298377173913412, 0.47118337386088888, -0.27077368847796773],
    [-0.43860903066157586, 0.19398368381784184, 0.33156137450853290, -0.67906506041274262, 0.18738666310175409, 0.40474236964618937],
  ];
  const r = orthogonalPolynomial(x, 3);
  it("values to 1e-10", () => {
    for (let k = 0; k < 3; k++) for (let i = 0; i < 6; i++) expect(Math.abs(r.values[k * 6 + i]! - expected[k]![i]!)).toBeLessThan(1e-10);
  });
  it("coefs alpha and norm2", () => {
    [4.75, 7.3964088397790047, 5.4115422283186234].forEach((a, k) => expect(r.alpha[k]).toBeCloseTo(a, 10));
    [1, 6, 67.875000000000014, 566.013812154696211, 3156.063229329860860].forEach((v, k) =>
      expect(Math.abs(r.norm2[k]! - v) / v).toBeLessThan(1e-12),
    );
  });
  it("degree must be below the number of distinct values", () => {
    expect(() => orthogonalPolynomial(Float64Array.from([1, 2, 2, 3]), 3, "x")).toThrow(/distinct values of x \(3\)/);
    expect(() => compileModel("y ~ poly(x, 3) + (1 | g)", { y: [1, 2, 3, 4], x: [1, 1, 2, 2], g: ["a", "a", "b", "b"] })).toThrow(
      expect.objectContaining({ name: "ModelError", column: "x" }),
    );
  });
});

describe("scale(x) as R's scale", () => {
  it("centres and divides by the standard deviation", () => {
    const z = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
    // R: scale(z)[, 1]
    const expected = [-0.52605090984469127, -1.3151272746117284, -0.13151272746117273, -1.3151272746117284, 0.2630254549223458,
      1.8411781844564201, -0.92058909222820984, 0.65756363730586442, 0.2630254549223458, -0.52605090984469127, 0.2630254549223458, 1.4466400020729016];
    const m = compileModel("y ~ scale(z) + (1 | g)", { y: z.map((_, i) => i), z, g: z.map((_, i) => String(i % 3)) });
    expect(m.xNames).toEqual(["(Intercept)", "scale(z)"]);
    expected.forEach((v, i) => expect(Math.abs(m.X[m.n + i]! - v)).toBeLessThan(1e-12));
  });
});

describe("named and optional arguments as R matches them", () => {
  const d = {
    y: [1.5, 2.3, 3.1, 4.8, 5.2, 6.9, 7.1, 8.4, 9.0, 10.2, 11.7, 12.1],
    x: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6],
    z: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8],
    g: ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b", "c"],
  };
  // R: colnames, colSums(X) and colSums(X^2) of model.matrix(~ term) on the same data.
  const cases: [string, string[], number[], number[]][] = [
    ["poly(x, degree = 2)", ["poly(x, degree = 2)1", "poly(x, degree = 2)2"], [-3.0531133177191805e-16, 3.6082248300317588e-16], [1, 0.99999999999999978]],
    ["poly(z, 2, raw = T)", ["poly(z, 2, raw = T)1", "poly(z, 2, raw = T)2"], [52, 296], [296, 14264]],
    ["scale(z, center = F)", ["scale(z, center = F)"], [10.024294812428776], [11]],
    ["scale(x, scale = F)", ["scale(x, scale = F)"], [0], [35.75]],
    ["log(x, base = 2)", ["log(x, base = 2)"], [16.835455234075408], [36.699072564879714]],
    ["I(x * pi)", ["I(x * pi)"], [122.52211349000193], [1603.8107151770207]],
    ["scale(z, 2, 4)", ["scale(z, 2, 4)"], [7], [8.5]],
  ];
  for (const [term, names, sums, squares] of cases) {
    it(term, () => {
      const m = compileModel(`y ~ 0 + ${term} + (1 | g)`, d);
      expect(m.xNames).toEqual(names);
      for (let j = 0; j < m.p; j++) {
        const col = m.X.subarray(j * m.n, (j + 1) * m.n);
        const s = col.reduce((a, b) => a + b, 0);
        const s2 = col.reduce((a, b) => a + b * b, 0);
        expect(Math.abs(s - sums[j]!)).toBeLessThan(1e-10 * (1 + Math.abs(sums[j]!)));
        expect(Math.abs(s2 - squares[j]!)).toBeLessThan(1e-10 * (1 + squares[j]!));
      }
    });
  }
});

describe("new data evaluated with the fit's parameters (R's predvars)", () => {
  it("scale() keeps the fit's centre and SD; poly() the fit's basis", async () => {
    const { evalContext, evaluate, planModel, toDataTable } = await import("../../src/model/index.js");
    const { parseFormula } = await import("../../grammar/parser.js");
    const d = {
      y: [1.5, 2.3, 3.1, 4.8, 5.2, 6.9, 7.1, 8.4],
      x: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4],
      g: ["a", "b", "a", "b", "a", "b", "a", "b"],
    };
    const { plan } = planModel("y ~ poly(x, 2) + scale(x) + (1 | g)", d);
    expect(Object.keys(plan.callParameters).sort()).toEqual(["poly(x, 2)", "scale(x)"]);
    const fitted = compileModel("y ~ poly(x, 2) + scale(x) + (1 | g)", d, {});
    const newX = [...d.x].reverse();
    const ctx = evalContext(toDataTable({ x: newX }), plan);
    const rhs = parseFormula("~ poly(x, 2) + scale(x)").rhs;
    if (rhs.kind !== "binary") throw new Error("unexpected parse");
    const polyNew = evaluate(rhs.left, ctx);
    const scaleNew = evaluate(rhs.right, ctx);
    const n = d.x.length;
    for (let i = 0; i < n; i++) {
      // At the fit's own x values (reversed) the basis is the fit's X columns, reversed.
      expect(polyNew.kind === "matrix" && polyNew.values[i]).toBeCloseTo(fitted.X[1 * n + (n - 1 - i)]!, 13);
      expect(polyNew.kind === "matrix" && polyNew.values[n + i]).toBeCloseTo(fitted.X[2 * n + (n - 1 - i)]!, 13);
    }
    const one = evaluate(rhs.right, evalContext(toDataTable({ x: [10] }), plan));
    const mean = 2.25;
    const sd = Math.sqrt(d.x.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    expect(one.kind === "numeric" && one.values[0]).toBeCloseTo((10 - mean) / sd, 13);
    expect(scaleNew.kind).toBe("numeric");
  });
});
