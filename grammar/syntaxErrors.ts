/**
 * Turns lexer and parser failures into FormulaErrors a user can act on: unbalanced parentheses,
 * an empty side of `|`, a missing `~`, a stray operator. Chevrotain's own messages name grammar
 * rules; these name the characters the user typed and say what to write instead.
 */
import type { ILexingError, IRecognitionException, IToken, TokenType } from "chevrotain";
import type { FormulaProblem } from "./errors.js";
import {
  AdditiveOp,
  BarOp,
  Caret,
  Colon,
  Comma,
  Equals,
  LParen,
  MultiplicativeOp,
  RParen,
  SpecialOp,
  Tilde,
} from "./tokens.js";

const span = (t: IToken) => ({ start: t.startOffset, end: t.startOffset + t.image.length });

function isA(t: IToken | undefined, type: TokenType): boolean {
  if (!t) return false;
  return t.tokenType === type || (t.tokenType.CATEGORIES ?? []).includes(type);
}

const binaryOperatorTypes = [AdditiveOp, MultiplicativeOp, SpecialOp, Colon, Caret, BarOp, Tilde];
const isOperator = (t: IToken | undefined) => binaryOperatorTypes.some((ty) => isA(t, ty));

export function lexingProblem(e: ILexingError, text: string): FormulaProblem {
  const ch = text.slice(e.offset, e.offset + Math.max(1, e.length));
  const first = ch[0] ?? "";
  let hint = "formulas are made of names, numbers, calls such as log(x), and the operators ~ + - * / : ^ %in% | ||";
  if (first === '"' || first === "'") hint = `a string needs its closing ${first} (strings are call arguments such as relevel(f, "B")); write names with spaces in backquotes, e.g. \`reaction time\``;
  else if (first === "%") hint = "an operator between % signs must be closed, e.g. a %in% b";
  else if (first === "`") hint = "a backquoted name needs a closing backquote";
  return { message: `unexpected character '${first}'`, start: e.offset, end: e.offset + 1, hint };
}

/** Every `(` needs its `)`: reported before parsing, since a parser error would only say "expected ')'". */
export function parenthesisProblems(toks: IToken[]): FormulaProblem[] {
  const open: IToken[] = [];
  const problems: FormulaProblem[] = [];
  for (const t of toks) {
    if (t.tokenType === LParen) open.push(t);
    else if (t.tokenType === RParen) {
      if (!open.pop()) {
        problems.push({ message: "unbalanced parentheses: ')' has no matching '('", ...span(t), hint: "remove this ')' or add the '(' it closes" });
      }
    }
  }
  for (const t of open) {
    problems.push({ message: "unbalanced parentheses: '(' is never closed", ...span(t), hint: "add the matching ')'" });
  }
  return problems;
}

const describe = (t: IToken) => `'${t.image}'`;

/** One parser exception → one problem, reading the offending token and the one before it. */
export function parsingProblem(e: IRecognitionException, toks: IToken[], text: string): FormulaProblem {
  const atEnd = !e.token || Number.isNaN(e.token.startOffset) || e.token.tokenType.name === "EOF";
  const index = atEnd ? toks.length : toks.findIndex((t) => t.startOffset === e.token.startOffset);
  const prev = index > 0 ? toks[index - 1] : undefined;
  const expectsTilde = /Tilde|'~'/.test(e.message) && e.name === "MismatchedTokenException";
  const hasTilde = toks.some((t) => t.tokenType === Tilde);
  const end = text.length;

  if (toks.length === 0) {
    return { message: "empty formula", start: 0, end, hint: "write 'response ~ terms', e.g. 'Reaction ~ Days + (Days | Subject)'" };
  }
  if (expectsTilde && !hasTilde && e.token?.tokenType === Equals) {
    return { message: "'=' is not a formula operator", ...span(e.token), hint: "did you mean '~'? A formula reads 'response ~ terms'" };
  }
  if (expectsTilde && !hasTilde) {
    return {
      message: "missing '~': a model formula needs 'response ~ terms'",
      start: 0,
      end,
      hint: "write e.g. 'Reaction ~ Days + (Days | Subject)', or '~ terms' for a one-sided formula",
    };
  }
  if (atEnd) {
    if (prev && isA(prev, BarOp)) {
      return { message: `empty right-hand side of ${describe(prev)}`, ...span(prev), hint: "name the grouping factor, e.g. (Days | Subject)" };
    }
    if (prev && prev.tokenType === Tilde) {
      return { message: "nothing after '~'", ...span(prev), hint: "write the terms, or 1 for an intercept-only model" };
    }
    if (prev && isOperator(prev)) {
      return { message: `the formula ends after ${describe(prev)}: a term is missing`, ...span(prev), hint: `write a term after ${describe(prev)} or remove it` };
    }
    return { message: "the formula ends too early", start: end, end, hint: "complete the formula" };
  }

  const t = e.token;
  if (t.tokenType === Tilde) {
    return { message: "only one '~' is allowed, outside parentheses", ...span(t), hint: "a formula reads 'response ~ terms'" };
  }
  if (isA(t, BarOp) && (!prev || prev.tokenType === LParen)) {
    return { message: `empty left-hand side of ${describe(t)}`, ...span(t), hint: `write the random-effect terms before it, e.g. (1 ${t.image} Subject) for a random intercept` };
  }
  if (t.tokenType === RParen) {
    if (prev && isA(prev, BarOp)) {
      return { message: `empty right-hand side of ${describe(prev)}`, ...span(prev), hint: "name the grouping factor, e.g. (Days | Subject)" };
    }
    if (prev && prev.tokenType === LParen) return { message: "empty parentheses", start: prev.startOffset, end: span(t).end, hint: "put a term inside or remove them" };
    if (prev && prev.tokenType === Comma) return { message: "missing argument after ','", ...span(prev), hint: "remove the ',' or add the argument" };
    if (prev && isOperator(prev)) {
      return { message: `a term is missing after ${describe(prev)}`, ...span(prev), hint: `write a term after ${describe(prev)} or remove it` };
    }
  }
  if (t.image === "!") {
    return { message: "'!' (not) cannot stand here", ...span(t), hint: "negate inside a call, e.g. I(!flag) or I(!(x > 3)); R would read 'x + !a + b' as x + !(a + b)" };
  }
  if (t.tokenType === Equals) {
    return { message: "'=' is not a formula operator", ...span(t), hint: "did you mean '~'? Use '=' only for named arguments such as poly(x, degree = 2)" };
  }
  if (t.tokenType === Comma) {
    return { message: "unexpected ','", ...span(t), hint: "commas separate the arguments of a call such as cbind(s, n - s)" };
  }
  if (isOperator(t)) {
    const after = prev && isOperator(prev) ? ` after ${describe(prev)}` : !prev ? " at the start" : "";
    return { message: `stray operator ${describe(t)}${after}`, ...span(t), hint: "remove it, or write the term it should apply to" };
  }
  if (e.name === "NotAllInputParsedException" || expectsTilde || /RParen|'\)'/.test(e.message)) {
    return {
      message: `missing operator before ${describe(t)}`,
      ...span(t),
      hint: "join terms with '+' (or ':' / '*' for interactions)" + (expectsTilde ? "; the response and the terms are separated by '~'" : ""),
    };
  }
  return { message: `unexpected ${describe(t)}`, ...span(t), hint: e.message };
}
