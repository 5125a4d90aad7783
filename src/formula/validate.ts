/**
 * Checks on the AST that the grammar leaves open, each giving a problem the user can act on:
 * a bar outside parentheses or inside another bar, a grouping factor that is not a name,
 * `a:b` or `a/b`, an unknown function or a wrong number of arguments, a power that is not a whole
 * number ≥ 2, a formula operator inside a call, and — when the data's columns are known — an
 * unknown column, with the closest existing name suggested.
 */
import { homArgument, isCovarianceSpecial } from "./covstruct.js";
import { leftSpine, type BinaryNode, type CallNode, type Expr, type FormulaNode, type NameNode } from "../../grammar/ast.js";
import type { FormulaProblem } from "../../grammar/errors.js";
import { CONSTANT_NAMES, KNOWN_FUNCTIONS } from "./functions.js";
import { closestName } from "./suggest.js";
import { MAX_POWER } from "./termAlgebra.js";

/** Where an expression stands: formula terms, arithmetic (call arguments, the response) or a grouping factor. */
type Context = "formula" | "arith" | "group";

interface Walk {
  ctx: Context;
  /** Inside the left side of a bar. */
  inBar: boolean;
  /** The enclosing node is a ParenNode. */
  inParens: boolean;
  /** The enclosing call, for messages. */
  call: string | null;
  side: "lhs" | "rhs";
}

export function validateFormula(f: FormulaNode, source: string, columns?: readonly string[]): FormulaProblem[] {
  const v = new Validator(source, columns);
  if (f.lhs) v.walk(f.lhs, { ctx: "arith", inBar: false, inParens: false, call: null, side: "lhs" });
  // lme4's findbars takes a bar at the top of the right-hand side as the one random term, with an
  // intercept-only fixed part (`Yield ~ 1 | Batch`, `log(y) ~ x | z`): it stands as if in parentheses.
  const topBar = f.rhs.kind === "binary" && (f.rhs.op === "|" || f.rhs.op === "||");
  v.walk(f.rhs, { ctx: "formula", inBar: false, inParens: topBar, call: null, side: "rhs" });
  return v.problems;
}

class Validator {
  readonly problems: FormulaProblem[] = [];
  constructor(
    private readonly source: string,
    private readonly columns?: readonly string[],
  ) {}

  walk(e: Expr, w: Walk): void {
    if (w.ctx === "group") return this.walkGroup(e, w);
    switch (e.kind) {
      case "name":
        return this.checkColumn(e, w);
      case "number":
        return;
      case "dot":
        if (w.ctx === "arith") {
          this.problems.push({
            message: w.call ? `'.' cannot be an argument of ${w.call}()` : "'.' cannot be used on the left of '~'",
            start: e.start,
            end: e.end,
            hint: "'.' stands for all other columns and may only be a term on the right of '~'",
          });
        }
        return;
      case "paren":
        return this.walk(e.inner, { ...w, inParens: true });
      case "unary":
        return this.walk(e.operand, { ...w, inParens: false });
      case "call":
        return this.checkCall(e, w);
      case "binary":
        return this.walkBinary(e, w);
    }
  }

  private walkBinary(e: BinaryNode, w: Walk): void {
    if (e.op === "|" || e.op === "||") return this.checkBar(e, w);
    // A sum of n terms is a left-deep chain n operators long: walk it in a loop, not n calls deep.
    const { first, steps } = leftSpine(e, (b) => b.op !== "|" && b.op !== "||");
    const inner = { ...w, inParens: false };
    this.walk(first, inner);
    for (const step of steps) {
      this.checkOperator(step, w);
      // The power of `(a + b)^2` is checked as a number, not walked as a term.
      if (!(step.op === "^" && w.ctx === "formula")) this.walk(step.right, inner);
    }
  }

  private checkOperator(e: BinaryNode, w: Walk): void {
    // `c(9, 0:8)`: inside c() a colon is R's integer sequence (factor levels)
    const sequence = e.op === ":" && w.call === "c";
    if (w.ctx === "arith" && (e.op === ":" || e.op === "%in%") && !sequence) {
      const [start, end] = this.operatorSpan(e);
      this.problems.push({
        message: `'${e.op}' is a formula operator and cannot be used ${w.call ? `inside ${w.call}()` : "in the response"}`,
        start,
        end,
        hint: "only + - * / ^ are arithmetic here; write interactions as terms of the formula",
      });
    }
    if (e.op === "^" && w.ctx === "formula") this.checkPower(e);
  }

