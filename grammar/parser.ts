/**
 * `parseFormula(text)`: formula text → FormulaNode (grammar/ast.ts), or FormulaError.
 * Lexer, parenthesis and parser problems are collected together so that a user sees them all.
 */
import type { FormulaNode } from "./ast.js";
import { FormulaError, throwAll, type FormulaProblem } from "./errors.js";
import { formulaParser } from "./rules.js";
import { lexingProblem, parenthesisProblems, parsingProblem } from "./syntaxErrors.js";
import { formulaLexer } from "./tokens.js";
import { astBuilder } from "./visitor.js";

export { FormulaParser, formulaParser } from "./rules.js";

export interface ParseResult {
  /** The AST, or null when the text does not parse. */
  value: FormulaNode | null;
  /** Every syntax problem found (empty when value is not null). */
  errors: FormulaError[];
}

/** Parses without throwing: the AST or every syntax error found. */
export function parseFormulaCollecting(text: string): ParseResult {
  const problems: FormulaProblem[] = [];
  try {
    const lexed = formulaLexer.tokenize(text);
    problems.push(...lexed.errors.map((e) => lexingProblem(e, text)));
    const parens = parenthesisProblems(lexed.tokens);
    if (parens.length > 0) return fail([...problems, ...parens], text);

    formulaParser.input = lexed.tokens;
    const cst = formulaParser.formula();
    const parseErrors = formulaParser.errors;
    if (parseErrors.length > 0) {
      const syntax = parseErrors.map((e) => parsingProblem(e, lexed.tokens, text));
      // A parser error right after a bad character is usually the same mistake seen twice.
      const fresh = syntax.filter((s) => !problems.some((p) => p.end <= s.start && text.slice(p.end, s.start).trim() === ""));
      return fail([...problems, ...fresh], text);
    }
    astBuilder.problems = [];
    const value = astBuilder.visit(cst) as FormulaNode;
    problems.push(...astBuilder.problems);
    if (problems.length > 0) return fail(problems, text);
    return { value, errors: [] };
  } catch (e) {
    if (e instanceof RangeError) {
      return fail([{ message: "the formula is nested too deeply", start: 0, end: text.length, hint: "remove redundant parentheses" }], text);
    }
    throw e;
  }
}

function fail(problems: FormulaProblem[], text: string): ParseResult {
  const sorted = [...problems].sort((a, b) => a.start - b.start);
  return { value: null, errors: sorted.map((p) => new FormulaError(p, text)) };
}

/** Parses `y ~ rhs` or `~ rhs`; throws the first FormulaError (all of them in `.errors`). */
export function parseFormula(text: string): FormulaNode {
  const result = parseFormulaCollecting(text);
  if (!result.value) throwAll(result.errors);
  return result.value;
}
