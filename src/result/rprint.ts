/**
 * R's text layout for printed objects: cat(fill = TRUE), strwrap, abbreviate, and print() of named
 * vectors and character matrices, ported from R's src/main/builtin.c (do_cat), printvector.c,
 * printmatrix.c and character.c (stripchars), so that lme4's print(summary(m)) can be reproduced.
 */

/** R's default getOption("width"). */
export const R_WIDTH = 80;

/**
 * cat(items..., sep, fill = width): items separated by `sep`; a new line starts when the next
 * item would pass `width` (the separator stays at the end of the broken line, as R leaves it).
 * Ends with a newline.
 */
export function catFill(items: string[], sep = " ", width = R_WIDTH): string {
  let out = "";
  let col = 0;
  items.forEach((item, k) => {
    if (k > 0) {
      out += sep;
      if (col + item.length + sep.length > width) {
        out += "\n";
        col = 0;
      }
    }
    out += item;
    col += item.length + sep.length;
  });
  return col > 0 ? out + "\n" : out;
}

/** R's strwrap(x, width, exdent): greedy word wrap to lines shorter than `width`. */
export function strwrap(text: string, width: number, exdent = 0): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const indent = lines.length > 0 ? " ".repeat(exdent) : "";
    if (line === "") line = indent + word;
    else if (line.length + 1 + word.length < width) line += " " + word;
    else {
      lines.push(line);
      line = " ".repeat(exdent) + word;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const isLower = (c: string | undefined): boolean => c !== undefined && c >= "a" && c <= "z";
const isLowerVowel = (c: string | undefined): boolean => c !== undefined && "aeiou".includes(c);

/** R's C stripchars(): abbreviate one name to `minlength` by dropping lower-case vowels first. */
function stripChars(name: string, minlength: number): string {
  const b = name.trimStart().split("");
  let nspace = 0;
  const done = (): boolean => b.length - nspace <= minlength;
  const finish = (): string => {
    if (b.length > minlength) for (let i = b.length - 1; i > 0; i--) if (isSpace(b[i])) b.splice(i, 1);
    return b.join("");
  };
  if (b.length < minlength) return finish();
  // trailing blanks go; inner blanks are word boundaries, removed at the end
  let trailing = true;
  for (let i = b.length - 1; i > 0; i--) {
    if (isSpace(b[i])) {
      if (trailing) b.splice(i, 1);
      else nspace++;
    } else trailing = false;
    if (done()) return finish();
  }
  const firstChar = (i: number): boolean => isSpace(b[i - 1]);
  const lastChar = (i: number): boolean => !isSpace(b[i - 1]) && (i + 1 >= b.length || isSpace(b[i + 1]));
  const passes: Array<(i: number) => boolean> = [
    (i) => isLowerVowel(b[i]) && lastChar(i),
    (i) => isLowerVowel(b[i]) && !firstChar(i),
    (i) => isLower(b[i]) && lastChar(i),
    (i) => isLower(b[i]) && !firstChar(i),
    (i) => !firstChar(i) && !isSpace(b[i]),
  ];
  for (const drop of passes) {
    for (let i = b.length - 1; i > 0; i--) {
      if (i < b.length && drop(i)) b.splice(i, 1);
      if (done()) return finish();
    }
  }
  return finish();
}

/** R's abbreviate(names, minlength): unique abbreviations, lengthening those that collide. */
export function abbreviate(names: string[], minlength: number): string[] {
  const trimmed = names.map((n) => n.trim());
  const unique = [...new Set(trimmed)];
  const x = unique.slice();
  let dup = unique.map(() => true);
  let len = minlength;
  for (;;) {
    unique.forEach((n, i) => {
      if (dup[i]) x[i] = stripChars(n, len);
    });
    const seen = new Set<string>();
    const dupNow = x.map((a) => {
      const d = seen.has(a);
      seen.add(a);
      return d;
    });
    if (!dupNow.some(Boolean)) break;
    len++;
    const clash = new Set(x.filter((_, i) => dupNow[i]));
    dup = x.map((a, i) => dupNow[i] || clash.has(a));
  }
  return trimmed.map((n) => x[unique.indexOf(n)]);
}

/**
 * print() of a named vector whose entries are already formatted: names and values right-justified
 * to one common width, each followed by `gap` spaces (print.gap), as many per line as fit.
 */
export function printNamedVector(values: string[], names: string[], width = R_WIDTH, gap = 1): string {
  const w = Math.max(...values.map((v) => v.length), ...names.map((n) => n.length));
  const perLine = Math.max(1, Math.floor(width / (w + gap)));
  const sep = " ".repeat(gap);
  let out = "";
  for (let start = 0; start < values.length; start += perLine) {
    const end = Math.min(values.length, start + perLine);
    for (let k = start; k < end; k++) out += names[k].padStart(w) + sep;
    out += "\n";
    for (let k = start; k < end; k++) out += values[k].padStart(w) + sep;
    out += "\n";
  }
  return out;
}

export interface CharMatrix {
  rowNames: string[];
  colNames: string[];
  /** cells[i][j]: row i, column j. */
  cells: string[][];
}

/**
 * print() of a character matrix with quote = FALSE: row names left-justified, each column one
 * space then its entries (and label) padded to the column's width, left- or right-justified;
 * columns that do not fit in the width continue in a further block.
 */
export function printCharMatrix(m: CharMatrix, right: boolean, width = R_WIDTH): string {
  const rlabw = Math.max(0, ...m.rowNames.map((r) => r.length));
  const w = m.colNames.map((c, j) => Math.max(c.length, ...m.cells.map((row) => row[j].length)));
  const pad = (s: string, n: number): string => (right ? s.padStart(n) : s.padEnd(n));
  let out = "";
  let jmin = 0;
  while (jmin < w.length) {
    let jmax = jmin;
    let total = rlabw;
    do {
      total += w[jmax] + 1;
      jmax++;
    } while (jmax < w.length && total + w[jmax] + 1 < width);
    let header = " ".repeat(rlabw);
    for (let j = jmin; j < jmax; j++) header += " " + pad(m.colNames[j], w[j]);
    out += header + "\n";
    m.cells.forEach((row, i) => {
      let line = m.rowNames[i].padEnd(rlabw);
      for (let j = jmin; j < jmax; j++) line += " " + pad(row[j], w[j]);
      out += line + "\n";
    });
    jmin = jmax;
  }
  return out;
}

/**
 * R's binary operators after which deparse() may break a long line: PP_BINARY in R's names.c
 * (the comparisons included), and user %op%s, which deparse.c lays out as PP_BINARY; not
 * PP_BINARY2 (`/`, `^`, `:`).
 */
const BREAKING_OPERATORS = new Set(["~", "+", "-", "*", "|", "||", "&", "&&", "==", "!=", "<", ">", "<=", ">=", "%in%"]);

/**
 * deparse() of a formula as R lays it out: after a binary operator or an argument's comma, once
 * the line is longer than width.cutoff (60) characters, continue on a new line indented four
 * spaces. `text` must be
 * formatted as R deparses (single spaces around operators).
 */
export function deparseLines(text: string, cutoff = 60): string[] {
  const tokens = text.split(" ");
  const lines: string[] = [];
  let line = "";
  tokens.forEach((tok, k) => {
    line += (k > 0 ? " " : "") + tok;
    // deparse.c breaks after a binary operator (PP_BINARY) and after the ", " between a call's
    // arguments (args2buff), once the line is past the cutoff
    const breakable = BREAKING_OPERATORS.has(tok) || tok.endsWith(",");
    if (breakable && k < tokens.length - 1 && line.length + 1 > cutoff) {
      lines.push(line + " ");
      line = "   ";
    }
  });
  lines.push(line);
  return lines;
}
