/**
 * deparse() against R's own: each row is a formula as typed and `deparse(parse(text = f)[[1]])`
 * as R 4 prints it (spacing, numbers such as 1e-3 → 0.001 and 1e5 → 1e+05, backquotes).
 */
import { describe, expect, it } from "vitest";
import { parseFormula } from "../../grammar/parser.js";
import { deparse, deparseFormula, isSyntacticName } from "../../src/formula/deparse.js";
import { formatRNumber } from "../../src/rformat.js";

const fromR: [string, string][] = [
  ["Reaction~Days+(Days|Subject)", "Reaction ~ Days + (Days | Subject)"],
  ["y~a*b:c%in%d/e", "y ~ a * b:c %in% d/e"],
  ["y ~ I(Days^2) + log(base) + factor(period)", "y ~ I(Days^2) + log(base) + factor(period)"],
  ["cbind(incidence,size-incidence)~factor(period)+(1|herd)", "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)"],
  ["y ~ poly(x,2) + log(x + 1e-3) + I(x^-1) + I(2.50*x) + I(x/1e5) + I(123456 * x) + I(x + 0.0001)", "y ~ poly(x, 2) + log(x + 0.001) + I(x^-1) + I(2.5 * x) + I(x/1e+05) + I(123456 * x) + I(x + 1e-04)"],
  ["y ~ `reaction time` + `x` + total.fruits + x_1 + .", "y ~ `reaction time` + x + total.fruits + x_1 + ."],
  ["y ~ (x || g) + (0 + x | a/b) + (1 | a:b)", "y ~ (x || g) + (0 + x | a/b) + (1 | a:b)"],
  ["y ~ -1 + a - b", "y ~ -1 + a - b"],
  ["~ x + (1|g)", "~x + (1 | g)"],
  ["y ~ (a+b+c)^2", "y ~ (a + b + c)^2"],
  ["y ~ I(-x) + I(+x) + exp(-x^2)", "y ~ I(-x) + I(+x) + exp(-x^2)"],
  ["y ~ log(x, base = 2)", "y ~ log(x, base = 2)"],
  ["y ~ poly(x, 2L) + I(x * 0x10) + I(1e3L)", "y ~ poly(x, 2L) + I(x * 16) + I(1000L)"],
];

describe("deparseFormula matches R's deparse", () => {
  for (const [typed, r] of fromR) {
    it(typed, () => expect(deparseFormula(parseFormula(typed))).toBe(r));
  }
});

describe("formatRNumber prints numbers as R does", () => {
  // R: deparse(c(...)) for each value.
  const cases: [number, string][] = [
    [1e-3, "0.001"],
    [1e-4, "1e-04"],
    [1e5, "1e+05"],
    [123456, "123456"],
    [2.5, "2.5"],
    [100, "100"],
    [1.5e-20, "1.5e-20"],
    [123456789012, "123456789012"],
    [0.1 + 0.2, "0.3"],
    [1e15, "1e+15"],
    [100000.1, "100000.1"],
    [-2, "-2"],
    [0, "0"],
  ];
  for (const [x, s] of cases) it(s, () => expect(formatRNumber(x)).toBe(s));
});

describe("names", () => {
  it("keeps backquotes only for non-syntactic names", () => {
    expect(isSyntacticName("total.fruits")).toBe(true);
    expect(isSyntacticName(".x")).toBe(true);
    expect(isSyntacticName(".5x")).toBe(false);
    expect(isSyntacticName("reaction time")).toBe(false);
    expect(isSyntacticName("TRUE")).toBe(false);
    expect(isSyntacticName("_x")).toBe(false);
    const f = parseFormula("y ~ `reaction time` + `Days`");
    expect(deparse(f.rhs)).toBe("`reaction time` + Days");
  });
});

describe("R constants", () => {
  it("deparses an unquoted TRUE bare, as R's deparse of poly(z, 2, raw = TRUE)", async () => {
    const { parseFormula } = await import("../../grammar/parser.js");
    const f = parseFormula("y ~ poly(z, 2, raw = TRUE) + `TRUE`");
    const { deparse } = await import("../../src/formula/deparse.js");
    const rhs = f.rhs as import("../../grammar/ast.js").BinaryNode;
    expect(deparse(rhs.left)).toBe("poly(z, 2, raw = TRUE)");
    expect(deparse(rhs.right)).toBe("`TRUE`");
  });
});
