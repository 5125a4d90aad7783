/**
 * R's model.matrix coding rules: column names for fixed and random parts (expected names are R's
 * own output for `colnames(model.matrix(f, d))` on the same data), column values as identities,
 * and lme4's rank-deficiency handling.
 */
import { describe, expect, it } from "vitest";
import { compileModel, planModel } from "../../src/model/index.js";
import { small } from "./small-data.js";

const namesOf = (rhs: string) => planModel(`y ~ ${rhs}`, small).plan.fixed.columns.map((c) => c.name);

describe("fixed-effects column names as R's model.matrix", () => {
  const cases: [string, string | string[]][] = [
    ["0 + a", "ap,aq,ar"],
    ["a*b", "(Intercept),aq,ar,bv,aq:bv,ar:bv"],
    ["a*x", "(Intercept),aq,ar,x,aq:x,ar:x"],
    ["a:b", "(Intercept),ap:bu,aq:bu,ar:bu,ap:bv,aq:bv,ar:bv"],
    ["a:x", "(Intercept),ap:x,aq:x,ar:x"],
    ["x + a:x", "(Intercept),x,x:aq,x:ar"],
    ["0 + a + b", "ap,aq,ar,bv"],
    ["0 + x + a", "x,ap,aq,ar"],
    ["a + b + a:b:x", "(Intercept),aq,ar,bv,ap:bu:x,aq:bu:x,ar:bu:x,ap:bv:x,aq:bv:x,ar:bv:x"],
    ["b:a", "(Intercept),bu:ap,bv:ap,bu:aq,bv:aq,bu:ar,bv:ar"],
    ["x*z + a", "(Intercept),x,z,aq,ar,x:z"],
    ["poly(x, 2) + a", ["(Intercept)", "poly(x, 2)1", "poly(x, 2)2", "aq", "ar"]],
    ["log(x) + I(x^2)", "(Intercept),log(x),I(x^2)"],
    ["0 + a:b", "ap:bu,aq:bu,ar:bu,ap:bv,aq:bv,ar:bv"],
    ["x:a + z", "(Intercept),z,x:ap,x:aq,x:ar"],
    ["a + x:z:b", "(Intercept),aq,ar,x:z:bu,x:z:bv"],
  ];
  for (const [rhs, expected] of cases) {
    it(`y ~ ${rhs}`, () => expect(namesOf(rhs)).toEqual(typeof expected === "string" ? expected.split(",") : expected));
  }
});

describe("column values", () => {
  it("a contrast times a numeric is the indicator times the value", () => {
    const m = compileModel("y ~ a * x + (1 | g)", small);
    const col = (name: string) => Array.from(m.X.subarray(m.xNames.indexOf(name) * m.n, (m.xNames.indexOf(name) + 1) * m.n));
    expect(col("(Intercept)")).toEqual(small.y.map(() => 1));
    expect(col("aq")).toEqual(small.a.map((v) => (v === "q" ? 1 : 0)));
    expect(col("ar:x")).toEqual(small.a.map((v, i) => (v === "r" ? small.x[i]! : 0)));
    expect(col("x")).toEqual(small.x);
  });

  it("I(), log() and arithmetic inside calls", () => {
    const m = compileModel("y ~ I(x^2 - z/2) + log(x) + sqrt(abs(-z)) + (1 | g)", small);
    const col = (j: number) => Array.from(m.X.subarray(j * m.n, (j + 1) * m.n));
    expect(m.xNames).toEqual(["(Intercept)", "I(x^2 - z/2)", "log(x)", "sqrt(abs(-z))"]);
    col(1).forEach((v, i) => expect(v).toBeCloseTo(small.x[i]! ** 2 - small.z[i]! / 2, 14));
    col(2).forEach((v, i) => expect(v).toBeCloseTo(Math.log(small.x[i]!), 14));
    col(3).forEach((v, i) => expect(v).toBeCloseTo(Math.sqrt(small.z[i]!), 14));
  });
});

