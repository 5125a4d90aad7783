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
import { leftSpine, type BinaryNode, type Expr, type NameNode } from "../../grammar/ast.js";
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

  install(expr: Expr): VarSet {
    const key = deparse(expr);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.exprs.length;
      this.index.set(key, i);
      this.exprs.push(expr);
    }
    return [i];
  }
}

/**
 * A term: its variables' indices, ascending. R's model.c keeps a bit set; a sorted list is the
 * same set without a bit per variable of the whole formula on every term, which made a sum of n
 * main effects cost n² bits to build and n³ to trim.
 */
type VarSet = readonly number[];

/** The union of two sorted index lists (R's OrBits). */
function union(a: VarSet, b: VarSet): VarSet {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) j++;
    out.push(x <= y ? (i++, x) : (j++, y));
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Terms beyond this many are refused: no model matrix has that many columns, and a formula such as
 *  `(a + … + t)^20` (a million terms) would otherwise run out of time and memory. */
export const MAX_TERMS = 100_000;

/** The expansion grew beyond MAX_TERMS; caught by the encoder, which reports it at the operator. */
class TooManyTerms extends Error {}

/**
 * An ordered list of distinct non-empty terms: R's term list after TrimRepeats (first occurrence
 * kept). Adding and deleting are constant time, so a chain of n `+` costs O(n), not a re-trim of the
 * whole list at every `+`.
 */
class TermList {
  private readonly byKey = new Map<string, VarSet>();

  static of(terms: Iterable<VarSet>): TermList {
    const list = new TermList();
    for (const t of terms) list.add(t);
    return list;
  }

  get size(): number {
    return this.byKey.size;
  }

  add(t: VarSet): void {
    if (t.length === 0) return;
    const key = t.join(",");
    if (this.byKey.has(key)) return;
    if (this.byKey.size >= MAX_TERMS) throw new TooManyTerms();
    this.byKey.set(key, t);
  }

  addAll(other: TermList): this {
    for (const t of other) this.add(t);
    return this;
  }

  delete(t: VarSet): void {
    this.byKey.delete(t.join(","));
  }

  [Symbol.iterator](): Iterator<VarSet> {
    return this.byKey.values();
  }

  /** Same terms in the same order. */
  sameAs(other: TermList): boolean {
    if (other.size !== this.size) return false;
    const a = this.byKey.keys();
    for (const k of other.byKey.keys()) if (a.next().value !== k) return false;
    return true;
  }

  union(): VarSet {
    let all: VarSet = [];
    for (const t of this) all = union(all, t);
    return all;
  }
}

/** R's InteractTerms: every l ∪ r, left outer, then TrimRepeats. */
function interact(left: TermList, right: TermList): TermList {
  const out = new TermList();
  for (const l of left) for (const r of right) out.add(union(l, r));
  return out;
}

/** The largest power R accepts: its PowerTerms reads the power with asInteger (NA above 2³¹ − 1). */
export const MAX_POWER = 2147483647;

/** The whole-number power of `x^k`, or null when validate.ts reports it (not a number, not whole, < 2, > 2³¹ − 1). */
export function formulaPower(exponent: Expr): number | null {
  let e = exponent;
  while (e.kind === "paren") e = e.inner;
  if (e.kind !== "number" || !Number.isInteger(e.value) || e.value < 2 || e.value > MAX_POWER) return null;
  return e.value;
}

