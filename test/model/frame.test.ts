/**
 * The model frame and lme4's checks: rows with missing values, responses for each family,
 * weights and offsets, lme4's order of random terms, and the errors a user can act on.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileModel, ModelError, readCsv } from "../../src/model/index.js";
import { lme4TermOrder } from "../../src/model/build-plan.js";
import { small, smallWith } from "./small-data.js";

const data = (name: string) => readCsv(join(__dirname, "../fixtures/data", name));

describe("rows with missing values", () => {
  it("are dropped from every variable used and reported (lme4 keeps 10 of 12 rows here)", () => {
    const x = [...small.x] as (number | null)[];
    x[2] = null;
    const a = [...small.a] as (string | null)[];
    a[4] = "NA";
    const m = compileModel("y ~ x + a + (1 | g)", smallWith({ x, a }));
    expect(m.n).toBe(10);
    expect(m.plan.rows).toMatchObject({ total: 12, used: 10, dropped: 2, droppedRows: [2, 4], missingBy: { x: 1, a: 1 } });
    expect(m.messages[0]).toMatch(/^2 rows with missing values dropped/);
    expect(Array.from(m.y)).toEqual(small.y.filter((_, i) => i !== 2 && i !== 4));
    expect(Array.from(m.rows!)).toEqual([0, 1, 3, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("a missing value in a column the model does not use drops nothing", () => {
    const m = compileModel("y ~ x + (1 | g)", smallWith({ z: small.z.map((v, i) => (i === 0 ? NaN : v)) }));
    expect(m.n).toBe(12);
    expect(m.messages).toEqual([]);
  });

  it("unused factor levels are dropped with the rows", () => {
    const a = small.a.map((v) => (v === "r" ? null : v));
    const m = compileModel("y ~ a + (1 | g)", smallWith({ a }));
    expect(m.xNames).toEqual(["(Intercept)", "aq"]);
  });

  it("no rows left is an error", () => {
    expect(() => compileModel("y ~ x + (1 | g)", smallWith({ x: small.x.map(() => null) }))).toThrow(/no rows left/);
  });
});

describe("responses", () => {
  it("cbind(s, f) for binomial: y = s/(s+f), weights = s+f (cbpp)", () => {
    const d = data("cbpp.csv");
    const m = compileModel("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", d, { family: "binomial" });
    const inc = (d.columns.get("incidence") as { values: Float64Array }).values;
    const size = (d.columns.get("size") as { values: Float64Array }).values;
    for (let i = 0; i < m.n; i++) {
      expect(m.y[i]).toBeCloseTo(inc[i]! / size[i]!, 15);
      expect(m.weights[i]).toBe(size[i]);
    }
    expect(m.plan.response.kind).toBe("counts");
  });

  it("a two-level factor for binomial is 0 for its first level (VerbAgg r2: N → 0, Y → 1)", () => {
    const d = data("VerbAgg.csv");
    const m = compileModel("r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", d, { family: "binomial" });
    const r2 = d.columns.get("r2") as { codes: Int32Array; levels: string[] };
    expect(r2.levels).toEqual(["N", "Y"]);
    for (let i = 0; i < m.n; i++) expect(m.y[i]).toBe(r2.codes[i] === 1 ? 1 : 0);
    expect(m.plan.response.failureLevel).toBe("N");
  });

  it("a logical response for binomial is 1 for TRUE even when every value is TRUE", () => {
    const d = { y: [true, true, true, true], g: ["a", "a", "b", "b"] };
    expect(Array.from(compileModel("y ~ 1 + (1 | g)", d, { family: "binomial" }).y)).toEqual([1, 1, 1, 1]);
    const e = { y: [true, false, false, true], g: ["a", "a", "b", "b"] };
    expect(Array.from(compileModel("y ~ 1 + (1 | g)", e, { family: "binomial" }).y)).toEqual([1, 0, 0, 1]);
  });

  it("proportions with weights for binomial; prior weights multiply cbind trials", () => {
    const d = { y: [0.25, 0.5, 1, 0, 0.75, 0.5], n: [4, 2, 3, 5, 4, 6], g: ["a", "a", "b", "b", "c", "c"] };
    const m = compileModel("y ~ 1 + (1 | g)", d, { family: "binomial", weights: "n" });
    expect(Array.from(m.weights)).toEqual(d.n);
    expect(m.plan.response.kind).toBe("proportion");
    const s = { s: [1, 1, 3, 0, 3, 3], f: [3, 1, 0, 5, 1, 3], g: d.g };
    const c = compileModel("cbind(s, f) ~ 1 + (1 | g)", s, { family: "binomial", weights: [2, 2, 2, 1, 1, 1] });
    expect(Array.from(c.weights)).toEqual([8, 4, 6, 5, 4, 6]);
    expect(() => compileModel("y ~ 1 + (1 | g)", { ...d, y: [2, 0, 1, 0, 1, 0] }, { family: "binomial" })).toThrow(ModelError);
  });

  it("a factor response for a Gaussian model is an error naming the column", () => {
    const d = data("VerbAgg.csv");
    expect(() => compileModel("r2 ~ Anger + (1 | id)", d)).toThrow(
      expect.objectContaining({ name: "ModelError", column: "r2", message: expect.stringMatching(/binomial/) }),
    );
  });
});

describe("weights and offsets", () => {
  it("offset() terms and options.offset add up; weights from a vector", () => {
    const m = compileModel("y ~ x + offset(log(z)) + (1 | g)", small, { offset: small.x.map(() => 1), weights: small.z });
    small.z.forEach((z, i) => expect(m.offset[i]).toBeCloseTo(Math.log(z) + 1, 15));
    expect(Array.from(m.weights)).toEqual(small.z);
    expect(m.xNames).toEqual(["(Intercept)", "x"]);
    expect(m.plan.offset.terms).toEqual(["offset(log(z))"]);
  });
  it("negative weights and wrong lengths are errors", () => {
    expect(() => compileModel("y ~ x + (1 | g)", small, { weights: small.x.map(() => -1) })).toThrow(/negative weight/);
    expect(() => compileModel("y ~ x + (1 | g)", small, { offset: [1, 2] })).toThrow(/offset has 2 values/);
    expect(() => compileModel("y ~ x + (1 | g)", small, { weights: "nope" })).toThrow(
      expect.objectContaining({ name: "ModelError", column: "nope" }),
    );
  });
});

describe("random terms in lme4's order", () => {
  it("rev(order(nl)) when levels ever increase: ties come out in reverse formula order (as lme4)", () => {
    // lme4: y ~ (1|a) + (1|b) + (1|c) with 5, 10, 5 levels → b, c, a.
    expect(lme4TermOrder([5, 10, 5])).toEqual([1, 2, 0]);
    expect(lme4TermOrder([5, 5])).toEqual([0, 1]);
    expect(lme4TermOrder([118, 403, 63])).toEqual([1, 0, 2]);
  });
  it("grouseticks: INDEX(403), BROOD(118), LOCATION(63)", () => {
    const m = compileModel("TICKS ~ factor(YEAR) + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)", data("grouseticks.csv"), {
      family: "poisson",
    });
    expect(m.reTerms.map((t) => `${t.group}(${t.levels.length})`)).toEqual(["INDEX(403)", "BROOD(118)", "LOCATION(63)"]);
    expect(m.reTerms.map((t) => t.covariance.thetaOffset)).toEqual([0, 1, 2]);
  });
});

describe("errors lme4 stops with, and ours", () => {
  it("a grouping factor with as many levels as observations, for Gaussian models only", () => {
    const d = data("grouseticks.csv");
    expect(() => compileModel("TICKS ~ 1 + (1 | INDEX)", d)).toThrow(
      "number of levels of each grouping factor must be < number of observations (problems: INDEX)",
    );
    expect(compileModel("TICKS ~ 1 + (1 | INDEX)", d, { family: "poisson" }).ngroups).toEqual({ INDEX: 403 });
  });
  it("a grouping factor with one level", () => {
    const d = { y: [1, 2, 3], x: [1, 2, 3], g: ["a", "a", "a"] };
    expect(() => compileModel("y ~ x + (1 | g)", d)).toThrow(/grouping factors must have > 1 sampled level/);
  });
  it("an unknown column, with the closest name and the formula's caret rendering", () => {
    try {
      compileModel("y ~ xx + (1 | g)", small);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      const err = e as ModelError;
      expect(err.column).toBe("xx");
      expect(err.message).toMatch(/unknown column 'xx'; did you mean 'x'\?/);
      expect(err.formulaError!.render()).toContain("^^");
    }
  });
  it("log of a non-positive value names the column", () => {
    const d = smallWith({ x: small.x.map((v, i) => (i === 3 ? 0 : v)) });
    expect(() => compileModel("y ~ log(x) + (1 | g)", d)).toThrow(
      expect.objectContaining({ name: "ModelError", column: "x", message: expect.stringMatching(/log\(x\).*-Inf.*row 4/) }),
    );
    expect(() => compileModel("log(z - 5) ~ x + (1 | g)", small)).toThrow(expect.objectContaining({ column: "z - 5" }));
  });
  it("a factor in arithmetic", () => {
    expect(() => compileModel("y ~ I(a + 1) + (1 | g)", small)).toThrow(expect.objectContaining({ column: "a" }));
  });
});

it("more random effects than observations in a Gaussian model is lme4's error", () => {
  expect(() => compileModel("y ~ 1 + (a + x + z | g)", small)).toThrow(
    "number of observations (=12) <= number of random effects (=15) for term (a + x + z | g); the random-effects parameters and the residual variance (or scale parameter) are probably unidentifiable",
  );
});
