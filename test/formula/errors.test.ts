/**
 * Errors a user can act on: each test asserts the message, the span [start, end) of the characters
 * it points at, and the hint.
 */
import { describe, expect, it } from "vitest";
import { FormulaError } from "../../grammar/errors.js";
import { checkFormula, formulaTerms } from "../../src/formula/index.js";

const sleepstudy = ["Reaction", "Days", "Subject"];

function errorsOf(text: string, columns?: string[]) {
  const r = checkFormula(text, columns);
  expect(r.ok).toBe(false);
  return r.errors.map((e) => ({ message: e.message, start: e.start, end: e.end, hint: e.hint }));
}

function onlyError(text: string, columns?: string[]) {
  const errors = errorsOf(text, columns);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe("syntax errors", () => {
  it("an unclosed parenthesis points at the '('", () => {
    expect(onlyError("y ~ (x + z")).toEqual({ message: "unbalanced parentheses: '(' is never closed", start: 4, end: 5, hint: "add the matching ')'" });
  });
  it("an extra ')' points at itself", () => {
    expect(onlyError("y ~ x + z)")).toEqual({
      message: "unbalanced parentheses: ')' has no matching '('",
      start: 9,
      end: 10,
      hint: "remove this ')' or add the '(' it closes",
    });
  });
  it("an empty right side of '|'", () => {
    expect(onlyError("y ~ (x | )")).toEqual({ message: "empty right-hand side of '|'", start: 7, end: 8, hint: "name the grouping factor, e.g. (Days | Subject)" });
  });
  it("an empty left side of '||'", () => {
    const e = onlyError("y ~ ( || g)");
    expect([e.message, e.start, e.end]).toEqual(["empty left-hand side of '||'", 6, 8]);
    expect(e.hint).toContain("(1 || Subject)");
  });
  it("a missing '~'", () => {
    const e = onlyError("Reaction Days");
    expect([e.message, e.start, e.end]).toEqual(["missing '~': a model formula needs 'response ~ terms'", 0, 13]);
    expect(e.hint).toContain("Reaction ~ Days + (Days | Subject)");
  });
  it("'=' instead of '~'", () => {
    const e = onlyError("y = x");
    expect([e.message, e.start, e.end]).toEqual(["'=' is not a formula operator", 2, 3]);
    expect(e.hint).toContain("did you mean '~'?");
  });
  it("a stray operator", () => {
    expect(onlyError("y ~ x + * z")).toEqual({ message: "stray operator '*' after '+'", start: 8, end: 9, hint: "remove it, or write the term it should apply to" });
  });
  it("a formula ending in an operator", () => {
    expect(onlyError("y ~ x +")).toEqual({ message: "the formula ends after '+': a term is missing", start: 6, end: 7, hint: "write a term after '+' or remove it" });
  });
  it("two terms without an operator", () => {
    const e = onlyError("y ~ x z");
    expect([e.message, e.start, e.end]).toEqual(["missing operator before 'z'", 6, 7]);
  });
  it("a character that is not part of the language", () => {
    const e = onlyError("y ~ x $ z");
    expect([e.message, e.start, e.end]).toEqual(["unexpected character '$'", 6, 7]);
  });
  it("a second '~'", () => {
    const e = onlyError("y ~ x ~ z");
    expect([e.message, e.start, e.end]).toEqual(["only one '~' is allowed, outside parentheses", 6, 7]);
  });
  it("an empty formula", () => {
    expect(onlyError("").message).toBe("empty formula");
  });
  it("an unknown %op%", () => {
    const e = onlyError("y ~ a %o% b");
    expect([e.message, e.start, e.end]).toEqual(["unknown operator '%o%'", 6, 9]);
  });
});

describe("semantic errors", () => {
  it("'|' outside parentheses is lme4's random term only at the top of the right-hand side", () => {
    // lme4's findbars takes `y ~ x | g` whole as the term (x | g); test/formula/edges.test.ts has R's expansions.
    expect(checkFormula("y ~ x | g").ok).toBe(true);
    expect(onlyError("y ~ log(x | g)").message).toBe("'|' cannot be an argument of log()");
  });
  it("a bar inside a bar", () => {
    const e = onlyError("y ~ (x | g | h)");
    expect([e.message, e.start, e.end]).toEqual(["a random-effect term cannot contain another '|'", 7, 8]);
  });
  it("a bar in the response", () => {
    expect(onlyError("(1 | g) ~ x").message).toBe("'|' cannot be part of the response");
  });
  it("an unknown function lists the known ones and suggests the closest", () => {
    const e = onlyError("y ~ lg(x)");
    expect([e.message, e.start, e.end]).toEqual(["unknown function 'lg'", 4, 6]);
    expect(e.hint).toBe("did you mean 'log'? known functions: log, log2, log10, exp, sqrt, abs, I, factor, as.numeric, scale, offset, poly, cbind");
  });
  it("a wrong number of arguments", () => {
    expect(onlyError("y ~ log(x, 2, 3)")).toMatchObject({ message: "log() takes 1 or 2 arguments, not 3", start: 4, end: 16 });
    expect(onlyError("cbind(s) ~ x")).toMatchObject({ message: "cbind() takes at least 2 arguments, not 1", start: 0, end: 8 });
  });
  it("a non-integer power points at the exponent", () => {
    const e = onlyError("y ~ (a+b)^2.5");
    expect([e.message, e.start, e.end]).toEqual(["the power in a formula must be a whole number, not 2.5", 10, 13]);
    expect(e.hint).toContain("I((a+b)^2.5)");
  });
  it("a power below 2 (R: 'invalid power in formula')", () => {
    expect(onlyError("y ~ (a+b)^1")).toMatchObject({ message: "the power in a formula must be at least 2, not 1", start: 10, end: 11 });
  });
  it("a number other than 0 or 1 as a term", () => {
    expect(onlyError("y ~ x + 3")).toMatchObject({ message: "the number 3 cannot be a term", start: 8, end: 9 });
  });
  it("a grouping factor that is a sum", () => {
    expect(onlyError("y ~ (1 | a + b)")).toMatchObject({ message: "the grouping factor 'a + b' must be a name, or names joined by ':' or '/'", start: 9, end: 14 });
  });
  it("an interaction inside a call", () => {
    expect(onlyError("y ~ log(a:b)")).toMatchObject({ message: "':' is a formula operator and cannot be used inside log()", start: 9, end: 10 });
  });
  it("cbind on the right", () => {
    expect(onlyError("y ~ cbind(a, b)")).toMatchObject({ message: "cbind() belongs on the left of '~'", start: 4, end: 9 });
  });
  it("'.' without data", () => {
    const e = onlyError("y ~ .");
    expect([e.message, e.start, e.end]).toEqual(["'.' stands for all other columns of the data, but no data was given", 4, 5]);
  });
  it("a missing response when one is required", () => {
    const r = checkFormula("~ x", undefined, { requireResponse: true });
    expect(r.errors.map((e) => e.message)).toEqual(["missing response: the model needs 'response ~ terms'"]);
  });
});

describe("unknown columns", () => {
  it("suggests the case-insensitive match first", () => {
    expect(errorsOf("Reaction ~ days + (1 | subject)", sleepstudy)).toEqual([
      { message: "unknown column 'days'", start: 11, end: 15, hint: "did you mean 'Days'?" },
      { message: "unknown column 'subject'", start: 23, end: 30, hint: "did you mean 'Subject'?" },
    ]);
  });
  it("suggests by edit distance", () => {
    expect(onlyError("Reactoin ~ Days", sleepstudy)).toEqual({ message: "unknown column 'Reactoin'", start: 0, end: 8, hint: "did you mean 'Reaction'?" });
  });
  it("lists the columns when nothing is close", () => {
    expect(onlyError("Reaction ~ Weight", sleepstudy).hint).toBe("the data has columns: Reaction, Days, Subject");
  });
  it("checks names inside calls but not R constants", () => {
    expect(onlyError("Reaction ~ log(Dys)", sleepstudy)).toMatchObject({ start: 15, end: 18, hint: "did you mean 'Days'?" });
    expect(checkFormula("Reaction ~ scale(Days, center = FALSE)", sleepstudy).ok).toBe(true);
  });
});

describe("several errors at once", () => {
  it("collects semantic errors in text order", () => {
    expect(errorsOf("y ~ foo(x) + (a+b)^2.5 + 3").map((e) => [e.message, e.start, e.end])).toEqual([
      ["unknown function 'foo'", 4, 7],
      ["the power in a formula must be a whole number, not 2.5", 19, 22],
      ["the number 3 cannot be a term", 25, 26],
    ]);
  });
  it("collects lexer errors together with unbalanced parentheses", () => {
    expect(errorsOf("y ~ (x $ z").map((e) => e.message)).toEqual(["unbalanced parentheses: '(' is never closed", "unexpected character '$'"]);
  });
  it("formulaTerms throws the first, with all of them in .errors", () => {
    let caught: unknown;
    try {
      formulaTerms("Reaction ~ days + (1 | subject)", { columns: sleepstudy });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FormulaError);
    const fe = caught as FormulaError;
    expect(fe.message).toBe("unknown column 'days'");
    expect(fe.errors.map((e) => e.message)).toEqual(["unknown column 'days'", "unknown column 'subject'"]);
  });
});

describe("render()", () => {
  it("shows the formula, a caret line under the span, the message and the hint", () => {
    const e = checkFormula("Reaction ~ Days + (Days | )").errors[0]!;
    expect(e.render()).toBe(
      ["Reaction ~ Days + (Days | )", "                        ^", "error: empty right-hand side of '|'", "hint: name the grouping factor, e.g. (Days | Subject)"].join("\n"),
    );
  });
  it("draws one caret per character of the span", () => {
    const e = checkFormula("Reaction ~ days", sleepstudy).errors[0]!;
    expect(e.render().split("\n")[1]).toBe("           ^^^^");
  });
});

describe("'.' with columns", () => {
  it("stands for every column not used in the response", () => {
    const t = formulaTerms("y ~ . + (1 | g)", { columns: ["y", "a", "b", "g"] });
    // R: attr(terms(y ~ ., data = d), "term.labels") with d's columns y, a, b, g
    expect(t.fixed.terms.map((x) => x.label)).toEqual(["a", "b", "g"]);
    expect(t.random.map((r) => r.group.label)).toEqual(["g"]);
  });
  it("can be reduced with '-'", () => {
    const t = formulaTerms("log(y) ~ . - b", { columns: ["y", "a", "b"] });
    expect(t.fixed.terms.map((x) => x.label)).toEqual(["a"]);
  });
});

describe("nesting in grouping factors (lme4: 'unparseable formula for grouping factor')", () => {
  it("rejects '/' inside ':'", () => {
    expect(onlyError("y ~ (1 | a:(b/c))")).toMatchObject({ message: "'/' (nesting) must be the outermost operator of a grouping factor", start: 13, end: 14 });
  });
  it("rejects '/' in parentheses", () => {
    expect(onlyError("y ~ (1 | (a/b))")).toMatchObject({ start: 11, end: 12 });
  });
  it("accepts a/b/c and a:b", () => {
    expect(checkFormula("y ~ (1 | a/b/c) + (1 | a:b)").ok).toBe(true);
  });
});

describe("the parser recovers to report several syntax errors", () => {
  it("a stray operator and an empty group in one pass", () => {
    expect(errorsOf("y ~ x + * z + (1 | ) + w").map((e) => [e.message, e.start, e.end])).toEqual([
      ["stray operator '*' after '+'", 8, 9],
      ["empty right-hand side of '|'", 17, 18],
    ]);
  });
  it("two empty groups", () => {
    expect(errorsOf("y ~ (x | ) + (z | )").map((e) => [e.start, e.end])).toEqual([
      [7, 8],
      [16, 17],
    ]);
  });
});
