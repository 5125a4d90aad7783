/**
 * The formula text lme4's summary prints on its "Formula:" line. lmer() stores the formula after
 * expandDoubleVerts (lme4 R/utilities.R): `(x || g)` has become `((1 | g) + (0 + x | g))`; and R
 * deparses it, with single spaces around operators (`Reaction~Days` prints `Reaction ~ Days`).
 */
import { deparseFormula, formulaTerms, parseFormula } from "../formula/index.js";

/** Index of the parenthesis matching the one at `open` (scanning in direction `dir`). */
function matching(text: string, open: number, dir: 1 | -1): number {
  let depth = 0;
  for (let i = open; i >= 0 && i < text.length; i += dir) {
    const c = text[i];
    if (c === (dir === 1 ? "(" : ")")) depth++;
    else if (c === (dir === 1 ? ")" : "(")) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Split at `+` outside parentheses. */
function topLevelTerms(expr: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "+" && depth === 0) {
      out.push(expr.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(expr.slice(start).trim());
  return out.filter((t) => t.length > 0);
}

/** The term labels and intercept of a one-sided formula `~ lhs`, as R's terms() gives them. */
function termLabels(lhs: string): { intercept: boolean; labels: string[] } {
  try {
    const t = formulaTerms(`~ ${lhs}`);
    return { intercept: t.fixed.intercept, labels: t.fixed.terms.map((x) => x.label) };
  } catch {
    // not a formula the formula stage accepts: split at top-level "+" as a fallback
    let intercept = true;
    let body = lhs.trim();
    if (/-\s*1\s*$/.test(body)) {
      intercept = false;
      body = body.replace(/-\s*1\s*$/, "");
    }
    const labels = topLevelTerms(body).filter((t) => {
      if (t === "0") intercept = false;
      return t !== "0" && t !== "1";
    });
    return { intercept, labels };
  }
}

/** expandDoubleVert for one `lhs || group`: `(1 | g) + (0 + x | g)` for each term label x, the
 *  `1` only when lhs has an intercept (lme4 R/utilities.R). */
function expandDoubleVert(lhs: string, group: string): string {
  const { intercept, labels } = termLabels(lhs);
  const pieces = [...(intercept ? ["1"] : []), ...labels.map((t) => `0 + ${t}`)];
  return "(" + pieces.map((t) => `(${t} | ${group})`).join(" + ") + ")";
}

/** The formula as R deparses it, `||` kept (glmer's "Formula:" line). */
export function rDeparsedFormula(formula: string): string {
  return rDeparse(formula);
}

function rDeparse(formula: string): string {
  try {
    return deparseFormula(parseFormula(formula));
  } catch {
    return formula.trim().replace(/\s+/g, " ");
  }
}

export function lmeDeparsedFormula(formula: string): string {
  let text = rDeparse(formula);
  for (let at = text.indexOf("||"); at >= 0; at = text.indexOf("||")) {
    const start = findOpen(text, at);
    const close = start < 0 ? -1 : matching(text, start, 1);
    if (close < 0) break;
    const inner = text.slice(start + 1, close);
    const bar = inner.indexOf("||");
    const expanded = expandDoubleVert(inner.slice(0, bar), inner.slice(bar + 2).trim());
    text = text.slice(0, start) + expanded + text.slice(close + 1);
  }
  return text;
}

/** The "(" that encloses position `at`. */
function findOpen(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i >= 0; i--) {
    if (text[i] === ")") depth++;
    else if (text[i] === "(") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}
