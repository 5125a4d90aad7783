/**
 * CST → AST: turns chevrotain's concrete syntax tree into the typed AST of ast.ts, every node with
 * its source span. Left-associative chains (`a + b - c`) fold to the left as R's parser does.
 */
import type { CstNode, IToken } from "chevrotain";
import type { BinaryOp, CallNode, ComparisonOp, Expr, FormulaNode } from "./ast.js";
import type { FormulaProblem } from "./errors.js";
import { formulaParser } from "./rules.js";

const BaseVisitor = formulaParser.getBaseCstVisitorConstructor();

type Children = Record<string, (CstNode | IToken)[] | undefined>;

const tokenEnd = (t: IToken) => t.startOffset + t.image.length;

function tokens(ch: Children, key: string): IToken[] {
  return (ch[key] ?? []) as IToken[];
}
function nodes(ch: Children, key: string): CstNode[] {
  return (ch[key] ?? []) as CstNode[];
}

/** R reads `3L` as an integer and `0x1F` as hexadecimal. */
function numberValue(text: string): number {
  const t = text.endsWith("L") ? text.slice(0, -1) : text;
  return Number(t);
}

/** The characters of an R string constant: quotes removed, backslash escapes (\\n, \\t, \\", \\\\) read. */
function unescapeString(text: string): string {
  const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };
  return text.slice(1, -1).replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
}

export class AstBuilder extends BaseVisitor {
  /** Problems the grammar cannot express, e.g. an unknown `%op%`. */
  problems: FormulaProblem[] = [];

  constructor() {
    super();
    this.validateVisitor();
  }

  formula(ch: Children): FormulaNode {
    const lhsNode = nodes(ch, "lhs")[0];
    const lhs: Expr | null = lhsNode ? this.visit(lhsNode) : null;
    const rhs: Expr = this.visit(nodes(ch, "rhs")[0]!);
    const tilde = tokens(ch, "Tilde")[0]!;
    return { kind: "formula", lhs, rhs, start: lhs ? lhs.start : tilde.startOffset, end: rhs.end };
  }

  /** Folds `first op1 x1 op2 x2 …` to the left. */
  private chain(operands: CstNode[], ops: IToken[], opOf: (t: IToken) => BinaryOp): Expr {
    let acc: Expr = this.visit(operands[0]!);
    ops.forEach((tok, i) => {
      const right: Expr = this.visit(operands[i + 1]!);
      acc = { kind: "binary", op: opOf(tok), left: acc, right, start: acc.start, end: right.end };
    });
    return acc;
  }

  /**
   * `a OP b OP c …` over the three loosest levels (bars < `&` < comparisons), folded as R's
   * parser does: bars and `&` to the left; a comparison does not chain (`a < b < c` is an R
   * syntax error).
   */
  expr(ch: Children): Expr {
    const operands = nodes(ch, "sum").map((n) => this.visit(n) as Expr);
    const ops = [...tokens(ch, "BarOp"), ...tokens(ch, "Ampersand"), ...tokens(ch, "CompareOp")].sort((a, b) => a.startOffset - b.startOffset);
    // The `!`s in front of each operand (those before operand k start after operand k − 1 ends).
    const bangs = tokens(ch, "Bang");
    const negations = operands.map((o, k) => bangs.filter((b) => b.startOffset < o.start && (k === 0 || b.startOffset >= operands[k - 1]!.end)));
    return this.foldByLevel(operands, ops, negations);
  }

  /**
   * `!` binds looser than a comparison and tighter than `&` (R's ?Syntax): the `!`s before the
   * first operand of a comparison negate the comparison; those before its second operand negate
   * that operand only (`x > !y`).
   */
  private negate(e: Expr, bangs: IToken[]): Expr {
    return bangs.reduceRight<Expr>((acc, b) => ({ kind: "unary", op: "!", operand: acc, start: b.startOffset, end: acc.end }), e);
  }

