/**
 * FormulaError: a problem in a formula, with the span [start, end) of the characters it is about
 * and a hint saying what to write instead. `render()` shows the formula with a caret line under
 * the span, as compilers do:
 *
 *   Reaction ~ Days + (Days | )
 *                           ^^^
 *   empty right-hand side of '|' ... hint: name the grouping factor, e.g. (Days | Subject)
 */
import { MixedModelsError } from "../src/errors.js";
export interface FormulaProblem {
  message: string;
  start: number;
  end: number;
  hint?: string;
}

export class FormulaError extends MixedModelsError implements FormulaProblem {
  readonly start: number;
  readonly end: number;
  readonly hint: string | undefined;
  /** The formula text the offsets refer to. */
  readonly source: string;
  /** Every problem found in the same pass (this one first). */
  errors: FormulaError[];

  constructor(problem: FormulaProblem, source: string) {
    super(problem.message);
    this.name = "FormulaError";
    const clamp = (x: number) => Math.max(0, Math.min(source.length, Number.isFinite(x) ? Math.trunc(x) : source.length));
    this.start = clamp(problem.start);
    this.end = Math.max(this.start, clamp(problem.end));
    this.hint = problem.hint;
    this.source = source;
    this.errors = [this];
  }

  /** The formula, a caret line under the span (at least one caret), the message and the hint. */
  render(): string {
    const width = Math.max(1, this.end - this.start);
    const lines = [this.source, " ".repeat(this.start) + "^".repeat(width), `error: ${this.message}`];
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join("\n");
  }

  toJSON(): FormulaProblem {
    return { message: this.message, start: this.start, end: this.end, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Throws the first of several errors, carrying all of them in `.errors`. */
export function throwAll(errors: FormulaError[]): never {
  const first = errors[0];
  if (!first) throw new Error("throwAll called without errors");
  first.errors = errors;
  throw first;
}
