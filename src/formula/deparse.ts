/**
 * `deparse(expr)`: the text R's `deparse()` gives for an expression, which is also how R labels
 * terms (`attr(terms(f), "term.labels")`): spaces around binary `+ - *`, `%in%`, `|`, `||` and
 * `~`; none around `/`, `^` and `:` (R prints `x/2`); calls as `fn(a, b)`; numbers as R prints them (15 significant
 * digits, fixed or scientific notation whichever is narrower: `1e-3` → `0.001`, `1e5` → `1e+05`);
 * names in backquotes only when not syntactic. Parentheses are kept as written (R keeps `(` in
 * the parse tree, so its deparse does too).
 */
import { leftSpine, type Expr, type FormulaNode } from "../../grammar/ast.js";
import { formatRNumber } from "../rformat.js";

const RESERVED = new Set([
  "if", "else", "repeat", "while", "function", "for", "next", "break", "in",
  "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "NA_complex_",
]);

const R_CONSTANTS = new Set(["TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "NA_complex_"]);

/** R's make.names rule (UTF-8 locale): starts with a letter, or a dot not followed by a digit; then letters, digits, `.`, `_`. */
export function isSyntacticName(name: string): boolean {
  if (RESERVED.has(name) || /^\.\.[0-9]+$/.test(name) || name === "...") return false;
  return /^(?:\p{L}|\.(?![0-9]))[\p{L}\p{N}._]*$/u.test(name);
}

export function deparseName(name: string): string {
  return isSyntacticName(name) ? name : "`" + name.replace(/\\/g, "\\\\").replace(/`/g, "\\`") + "`";
}

// R's deparse spaces `+ - *`, %op%, the bars, `&` and the comparisons, but not `/`, `^` or `:` (R's deparse.c binary-op table).
const SPACED = new Set(["+", "-", "*", "%in%", "|", "||", "&", "==", "!=", "<", ">", "<=", ">="]);

/** A string constant as R deparses it: double quotes, with `"` `\\` and control characters escaped. */
function deparseString(value: string): string {
  const escapes: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r" };
  return '"' + value.replace(/["\\\n\t\r]/g, (c) => escapes[c]!) + '"';
}

export function deparse(expr: Expr): string {
  switch (expr.kind) {
    case "name":
      // An unquoted TRUE, NA, Inf… was parsed as R's constant, which deparses bare (`raw = TRUE`).
      return !expr.quoted && R_CONSTANTS.has(expr.name) ? expr.name : deparseName(expr.name);
    case "number":
      // R keeps integer literals' suffix: 2L deparses as "2L", 1e3L as "1000L".
      return formatRNumber(expr.value) + (/L$/.test(expr.text) && Number.isInteger(expr.value) ? "L" : "");
    case "dot":
      return ".";
    case "string":
      return deparseString(expr.value);
    case "paren":
      return "(" + deparse(expr.inner) + ")";
    case "unary":
      return expr.op + deparse(expr.operand);
    case "call": {
      const args = expr.args.map((a, i) => {
        const name = expr.argNames?.[i];
        return (name ? deparseName(name) + " = " : "") + deparse(a);
      });
      return deparseName(expr.fn) + "(" + args.join(", ") + ")";
    }
    case "binary": {
      // a chain of n terms is deparsed in a loop, not n calls deep
      const { first, steps } = leftSpine(expr, () => true);
      const parts = [deparse(first)];
      for (const s of steps) parts.push(SPACED.has(s.op) ? ` ${s.op} ` : s.op, deparse(s.right));
      return parts.join("");
    }
  }
}

/** `y ~ x` / `~ x` as R deparses a formula. */
export function deparseFormula(f: FormulaNode): string {
  // R prints a one-sided formula as `~x`, a two-sided one as `y ~ x`.
  return f.lhs ? `${deparse(f.lhs)} ~ ${deparse(f.rhs)}` : `~${deparse(f.rhs)}`;
}
