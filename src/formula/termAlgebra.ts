/**
 * R's model-formula algebra (R's stats/src/model.c: EncodeVars and friends), used for the fixed
 * part and for the left-hand side of every random-effect bar.
 *
 * A term is a set of variables, kept as a bit set over the variables in order of first appearance
 * (R's ExtractVars order, response first). Operators act on lists of terms:
 *   a + b  → concatenation;        a:b  → every l ∪ r;        a*b → a + b + a:b;
 *   a / b  → a + (∪a) ∪ each b;    b %in% a → each b ∪ (∪a);  (a+b)^k → k-fold crossing;
 *   a - b  → a without the terms of b; `1`/`0` set the intercept, reversed on the right of `-`.
 * Duplicates collapse keeping the first (TrimRepeats), then terms are ordered by their number of
 * variables, stably (TermCode's reordering), and each label lists variables in appearance order.
 */
import { COMPARISON_OPS, type Expr, type NameNode } from "../../grammar/ast.js";
import type { FormulaProblem } from "../../grammar/errors.js";
import { deparse, isSyntacticName } from "./deparse.js";
import type { Term } from "./terms.js";

export interface EncodedTerms {
  intercept: boolean;
  terms: Term[];
  offsets: Expr[];
}

export interface EncodeOptions {
  /** Data column names that `.` stands for. */
  columns?: readonly string[];
  /** Variables already taken by the response: installed first (R lists the response first) and left out of `.`. */
  responseVariables?: readonly Expr[];
  /** Names used on the left-hand side, excluded from `.`. */
  lhsNames?: ReadonlySet<string>;
}

class VariableTable {
  readonly exprs: Expr[] = [];
  private readonly index = new Map<string, number>();

  install(expr: Expr): bigint {
    const key = deparse(expr);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.exprs.length;
      this.index.set(key, i);
      this.exprs.push(expr);
    }
    return 1n << BigInt(i);
  }
}

function popcount(bits: bigint): number {
  let n = 0;
  for (let b = bits; b > 0n; b >>= 1n) if (b & 1n) n++;
  return n;
}

/** R's TrimRepeats: drop empty terms and repeats, keeping first occurrences. */
function trimRepeats(terms: bigint[]): bigint[] {
  const seen = new Set<bigint>();
  const out: bigint[] = [];
  for (const t of terms) {
    if (t === 0n || seen.has(t)) continue;
    seen.add(t);
    out.push(t);
  }
  return out;
}

function unionOf(terms: bigint[]): bigint {
  return terms.reduce((acc, t) => acc | t, 0n);
}

function interact(left: bigint[], right: bigint[]): bigint[] {
  const out: bigint[] = [];
  for (const l of left) for (const r of right) out.push(l | r);
  return trimRepeats(out);
}

class Encoder {
  readonly vars = new VariableTable();
  intercept = true;
  /** R's `parity`: false while encoding the right-hand side of a `-`, which reverses 0 and 1. */
  private parity = true;
  readonly offsets: Expr[] = [];
  readonly problems: FormulaProblem[] = [];

  constructor(private readonly options: EncodeOptions) {
    for (const r of options.responseVariables ?? []) this.vars.install(r);
  }

  encode(e: Expr): bigint[] {
    switch (e.kind) {
      case "name":
        return [this.vars.install(e)];
      case "call":
        if (e.fn === "offset") {
          if (e.args[0]) this.offsets.push(e.args[0]);
          return [];
        }
        return [this.vars.install(e)];
      case "number":
        return this.encodeNumber(e.value, e);
      case "dot":
        return this.encodeDot(e);
      case "paren":
        return this.encode(e.inner);
      case "unary":
        // `!x` is one variable for R's terms(), like a comparison
        if (e.op === "!") return [this.vars.install(e)];
        return e.op === "-" ? this.deleteTerms([], e.operand) : this.encode(e.operand);
      case "binary":
        // R's terms() takes an operator it does not know as a formula operator (`x > 3`, `a & b`)
        // as a whole variable, labelled by its deparse ("x > 3"; model.matrix names "x > 3TRUE").
        if (e.op === "&" || (COMPARISON_OPS as readonly string[]).includes(e.op)) return [this.vars.install(e)];
        return this.encodeBinary(e.op, e.left, e.right);
      case "string":
        this.problems.push({
          message: `the string ${e.text} cannot be a term`,
          start: e.start,
          end: e.end,
          hint: "strings are arguments of calls, e.g. relevel(recipe, \"B\") or I(Sex == \"Female\"); write a column name with spaces in backquotes",
        });
        return [];
    }
  }

