/**
 * The formula AST: what the parser hands to `src/formula/`.
 *
 * Every node carries the half-open span [start, end) of the source text it came from, so that any
 * later stage can point at the exact characters a problem comes from (FormulaError's caret line).
 */

export interface Span {
  /** Offset of the first character, 0-based, into the formula text. */
  start: number;
  /** Offset one past the last character. */
  end: number;
}

/** A variable: `Days`, `total.fruits`, or a backquoted `` `reaction time` `` (name without quotes). */
export interface NameNode extends Span {
  kind: "name";
  name: string;
  quoted: boolean;
}

/** A numeric literal: `1`, `0`, `2.5`, `1e-3`. `text` is as written. */
export interface NumberNode extends Span {
  kind: "number";
  value: number;
  text: string;
}

/** A string constant `"B"` or `'B'` (only as a call argument): `value` unescaped, `text` as written. */
export interface StringNode extends Span {
  kind: "string";
  value: string;
  text: string;
}

/** A call `fn(arg, …)`: `log(x)`, `I(Days^2)`, `cbind(s, n - s)`, `poly(x, 2)`. */
export interface CallNode extends Span {
  kind: "call";
  fn: string;
  args: Expr[];
  /** Argument names where given (`poly(x, degree = 2)` → [null, "degree"]); absent when none is named. */
  argNames?: (string | null)[];
}

/**
 * A binary operator. Inside a formula `+ - * / ^ : %in%` are formula operators; inside a call's
 * arguments (`I(a + b)`, `log(x / 2)`) the same nodes mean arithmetic. `|` and `||` are the
 * random-effect bars and only occur inside parentheses.
 */
export type BinaryOp = "+" | "-" | "*" | "/" | "^" | ":" | "%in%" | "|" | "||" | ComparisonOp | "&";

/** R's comparisons; with `&`, meaningful only inside a call's arguments (`I(Days > 4)`). */
export type ComparisonOp = "==" | "!=" | "<" | ">" | "<=" | ">=";

export const COMPARISON_OPS: readonly ComparisonOp[] = ["==", "!=", "<", ">", "<=", ">="];

export interface BinaryNode extends Span {
  kind: "binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** Unary minus or plus: `-1`, `-x` inside arithmetic, `- 1` at the start of a right-hand side;
 *  `!` (logical not) inside a call's arguments. */
export interface UnaryNode extends Span {
  kind: "unary";
  op: "-" | "+" | "!";
  operand: Expr;
}

/** Parentheses are kept: `(Days | Subject)` is a ParenNode around a `|` BinaryNode. */
export interface ParenNode extends Span {
  kind: "paren";
  inner: Expr;
}

/** `.`: all other columns of the data. */
export interface DotNode extends Span {
  kind: "dot";
}

export type Expr = NameNode | NumberNode | StringNode | CallNode | BinaryNode | UnaryNode | ParenNode | DotNode;

/** `lhs ~ rhs`, or one-sided `~ rhs` (lhs null). */
export interface FormulaNode extends Span {
  kind: "formula";
  lhs: Expr | null;
  rhs: Expr;
}

/**
 * The left spine of a left-deep operator chain: `a + b - c` is `((a + b) - c)`, so its spine is
 * [`a + b`, `(a + b) - c`] (innermost first) and its first operand `a`. The parser folds long sums
 * to the left, so every stage walks a chain through this loop instead of recursing once per
 * operator (a formula of 10,000 terms would otherwise overflow the stack).
 */
export function leftSpine(e: Expr, continues: (b: BinaryNode) => boolean): { first: Expr; steps: BinaryNode[] } {
  const steps: BinaryNode[] = [];
  let node = e;
  while (node.kind === "binary" && continues(node)) {
    steps.push(node);
    node = node.left;
  }
  return { first: node, steps: steps.reverse() };
}
