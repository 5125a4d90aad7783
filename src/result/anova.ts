/**
 * anova(m0, m1, …): lme4's likelihood-ratio table for nested mixed models (anova.merMod,
 * R/lmer.R). REML fits are first refitted by ML ("refitting model(s) with ML (instead of REML)"),
 * models are ordered by their number of parameters (stable), and each row is compared with the one
 * before it: χ² = 2·max(0, Δ log L) on Δnpar degrees of freedom (Wilks 1938).
 */
import { parameterCount, type FittedModel } from "../fit/fitted.js";
import { fitLmm } from "../fit/lmm/index.js";
import { pchisqUpper } from "./confint/distributions.js";
import { lmeDeparsedFormula, rDeparsedFormula } from "./formula-text.js";
import { MixedModel } from "./model.js";
import { formatNumbers, formatPval, roundR, zapsmall } from "../rformat.js";
import { printCharMatrix } from "./rprint.js";
import { MixedModelsError } from "../errors.js";
import { anovaTable, type AnovaTable, type AnovaTableOptions } from "./inference/anova-table.js";

export class AnovaError extends MixedModelsError {
  constructor(message: string) {
    super(message);
    this.name = "AnovaError";
  }
}

export const REFIT_MESSAGE = "refitting model(s) with ML (instead of REML)";

export interface AnovaRow {
  model: string;
  npar: number;
  AIC: number;
  BIC: number;
  logLik: number;
  deviance: number;
  /** null in the first row (lme4's NA); Pr is null also where Df is 0. */
  Chisq: number | null;
  Df: number | null;
  p: number | null;
}

export interface AnovaResult {
  rows: AnovaRow[];
  /** Whether REML fits were refitted by ML. */
  refitted: boolean;
  /** lme4's message, when it refitted. */
  messages: string[];
  /** "Data: …" (when known) and "Models:" with each model's formula, as lme4 prints them. */
  heading: string[];
  /** The ML fits the table was computed from, in row order. */
  fits: FittedModel[];
}

type AnovaModel = MixedModel | FittedModel;

function nparOf(fit: FittedModel): number {
  return parameterCount(fit);
}

function refitML(fit: FittedModel): FittedModel {
  return fit.isLmm && fit.REML ? fitLmm(fit.matrices, { REML: false }) : fit;
}

function sameRows(fits: FittedModel[], infos: (MixedModel | null)[]): void {
  const n0 = fits[0].matrices.n;
  if (fits.some((f) => f.matrices.n !== n0)) {
    throw new AnovaError(
      `models were not all fitted to the same size of dataset (nobs ${fits.map((f) => f.matrices.n).join(", ")}); ` +
        "compare models fitted to the same rows (remove missing values first)",
    );
  }
  const names = infos.map((m) => m?.dataName ?? m?.dataFile ?? null).filter((x): x is string => x !== null);
  if (new Set(names).size > 1) throw new AnovaError(`all models must be fit to the same data object (${[...new Set(names)].join(", ")})`);
  const dropped = fits.map((f) => JSON.stringify((f.matrices.plan as { rows?: { droppedRows?: number[] } }).rows?.droppedRows ?? []));
  if (new Set(dropped).size > 1) throw new AnovaError("models were fitted to different rows of the data (different rows were dropped for missing values)");
}

/**
 * anova(...models): pass models as arguments (named MODEL1, MODEL2, … as R names unnamed ones) or
 * one record `{ fm0, fm1 }` to name them. anova(m) or anova(m, { type, ddf }) on one linear mixed
 * model is lmerTest's table of F tests instead (src/result/inference/anova-table.ts).
 */
export function anova(model: MixedModel, options?: AnovaTableOptions): AnovaTable;
export function anova(...args: (AnovaModel | Record<string, AnovaModel>)[]): AnovaResult;
export function anova(...args: (AnovaModel | Record<string, AnovaModel> | AnovaTableOptions | undefined)[]): AnovaResult | AnovaTable {
  const [first, second] = args;
  if (first instanceof MixedModel && (args.length === 1 || (args.length === 2 && isOptions(second)))) {
    return anovaTable(first, second as AnovaTableOptions | undefined);
  }
  return compareModels(args as (AnovaModel | Record<string, AnovaModel>)[]);
}

/** A plain options record (or undefined), not models to compare. */
function isOptions(x: unknown): boolean {
  if (x === undefined) return true;
  if (x === null || typeof x !== "object" || x instanceof MixedModel || isFitted(x)) return false;
  return Object.values(x).every((v) => !(v instanceof MixedModel) && !isFitted(v));
}