  private encodeNumber(value: number, e: Expr): bigint[] {
    if (value === 1) this.intercept = this.parity;
    else if (value === 0) this.intercept = !this.parity;
    else {
      this.problems.push({
        message: `the number ${deparse(e)} cannot be a term`,
        start: e.start,
        end: e.end,
        hint: "only 1 (keep the intercept) and 0 (drop it) stand alone in a formula; for arithmetic write I(...)",
      });
    }
    return [];
  }

  private encodeDot(e: Expr): bigint[] {
    const columns = this.options.columns;
    if (!columns) {
      this.problems.push({
        message: "'.' stands for all other columns of the data, but no data was given",
        start: e.start,
        end: e.end,
        hint: "give the data (its column names), or list the terms instead of '.'",
      });
      return [];
    }
    const used = this.options.lhsNames ?? new Set<string>();
    return columns
      .filter((c) => !used.has(c))
      .map((c) => {
        const node: NameNode = { kind: "name", name: c, quoted: !isSyntacticName(c), start: e.start, end: e.end };
        return this.vars.install(node);
      });
  }

  private encodeBinary(op: string, left: Expr, right: Expr): bigint[] {
    switch (op) {
      case "+":
        return trimRepeats([...this.encode(left), ...this.encode(right)]);
      case "-":
        return this.deleteTerms(this.encode(left), right);
      case ":":
        return interact(this.encode(left), this.encode(right));
      case "*": {
        const l = this.encode(left);
        const r = this.encode(right);
        // R's CrossTerms appends to the left list in place, so an empty left (`1 * x`) gives no terms.
        if (l.length === 0) return [];
        return trimRepeats([...l, ...r, ...interact(l, r)]);
      }
      case "%in%": {
        const l = this.encode(left);
        const all = unionOf(this.encode(right));
        return trimRepeats(l.map((t) => t | all));
      }
      case "/": {
        const l = this.encode(left);
        const all = unionOf(l);
        const r = this.encode(right);
        // R's NestTerms, like CrossTerms, gives nothing when the left is empty (`1 / x`).
        if (l.length === 0) return [];
        return trimRepeats([...l, ...r.map((t) => t | all)]);
      }
      case "^":
        return this.power(left, right);
      default:
        // A bar inside a bar's left side: validate.ts reports it ("cannot contain another '|'").
        return [];
    }
  }

  /** R's DeleteTerms: the right side is encoded with reversed parity, so `- 1` drops the intercept. */
  private deleteTerms(left: bigint[], right: Expr): bigint[] {
    this.parity = !this.parity;
    const r = new Set(this.encode(right));
    this.parity = !this.parity;
    return left.filter((t) => !r.has(t));
  }

  /** R's PowerTerms: cross the list with itself k - 1 times. The exponent is checked by validate.ts. */
  private power(base: Expr, exponent: Expr): bigint[] {
    const k = exponent.kind === "number" ? Math.trunc(exponent.value) : 1;
    const l = this.encode(base);
    let acc = l;
    for (let i = 1; i < k; i++) acc = interact(l, acc);
    return acc;
  }
}

/**
 * R's terms(): intercept, ordered term list with labels, and the offsets. `.` stands for every
 * column not named in the response, grouping columns included (as lme4's lFormula does).
 */
export function encodeTerms(rhs: Expr | null, options: EncodeOptions = {}): EncodedTerms & { problems: FormulaProblem[] } {
  const enc = new Encoder(options);
  const bits = rhs ? trimRepeats(enc.encode(rhs)) : [];
  const ordered = bits
    .map((b, i) => ({ b, i, order: popcount(b) }))
    .sort((x, y) => x.order - y.order || x.i - y.i)
    .map(({ b }) => termOf(b, enc.vars.exprs));
  return { intercept: enc.intercept, terms: ordered, offsets: enc.offsets, problems: enc.problems };
}

function termOf(bits: bigint, vars: Expr[]): Term {
  const factors: Expr[] = [];
  vars.forEach((v, i) => {
    if ((bits >> BigInt(i)) & 1n) factors.push(v);
  });
  return { label: factors.map(deparse).join(":"), factors };
}