  private foldByLevel(operands: Expr[], ops: IToken[], negations: IToken[][]): Expr {
    if (ops.length === 0) return this.negate(operands[0]!, negations[0]!);
    const level = (t: IToken) => (t.image === "|" || t.image === "||" ? 0 : t.image === "&" ? 1 : 2);
    const loosest = Math.min(...ops.map(level));
    // Left-associative: split at the last operator of the loosest level.
    let k = ops.length - 1;
    while (level(ops[k]!) !== loosest) k--;
    const tok = ops[k]!;
    if (loosest === 2) {
      const first = ops.findIndex((t) => level(t) === 2);
      if (first !== k) {
        this.problems.push({
          message: `comparisons cannot be chained: '${ops[first]!.image}' and '${tok.image}'`,
          start: tok.startOffset,
          end: tokenEnd(tok),
          hint: "join two comparisons with '&', e.g. I(x > 1 & x < 5)",
        });
      }
    }
    const op: BinaryOp = loosest === 0 ? (tok.image === "||" ? "||" : "|") : loosest === 1 ? "&" : (tok.image as ComparisonOp);
    if (loosest === 2) {
      // one comparison: `!`s before its left operand apply to the whole comparison
      const left = this.foldByLevel(operands.slice(0, k + 1), ops.slice(0, k), [[], ...negations.slice(1, k + 1)]);
      const right = this.foldByLevel(operands.slice(k + 1), ops.slice(k + 1), negations.slice(k + 1));
      return this.negate({ kind: "binary", op, left, right, start: left.start, end: right.end }, negations[0]!);
    }
    const left = this.foldByLevel(operands.slice(0, k + 1), ops.slice(0, k), negations.slice(0, k + 1));
    const right = this.foldByLevel(operands.slice(k + 1), ops.slice(k + 1), negations.slice(k + 1));
    return { kind: "binary", op, left, right, start: left.start, end: right.end };
  }

  sum(ch: Children): Expr {
    return this.chain(nodes(ch, "product"), tokens(ch, "AdditiveOp"), (t) => (t.image === "-" ? "-" : "+"));
  }

  product(ch: Children): Expr {
    return this.chain(nodes(ch, "special"), tokens(ch, "MultiplicativeOp"), (t) => (t.image === "/" ? "/" : "*"));
  }

  special(ch: Children): Expr {
    return this.chain(nodes(ch, "interaction"), tokens(ch, "SpecialOp"), (t) => {
      if (t.image !== "%in%") {
        this.problems.push({
          message: `unknown operator '${t.image}'`,
          start: t.startOffset,
          end: tokenEnd(t),
          hint: "the formula operators are + - * / : ^ %in% | ||",
        });
      }
      return "%in%";
    });
  }

  interaction(ch: Children): Expr {
    return this.chain(nodes(ch, "unary"), tokens(ch, "Colon"), () => ":");
  }

  unary(ch: Children): Expr {
    const op = tokens(ch, "AdditiveOp")[0];
    if (!op) return this.visit(nodes(ch, "power")[0]!);
    const operand: Expr = this.visit(nodes(ch, "unary")[0]!);
    return { kind: "unary", op: op.image === "-" ? "-" : "+", operand, start: op.startOffset, end: operand.end };
  }

  power(ch: Children): Expr {
    const base: Expr = this.visit(nodes(ch, "atom")[0]!);
    const exponentNode = nodes(ch, "unary")[0];
    if (!exponentNode) return base;
    const exponent: Expr = this.visit(exponentNode);
    return { kind: "binary", op: "^", left: base, right: exponent, start: base.start, end: exponent.end };
  }

  atom(ch: Children): Expr {
    const num = tokens(ch, "NumberLiteral")[0];
    if (num) return { kind: "number", value: numberValue(num.image), text: num.image, start: num.startOffset, end: tokenEnd(num) };
    const str = tokens(ch, "StringLiteral")[0];
    if (str) return { kind: "string", value: unescapeString(str.image), text: str.image, start: str.startOffset, end: tokenEnd(str) };
    const call = nodes(ch, "nameOrCall")[0];
    if (call) return this.visit(call);
    return this.visit(nodes(ch, "parenthesised")[0]!);
  }

  nameOrCall(ch: Children): Expr {
    const plain = tokens(ch, "Identifier")[0];
    const id = plain ?? tokens(ch, "BackquotedName")[0]!;
    const name = plain ? id.image : id.image.slice(1, -1);
    const rparen = tokens(ch, "RParen")[0];
    if (!rparen) {
      if (plain && id.image === ".") return { kind: "dot", start: id.startOffset, end: tokenEnd(id) };
      return { kind: "name", name, quoted: !plain, start: id.startOffset, end: tokenEnd(id) };
    }
    const args = nodes(ch, "argument").map((a) => this.visit(a) as { name: string | null; value: Expr });
    const node: CallNode = { kind: "call", fn: name, args: args.map((a) => a.value), start: id.startOffset, end: tokenEnd(rparen) };
    if (args.some((a) => a.name !== null)) node.argNames = args.map((a) => a.name);
    return node;
  }

  argument(ch: Children): { name: string | null; value: Expr } {
    const name = tokens(ch, "argName")[0];
    const text = name ? (name.image.startsWith("`") ? name.image.slice(1, -1) : name.image) : null;
    return { name: text, value: this.visit(nodes(ch, "expr")[0]!) };
  }

  parenthesised(ch: Children): Expr {
    const open = tokens(ch, "LParen")[0]!;
    const close = tokens(ch, "RParen")[0]!;
    const inner: Expr = this.visit(nodes(ch, "expr")[0]!);
    return { kind: "paren", inner, start: open.startOffset, end: tokenEnd(close) };
  }
}

export const astBuilder = new AstBuilder();
