/**
 * The random-effect bars, as lme4 finds them (lme4 R/utilities.R: findbars, nobars,
 * expandDoubleVerts, expandSlash):
 * - bars anywhere in the right-hand side are random terms, removed from the fixed part;
 * - `(x || g)` becomes `(1 | g) + (0 + x | g)`: one uncorrelated piece per term of `~ x`;
 * - `(x | a/b)` becomes `(x | b:a)` and `(x | a)`, in that order (lme4 puts the inner factor
 *   first; `a/b/c` gives `c:(b:a)`, `b:a`, `a`);
 * - lme4 2.0's `us(x | g)`, `diag(x | g)`, `cs(x | g)`, `ar1(0 + f | g)` (with `hom = …`) are bars
 *   whose call names the term's covariance structure (covstruct.ts).
 */
import { leftSpine, type BinaryNode, type Expr, type Span } from "../../grammar/ast.js";
import { deparse } from "./deparse.js";
import { homArgument, isCovarianceSpecial, type CovarianceSpecial } from "./covstruct.js";
import type { Term } from "./terms.js";

export interface FoundBar {
  /** The `|` or `||` node. */
  bar: BinaryNode;
  /** The text of the whole `( … )` or `us( … )`, or of the bar itself when it has no parentheses. */
  span: Span;
  /** For `us(…)`, `diag(…)`, `cs(…)`, `ar1(…)`: the structure and `hom` as written (null: not given). */
  special?: { structure: CovarianceSpecial; hom: boolean | null };
}

const isBarNode = (e: Expr): e is BinaryNode => e.kind === "binary" && (e.op === "|" || e.op === "||");

/** lme4's isBar: a bar, or parentheses directly around one, or a covariance special around one. */
function barOf(e: Expr): FoundBar | null {
  if (isBarNode(e)) return { bar: e, span: { start: e.start, end: e.end } };
  if (e.kind === "paren" && isBarNode(e.inner)) return { bar: e.inner, span: { start: e.start, end: e.end } };
  if (e.kind === "call" && isCovarianceSpecial(e.fn) && e.args.length > 0 && isBarNode(e.args[0]!) && !e.argNames?.[0]) {
    return { bar: e.args[0], span: { start: e.start, end: e.end }, special: { structure: e.fn, hom: homArgument(e) ?? null } };
  }
  return null;
}

/** lme4's findbars (before expansion): every bar, left to right. */
export function findBars(e: Expr, out: FoundBar[] = []): FoundBar[] {
  const found = barOf(e);
  if (found) {
    out.push(found);
    return out;
  }
  switch (e.kind) {
    case "paren":
      return findBars(e.inner, out);
    case "unary":
      return findBars(e.operand, out);
    case "binary": {
      // a chain of n terms is walked in a loop, not n calls deep
      const { first, steps } = leftSpine(e, (b) => !barOf(b));
      findBars(first, out);
      for (const s of steps) findBars(s.right, out);
      return out;
    }
    case "call":
      for (const a of e.args) findBars(a, out);
      return out;
    default:
      return out;
  }
}

/** lme4's nobars: the right-hand side without its bars; null when nothing is left. */
export function noBars(e: Expr): Expr | null {
  if (barOf(e)) return null;
  switch (e.kind) {
    case "paren": {
      const inner = noBars(e.inner);
      return inner && (inner === e.inner ? e : { ...e, inner });
    }
    case "unary": {
      const operand = noBars(e.operand);
      return operand && (operand === e.operand ? e : { ...e, operand });
    }
    case "binary": {
      // rebuilt bottom-up along the chain, in a loop (see findBars)
      const { first, steps } = leftSpine(e, (b) => !barOf(b));
      let acc = noBars(first);
      for (const s of steps) {
        const right = noBars(s.right);
        if (!acc) acc = right;
        else if (right) acc = acc === s.left && right === s.right ? s : { ...s, left: acc, right };
      }
      return acc;
    }
    default:
      return e;
  }
}

/** `a/b/c` → [a, b, c] (lme4's slashTerms). */
export function slashTerms(g: Expr): Expr[] {
  // Only the outermost `/` chain nests; validate.ts rejects `/` elsewhere, as lme4 does.
  if (g.kind === "binary" && g.op === "/") return [...slashTerms(g.left), ...slashTerms(g.right)];
  return [g];
}

/** The variables of a grouping expression `a:b` in written order, each once. */
function groupFactors(g: Expr): Expr[] {
  if (g.kind === "binary" && g.op === ":") return [...groupFactors(g.left), ...groupFactors(g.right)];
  if (g.kind === "paren") return groupFactors(g.inner);
  return [g];
}

function uniqueByLabel(exprs: Expr[]): Expr[] {
  const seen = new Set<string>();
  return exprs.filter((e) => {
    const k = deparse(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** An interaction label needs parentheses when it becomes the right operand of another `:`, as R deparses `c:(b:a)`. */
const asRightOperand = (label: string, isInteraction: boolean) => (isInteraction ? `(${label})` : label);

/**
 * lme4's expandSlash + makeInteraction for one grouping expression: `a/b/c` gives the groups
 * `c:(b:a)`, `b:a`, `a` (innermost first). A group without `/` is kept as written.
 */
export function expandGroup(g: Expr): Term[] {
  const parts = slashTerms(g);
  if (parts.length === 1) {
    const factors = uniqueByLabel(groupFactors(g));
    // R deparses a bare symbol without backquotes (deparse's backtick = FALSE for symbols).
    return [{ label: g.kind === "name" ? g.name : deparse(g), factors }];
  }
  const groups: Term[] = [];
  let label = deparse(parts[0]!);
  let interaction = parts[0]!.kind === "binary" && parts[0]!.op === ":";
  let factors = groupFactors(parts[0]!);
  groups.push({ label, factors: uniqueByLabel(factors) });
  for (const p of parts.slice(1)) {
    // lme4's makeInteraction: substitute(foo:bar, list(foo = inner, bar = outer so far)).
    label = `${deparse(p)}:${asRightOperand(label, interaction)}`;
    interaction = true;
    factors = [...groupFactors(p), ...factors];
    groups.push({ label, factors: uniqueByLabel(factors) });
  }
  return groups.reverse();
}
