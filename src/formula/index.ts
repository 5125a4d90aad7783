/**
 * The formula stage's entry points: formula text → FormulaTerms (terms.ts), the meaning R's
 * terms() and lme4's findbars / expandDoubleVerts / expandSlash give a mixed-model formula.
 */
import { leftSpine, type Expr, type FormulaNode } from "../../grammar/ast.js";
import { FormulaError, throwAll, type FormulaProblem } from "../../grammar/errors.js";
import { parseFormulaCollecting } from "../../grammar/parser.js";
import { expandGroup, findBars, noBars, type FoundBar } from "./bars.js";
import { encodeTerms } from "./termAlgebra.js";
import type { FormulaTerms, RandomTerm } from "./terms.js";
import { validateFormula } from "./validate.js";

export type { FormulaTerms, RandomTerm, Term, FixedPart } from "./terms.js";
export { deparse, deparseFormula } from "./deparse.js";
export { formatRNumber } from "../rformat.js";
export { KNOWN_FUNCTIONS } from "./functions.js";
export { FormulaError } from "../../grammar/errors.js";
export { parseFormula } from "../../grammar/parser.js";

export interface FormulaTermsOptions {
  /** The data's column names: checks every name, and gives `.` its meaning. */
  columns?: readonly string[];
  /** Require `response ~ terms` (lmer and glmer need a response). Default false. */
  requireResponse?: boolean;
}

export interface CheckResult {
  ok: boolean;
  terms?: FormulaTerms;
  errors: FormulaError[];
}

/** Every name in an expression (not function names), for `.` to leave out. */
function namesIn(e: Expr | null, out = new Set<string>()): Set<string> {
  if (!e) return out;
  switch (e.kind) {
    case "name":
      out.add(e.name);
      break;
    case "call":
      e.args.forEach((a) => namesIn(a, out));
      break;
    case "binary": {
      const { first, steps } = leftSpine(e, () => true);
      namesIn(first, out);
      for (const s of steps) namesIn(s.right, out);
      break;
    }
    case "unary":
      namesIn(e.operand, out);
      break;
    case "paren":
      namesIn(e.inner, out);
      break;
  }
  return out;
}

/** One bar → its random terms: `||` splits into uncorrelated pieces, `/` into nested groups. */
function randomTermsOf(found: FoundBar, options: FormulaTermsOptions, lhsNames: Set<string>, problems: FormulaProblem[]): RandomTerm[] {
  const { bar, span } = found;
  const enc = encodeTerms(bar.left, { columns: options.columns, lhsNames });
  problems.push(...enc.problems);
  if (enc.offsets.length > 0) {
    problems.push({
      message: "offset() cannot be part of a random-effect term",
      start: bar.left.start,
      end: bar.left.end,
      hint: "put offset(x) in the fixed part: y ~ x + offset(z) + (1 | g)",
    });
  }
  if (bar.op === "||" && enc.terms.length === 0) {
    // lme4 1.1's expandDoubleVerts pastes "0+" before each term label of the left side; with none
    // it builds `(1|g)+(0+|g)`, which R cannot parse, so lme4 stops. Say why instead.
    problems.push({
      message: "'||' needs at least one term besides the intercept on its left",
      start: bar.left.start,
      end: bar.left.end,
      hint: "for a random intercept write (1 | g); '||' makes the intercept and the slopes uncorrelated, e.g. (1 + x || g)",
    });
  }
  const groups = expandGroup(bar.right);
  const pieces =
    bar.op === "||"
      ? [
          ...(enc.intercept ? [{ intercept: true, terms: [] }] : []),
          ...enc.terms.map((t) => ({ intercept: false, terms: [t] })),
        ]
      : [{ intercept: enc.intercept, terms: enc.terms }];
  const correlated = bar.op === "|";
  const special = found.special ? { special: { ...found.special } } : {};
  // lme4 expands `||` first, then `/` within each piece (expandDoubleVerts before expandSlash).
  return pieces.flatMap((p) => groups.map((group) => ({ group, intercept: p.intercept, terms: p.terms, correlated, span: { ...span }, ...special })));
}

function termsOf(f: FormulaNode, source: string, options: FormulaTermsOptions, problems: FormulaProblem[]): FormulaTerms {
  const lhsNames = namesIn(f.lhs);
  const fixedRhs = noBars(f.rhs);
  const fixed = encodeTerms(fixedRhs, { columns: options.columns, lhsNames, responseVariables: f.lhs ? [f.lhs] : [] });
  problems.push(...fixed.problems);
  const random = findBars(f.rhs).flatMap((b) => randomTermsOf(b, options, lhsNames, problems));
  return {
    source,
    response: f.lhs,
    fixed: { intercept: fixed.intercept, terms: fixed.terms },
    offsets: fixed.offsets,
    random,
  };
}

/** Parses, validates and expands; never throws. */
export function checkFormula(text: string, columns?: readonly string[], options: Omit<FormulaTermsOptions, "columns"> = {}): CheckResult {
  try {
    const parsed = parseFormulaCollecting(text);
    if (!parsed.value) return { ok: false, errors: parsed.errors };
    const f = parsed.value;
    const problems = validateFormula(f, text, columns);
    if (options.requireResponse && !f.lhs) {
      problems.push({
        message: "missing response: the model needs 'response ~ terms'",
        start: f.start,
        end: f.start + 1,
        hint: "write the response before '~', e.g. Reaction ~ Days + (Days | Subject)",
      });
    }
    const terms = termsOf(f, text, { ...options, columns }, problems);
    const errors = dedupe(problems).map((p) => new FormulaError(p, text));
    return errors.length > 0 ? { ok: false, errors } : { ok: true, terms, errors: [] };
  } catch (e) {
    // A bug of ours must still reach the user as a FormulaError, never as a crash.
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [new FormulaError({ message: `internal error while reading the formula: ${message}`, start: 0, end: text.length }, text)] };
  }
}

/** The same problem found by two checks (e.g. a number seen by the fixed and the random part) is reported once. */
function dedupe(problems: FormulaProblem[]): FormulaProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.start}:${p.end}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.start - b.start);
}

/** Formula text → FormulaTerms; throws the first FormulaError, with all of them in `.errors`. */
export function formulaTerms(text: string, options: FormulaTermsOptions = {}): FormulaTerms {
  const result = checkFormula(text, options.columns, { requireResponse: options.requireResponse });
  if (!result.ok || !result.terms) throwAll(result.errors);
  return result.terms;
}
