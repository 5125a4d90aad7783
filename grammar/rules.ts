/**
 * The formula parser: a chevrotain CstParser whose rules encode R's operator precedence (R
 * Language Definition §3.1.4, `?Syntax`), loosest first:
 *   `~`  <  `|` `||`  <  `&`  <  `==` `!=` `<` `>` `<=` `>=`  <  `+` `-`  <  `*` `/`  <  `%in%` (%op%)
 *   <  `:`  <  unary `-` `+`  <  `^`.
 * The three loosest binary levels share one rule (`expr`); the AST builder applies their
 * precedence. The grammar only recognises shapes; meaning (bars only inside parentheses, known functions,
 * integer powers) is checked on the AST by src/formula/validate.ts. grammar/formula.ebnf is the
 * same grammar written out.
 */
import { CstParser } from "chevrotain";
import {
  AdditiveOp,
  allTokens,
  BackquotedName,
  BarOp,
  Caret,
  Colon,
  Comma,
  CompareOp,
  Ampersand,
  Bang,
  Equals,
  StringLiteral,
  Identifier,
  LParen,
  MultiplicativeOp,
  NumberLiteral,
  RParen,
  SpecialOp,
  Tilde,
} from "./tokens.js";

export class FormulaParser extends CstParser {
  constructor() {
    // Recovery lets one pass report several syntax errors; no AST is built from a recovered parse.
    super(allTokens, { recoveryEnabled: true, nodeLocationTracking: "none" });
    this.performSelfAnalysis();
  }

  /** formula := [expr] "~" expr */
  public formula = this.RULE("formula", () => {
    this.OPTION(() => this.SUBRULE(this.expr, { LABEL: "lhs" }));
    this.CONSUME(Tilde);
    this.SUBRULE2(this.expr, { LABEL: "rhs" });
  });

  /**
   * expr := { "!" } sum { ("|" | "||" | "&" | comparison) { "!" } sum } — the bars bind loosest,
   * then `&`, then `!`, then the comparisons (grammar/visitor.ts folds the chain by these
   * levels, as R's parser does: `!x > 3` is `!(x > 3)`).
   */
  public expr = this.RULE("expr", () => {
    this.MANY(() => this.CONSUME(Bang));
    this.SUBRULE(this.sum);
    this.MANY2(() => {
      this.OR([
        { ALT: () => this.CONSUME(BarOp) },
        { ALT: () => this.CONSUME(Ampersand) },
        { ALT: () => this.CONSUME(CompareOp) },
      ]);
      this.MANY3(() => this.CONSUME2(Bang));
      this.SUBRULE2(this.sum);
    });
  });

  /** sum := product { ("+" | "-") product } */
  public sum = this.RULE("sum", () => {
    this.SUBRULE(this.product);
    this.MANY(() => {
      this.CONSUME(AdditiveOp);
      this.SUBRULE2(this.product);
    });
  });

  /** product := special { ("*" | "/") special } */
  public product = this.RULE("product", () => {
    this.SUBRULE(this.special);
    this.MANY(() => {
      this.CONSUME(MultiplicativeOp);
      this.SUBRULE2(this.special);
    });
  });

  /** special := interaction { "%in%" interaction } */
  public special = this.RULE("special", () => {
    this.SUBRULE(this.interaction);
    this.MANY(() => {
      this.CONSUME(SpecialOp);
      this.SUBRULE2(this.interaction);
    });
  });

  /** interaction := unary { ":" unary } */
  public interaction = this.RULE("interaction", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.CONSUME(Colon);
      this.SUBRULE2(this.unary);
    });
  });

  /** unary := ("-" | "+") unary | power */
  public unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(AdditiveOp);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  /** power := atom [ "^" unary ] — right-associative, and `2^-1` is allowed as in R. */
  public power = this.RULE("power", () => {
    this.SUBRULE(this.atom);
    this.OPTION(() => {
      this.CONSUME(Caret);
      this.SUBRULE(this.unary);
    });
  });

  /** atom := number | string | name [ "(" [ args ] ")" ] | backquoted | "(" expr ")" */
  public atom = this.RULE("atom", () => {
    this.OR([
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
      { ALT: () => this.SUBRULE(this.parenthesised) },
    ]);
  });

  /** A name (plain or backquoted, as R's deparse writes a reserved word: `` `in`(x) ``) or a call. */
  public nameOrCall = this.RULE("nameOrCall", () => {
    this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(BackquotedName) }]);
    this.OPTION(() => {
      this.CONSUME(LParen);
      this.OPTION2(() => {
        this.SUBRULE(this.argument);
        this.MANY(() => {
          this.CONSUME(Comma);
          this.SUBRULE2(this.argument);
        });
      });
      this.CONSUME(RParen);
    });
  });

  /** argument := [ name "=" ] expr   (`poly(x, degree = 2)`) */
  public argument = this.RULE("argument", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === Equals,
      DEF: () => {
        this.OR([
          { ALT: () => this.CONSUME(Identifier, { LABEL: "argName" }) },
          { ALT: () => this.CONSUME(BackquotedName, { LABEL: "argName" }) },
        ]);
        this.CONSUME(Equals);
      },
    });
    this.SUBRULE(this.expr);
  });

  public parenthesised = this.RULE("parenthesised", () => {
    this.CONSUME(LParen);
    this.SUBRULE(this.expr);
    this.CONSUME(RParen);
  });
}

/** The one parser instance (chevrotain parsers are built once and reused). */
export const formulaParser = new FormulaParser();

