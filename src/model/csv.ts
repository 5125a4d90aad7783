/**
 * CSV input with papaparse, typed as R's read.csv types columns (see data.ts).
 */
import Papa from "papaparse";
import { ModelError } from "./errors.js";
import { typeColumn, type Column, type DataTable } from "./data.js";

/** Parse CSV text whose first line names the columns. */
export function parseCsv(input: string): DataTable {
  const text = input.replace(/^\uFEFF/, "");
  // Naming the delimiter and newline skips papaparse's guessing, which reparses the whole input
  // for each candidate delimiter (10× slower on InstEval's 73,421 rows).
  const newline = text.includes("\r\n") ? "\r\n" : text.includes("\n") ? "\n" : "\r";
  const parsed = Papa.parse<string[]>(text, { header: false, delimiter: ",", newline, skipEmptyLines: true });
  // Short rows are padded with missing values as read.csv's fill = TRUE does; only broken quoting is fatal.
  const fatal = parsed.errors.find((e) => e.type === "Quotes");
  if (fatal) throw new ModelError(`CSV: ${fatal.message} (row ${(fatal.row ?? 0) + 1})`);
  const rows = parsed.data;
  if (rows.length === 0) throw new ModelError("CSV: no header line");
  const header = rows[0]!.map((h) => h.trim());
  const n = rows.length - 1;
  const names = uniqueNames(header.map(syntacticName));
  const columns = new Map<string, Column>();
  names.forEach((name, j) => {
    const raw = new Array<string>(n);
    for (let i = 0; i < n; i++) raw[i] = rows[i + 1]![j] ?? "";
    columns.set(name, typeColumn(raw));
  });
  return { n, names, columns };
}

/** Node's fs, reached without a static import so that the library also bundles for a web page
 *  (where readCsv is unavailable and parseCsv takes the text). */
function nodeFs(): typeof import("node:fs") {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.("node:fs") as typeof import("node:fs") | undefined;
  if (!fs) throw new ModelError("readCsv reads files with Node.js; elsewhere (a web page) pass the text to parseCsv()");
  return fs;
}

/**
 * Read a CSV file (read.csv's conventions: header line made syntactic as check.names does,
 * comma separated, `NA` and blanks missing).
 */
export function readCsv(path: string): DataTable {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, "utf8");
  } catch (e) {
    throw new ModelError(`cannot read '${path}': ${(e as Error).message}`);
  }
  return parseCsv(text);
}

const RESERVED = new Set([
  "if", "else", "repeat", "while", "function", "for", "next", "break", "in",
  "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "NA_complex_",
]);

/**
 * read.csv's check.names (R's make.names in a UTF-8 locale): characters other than letters,
 * digits, `.` and `_` become `.`; a name not starting with a letter or a dot-not-before-a-digit
 * gets an `X` in front; a reserved word gets a `.` after ("my y" → "my.y", "1b" → "X1b",
 * "" → "X", "if" → "if.").
 */
export function syntacticName(h: string): string {
  let s = h.replace(/[^\p{L}\p{N}._]/gu, ".");
  if (!/^(?:\p{L}|\.(?![0-9]))/u.test(s)) s = "X" + s;
  return RESERVED.has(s) ? s + "." : s;
}

// read.csv makes duplicate names unique (make.unique): x, x.1, x.2.
function uniqueNames(header: string[]): string[] {
  const seen = new Set<string>();
  return header.map((h, j) => {
    let name = h === "" ? `V${j + 1}` : h;
    let k = 1;
    const base = name;
    while (seen.has(name)) name = `${base}.${k++}`;
    seen.add(name);
    return name;
  });
}
