/**
 * What every subcommand shares: the argument order `<data.csv> "<formula>" [options]`, the hint
 * when the two are swapped, `--name value` / `--name=value` options, and one way to report an
 * error — the caret rendering on stderr, or with `--json` the object
 * `{"ok": false, "errors": [{message, start?, end?, hint?, column?}]}` on stdout — so that a
 * program driving the CLI reads every failure the same way. New commands use `optionParser` and
 * `fail`; exit statuses are 0 ok, 1 invalid input, 2 usage error.
 */
import { existsSync } from "node:fs";
import { FormulaError } from "../../grammar/errors.js";
import { ModelError } from "../model/errors.js";

/** A usage problem (bad or missing arguments): exit status 2. */
export class UsageError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "UsageError";
    this.hint = hint;
  }
}

/** One error as the JSON output carries it. */
export interface ErrorRecord {
  message: string;
  /** Span [start, end) in the formula, for formula errors. */
  start?: number;
  end?: number;
  hint?: string;
  /** The data column at fault, when there is one. */
  column?: string;
}

/** Every error an exception stands for: a formula error's siblings, a model error's column. */
export function errorRecords(e: unknown): ErrorRecord[] {
  const formulaError = e instanceof FormulaError ? e : e instanceof ModelError ? e.formulaError : undefined;
  if (formulaError) {
    return formulaError.errors.map((x) => ({ message: x.message, start: x.start, end: x.end, ...(x.hint ? { hint: x.hint } : {}) }));
  }
  const record: ErrorRecord = { message: e instanceof Error ? e.message : String(e) };
  if (e instanceof ModelError && e.column !== undefined) record.column = e.column;
  if (e instanceof UsageError && e.hint) record.hint = e.hint;
  return [record];
}

/** The text form: formula errors with their caret lines, others as `error: message`. */
export function describeError(e: unknown): string {
  const formulaError = e instanceof FormulaError ? e : e instanceof ModelError ? e.formulaError : undefined;
  if (formulaError) return formulaError.errors.map((x) => x.render()).join("\n\n");
  const hint = e instanceof UsageError && e.hint ? `\nhint: ${e.hint}` : "";
  return `error: ${e instanceof Error ? e.message : String(e)}${hint}`;
}

/** True when the arguments ask for JSON output (decided before parsing, so that a usage error is JSON too). */
export function wantsJson(args: string[]): boolean {
  return args.includes("--json");
}

/**
 * Report an error and return its exit status: with `json`, `{"ok": false, "errors": [...]}` on
 * stdout; otherwise the text on stderr, followed by the command's usage for a usage error.
 */
export function fail(command: string, e: unknown, options: { json: boolean; usage?: string }): number {
  const status = e instanceof UsageError ? 2 : 1;
  if (options.json) {
    process.stdout.write(JSON.stringify({ ok: false, errors: errorRecords(e) }, null, 2) + "\n");
  } else if (e instanceof UsageError) {
    process.stderr.write(`mixed-models ${command}: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ""}\n${options.usage ? `\n${options.usage}` : ""}`);
  } else {
    process.stderr.write(`${describeError(e)}\n`);
  }
  return status;
}

/** How an option is read: a switch (`--json`) or one that takes a value (`--family binomial`, `--family=binomial`). */
export type OptionKind = "switch" | "value";

export interface ParsedOptions {
  positional: string[];
  /** Switches map to true; value options to their (last) value. */
  options: Map<string, string | true>;
}

/** Split the arguments by the command's option table; an unknown option or a missing value is a UsageError. */
export function optionParser(spec: Record<string, OptionKind>): (args: string[]) => ParsedOptions {
  return (args) => {
    const positional: string[] = [];
    const options = new Map<string, string | true>();
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (!a.startsWith("--") || a === "--") {
        positional.push(a);
        continue;
      }
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const kind = spec[name];
      if (kind === undefined) throw new UsageError(`unknown option '${a}'`, nearestOption(name, Object.keys(spec)));
      if (kind === "switch") {
        if (eq > 0) throw new UsageError(`--${name} takes no value`);
        options.set(name, true);
      } else {
        const value = eq > 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
        options.set(name, value);
      }
    }
    return { positional, options };
  };
}

function nearestOption(name: string, known: string[]): string | undefined {
  const close = known.find((k) => k.startsWith(name) || name.startsWith(k));
  return close ? `did you mean --${close}?` : `options: ${known.map((k) => `--${k}`).join(", ")}`;
}

/** A formula has a `~`; a data file does not (and usually exists or ends in .csv). */
function looksLikeFormula(s: string): boolean {
  return s.includes("~");
}

function looksLikeDataFile(s: string): boolean {
  return !looksLikeFormula(s) && (/\.(csv|txt|tsv)$/i.test(s) || existsSync(s));
}

/**
 * The data file and the formula from the positional arguments, in the one order every command
 * uses: `<data.csv> "<formula>"`. Swapped, or a formula split by the shell, is a UsageError whose
 * hint shows the right command line.
 */
export function dataAndFormula(command: string, positional: string[]): { data: string; formula: string } {
  const example = `mixed-models ${command} data.csv "y ~ x + (1 | g)"`;
  if (positional.length === 0) throw new UsageError("missing data file and formula", `the order is: ${example}`);
  if (positional.length === 1) {
    const [only] = positional as [string];
    if (looksLikeFormula(only)) throw new UsageError("missing data file", `the data file comes first: mixed-models ${command} data.csv "${only}"`);
    throw new UsageError("missing formula", `the formula comes after the data file, in quotes: mixed-models ${command} ${only} "y ~ x + (1 | g)"`);
  }
  if (positional.length > 2) {
    throw new UsageError(`unexpected argument '${positional[2]}'`, `quote the formula so the shell passes it as one argument: ${example}`);
  }
  const [first, second] = positional as [string, string];
  if (looksLikeFormula(first) && looksLikeDataFile(second)) {
    throw new UsageError("the formula and the data file are swapped", `the data file comes first: mixed-models ${command} ${second} "${first}"`);
  }
  return { data: first, formula: second };
}