// The operators of the term algebra; `&`, comparisons and the bars are not among them.
const FORMULA_OPS = new Set(["+", "-", ":", "*", "%in%", "/", "^"]);

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

  encode(e: Expr): TermList {
    switch (e.kind) {
      case "name":
        return TermList.of([this.vars.install(e)]);
      case "call":
        if (e.fn === "offset") {
          if (e.args[0]) this.offsets.push(e.args[0]);
          return new TermList();
        }
        return TermList.of([this.vars.install(e)]);
      case "number":
        return this.encodeNumber(e.value, e);
      case "dot":
        return this.encodeDot(e);
      case "paren":
        return this.encode(e.inner);
      case "unary":
        // `!x` is one variable for R's terms(), like a comparison
        if (e.op === "!") return TermList.of([this.vars.install(e)]);
        return e.op === "-" ? this.deleteTerms(new TermList(), e.operand) : this.encode(e.operand);
      case "binary":
        // R's terms() takes an operator it does not know as a formula operator (`x > 3`, `a & b`)
        // as a whole variable, labelled by its deparse ("x > 3"; model.matrix names "x > 3TRUE").
        if (!FORMULA_OPS.has(e.op)) {
          // A bar inside a bar's left side: validate.ts reports it ("cannot contain another '|'").
          return e.op === "|" || e.op === "||" ? new TermList() : TermList.of([this.vars.install(e)]);
        }
        return this.encodeChain(e);
      case "string":
        this.problems.push({
          message: `the string ${e.text} cannot be a term`,
          start: e.start,
          end: e.end,
          hint: "strings are arguments of calls, e.g. relevel(recipe, \"B\") or I(Sex == \"Female\"); write a column name with spaces in backquotes",
        });
        return new TermList();
    }
  }

  /**
   * A left-deep chain `a + b - c : d …`, folded left to right in a loop (R's EncodeVars recurses
   * into the left operand first, so variables are installed in the same order).
   */
  private encodeChain(e: BinaryNode): TermList {
    const { first, steps } = leftSpine(e, (b) => FORMULA_OPS.has(b.op));
    let acc = this.encode(first);
    for (const step of steps) {
      try {
        acc = this.apply(step, acc);
      } catch (err) {
        if (!(err instanceof TooManyTerms)) throw err;
        this.problems.push({
          message: `the formula expands to more than ${MAX_TERMS} terms`,
          start: step.start,
          end: step.end,
          hint: "write fewer interactions, e.g. (a + b + c)^2 for the two-way ones",
        });
        return new TermList();
      }
    }
    return acc;
  }

  /** One operator of a chain, its left operand already encoded (and owned: `+` adds to it in place). */
  private apply(node: BinaryNode, l: TermList): TermList {
    switch (node.op) {
      case "+":
        return l.addAll(this.encode(node.right));
      case "-":
        return this.deleteTerms(l, node.right);
      case ":":
        return interact(l, this.encode(node.right));
      case "*": {
        const r = this.encode(node.right);
        // R's CrossTerms appends to the left list in place, so an empty left (`1 * x`) gives no terms.
        if (l.size === 0) return l;
        const both = interact(l, r);
        return l.addAll(r).addAll(both);
      }
      case "%in%": {
        const all = this.encode(node.right).union();
        return TermList.of([...l].map((t) => union(t, all)));
      }
      case "/": {
        const all = l.union();
        const r = this.encode(node.right);
        // R's NestTerms, like CrossTerms, gives nothing when the left is empty (`1 / x`).
        if (l.size === 0) return l;
        return l.addAll(TermList.of([...r].map((t) => union(t, all))));
      }
      default:
        return this.power(l, node.right);
    }
  }

  private encodeNumber(value: number, e: Expr): TermList {
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
    return new TermList();
  }

  private encodeDot(e: Expr): TermList {
    const columns = this.options.columns;
    if (!columns) {
      this.problems.push({
        message: "'.' stands for all other columns of the data, but no data was given",
        start: e.start,
        end: e.end,
        hint: "give the data (its column names), or list the terms instead of '.'",
      });
      return new TermList();
    }
    const used = this.options.lhsNames ?? new Set<string>();
    return TermList.of(
      columns
        .filter((c) => !used.has(c))
        .map((c) => {
          const node: NameNode = { kind: "name", name: c, quoted: !isSyntacticName(c), start: e.start, end: e.end };
          return this.vars.install(node);
        }),
    );
  }

  /** R's DeleteTerms: the right side is encoded with reversed parity, so `- 1` drops the intercept. */
  private deleteTerms(left: TermList, right: Expr): TermList {
    this.parity = !this.parity;
    const r = this.encode(right);
    this.parity = !this.parity;
    for (const t of r) left.delete(t);
    return left;
  }

  /**
   * R's PowerTerms: cross the list with itself k − 1 times. Once a crossing changes nothing (the
   * same terms in the same order) every later one is the same crossing of the same list, so the
   * loop stops there: at most the number of variables in the base, whatever k is. A power
   * validate.ts rejects leaves the base as it is.
   */
  private power(l: TermList, exponent: Expr): TermList {
    const k = formulaPower(exponent);
    if (k === null) return l;
    let acc = l;
    for (let i = 1; i < k; i++) {
      const next = interact(l, acc);
      if (next.sameAs(acc)) break;
      acc = next;
    }
    return acc;
  }
}

/**
 * R's terms(): intercept, ordered term list with labels, and the offsets. `.` stands for every
 * column not named in the response, grouping columns included (as lme4's lFormula does).
 */
export function encodeTerms(rhs: Expr | null, options: EncodeOptions = {}): EncodedTerms & { problems: FormulaProblem[] } {
  const enc = new Encoder(options);
  const encoded = rhs ? [...enc.encode(rhs)] : [];
  const ordered = encoded
    .map((b, i) => ({ b, i, order: b.length }))
    .sort((x, y) => x.order - y.order || x.i - y.i)
    .map(({ b }) => termOf(b, enc.vars.exprs));
  return { intercept: enc.intercept, terms: ordered, offsets: enc.offsets, problems: enc.problems };
}

function termOf(vars: VarSet, exprs: Expr[]): Term {
  const factors = vars.map((i) => exprs[i]!);
  return { label: factors.map(deparse).join(":"), factors };
}
