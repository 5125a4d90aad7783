/**
 * The parser's output compared as whole ASTs (deep equality, spans included), one construct at a
 * time. Spans are half-open [start, end) offsets into the formula text.
 */
import { describe, expect, it } from "vitest";
import type { BinaryOp, Expr, FormulaNode } from "../../grammar/ast.js";
import { parseFormula } from "../../grammar/parser.js";

const name = (n: string, start: number, quoted = false): Expr => ({
  kind: "name",
  name: n,
  quoted,
  start,
  end: start + n.length + (quoted ? 2 : 0),
});
const num = (text: string, start: number, value = Number(text)): Expr => ({ kind: "number", value, text, start, end: start + text.length });
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: "binary", op, left, right, start: left.start, end: right.end });
const neg = (operand: Expr, start: number, op: "-" | "+" = "-"): Expr => ({ kind: "unary", op, operand, start, end: operand.end });
const paren = (inner: Expr, start: number, end: number): Expr => ({ kind: "paren", inner, start, end });
const call = (fn: string, args: Expr[], start: number, end: number): Expr => ({ kind: "call", fn, args, start, end });
const formula = (lhs: Expr | null, rhs: Expr, start = lhs ? lhs.start : 0): FormulaNode => ({ kind: "formula", lhs, rhs, start, end: rhs.end });

/** `y ~ <rhs>`: the right-hand side starts at offset 4. */
const rhsOf = (text: string) => parseFormula(text).rhs;

describe("formula shapes", () => {
  it("two-sided", () => {
    expect(parseFormula("y ~ x")).toEqual(formula(name("y", 0), name("x", 4)));
  });
  it("one-sided, the span starting at '~'", () => {
    expect(parseFormula("~ x")).toEqual(formula(null, name("x", 2), 0));
    expect(parseFormula("  ~x")).toEqual(formula(null, name("x", 3), 2));
  });
  it("a call as response", () => {
    // cbind(s, n - s) ~ 1
    const lhs = call("cbind", [name("s", 6), bin("-", name("n", 9), name("s", 13))], 0, 15);
    expect(parseFormula("cbind(s, n - s) ~ 1")).toEqual(formula(lhs, num("1", 18)));
  });
  it("log(y) as response", () => {
    expect(parseFormula("log(y) ~ x")).toEqual(formula(call("log", [name("y", 4)], 0, 6), name("x", 9)));
  });
});

describe("operators and R's precedence", () => {
  it("+ and - fold to the left", () => {
    expect(rhsOf("y ~ a + b - c")).toEqual(bin("-", bin("+", name("a", 4), name("b", 8)), name("c", 12)));
  });
  it("* binds tighter than +", () => {
    expect(rhsOf("y ~ a + b * c")).toEqual(bin("+", name("a", 4), bin("*", name("b", 8), name("c", 12))));
  });
  it(": binds tighter than *", () => {
    expect(rhsOf("y ~ a * b:c")).toEqual(bin("*", name("a", 4), bin(":", name("b", 8), name("c", 10))));
  });
  it("%in% sits between : and *", () => {
    expect(rhsOf("y ~ a:b %in% c")).toEqual(bin("%in%", bin(":", name("a", 4), name("b", 6)), name("c", 13)));
    expect(rhsOf("y ~ a %in% b * c")).toEqual(bin("*", bin("%in%", name("a", 4), name("b", 11)), name("c", 15)));
  });
  it("/ has the precedence of * and folds left", () => {
    expect(rhsOf("y ~ a/b/c")).toEqual(bin("/", bin("/", name("a", 4), name("b", 6)), name("c", 8)));
    expect(rhsOf("y ~ a/b*c")).toEqual(bin("*", bin("/", name("a", 4), name("b", 6)), name("c", 8)));
  });
  it("unary minus binds looser than ^ and tighter than :", () => {
    expect(rhsOf("y ~ -a:b")).toEqual(bin(":", neg(name("a", 5), 4), name("b", 7)));
    expect(rhsOf("y ~ -a^2")).toEqual(neg(bin("^", name("a", 5), num("2", 7)), 4));
  });
  it("-1, +1 and 0", () => {
    expect(rhsOf("y ~ -1 + x")).toEqual(bin("+", neg(num("1", 5), 4), name("x", 9)));
    expect(rhsOf("y ~ +1")).toEqual(neg(num("1", 5), 4, "+"));
    expect(rhsOf("y ~ 0 + x")).toEqual(bin("+", num("0", 4), name("x", 8)));
  });
  it("^ of a parenthesised sum", () => {
    const sum = bin("+", bin("+", name("a", 5), name("b", 9)), name("c", 13));
    expect(rhsOf("y ~ (a + b + c)^2")).toEqual(bin("^", paren(sum, 4, 15), num("2", 16)));
  });
  it("^ is right-associative and takes a signed exponent", () => {
    expect(rhsOf("y ~ a^b^c")).toEqual(bin("^", name("a", 4), bin("^", name("b", 6), name("c", 8))));
    expect(rhsOf("y ~ I(x^-1)")).toEqual(call("I", [bin("^", name("x", 6), neg(num("1", 9), 8))], 4, 11));
  });
  it("the dot", () => {
    expect(rhsOf("y ~ . - x")).toEqual(bin("-", { kind: "dot", start: 4, end: 5 }, name("x", 8)));
  });
});

