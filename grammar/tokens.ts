/**
 * The formula lexer: every token of R's formula language in one `allTokens` list.
 *
 * Order matters: chevrotain takes the FIRST pattern that matches, so `||` precedes `|`, `%in%`
 * precedes the general `%op%`, `==` precedes `=`, `<=` precedes `<`, and numbers precede names (`.5` is a number, `.x` a name).
 * Operator families share a category so the parser can consume "any additive operator" at once.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });

// Categories (never produced by the lexer themselves).
export const AdditiveOp = createToken({ name: "AdditiveOp", pattern: Lexer.NA });
export const MultiplicativeOp = createToken({ name: "MultiplicativeOp", pattern: Lexer.NA });
export const SpecialOp = createToken({ name: "SpecialOp", pattern: Lexer.NA });
export const BarOp = createToken({ name: "BarOp", pattern: Lexer.NA });
/** Comparisons, only meaningful inside a call's arguments: `I(Days > 4)`, `I(recipe == "A")`. */
export const CompareOp = createToken({ name: "CompareOp", pattern: Lexer.NA });

export const Tilde = createToken({ name: "Tilde", pattern: /~/, label: "'~'" });
export const DoubleBar = createToken({ name: "DoubleBar", pattern: /\|\|/, categories: [BarOp], label: "'||'" });
export const Bar = createToken({ name: "Bar", pattern: /\|/, categories: [BarOp], label: "'|'" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, categories: [AdditiveOp], label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, categories: [AdditiveOp], label: "'-'" });
export const Star = createToken({ name: "Star", pattern: /\*/, categories: [MultiplicativeOp], label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, categories: [MultiplicativeOp], label: "'/'" });
export const InOp = createToken({ name: "InOp", pattern: /%in%/, categories: [SpecialOp], label: "'%in%'" });
/** Any other `%op%` (`%o%`, `%%`): lexed so that the error can name it. */
export const OtherSpecialOp = createToken({ name: "OtherSpecialOp", pattern: /%[^%\n]*%/, categories: [SpecialOp] });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const Caret = createToken({ name: "Caret", pattern: /\^/, label: "'^'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const EqualEqual = createToken({ name: "EqualEqual", pattern: /==/, categories: [CompareOp], label: "'=='" });
export const NotEqual = createToken({ name: "NotEqual", pattern: /!=/, categories: [CompareOp], label: "'!='" });
export const LessEqual = createToken({ name: "LessEqual", pattern: /<=/, categories: [CompareOp], label: "'<='" });
export const GreaterEqual = createToken({ name: "GreaterEqual", pattern: />=/, categories: [CompareOp], label: "'>='" });
export const Less = createToken({ name: "Less", pattern: /</, categories: [CompareOp], label: "'<'" });
export const Greater = createToken({ name: "Greater", pattern: />/, categories: [CompareOp], label: "'>'" });
/** Logical negation, inside a call's arguments: `I(!flag)`, `I(!(x > 3))`. After `!=` in the list. */
export const Bang = createToken({ name: "Bang", pattern: /!/, label: "'!'" });
/** Element-wise logical and, inside a call's arguments: `I(x > 1 & x < 5)`. */
export const Ampersand = createToken({ name: "Ampersand", pattern: /&/, label: "'&'" });
/** String constants, inside a call's arguments: `relevel(recipe, "B")`, `I(Sex == 'Female')`. */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/,
  label: "string",
});

/** R numeric constants: `1`, `2.5`, `.5`, `1e-3`, `3L`, `0x1F`. */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /0[xX][0-9a-fA-F]+L?|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?L?/,
  label: "number",
});
/** Backquoted names: `` `reaction time` ``. */
export const BackquotedName = createToken({ name: "BackquotedName", pattern: /`[^`]*`/, label: "backquoted name" });
/**
 * R syntactic names (`total.fruits`, `x_1`, `.x`, and letters of any script as in a UTF-8 locale:
 * `Größe`); a lone `.` is the "all other columns" dot. A custom matcher because chevrotain cannot
 * analyse Unicode property escapes.
 */
const namePattern = /[\p{L}.][\p{L}\p{N}._]*/uy;
export const Identifier = createToken({
  name: "Identifier",
  pattern: (text: string, offset: number) => {
    namePattern.lastIndex = offset;
    return namePattern.exec(text);
  },
  line_breaks: false,
  label: "name",
});

export const allTokens: TokenType[] = [
  WhiteSpace,
  Tilde,
  DoubleBar,
  Bar,
  Plus,
  Minus,
  Star,
  Slash,
  InOp,
  OtherSpecialOp,
  Colon,
  Caret,
  LParen,
  RParen,
  Comma,
  EqualEqual,
  NotEqual,
  LessEqual,
  GreaterEqual,
  Less,
  Greater,
  Ampersand,
  Bang,
  Equals,
  StringLiteral,
  NumberLiteral,
  BackquotedName,
  Identifier,
  AdditiveOp,
  MultiplicativeOp,
  SpecialOp,
  BarOp,
  CompareOp,
];

export const formulaLexer = new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: false });