  private checkBar(e: BinaryNode, w: Walk): void {
    const [start, end] = this.operatorSpan(e);
    const problem = (message: string, hint: string) => this.problems.push({ message, start, end, hint });
    if (w.side === "lhs") problem(`'${e.op}' cannot be part of the response`, "random-effect terms (terms | group) belong on the right of '~'");
    else if (w.ctx === "arith") problem(`'${e.op}' cannot be an argument of ${w.call}()`, "write random-effect terms as (terms | group) on their own");
    else if (w.inBar) problem(`a random-effect term cannot contain another '${e.op}'`, "write each random-effect term in its own parentheses: (1 | a) + (1 | b)");
    else if (!w.inParens) problem(`'${e.op}' outside parentheses`, `write the random-effect term in parentheses: (${this.text(e)})`);
    this.walk(e.left, { ...w, inBar: true, inParens: false });
    this.walk(e.right, { ...w, ctx: "group", inBar: true, inParens: false });
  }

  /**
   * The grouping factor of a bar: a name, a call such as factor(x), or names joined by `:` / `/`.
   * lme4's slashTerms reads `/` only as the outermost operator chain (`a/b/c`); `a:(b/c)` or
   * `(a/b)` stop it with "unparseable formula for grouping factor", so they are errors here too.
   */
  private walkGroup(e: Expr, w: Walk, slashAllowed = true): void {
    if (e.kind === "name") return this.checkColumn(e, w);
    if (e.kind === "call") return this.checkCall(e, { ...w, ctx: "arith" });
    if (e.kind === "paren") return this.walkGroup(e.inner, w, false);
    if (e.kind === "binary" && e.op === "/" && !slashAllowed) {
      const [start, end] = this.operatorSpan(e);
      this.problems.push({
        message: "'/' (nesting) must be the outermost operator of a grouping factor",
        start,
        end,
        hint: "write nested factors as (1 | a/b) or (1 | a/b/c), without parentheses or ':' around the '/'",
      });
    }
    if (e.kind === "binary" && e.op === "/") {
      this.walkGroup(e.left, w, slashAllowed);
      this.walkGroup(e.right, w, false);
      return;
    }
    if (e.kind === "binary" && e.op === ":") {
      this.walkGroup(e.left, w, false);
      this.walkGroup(e.right, w, false);
      return;
    }
    if (e.kind === "binary" && (e.op === "|" || e.op === "||")) return this.checkBar(e, w);
    this.problems.push({
      message: `the grouping factor '${this.text(e)}' must be a name, or names joined by ':' or '/'`,
      start: e.start,
      end: e.end,
      hint: "e.g. (1 | Subject), (1 | batch/cask) for nested or (1 | dept:service) for an interaction; write crossed factors as separate terms (1 | a) + (1 | b)",
    });
  }

  private checkPower(e: BinaryNode): void {
    let exp = e.right;
    while (exp.kind === "paren") exp = exp.inner;
    const bad = (message: string, hint?: string): void => {
      this.problems.push({
        message,
        start: e.right.start,
        end: e.right.end,
        hint: hint ?? `(a + b)^2 means the terms and all their two-way interactions; for an arithmetic power write I(${this.text(e.left)}^${this.text(e.right)})`,
      });
    };
    if (exp.kind !== "number") return bad("the power in a formula must be a whole number");
    if (!Number.isInteger(exp.value)) return bad(`the power in a formula must be a whole number, not ${exp.text}`);
    if (exp.value < 2) {
      return bad(`the power in a formula must be at least 2, not ${exp.text}`, `drop '^${exp.text}', or write (a + b)^2 for the terms and their two-way interactions`);
    }
    // R's PowerTerms reads the power with asInteger: above 2³¹ − 1 it is NA, "invalid power in formula".
    if (exp.value > MAX_POWER) {
      return bad(
        `the power in a formula must be at most ${MAX_POWER}, not ${exp.text}`,
        "(a + b)^k gives the interactions up to order k; no power beyond the number of variables changes anything",
      );
    }
  }

