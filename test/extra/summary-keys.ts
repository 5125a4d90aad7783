/**
 * Names for the lines of a printed lme4 summary, so a known difference is written as what it is
 * ("Fixed effects › recipeB", "Random effects › replicate (Intercept)") rather than as a line
 * number that moves whenever a line is added above it. A line's key is its section (the last
 * heading ending in ':' above it, e.g. "Fixed effects") and its text with the numbers taken out;
 * a line of numbers only is "values"; the lines from the optimizer's on are "messages"; a
 * repeated key gets " #2", " #3"; a blank line has the empty key (layout, compared by no key).
 */
const NUMBER = /(?<![\w.^])[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?(?![\w.])/gi;
// significance codes and "<" of "< 2e-16": they move with the p-value, not with the row
const STARS = /(?<=^|\s)[<>*.]+(?=\s|$)/g;

export function summaryLineKeys(lines: readonly string[]): string[] {
  let section = "header";
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const text = line.trim();
    if (text === "") return "";
    if (/^[A-Z][^:]*:$/.test(text)) section = text.slice(0, -1);
    // the optimizer's line opens the closing messages (convergence warnings, singular fit)
    if (text.startsWith("optimizer (")) section = "messages";
    const label =
      text
        .replace(NUMBER, " ")
        .replace(STARS, " ")
        .replace(/[\s:=,]+$/, "")
        .replace(/\s+/g, " ")
        .trim() || "values";
    const base = `${section} › ${label}`;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base} #${k}`;
  });
}
