/**
 * anova(m, { type, ddf }): the ANOVA table of one linear mixed model, as lmerTest 3.1's
 * anova.lmerModLmerTest (R/lmer_anova.R single_anova): one F test per fixed-effects term of the
 * term's hypothesis matrix (type-contrasts.ts), with Satterthwaite's or Kenward–Roger's
 * denominator df (contrast.ts). As lmerTest's contestMD: Mean Sq = F·σ² and Sum Sq = Mean Sq ·
 * NumDF, where for Kenward–Roger F is pbkrtest's unscaled F (the "F value" column is the scaled
 * one, whose p-value is reported).
 */
import type { MixedModel } from "../model.js";
import { formatNumbers, formatPval, roundR, zapsmall } from "../../rformat.js";
import { printCharMatrix } from "../rprint.js";
import { contrastF, InferenceError } from "./contrast.js";
import { parseDdf, type DdfMethod } from "./ddf.js";
import { termHypotheses, type AnovaType } from "./type-contrasts.js";

export interface AnovaTableRow {
  term: string;
  sumsq: number | null;
  meansq: number | null;
  numdf: number | null;
  dendf: number | null;
  F: number | null;
  p: number | null;
}

export interface AnovaTable {
  type: AnovaType;
  ddf: DdfMethod;
  /** lmerTest's heading: "Type III Analysis of Variance Table with Satterthwaite's method". */
  heading: string;
  rows: AnovaTableRow[];
}

export interface AnovaTableOptions {
  /** 1, 2 or 3 (also "I", "II", "III"); 3 by default, as lmerTest. */
  type?: AnovaType | "I" | "II" | "III" | "1" | "2" | "3";
  /** "Satterthwaite" (default, as lmerTest) or "Kenward-Roger" (any spelling parseDdf reads). */
  ddf?: DdfMethod | string;
}

const ROMAN: Record<AnovaType, string> = { 1: "I", 2: "II", 3: "III" };

export function parseAnovaType(t: AnovaTableOptions["type"] | string): AnovaType {
  if (t === undefined) return 3;
  const k = String(t).trim().toUpperCase();
  const found = ([1, 2, 3] as AnovaType[]).find((n) => k === String(n) || k === ROMAN[n]);
  if (found === undefined) throw new InferenceError(`unknown ANOVA type '${t}': use 1, 2 or 3 (or "I", "II", "III")`);
  return found;
}

/** The Type I, II or III ANOVA table of a linear mixed model's fixed-effects terms. */
export function anovaTable(m: MixedModel, options: AnovaTableOptions = {}): AnovaTable {
  const type = parseAnovaType(options.type);
  const ddf = typeof options.ddf === "string" ? parseDdf(options.ddf) : "Satterthwaite";
  if (ddf === "Wald") {
    throw new InferenceError(`ANOVA tables use "Satterthwaite" or "Kenward-Roger" denominator df (as lmerTest); "Wald" is not one of them`);
  }
  if (m.isGLMM) throw new InferenceError("ANOVA tables with F tests are for linear mixed models (lmer); compare GLMMs with anova(m0, m1)");
  const sigma2 = m.sigma * m.sigma;
  const tested: AnovaTableRow[] = [];
  const untestable: AnovaTableRow[] = [];
  for (const h of termHypotheses(m, type)) {
    // lmerTest: a term without hypothesis rows (all its columns aliased) gets an NA row at the end
    if (h.L.length === 0) {
      untestable.push({ term: h.term, sumsq: null, meansq: null, numdf: null, dendf: null, F: null, p: null });
      continue;
    }
    const f = contrastF(m, h.L, ddf);
    const meansq = f.unscaledF * sigma2;
    tested.push({ term: h.term, sumsq: meansq * f.numdf, meansq, numdf: f.numdf, dendf: f.dendf, F: f.F, p: f.p });
  }
  const method = ddf === "Satterthwaite" ? "Satterthwaite's" : "Kenward-Roger's";
  return { type, ddf, heading: `Type ${ROMAN[type]} Analysis of Variance Table with ${method} method`, rows: [...tested, ...untestable] };
}

/**
 * The table as lmerTest prints it (R's print.anova → printCoefmat, digits 5): Sum Sq, Mean Sq,
 * NumDF and DenDF zapped and formatted to 5 significant digits, the F value rounded to 4
 * decimals, p-values by format.pval with 4 digits, significance stars, blanks for NA.
 */
export function formatAnovaTable(t: AnovaTable): string {
  const digits = 5;
  const rows = t.rows;
  // R prints a table without terms (an intercept-only model) as its column names alone
  if (rows.length === 0) return `${t.heading}\n     Sum Sq Mean Sq NumDF DenDF F value Pr(>F)\n`;
  const column = (xs: (number | null)[], f: (v: number[]) => string[]): string[] => {
    const idx = xs.map((x, i) => (x === null ? -1 : i)).filter((i) => i >= 0);
    const strs = f(idx.map((i) => xs[i] as number));
    const out = xs.map(() => "");
    idx.forEach((i, k) => (out[i] = strs[k]!.trim()));
    return out;
  };
  const zapped = (xs: number[]) => formatNumbers(zapsmall(xs, digits), digits);
  const cells = [
    column(rows.map((r) => r.sumsq), zapped),
    column(rows.map((r) => r.meansq), zapped),
    column(rows.map((r) => r.numdf), zapped),
    column(rows.map((r) => r.dendf), zapped),
    column(rows.map((r) => r.F), (xs) => formatNumbers(xs.map((x) => roundR(x, 4)), digits)),
    column(rows.map((r) => r.p), (xs) => formatPval(xs, 4)),
  ];
  const colNames = ["Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)"];
  const stars = rows.some((r) => r.p !== null && r.p < 0.1);
  if (stars) {
    const sym = rows.map((r) => (r.p === null ? "" : r.p < 0.001 ? "***" : r.p < 0.01 ? "**" : r.p < 0.05 ? "*" : r.p < 0.1 ? "." : " "));
    const w = Math.max(...sym.map((s) => s.length));
    cells.push(sym.map((s) => s.padEnd(w)));
    colNames.push("");
  }
  let out = t.heading + "\n";
  out += printCharMatrix({ rowNames: rows.map((r) => r.term), colNames, cells: rows.map((_, i) => cells.map((c) => c[i]!)) }, true);
  if (stars) out += "---\nSignif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1\n";
  return out;
}
