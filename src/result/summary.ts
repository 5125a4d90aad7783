/**
 * The text of lme4's print(summary(m)) (lme4 R/lmer.R: print.summary.merMod and its .prt.*
 * helpers, formatVC; stats::printCoefmat), rebuilt from a fit's numbers with R's formatting rules.
 */
import {
  formatNumber,
  formatNumbers,
  formatPval,
  quantile7,
  roundR,
  zapsmall,
} from "../rformat.js";
import { R_WIDTH, abbreviate, catFill, deparseLines, printCharMatrix, printNamedVector, strwrap } from "./rprint.js";
import type { VarCorrBlock } from "./varcorr.js";

/** print.summary.merMod's default: max(3, getOption("digits") - 3). */
const SUMMARY_DIGITS = 4;
/** getOption("lme4.summary.cor.max"). */
const COR_MAX = 12;
const SIGNIF_LEGEND = "0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1";

export interface SummaryInput {
  /** R's family()$family ("binomial", "Negative Binomial(2.4098)"). */
  family: string;
  link: string;
  isGLMM: boolean;
  REML: boolean;
  nAGQ: number;
  /** The Laplace approximation's information, for GLMMs with nAGQ = 1 (MixedModel.laplace). */
  laplace?: "expected" | "observed" | null;
  /** The formula as lme4 deparses it (`||` expanded). */
  formula: string;
  /** The data set's name for the "Data:" line, or null to leave the line out. */
  dataName: string | null;
  /** The weights and offset arguments as the call gave them (column names), or null. */
  weightsName?: string | null;
  offsetName?: string | null;
  objective: number;
  logLik: number;
  AIC: number;
  BIC: number;
  df: number;
  nobs: number;
  /** Pearson residuals / σ, whose quantiles the summary prints. */
  scaledResiduals: ArrayLike<number>;
  /** The same quantiles computed elsewhere (a SQL engine), used instead when given. */
  residualQuantiles?: number[];
  blocks: VarCorrBlock[];
  sigma: number;
  /** Whether σ is estimated (a Residual row in the random-effects table). */
  useScale: boolean;
  ngroups: Record<string, number>;
  fixefNames: string[];
  beta: ArrayLike<number>;
  /** p × p column-major. */
  vcov: ArrayLike<number>;
  /** Names of fixed-effect columns dropped for rank deficiency. */
  droppedX: string[];
  converged: boolean;
  optimizer: string;
  /** lme4's convergence-check messages (singular fit, gradient), without trailing newlines. */
  messages: string[];
  /** lmerTest's summary(m, ddf): t tests with denominator df replace lme4's plain t values (the
   *  title names the method, the class is lmerModLmerTest). Kenward–Roger's SEs are from Φ_A. */
  tests?: CoefTests;
  /** Wald z tests for a linear mixed model (ddf "Wald"): the z value and Pr(>|z|) columns lme4
   *  prints for a GLMM. */
  zTests?: boolean;
  /** Set when the Krylov path evaluated the criterion (src/fit/krylov/): a line under the title
   *  says so and with which accuracy controls (the exact path, lme4's, prints nothing extra). */
  krylov?: string;
}

/** The columns lmerTest adds (its get_coefmat). */
export interface CoefTests {
  method: "Satterthwaite" | "Kenward-Roger";
  stderr: number[];
  df: number[];
  p: number[];
}

/** lme4's methTitle(). */
export function methodTitle(s: Pick<SummaryInput, "isGLMM" | "REML" | "nAGQ" | "laplace">): string {
  const kind = s.isGLMM ? "Generalized linear" : "Linear";
  const how = s.REML
    ? "REML"
    : `maximum likelihood ${
        s.isGLMM
          ? s.nAGQ === 1
            ? s.laplace === "observed"
              ? "(Laplace Approximation, observed information as glmmTMB)"
              : "(Laplace Approximation)"
            : `(Adaptive Gauss-Hermite Quadrature, nAGQ = ${s.nAGQ})`
          : ""
      }`;
  return `${kind} mixed model fit by ${how}`;
}

/** .prt.methTit: the title with the class, wrapped when wider than the console. */
function printTitle(s: SummaryInput): string {
  // lmerTest's summary: methTitle gets ". t-tests use <method>'s method", objClass its own class
  const title = methodTitle(s) + (s.tests ? `. t-tests use ${s.tests.method}'s method` : "");
  const cls = s.tests ? "lmerModLmerTest" : s.isGLMM ? "glmerMod" : "lmerMod";
  if (title.length + 5 + cls.length > R_WIDTH) {
    return catFill([...strwrap(title, R_WIDTH - 2, 2), " [", cls, "]"], "");
  }
  return `${title} ['${cls}']\n`;
}

