/**
 * Comparisons, `&`, strings and relevel() in formulas, as R reads them: precedence (R's ?Syntax:
 * `|` < `&` < comparisons < `+`), deparse (term and column names, which model.matrix builds from
 * them), evaluation over rows with missing values, and the errors. The end-to-end fits against
 * lme4 are the extra corpus cases ss_logical_I, ss_compare_term_ml, cake_compare_factor,
 * cake_relevel_ml, cake_and_range, cake_logical_times, odd_level_equals_na, cbpp_as_factor_compare
 * and grouse_year_equals (extra-cases.test.ts).
 */
import { describe, expect, it } from "vitest";
import { compileModel, deparse, formulaTerms, parseFormula, FormulaError } from "../../src/index.js";

const rhs = (f: string) => deparse(parseFormula(f).rhs);

describe("parsing", () => {
  it("binds comparisons looser than arithmetic and tighter than & and the bars", () => {
    const f = parseFormula("y ~ I(a + 1 > b * 2 & c == 'x')");
    const call = f.rhs.kind === "call" ? f.rhs.args[0]! : null;
    expect(call?.kind === "binary" && call.op).toBe("&");
    if (call?.kind !== "binary") return;
    expect(call.left.kind === "binary" && call.left.op).toBe(">");
    expect(deparse(call.left)).toBe("a + 1 > b * 2");
    expect(call.right.kind === "binary" && call.right.op).toBe("==");
  });
  it("deparses as R does: spaced operators, strings in double quotes", () => {
    expect(rhs("y ~ I(Days>4)")).toBe("I(Days > 4)");
    expect(rhs("y ~ I(recipe != 'A')")).toBe('I(recipe != "A")');
    expect(rhs('y ~ relevel(f, ref = "say \\"hi\\"")')).toBe('relevel(f, ref = "say \\"hi\\"")');
    expect(rhs("y ~ I(x >= 1 & x <= 2)")).toBe("I(x >= 1 & x <= 2)");
  });
  it("keeps the random-effect bars loosest", () => {
    const terms = formulaTerms("y ~ x + (I(x > 1) | g)");
    expect(terms.random.map((r) => r.group.label)).toEqual(["g"]);
  });
  it("rejects chained comparisons and stray strings", () => {
    expect(() => parseFormula("y ~ I(a < b < c)")).toThrow(/comparisons cannot be chained/);
    expect(() => formulaTerms('y ~ "x"')).toThrow(FormulaError);
    expect(() => parseFormula('y ~ I(f == "A)')).toThrow(/unexpected character/);
  });
});

describe("evaluation", () => {
  const data = { y: [1, 2, 3, 4, 5, 6], x: [1, 5, null, 7, 2, 9], f: ["a", "b", "a", null, "c", "b"], g: ["u", "u", "v", "v", "w", "w"] };
  const columnOf = (formula: string, name: string): (number | null)[] | undefined => {
    const m = compileModel(formula, data, { family: "gaussian" });
    const j = m.xNames.indexOf(name);
    if (j < 0) return undefined;
    return Array.from({ length: m.n }, (_, i) => m.X[j * m.n + i]!);
  };
  it("a comparison is a logical: column <label>TRUE, rows with a missing operand dropped", () => {
    const m = compileModel("y ~ I(x > 4) + (1 | g)", data, { family: "gaussian" });
    expect(m.xNames).toEqual(["(Intercept)", "I(x > 4)TRUE"]);
    expect(m.n).toBe(5);
    expect(columnOf("y ~ I(x > 4) + (1 | g)", "I(x > 4)TRUE")).toEqual([0, 1, 1, 0, 1]);
  });
  it("factor == string compares labels; a logical times a number is 0/1 times it", () => {
    expect(columnOf('y ~ I(f == "b") + (1 | g)', 'I(f == "b")TRUE')).toEqual([0, 1, 0, 0, 1]);
    expect(columnOf("y ~ I((x > 4) * x) + (1 | g)", "I((x > 4) * x)")).toEqual([0, 5, 7, 0, 9]);
  });
  it("& is FALSE when either side is FALSE, even next to a missing value", () => {
    const m = compileModel("y ~ I(x > 4 & f == 'b') + (1 | g)", data, { family: "gaussian" });
    // row 3 (x missing, f = "a") is FALSE & …: kept, as R keeps FALSE & NA = FALSE
    expect(m.n).toBe(5);
  });
  it("relevel moves the reference level first (by name or position)", () => {
    expect(compileModel('y ~ relevel(f, "b") + (1 | g)', data, { family: "gaussian" }).xNames).toEqual([
      "(Intercept)", 'relevel(f, "b")a', 'relevel(f, "b")c',
    ]);
    expect(compileModel("y ~ relevel(f, 3) + (1 | g)", data, { family: "gaussian" }).xNames).toEqual([
      "(Intercept)", "relevel(f, 3)a", "relevel(f, 3)b",
    ]);
    expect(() => compileModel('y ~ relevel(f, "z") + (1 | g)', data, { family: "gaussian" })).toThrow(/"z" is not a level/);
    expect(() => compileModel('y ~ relevel(x, "a") + (1 | g)', data, { family: "gaussian" })).toThrow(/needs a factor/);
  });
  it("ordering comparisons of a factor are an error, as R's 'not meaningful for factors'", () => {
    expect(() => compileModel('y ~ I(f < "b") + (1 | g)', data, { family: "gaussian" })).toThrow(/not meaningful for factors/);
  });
});

describe("logical not", () => {
  it("binds looser than a comparison and tighter than &, as in R", () => {
    expect(rhs("y ~ I(!x > 3)")).toBe("I(!x > 3)");
    const f = parseFormula("y ~ I(!x > 3 & z)");
    const arg = f.rhs.kind === "call" ? f.rhs.args[0]! : null;
    expect(arg?.kind === "binary" && arg.op).toBe("&");
    if (arg?.kind !== "binary") return;
    expect(arg.left.kind === "unary" && arg.left.op).toBe("!");
    if (arg.left.kind !== "unary") return;
    expect(arg.left.operand.kind === "binary" && arg.left.operand.op).toBe(">");
  });
  it("negates a logical, keeps missing values missing, and is an error outside a call", () => {
    const data = { y: [1, 2, 3, 4, 5, 6], x: [1, 5, null, 7, 2, 9], g: ["u", "u", "v", "v", "w", "w"] };
    const m = compileModel("y ~ I(!(x > 4)) + (1 | g)", data, { family: "gaussian" });
    expect(m.xNames).toEqual(["(Intercept)", "I(!(x > 4))TRUE"]);
    expect(Array.from(m.X.subarray(m.n))).toEqual([1, 0, 0, 1, 0]);
    expect(() => parseFormula("y ~ x + !z")).toThrow(/'!' \(not\) cannot stand here/);
  });
});

describe("backquoted names round-trip through deparse", () => {
  it("a reserved word as a call or an argument name, as R's deparse writes it", () => {
    for (const text of ["y ~ `in`(x)", "y ~ poly(x, `in` = 2)", "y ~ `NaN` + x"]) {
      const once = deparse(parseFormula(text).rhs);
      expect(deparse(parseFormula(`y ~ ${once}`).rhs)).toBe(once);
    }
    expect(rhs("y ~ cb^in(x)")).toBe("cb^`in`(x)");
  });
});
