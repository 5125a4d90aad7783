/**
 * Property-based tests (fast-check): any text, and any small mutation of a valid formula, gives
 * either an AST or FormulaErrors whose spans lie inside the text — never another exception.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FormulaError } from "../../grammar/errors.js";
import { parseFormula } from "../../grammar/parser.js";
import { checkFormula } from "../../src/formula/index.js";
import { deparseFormula } from "../../src/formula/deparse.js";

const valid = [
  "Reaction ~ Days + (Days | Subject)",
  "Reaction ~ Days + (Days || Subject)",
  "strength ~ 1 + (1 | batch/cask)",
  "angle ~ recipe * temp + (1 | recipe:replicate)",
  "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)",
  "y ~ (a + b + c)^2 - a:b + offset(log(z)) + I(x^-1) + poly(x, 2)",
  "y ~ 0 + `reaction time` + total.fruits %in% x_1 + log(x + 1e-3)",
];

const pieces = ["y", "x", "a", "b", "g", "~", "+", "-", "*", "/", ":", "^", "|", "||", "%in%", "%", "(", ")", ",", "=", "1", "0", "2.5", "1e-3", ".", " ", "`", "log", "I", "poly", "$", "'", "\n"];
const formulaish = fc.array(fc.constantFrom(...pieces), { maxLength: 25 }).map((xs) => xs.join(""));

const mutation = fc.record({
  base: fc.constantFrom(...valid),
  edits: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom("insert", "delete", "replace"), piece: fc.constantFrom(...pieces) }), { minLength: 1, maxLength: 4 }),
});

function mutate({ base, edits }: { base: string; edits: { at: number; kind: string; piece: string }[] }): string {
  let s = base;
  for (const e of edits) {
    const i = e.at % (s.length + 1);
    if (e.kind === "insert") s = s.slice(0, i) + e.piece + s.slice(i);
    else if (e.kind === "delete") s = s.slice(0, i) + s.slice(i + 1);
    else s = s.slice(0, i) + e.piece + s.slice(i + 1);
  }
  return s;
}

/** The property: a parse or well-placed FormulaErrors, from both entry points. */
function parsesOrFailsCleanly(text: string): void {
  const r = checkFormula(text);
  if (r.ok) expect(r.terms).toBeDefined();
  else {
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) {
      expect(e).toBeInstanceOf(FormulaError);
      expect(e.message).not.toMatch(/internal error/);
      expect(0 <= e.start && e.start <= e.end && e.end <= text.length).toBe(true);
    }
  }
  try {
    parseFormula(text);
  } catch (e) {
    expect(e).toBeInstanceOf(FormulaError);
    const fe = e as FormulaError;
    expect(0 <= fe.start && fe.start <= fe.end && fe.end <= text.length).toBe(true);
  }
}

describe("parser robustness", () => {
  it("random strings of any characters", () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), parsesOrFailsCleanly), { numRuns: 300 });
  });
  it("random strings of formula pieces", () => {
    fc.assert(fc.property(formulaish, parsesOrFailsCleanly), { numRuns: 1000 });
  });
  it("random mutations of valid formulas", () => {
    fc.assert(fc.property(mutation.map(mutate), parsesOrFailsCleanly), { numRuns: 1000 });
  });
  it("deep nesting is an error, not a crash", () => {
    parsesOrFailsCleanly("y ~ " + "(".repeat(5000) + "x" + ")".repeat(5000));
  });
  it("whatever parses, deparses to text that parses to the same deparse", () => {
    fc.assert(
      fc.property(fc.oneof(formulaish, mutation.map(mutate)), (text) => {
        let once: string;
        try {
          once = deparseFormula(parseFormula(text));
        } catch {
          return;
        }
        expect(deparseFormula(parseFormula(once))).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});