function printFamily(s: SummaryInput): string {
  return s.isGLMM ? catFill([" Family:", s.family, ` ( ${s.link} )`]) : "";
}

function printCall(s: SummaryInput): string {
  let out = catFill(["Formula:", ...deparseLines(s.formula)]);
  if (s.dataName !== null) out += catFill(["   Data:", s.dataName]);
  if (s.weightsName) out += catFill(["Weights:", s.weightsName]);
  if (s.offsetName) out += catFill([" Offset:", s.offsetName]);
  return out;
}

/** .prt.aictab: the REML criterion, or the AIC/BIC/logLik/deviance/df.resid table, rounded to
 *  `digits` decimals (1 in summary(), 4 in print()). */
function printAICTable(s: SummaryInput, digits = 1): string {
  if (s.REML) return catFill(["REML criterion at convergence:", formatNumber(roundR(s.objective, digits))]);
  const dfResid = s.nobs - s.df;
  const rounded = [s.AIC, s.BIC, s.logLik, s.objective, dfResid].map((x) => roundR(x, digits));
  const values = formatNumbers(rounded);
  values[4] = formatNumber(rounded[4]);
  return printNamedVector(values, ["AIC", "BIC", "logLik", "deviance", "df.resid"]);
}

/** .prt.resids: quantiles of the scaled residuals, zapsmall'ed to digits + 1. */
function printResiduals(s: SummaryInput): string {
  const q = zapsmall(s.residualQuantiles ?? quantile7(s.scaledResiduals, [0, 0.25, 0.5, 0.75, 1]), SUMMARY_DIGITS + 1);
  return (
    "Scaled residuals: \n" +
    printNamedVector(formatNumbers(q, SUMMARY_DIGITS), ["Min", "1Q", "Median", "3Q", "Max"]) +
    "\n"
  );
}

/** lme4's formatVC(varcor, digits, comp): comp = c("Variance", "Std.Dev.") in summary(),
 *  "Std.Dev." alone in print(). lme4 2.0's structured terms follow reformulas::formatVC (the
 *  conventions of glmmTMB): a diag term shows no correlations; a cs or ar1 term shows its one ρ as
 *  `0.45 (cs)` / `0.45 (ar1)` on its first row; a homogeneous ar1 or cs term shows its one
 *  standard deviation (get_sd.vcmat_ar1, get_sd.vcmat_homcs). */
export function formatVC(
  blocks: VarCorrBlock[],
  sigma: number,
  useScale: boolean,
  digits: number,
  withVariance = true,
): string {
  const sds: number[] = [];
  const groups: string[] = [];
  const names: string[] = [];
  const oneSd = (b: VarCorrBlock) => b.hom && (b.structure === "ar1" || b.structure === "cs");
  for (const b of blocks) {
    const shown = oneSd(b) ? b.sd.slice(0, 1) : b.sd;
    shown.forEach((sd, i) => {
      sds.push(sd);
      groups.push(i === 0 ? b.group : "");
      names.push(b.names[i]);
    });
  }
  if (useScale) {
    sds.push(sigma);
    groups.push("Residual");
    names.push("");
  }
  const variances = formatNumbers(
    sds.map((x) => x * x),
    digits,
  );
  const stddevs = formatNumbers(sds, digits);
  const colNames = ["Groups", "Name", ...(withVariance ? ["Variance"] : []), "Std.Dev."];
  const cells = sds.map((_, r) => [groups[r], names[r], ...(withVariance ? [variances[r]] : []), stddevs[r]]);
  const dig = Math.max(2, digits - 2);
  // correlation cells per block (rows as shown), and how many columns each needs
  const corrCells = blocks.map((b): string[][] => {
    const p = b.names.length;
    if (b.structure === "diag" || p < 2) return Array.from({ length: oneSd(b) ? 1 : p }, () => []);
    if (b.structure === "cs" || b.structure === "ar1") {
      const rho = formatNumbers([roundR(b.corr[1][0], dig)], 7, dig)[0];
      return Array.from({ length: oneSd(b) ? 1 : p }, (_, i) => (i === 0 ? [`${rho} (${b.structure})`] : []));
    }
    const f = formatNumbers(b.corr.flatMap((row) => row.map((c) => roundR(c, dig))), 7, dig);
    return Array.from({ length: p }, (_, i) => Array.from({ length: i }, (__, j) => f[i * p + j]));
  });
  const ncol = Math.max(0, ...blocks.map((b) => (b.structure === "us" ? b.names.length - 1 : b.structure === "diag" ? 0 : Math.min(1, b.names.length - 1))));
  if (ncol > 0) {
    const corrRows = corrCells.flat().map((row) => [...row, ...new Array<string>(ncol - row.length).fill("")]);
    while (corrRows.length < cells.length) corrRows.push(new Array<string>(ncol).fill(""));
    cells.forEach((row, r) => row.push(...corrRows[r]));
    colNames.push("Corr", ...new Array<string>(ncol - 1).fill(""));
  }
  return printCharMatrix({ rowNames: cells.map(() => ""), colNames, cells }, false);
}

