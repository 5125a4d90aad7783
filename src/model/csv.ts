/**
 * CSV input with papaparse, typed as R's read.csv types columns (see data.ts).
 */
import Papa from "papaparse";
import { ModelError } from "./errors.js";
import { typeColumn, type Column, type DataTable } from "./data.js";

/**
 * Parse CSV text whose first line names the columns, as R's read.csv reads it (R's
 * utils/R/readtable.R, read.table with header = TRUE, sep = ",", fill = TRUE):
 * - line ends `\r\n`, `\n` and a lone `\r` are all one line end, also mixed in one file and
 *   inside a quoted cell (R's text connection turns each into `\n` before scan sees it);
 * - a header one name shorter than the rows is R's `write.table` layout with row names: the first
 *   field of every row is the row name (unique, not NA, as read.table demands) and not a column;
 * - a row shorter than the header is padded with missing values (fill = TRUE).
 * Where read.csv would silently shift or wrap the data, a row with more fields than the header
 * allows (an unquoted decimal comma, a stray comma, a missing quote), this stops and names the row.
 */
export function parseCsv(input: string): DataTable {
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  // Naming the delimiter and newline skips papaparse's guessing, which reparses the whole input
  // for each candidate delimiter (10× slower on InstEval's 73,421 rows).
  const parsed = Papa.parse<string[]>(text, { header: false, delimiter: ",", newline: "\n", skipEmptyLines: true });
  // Only broken quoting is fatal to papaparse; short and long rows are judged below.
  const fatal = parsed.errors.find((e) => e.type === "Quotes");
  if (fatal) throw new ModelError(`CSV: ${fatal.message} (row ${(fatal.row ?? 0) + 1})`);
  const rows = parsed.data;
  if (rows.length === 0) throw new ModelError("CSV: no header line");
  const header = rows[0]!;
  const data = rows.slice(1);
  const rowNames = data.length > 0 && data[0]!.length === header.length + 1;
  checkRowLengths(data, header.length, rowNames);
  const first = rowNames ? 1 : 0;
  if (rowNames) checkRowNames(data);
  const n = data.length;
  const names = csvColumnNames(header);
  const columns = new Map<string, Column>();
  names.forEach((name, j) => {
    const raw = new Array<string>(n);
    for (let i = 0; i < n; i++) raw[i] = data[i]![j + first] ?? "";
    columns.set(name, typeColumn(raw));
  });
  return { n, names, columns };
}

/** A row as it reads in the file, cut short for a message. */
function showRow(row: string[]): string {
  const text = row.join(",");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Every row must fit the header: at most its width (shorter rows are padded, as fill = TRUE does),
 * or exactly one more when the first row has a row name. read.csv takes any of its first five rows
 * being one field longer as a sign of row names (and pads every other row, shifting its data); a
 * longer row later on wraps onto a new row. Both put numbers under the wrong column without a word.
 */
function checkRowLengths(data: string[][], width: number, rowNames: boolean): void {
  const expected = rowNames ? width + 1 : width;
  data.forEach((row, i) => {
    if (row.length > expected || (rowNames && row.length < expected)) {
      const why = rowNames
        ? `the first data row has a row name (one field more than the header's ${width}), so every row needs ${expected} fields`
        : `the header names ${width} column${width === 1 ? "" : "s"}`;
      throw new ModelError(
        `CSV: data row ${i + 1} has ${row.length} fields, but ${why}: '${showRow(row)}'. ` +
          "An unquoted decimal comma (2,5 for 2.5), a stray comma or a missing quote? Quote such cells or use a decimal point.",
      );
    }
  });
}

/** read.table's checks on row names: none missing ("NA"), none repeated. */
function checkRowNames(data: string[][]): void {
  const seen = new Map<string, number>();
  data.forEach((row, i) => {
    const name = row[0]!;
    if (name === "NA") throw new ModelError(`CSV: data row ${i + 1} has the row name NA (the header is one name shorter than the rows, so the first field is a row name; R: missing values in 'row.names' are not allowed)`);
    const before = seen.get(name);
    if (before !== undefined) {
      throw new ModelError(
        `CSV: data rows ${before + 1} and ${i + 1} have the same row name '${name}' (the header is one name shorter than the rows, so the first field is a row name; R: duplicate 'row.names' are not allowed)`,
      );
    }
    seen.set(name, i);
  });
}

/** The data's column names from the header's fields: made syntactic and unique as read.csv does. */
export function csvColumnNames(header: readonly string[]): string[] {
  return uniqueNames(header.map((h) => syntacticName(unquoteStripped(h))));
}

/** read.table reads the header with strip.white = TRUE: blanks around a field go, then its quotes
 *  (papaparse leaves ` "a b" ` whole, since its quote does not open the field). */
function unquoteStripped(field: string): string {
  const t = field.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') && t !== field ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/** The column names of a CSV file's header line, as parseCsv names them. */
export function csvHeaderNames(line: string): string[] {
  const parsed = Papa.parse<string[]>(line.replace(/^\uFEFF/, "").replace(/\r$/, ""), { header: false, delimiter: ",", newline: "\n" });
  return csvColumnNames(parsed.data[0] ?? []);
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
  // R's do_makenames decides the prefix on the name as given, then replaces characters (" y " → "X.y.").
  const prefix = /^(?:\p{L}|\.(?![0-9]))/u.test(h) ? "" : "X";
  const s = prefix + h.replace(/[^\p{L}\p{N}._]/gu, ".");
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