describe("random-effects columns follow the same rules", () => {
  it("(0 + a | g) has one column per level, (x | g) an intercept and a slope", () => {
    const m = compileModel("y ~ 1 + (0 + a | g) + (x | b)", small);
    const byGroup = Object.fromEntries(m.reTerms.map((t) => [t.group, t.columnNames]));
    expect(byGroup).toEqual({ g: ["ap", "aq", "ar"], b: ["(Intercept)", "x"] });
    const t = m.reTerms.find((r) => r.group === "g")!;
    for (let i = 0; i < m.n; i++) {
      expect(Array.from(t.z.subarray(i * 3, i * 3 + 3))).toEqual(["p", "q", "r"].map((l) => (small.a[i] === l ? 1 : 0)));
      expect(t.levels[t.refs[i]!]).toBe(small.g[i]);
    }
  });

  it("θ names, starts and bounds, column-major lower triangle", () => {
    const m = compileModel("y ~ 1 + (x + z | g)", small);
    expect(m.thetaNames).toEqual(["g.(Intercept)", "g.x.(Intercept)", "g.z.(Intercept)", "g.x", "g.z.x", "g.z"]);
    expect(Array.from(m.theta0)).toEqual([1, 0, 0, 1, 0, 1]);
    expect(Array.from(m.lower)).toEqual([0, -Infinity, -Infinity, 0, -Infinity, 0]);
  });

  it("|| pieces: bare group in θ names, Subject / Subject.1 in VarCorr", () => {
    const m = compileModel("y ~ x + (x || g)", small);
    expect(m.thetaNames).toEqual(["g.(Intercept)", "g.x"]);
    expect(m.reTerms.map((t) => t.varCorrName)).toEqual(["g", "g.1"]);
    expect(m.reTerms.map((t) => t.covariance.shape === "lower-triangular")).toEqual([false, false]);
    expect(m.ngroups).toEqual({ g: 3 });
  });
});

describe("rank deficiency as lme4's chkRank.drop.cols (dropped names from lme4)", () => {
  const withCopies = { ...small, x2: small.x.map((v) => 2 * v), w: small.x.map((v, i) => v + small.z[i]!) };
  const cases: [string, string, string][] = [
    ["y ~ a:b + (1|g)", "(Intercept),ap:bu,aq:bu,ar:bu,ap:bv,aq:bv", "ar:bv"],
    ["y ~ x + x2 + z + (1|g)", "(Intercept),x,z", "x2"],
    ["y ~ x + z + w + a + (1|g)", "(Intercept),x,z,aq,ar", "w"],
  ];
  for (const [f, kept, dropped] of cases) {
    it(f, () => {
      const m = compileModel(f, withCopies);
      expect(m.xNames).toEqual(kept.split(","));
      expect(m.droppedX).toEqual(dropped.split(","));
      expect(m.p).toBe(m.xNames.length);
      expect(m.X.length).toBe(m.n * m.p);
      expect(m.messages).toContain("fixed-effect model matrix is rank deficient so dropping 1 column / coefficient");
    });
  }
  it("plural message and full-rank models untouched", () => {
    const d = { ...small, x2: small.x.map((v) => 2 * v), x3: small.x.map((v) => 3 * v) };
    const m = compileModel("y ~ x + x2 + x3 + (1|g)", d);
    expect(m.droppedX).toEqual(["x2", "x3"]);
    expect(m.messages).toContain("fixed-effect model matrix is rank deficient so dropping 2 columns / coefficients");
    const full = compileModel("y ~ a*b + g + (1|g)", small);
    expect(full.xNames).toEqual("(Intercept),aq,ar,bv,gg2,gg3,aq:bv,ar:bv".split(","));
    expect(full.droppedX).toEqual([]);
  });
});

describe("pivoted QR as R's qr(X, tol = 1e-7, LAPACK = FALSE)", () => {
  it("rank and pivot of [1, x, 2x, z, x + z] (R: rank 3, pivot 1 2 4 3 5)", async () => {
    const { pivotedQrRank } = await import("../../src/model/rank.js");
    const n = small.x.length;
    const cols = [small.x.map(() => 1), small.x, small.x.map((v) => 2 * v), small.z, small.x.map((v, i) => v + small.z[i]!)];
    const X = Float64Array.from(cols.flat());
    const r = pivotedQrRank(X, n, 5);
    expect(r.rank).toBe(3);
    expect(Array.from(r.pivot)).toEqual([0, 1, 3, 2, 4]);
    expect(X[n * 2 + 1]).toBe(2); // the input is not overwritten
  });
});

it("an infinite value from arithmetic is an error naming the variable", () => {
  const d = { ...small, z: small.z.map((v, i) => (i === 5 ? 0 : v)) };
  expect(() => compileModel("y ~ I(x/z) + (1 | g)", d)).toThrow(expect.objectContaining({ name: "ModelError", column: "I(x/z)" }));
});

it("a factor with one level among the rows used is an error, as R's contrasts", () => {
  const d = { ...small, a: small.a.map(() => "p") };
  expect(() => compileModel("y ~ a + (1 | g)", d)).toThrow(
    expect.objectContaining({ name: "ModelError", column: "a", message: expect.stringMatching(/2 or more levels/) }),
  );
});