function printGroups(s: SummaryInput): string {
  const groups = Object.entries(s.ngroups)
    .map(([g, n]) => `${g}, ${n}`)
    .join("; ");
  return catFill([`Number of obs: ${s.nobs}, groups: `, groups]);
}

/** symnum's stars for a p-value, cut at 0.001, 0.01, 0.05, 0.1 (intervals closed on the right). */
function stars(p: number): string {
  if (Number.isNaN(p)) return "";
  return p <= 0.001 ? "***" : p <= 0.01 ? "**" : p <= 0.05 ? "*" : p <= 0.1 ? "." : " ";
}

/**
 * stats::printCoefmat for the Estimate / Std. Error / t or z value (/ Pr(>|z|)) table: estimates
 * and standard errors share one format after rounding to the smallest magnitude's digits, test
 * statistics are rounded to dig.tst = digits − 1, p-values go through format.pval.
 */
export function printCoefTable(
  names: string[],
  est: number[],
  se: number[],
  withP: boolean,
  statName: "t value" | "z value" = withP ? "z value" : "t value",
  digits = SUMMARY_DIGITS,
  withDf?: { df: number[]; p: number[] },
): string {
  const p = names.length;
  const stat = est.map((b, i) => b / se[i]);
  const digTst = Math.max(1, Math.min(5, digits - 1));
  // printCoefmat's cs.ind is every column before the statistic: with lmerTest's df column that is
  // Estimate, Std. Error and df, formatted together
  const coefSe = [...est, ...se, ...(withDf ? withDf.df : [])];
  const acs = coefSe.map(Math.abs).filter((a) => Number.isFinite(a) && a !== 0);
  const digmin = acs.length ? [Math.min(...acs), Math.max(...acs)].map((a) => 1 + Math.floor(Math.log10(a))) : [1];
  const roundTo = Math.max(1, ...digmin.map((d) => digits - d));
  const cs = formatNumbers(
    coefSe.map((x) => roundR(x, roundTo)),
    digits,
  );
  // an entry that prints as 0 but is not 0 (or the reverse) is shown with digits − 1 instead
  const mismatch = coefSe
    .map((x, k) => ({ x, k }))
    .filter(({ x, k }) => Number.isFinite(x) && (x === 0) !== (Number(cs[k]) === 0));
  if (mismatch.length) {
    const redo = formatNumbers(
      mismatch.map((m) => m.x),
      Math.max(1, digits - 1),
    );
    mismatch.forEach((m, i) => (cs[m.k] = redo[i]));
  }
  const ts = formatNumbers(
    stat.map((t) => roundR(t, digTst)),
    digits,
  );
  const colNames = withDf ? ["Estimate", "Std. Error", "df", statName] : ["Estimate", "Std. Error", statName];
  const cells = names.map((_, i) => (withDf ? [cs[i], cs[p + i], cs[2 * p + i], ts[i]] : [cs[i], cs[p + i], ts[i]]));
  let legend = "";
  if (withP || withDf) {
    const pv = withDf ? withDf.p : stat.map((z) => 2 * normalUpperTail(Math.abs(z)));
    const pf = formatPval(pv, digTst);
    colNames.push(withDf ? "Pr(>|t|)" : "Pr(>|z|)");
    cells.forEach((row, i) => row.push(pf[i]));
    if (pv.some((x) => x < 0.1)) {
      const st = pv.map(stars);
      const w = Math.max(...st.map((x) => x.length));
      colNames.push("");
      cells.forEach((row, i) => row.push(st[i].padEnd(w)));
      legend = `---\nSignif. codes:  ${SIGNIF_LEGEND}\n`;
    }
  }
  return printCharMatrix({ rowNames: names, colNames, cells }, true) + legend;
}

/** P(Z > z) for a standard normal: ½·erfc(z/√2). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** erfc(x): the Maclaurin series of erf for x ≤ 3 (absolute error ~1e-12 after cancellation, so
 *  relative ~1e-7 at erfc(3) = 2e-5), Laplace's continued fraction beyond (A&S 7.1.14), ample
 *  for the 3 significant digits printCoefmat shows. */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x > 3) {
    // Lentz continued fraction: erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …))))
    let f = x;
    for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }
  // series: erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    term *= (-x * x) / (n + 1);
  }
  return 1 - (2 / Math.sqrt(Math.PI)) * sum;
}

