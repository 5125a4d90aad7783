/**
 * `mixed-models check "<formula>" [--data file.csv] [--json]`: validates a formula and shows what
 * it expands to (response, fixed terms, each random term with its group), or every error with a
 * caret line under the characters it is about. With --data, only the CSV header is read, to check
 * the column names. Exit status: 0 valid, 1 invalid, 2 usage error.
 */
import { DEFAULT_HOM, explainCovariance, type CovarianceStructure } from "../model/covariance/index.js";
import { closeSync, openSync, readSync } from "node:fs";
import { checkFormula, deparse, type FormulaTerms } from "../formula/index.js";
import { csvHeaderNames } from "../model/csv.js";
import type { FormulaError } from "../../grammar/errors.js";

const usage = `usage: mixed-models check "<formula>" [--data file.csv] [--json]

  Validates a model formula and prints its expansion.
  --data file.csv   also check the names against the columns of this CSV file (header only)
  --json            print the result as JSON
`;

interface CheckArgs {
  formula: string;
  data: string | null;
  json: boolean;
}

function parseArgs(args: string[]): CheckArgs | string {
  let formula: string | null = null;
  let data: string | null = null;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--data") {
      const file = args[++i];
      if (file === undefined) return "--data needs a file name";
      data = file;
    } else if (a.startsWith("--data=")) data = a.slice("--data=".length);
    else if (a.startsWith("--")) return `unknown option '${a}'`;
    else if (formula === null) formula = a;
    else return `unexpected argument '${a}' (quote the formula: check "y ~ x + (1 | g)")`;
  }
  if (formula === null) return "missing formula";
  return { formula, data, json };
}

/** The first line of a file, read in small chunks so a large data file is never loaded. */
function readFirstLine(path: string): string {
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.alloc(4096);
    const parts: Buffer[] = [];
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const piece = chunk.subarray(0, n);
      // a line ends at \n, or at \r in a file with old Mac line ends, as read.csv reads it
      const lf = piece.indexOf(10);
      const cr = piece.indexOf(13);
      const nl = lf >= 0 && cr >= 0 ? Math.min(lf, cr) : Math.max(lf, cr);
      if (nl >= 0) {
        parts.push(Buffer.from(piece.subarray(0, nl)));
        break;
      }
      parts.push(Buffer.from(piece));
    }
    return Buffer.concat(parts).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The column names of a CSV header line, exactly as the model stage names them (src/model/csv.ts). */
export function splitCsvHeader(line: string): string[] {
  return csvHeaderNames(line);
}

/** `hom` as written, or the structure's default. */
function homOf(s: { structure: CovarianceStructure; hom: boolean | null }): boolean {
  return s.hom ?? DEFAULT_HOM[s.structure];
}

function describeTerms(t: FormulaTerms): string {
  const fixed = [...(t.fixed.intercept ? ["(Intercept)"] : []), ...t.fixed.terms.map((x) => x.label)];
  const lines = [
    `formula:   ${t.source}`,
    `response:  ${t.response ? deparse(t.response) : "(none: one-sided formula)"}`,
    `fixed:     ${fixed.length ? fixed.join(", ") : "(none)"}`,
  ];
  if (t.offsets.length) lines.push(`offsets:   ${t.offsets.map(deparse).join(", ")}`);
  if (t.random.length === 0) lines.push("random:    (none)");
  t.random.forEach((r, i) => {
    const cols = [...(r.intercept ? ["(Intercept)"] : []), ...r.terms.map((x) => x.label)];
    const head = i === 0 ? "random:    " : "           ";
    const special = r.special ? `  ${r.special.structure}(…, hom = ${homOf(r.special) ? "TRUE" : "FALSE"})` : "";
    lines.push(`${head}${r.group.label}: ${cols.join(", ")}${r.correlated ? "" : "  (uncorrelated)"}${special}`);
    if (r.special) lines.push(...explainCovariance(r.special.structure, homOf(r.special), r.group.label).map((l) => `             ${l}`));
  });
  return lines.join("\n") + "\n";
}

function jsonOf(t: FormulaTerms | undefined, errors: FormulaError[]): string {
  return JSON.stringify(
    {
      ok: errors.length === 0,
      response: t?.response ? deparse(t.response) : null,
      fixed: t ? { intercept: t.fixed.intercept, terms: t.fixed.terms.map((x) => x.label) } : null,
      offsets: t ? t.offsets.map(deparse) : [],
      random: (t?.random ?? []).map((r) => ({
        group: r.group.label,
        terms: r.terms.map((x) => x.label),
        intercept: r.intercept,
        correlated: r.correlated,
        ...(r.special ? { covariance: { structure: r.special.structure, hom: homOf(r.special) } } : {}),
      })),
      errors: errors.map((e) => ({ message: e.message, start: e.start, end: e.end, hint: e.hint ?? null })),
    },
    null,
    2,
  );
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`mixed-models check: ${parsed}\n\n${usage}`);
    return 2;
  }
  let columns: string[] | undefined;
  if (parsed.data !== null) {
    try {
      columns = splitCsvHeader(readFirstLine(parsed.data));
    } catch (e) {
      process.stderr.write(`mixed-models check: cannot read '${parsed.data}': ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  const result = checkFormula(parsed.formula, columns);
  if (parsed.json) process.stdout.write(jsonOf(result.terms, result.errors) + "\n");
  else if (result.ok && result.terms) process.stdout.write(describeTerms(result.terms));
  else {
    const n = result.errors.length;
    process.stdout.write(`${n} error${n === 1 ? "" : "s"} in the formula:\n\n` + result.errors.map((e) => e.render()).join("\n\n") + "\n");
  }
  return result.ok ? 0 : 1;
}