  /**
   * lme4 2.0's `us(x | g)`, `diag(x | g)`, `cs(x | g)`, `ar1(0 + f | g)`: a bar as the one
   * positional argument (its parentheses are the call's), and `hom = TRUE | FALSE` except for us.
   */
  private checkSpecial(e: CallNode, w: Walk): void {
    const at = (x: { start: number; end: number }, message: string, hint: string): void => {
      this.problems.push({ message, start: x.start, end: x.end, hint });
    };
    const example = e.fn === "ar1" ? "ar1(0 + visit | subject)" : `${e.fn}(Days | Subject)`;
    if (w.ctx !== "formula" || w.side !== "rhs" || w.inBar || w.call) {
      return at({ start: e.start, end: e.start + e.fn.length }, `${e.fn}() gives a random-effect term a covariance structure and can only be a term of the formula`, `write it on its own: y ~ x + ${example}`);
    }
    const positional = e.args.filter((_, i) => !e.argNames?.[i]);
    const bar = positional[0];
    if (positional.length !== 1 || !bar || bar.kind !== "binary" || (bar.op !== "|" && bar.op !== "||")) {
      return at(e, `${e.fn}() takes one random-effect term (terms | group)`, `e.g. ${example}`);
    }
    if (bar.op === "||") {
      const [start, end] = this.operatorSpan(bar);
      at({ start, end }, `'||' cannot be used inside ${e.fn}()`, `the structure says how the effects are correlated: write ${e.fn}(${this.text(bar.left)} | ${this.text(bar.right)})${e.fn === "us" ? ", or diag(… | …) for uncorrelated effects" : ""}`);
    }
    e.argNames?.forEach((name, i) => {
      if (!name) return;
      const arg = e.args[i]!;
      if (name !== "hom" || e.fn === "us") {
        at(arg, `${e.fn}() has no argument named '${name}'`, e.fn === "us" ? "us() has no arguments besides its term: an unstructured covariance has a variance per column" : "its one named argument is hom = TRUE | FALSE (one variance for every column, or one each)");
      } else if (homArgument(e) === undefined) {
        at(arg, `hom must be TRUE or FALSE, not '${this.text(arg)}'`, `e.g. ${e.fn}(… | …, hom = TRUE)`);
      }
    });
    this.walk(bar, { ...w, inParens: true });
  }

  private checkCall(e: CallNode, w: Walk): void {
    if (isCovarianceSpecial(e.fn)) return this.checkSpecial(e, w);
    const sig = KNOWN_FUNCTIONS[e.fn];
    const fnEnd = e.start + e.fn.length;
    if (!sig) {
      const known = Object.keys(KNOWN_FUNCTIONS);
      const close = closestName(e.fn, known);
      const listed = known.filter((k) => KNOWN_FUNCTIONS[k]!.listed !== false);
      this.problems.push({
        message: `unknown function '${e.fn}'`,
        start: e.start,
        end: fnEnd,
        hint: (close ? `did you mean '${close}'? ` : "") + `known functions: ${listed.join(", ")}`,
      });
    } else {
      const positional = e.args.filter((_, i) => !e.argNames?.[i]).length;
      if (positional < sig.minArgs || positional > sig.maxArgs) {
        const wanted = sig.maxArgs === Infinity ? `at least ${sig.minArgs}` : sig.minArgs === sig.maxArgs ? `${sig.minArgs}` : `${sig.minArgs} or ${sig.maxArgs}`;
        this.problems.push({
          message: `${e.fn}() takes ${wanted} argument${wanted === "1" ? "" : "s"}, not ${positional}`,
          start: e.start,
          end: e.end,
          hint: e.fn === "cbind" ? "write cbind(successes, failures), e.g. cbind(incidence, size - incidence)" : `e.g. ${e.fn}(x${sig.minArgs > 1 ? ", 2" : ""})`,
        });
      }
      e.argNames?.forEach((name, i) => {
        if (name && !sig.named.includes(name)) {
          const arg = e.args[i]!;
          this.problems.push({
            message: `${e.fn}() has no argument named '${name}'`,
            start: arg.start,
            end: arg.end,
            hint: sig.named.length ? `its named arguments are: ${sig.named.join(", ")}` : `${e.fn}() takes no named arguments`,
          });
        }
      });
      if (sig.where === "response" && w.side === "rhs") {
        this.problems.push({
          message: `${e.fn}() belongs on the left of '~'`,
          start: e.start,
          end: fnEnd,
          hint: "cbind(successes, failures) is the response of a binomial model: cbind(s, n - s) ~ terms",
        });
      }
    }
    for (const a of e.args) this.walk(a, { ...w, ctx: "arith", inParens: false, call: e.fn });
  }

  private checkColumn(e: NameNode, w: Walk): void {
    if (!this.columns || this.columns.includes(e.name)) return;
    if (w.ctx === "arith" && w.call && CONSTANT_NAMES.has(e.name)) return;
    const close = closestName(e.name, this.columns);
    const listed = this.columns.length > 12 ? this.columns.slice(0, 12).join(", ") + ", …" : this.columns.join(", ");
    this.problems.push({
      message: `unknown column '${e.name}'`,
      start: e.start,
      end: e.end,
      hint: close ? `did you mean '${close}'?` : `the data has columns: ${listed}`,
    });
  }

  /** The operator's own characters, found between its operands. */
  private operatorSpan(e: BinaryNode): [number, number] {
    const at = this.source.indexOf(e.op, e.left.end);
    return at >= 0 && at < e.right.start ? [at, at + e.op.length] : [e.start, e.end];
  }

  private text(e: Expr): string {
    return this.source.slice(e.start, e.end);
  }
}