describe("random-effect bars", () => {
  it("(Days | Subject) is a paren around a | node", () => {
    expect(rhsOf("y ~ (Days | Subject)")).toEqual(paren(bin("|", name("Days", 5), name("Subject", 12)), 4, 20));
  });
  it("(x || g)", () => {
    expect(rhsOf("y ~ (x || g)")).toEqual(paren(bin("||", name("x", 5), name("g", 10)), 4, 12));
  });
  it("the bar binds looser than + inside the parentheses", () => {
    expect(rhsOf("y ~ (1 + x | g)")).toEqual(paren(bin("|", bin("+", num("1", 5), name("x", 9)), name("g", 13)), 4, 15));
  });
  it("nested and interacting groups", () => {
    expect(rhsOf("y ~ (1 | a/b)")).toEqual(paren(bin("|", num("1", 5), bin("/", name("a", 9), name("b", 11))), 4, 13));
    expect(rhsOf("y ~ (1 | a:b)")).toEqual(paren(bin("|", num("1", 5), bin(":", name("a", 9), name("b", 11))), 4, 13));
    const abc = bin("/", bin("/", name("a", 9), name("b", 11)), name("c", 13));
    expect(rhsOf("y ~ (1 | a/b/c)")).toEqual(paren(bin("|", num("1", 5), abc), 4, 15));
  });
  it("a bar next to fixed terms", () => {
    const bar = paren(bin("|", name("Days", 19), name("Subject", 26)), 18, 34);
    expect(parseFormula("Reaction ~ Days + (Days | Subject)")).toEqual(formula(name("Reaction", 0), bin("+", name("Days", 11), bar)));
  });
});

describe("calls", () => {
  it("one argument", () => {
    expect(rhsOf("y ~ log(base)")).toEqual(call("log", [name("base", 8)], 4, 13));
    expect(rhsOf("y ~ factor(period)")).toEqual(call("factor", [name("period", 11)], 4, 18));
    expect(rhsOf("y ~ as.numeric(x)")).toEqual(call("as.numeric", [name("x", 15)], 4, 17));
  });
  it("arithmetic arguments", () => {
    expect(rhsOf("y ~ I(Days^2)")).toEqual(call("I", [bin("^", name("Days", 6), num("2", 11))], 4, 13));
    expect(rhsOf("y ~ log(x + 1e-3)")).toEqual(call("log", [bin("+", name("x", 8), num("1e-3", 12, 0.001))], 4, 17));
    expect(rhsOf("y ~ I(a * b / 2)")).toEqual(call("I", [bin("/", bin("*", name("a", 6), name("b", 10)), num("2", 14))], 4, 16));
  });
  it("several arguments, named ones recorded in argNames", () => {
    expect(rhsOf("y ~ poly(x, 2)")).toEqual(call("poly", [name("x", 9), num("2", 12)], 4, 14));
    expect(rhsOf("y ~ poly(x, degree = 2)")).toEqual({ ...call("poly", [name("x", 9), num("2", 21)], 4, 23), argNames: [null, "degree"] });
  });
  it("nested calls", () => {
    expect(rhsOf("y ~ log(abs(x))")).toEqual(call("log", [call("abs", [name("x", 12)], 8, 14)], 4, 15));
  });
});

describe("names and numbers", () => {
  it("dots, underscores and capitals", () => {
    expect(rhsOf("y ~ total.fruits + x_1 + cHEIGHT")).toEqual(
      bin("+", bin("+", name("total.fruits", 4), name("x_1", 19)), name("cHEIGHT", 25)),
    );
  });
  it("letters of any script, as R allows in a UTF-8 locale", () => {
    expect(parseFormula("Größe ~ Alter")).toEqual(formula(name("Größe", 0), name("Alter", 8)));
  });
  it("backquoted names lose their quotes and keep quoted: true", () => {
    expect(rhsOf("y ~ `reaction time`")).toEqual(name("reaction time", 4, true));
  });
  it("number forms", () => {
    expect(rhsOf("y ~ I(.5 + 2L + 1e-3 + 2.5E2)")).toEqual(
      call("I", [bin("+", bin("+", bin("+", num(".5", 6), num("2L", 11, 2)), num("1e-3", 16, 0.001)), num("2.5E2", 23, 250))], 4, 29),
    );
  });
  it("whitespace is skipped, spans still point into the text", () => {
    expect(parseFormula("  y\t~\n x ")).toEqual(formula(name("y", 2), name("x", 7)));
  });
});