/** The "Correlation of Fixed Effects:" block, names abbreviated as lme4 does. */
function printFixefCorrelation(names: string[], vcov: ArrayLike<number>): string {
  const p = names.length;
  const sd = names.map((_, i) => Math.sqrt(vcov[i * p + i]));
  const corr: number[] = [];
  for (let j = 0; j < p; j++) for (let i = 0; i < p; i++) corr.push(roundR(vcov[j * p + i] / (sd[i] * sd[j]), 3));
  const f = formatNumbers(corr, 7, 3);
  const rowNames = abbreviate(names, 11).slice(1);
  const colNames = abbreviate(names, 6).slice(0, p - 1);
  const cells = rowNames.map((_, r) => colNames.map((__, c) => (c < r + 1 ? f[c * p + (r + 1)] : "")));
  return "\nCorrelation of Fixed Effects:\n" + printCharMatrix({ rowNames, colNames, cells }, false);
}

/** lme4's .merMod.msgs note on dropped fixed-effect columns. */
function droppedMessage(k: number): string {
  return `fixed-effect model matrix is rank deficient so dropping ${k} column${k > 1 ? "s" : ""} / coefficient${k > 1 ? "s" : ""}`;
}

/** .prt.warn's first line. lme4's code is the optimiser's own; its gradient check ("Model failed
 *  to converge …") only adds a message. Our fits report both as not converged, and name optimiser
 *  failures "convergence: …" / "convergence failure …". */
function optimizerLine(s: SummaryInput): string {
  const optimizerFailed = s.messages.some((m) => /^convergence\b/i.test(m));
  return `optimizer (${s.optimizer}) convergence code: ${optimizerFailed ? "1 " : "0 (OK)"}`;
}

function printWarnings(s: SummaryInput): string {
  let out = "";
  if (s.droppedX.length > 0) out += `fit warnings:\n${droppedMessage(s.droppedX.length)}\n`;
  if (!s.converged || s.messages.length > 0) out += [optimizerLine(s), ...s.messages].join("\n") + "\n\n";
  return out;
}

/**
 * lme4's print.merMod, the short display: title, call, criterion to 4 decimals, the random-effect
 * standard deviations (digits 4), the fixed effects as a named vector (print.gap 2), and a one-line
 * note on convergence messages.
 */
export function formatPrint(s: SummaryInput): string {
  let out = printTitle(s) + printFamily(s) + printCall(s) + printAICTable(s, 4);
  out += "Random effects:\n" + formatVC(s.blocks, s.sigma, s.useScale, SUMMARY_DIGITS, false);
  out += printGroups(s);
  if (s.fixefNames.length > 0) {
    out += "Fixed Effects:\n" + printNamedVector(formatNumbers(s.beta, SUMMARY_DIGITS), s.fixefNames, R_WIDTH, 2);
  } else out += "No fixed effect coefficients\n";
  if (s.droppedX.length > 0) out += "fit warnings:\n" + droppedMessage(s.droppedX.length) + "\n";
  if (!s.converged || s.messages.length > 0) {
    out += `${optimizerLine(s)} ; 0 optimizer warnings; ${s.messages.length} lme4 warnings \n`;
  }
  return out;
}

export function formatSummary(s: SummaryInput): string {
  let out = printTitle(s) + printFamily(s) + printCall(s) + (s.krylov ? `${s.krylov}\n` : "") + "\n" + printAICTable(s) + "\n";
  out += printResiduals(s);
  out += "Random effects:\n" + formatVC(s.blocks, s.sigma, s.useScale, SUMMARY_DIGITS);
  out += printGroups(s);
  const p = s.fixefNames.length;
  if (p > 0) {
    const est = Array.from(s.beta);
    const se = s.tests ? s.tests.stderr : s.fixefNames.map((_, i) => Math.sqrt(s.vcov[i * p + i]));
    // summary.merMod: "t value" when σ is estimated (also Gamma GLMMs), p-values for every GLMM;
    // lmerTest's: df and Pr(>|t|) columns
    out +=
      "\nFixed effects:\n" +
      printCoefTable(
        s.fixefNames, est, se, s.isGLMM || s.zTests === true, s.useScale && !s.zTests ? "t value" : "z value", SUMMARY_DIGITS, s.tests,
      );
    if (p > 1 && p <= COR_MAX) out += printFixefCorrelation(s.fixefNames, s.vcov);
  }
  return out + printWarnings(s);
}