function compareModels(args: (AnovaModel | Record<string, AnovaModel>)[]): AnovaResult {
  const entries: [string, AnovaModel][] = [];
  for (const a of args) {
    if (a instanceof MixedModel || isFitted(a)) entries.push([`MODEL${entries.length + 1}`, a]);
    else for (const [k, v] of Object.entries(a)) entries.push([k, v]);
  }
  if (entries.length < 2) throw new AnovaError("anova() compares two or more models; for one model's fixed-effect tests use summary()");
  const infos = entries.map(([, m]) => (m instanceof MixedModel ? m : null));
  const original = entries.map(([, m]) => (m instanceof MixedModel ? m.fit : m));
  sameRows(original, infos);
  const refitted = original.some((f) => f.isLmm && f.REML);
  const fits = original.map(refitML);
  const order = fits.map((f, i) => i).sort((a, b) => nparOf(fits[a]) - nparOf(fits[b]) || a - b);
  const rows: AnovaRow[] = [];
  order.forEach((i, k) => {
    const f = fits[i];
    const npar = nparOf(f);
    const logLik = -f.objective / 2;
    const n = f.matrices.n;
    let Chisq: number | null = null;
    let Df: number | null = null;
    let p: number | null = null;
    if (k > 0) {
      const prev = rows[k - 1];
      Chisq = 2 * Math.max(0, logLik - prev.logLik);
      Df = npar - prev.npar;
      p = Df === 0 ? null : pchisqUpper(Chisq, Df);
    }
    rows.push({ model: entries[i][0], npar, AIC: -2 * logLik + 2 * npar, BIC: -2 * logLik + Math.log(n) * npar, logLik, deviance: -2 * logLik, Chisq, Df, p });
  });
  const heading: string[] = [];
  const dataName = infos.find((m) => m?.dataName)?.dataName;
  if (dataName) heading.push(`Data: ${dataName}`);
  heading.push("Models:");
  for (const i of order) {
    const m = entries[i][1];
    const formula = m instanceof MixedModel ? m.formula : (m.matrices.plan as { formula?: string }).formula ?? "";
    // glmer keeps `||` in its formula; lmer expands it (see MixedModel.summaryInput)
    const glmm = m instanceof MixedModel && m.isGLMM;
    heading.push(`${entries[i][0]}: ${glmm ? rDeparsedFormula(formula) : lmeDeparsedFormula(formula)}`);
  }
  return { rows, refitted, messages: refitted ? [REFIT_MESSAGE] : [], heading, fits: order.map((i) => fits[i]) };
}

function isFitted(x: unknown): x is FittedModel {
  const f = x as Partial<FittedModel>;
  return f !== null && typeof f === "object" && f.matrices !== undefined && f.theta instanceof Float64Array;
}

/** The table as R's print.anova shows it (printCoefmat with digits 5, test statistics rounded to
 *  4 decimals, p-values by format.pval with 4 digits, significance stars). */
export function formatAnova(result: AnovaResult): string {
  const digits = 5;
  const rows = result.rows;
  const fmtCol = (xs: (number | null)[], f: (v: number[]) => string[]) => {
    const idx = xs.map((x, i) => (x === null ? -1 : i)).filter((i) => i >= 0);
    const strs = f(idx.map((i) => xs[i] as number));
    const out = xs.map(() => "");
    idx.forEach((i, k) => (out[i] = strs[k].trim()));
    return out;
  };
  const plain = (xs: number[]) => formatNumbers(zapsmall(xs, digits), digits);
  const cols: string[][] = [
    fmtCol(rows.map((r) => r.npar), plain),
    fmtCol(rows.map((r) => r.AIC), plain),
    fmtCol(rows.map((r) => r.BIC), plain),
    fmtCol(rows.map((r) => r.logLik), plain),
    fmtCol(rows.map((r) => r.deviance), plain),
    fmtCol(rows.map((r) => r.Chisq), (xs) => formatNumbers(xs.map((x) => roundR(x, 4)), digits)),
    fmtCol(rows.map((r) => r.Df), (xs) => formatNumbers(xs, digits)),
    fmtCol(rows.map((r) => r.p), (xs) => formatPval(xs, 4)),
  ];
  const colNames = ["npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)"];
  const ps = rows.map((r) => r.p).filter((p): p is number => p !== null);
  const stars = ps.some((p) => p < 0.1);
  if (stars) {
    const sym = rows.map((r) => (r.p === null ? "" : r.p < 0.001 ? "***" : r.p < 0.01 ? "**" : r.p < 0.05 ? "*" : r.p < 0.1 ? "." : " "));
    const w = Math.max(...sym.map((s) => s.length));
    cols.push(sym.map((s) => s.padEnd(w)));
    colNames.push("");
  }
  let out = "";
  if (result.messages.length) out += result.messages.join("\n") + "\n";
  out += result.heading.join("\n") + "\n";
  out += printCharMatrix({ rowNames: rows.map((r) => r.model), colNames, cells: rows.map((_, i) => cols.map((c) => c[i])) }, true);
  if (stars) out += "---\nSignif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1\n";
  return out;
}
