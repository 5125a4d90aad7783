/**
 * Estimated marginal means and their pairwise comparisons, as emmeans 1.8 computes them for an
 * lmer fit (rvlenth/emmeans R/emmeans.R, emm-contr.R pairwise.emmc, summary.R):
 *
 * - emmeans(m, "~ A | B"): on the reference grid (ref-grid.ts), each combination of the specs'
 *   and by-variables' levels gets the equally weighted average of the grid rows that have it
 *   (emmeans' default weights = "equal"): a linear function l of β; the mean is lᵀβ, its SE and df
 *   those of contrastT (Kenward–Roger: pbkrtest's adjusted covariance and df, emmeans' default
 *   lmer.df; Satterthwaite: lmerTest's), its interval lᵀβ ± t_{df, (1+level)/2}·SE.
 * - pairs(e): within each by-group, every pair i < j of means in grid order ("A - B"), each a
 *   t test with its own df (levels that are numbers are labelled with their variable's name,
 *   "temp175 - temp185", emmeans' enhance.levels); p-values adjusted per by-group: Tukey (emmeans' default for pairs:
 *   ptukey(√2·|t|, number of means, df)), Holm, Bonferroni, or none.
 */
import type { MixedModel } from "../model.js";
import { formatNumbers, roundR } from "../../rformat.js";
import { contrastT, InferenceError } from "./contrast.js";
import { parseDdf, type DdfMethod } from "./ddf.js";
import { qt } from "./distributions.js";
import { ptukey } from "./ptukey.js";
import { referenceGrid, type GridAt, type GridVariable, type ReferenceGrid } from "./ref-grid.js";

export type LevelValue = string | number;

export interface EmmeansOptions {
  /** "Kenward-Roger" (default, as emmeans' lmer.df), "Satterthwaite", or "Wald" (df = ∞; GLMMs). */
  ddf?: DdfMethod | string;
  /** Confidence level of the intervals (default 0.95). */
  level?: number;
  /** emmeans' `at`: the values of numeric covariates at which the reference grid is built (instead
   *  of their means), and subsets of factors' levels (in the order given), e.g. { x: [1, 2], A: ["a1"] }. */
  at?: GridAt;
}

export interface EmmeansRow {
  /** The level of each specs and by variable, by name. */
  levels: Record<string, LevelValue>;
  emmean: number;
  SE: number;
  df: number;
  lower: number;
  upper: number;
}

export interface Emmeans {
  /** The variables the means are for, then the by-variables. */
  specs: string[];
  by: string[];
  ddf: DdfMethod;
  level: number;
  /** Grid variables averaged over (emmeans' "Results are averaged over the levels of"). */
  averagedOver: string[];
  /** The specs and by variables that are numeric covariates (at several values through `at`):
   *  printed as R formats a numeric column ("0.25", "1.00"), not as factor labels. */
  covariates: string[];
  /** One row per combination of specs and by levels, the first specs variable varying fastest. */
  rows: EmmeansRow[];
  /** The linear function of β behind each row. */
  linfct: number[][];
  model: MixedModel;
}

export type PAdjust = "none" | "tukey" | "holm" | "bonferroni";

export interface PairsOptions {
  /** p-value adjustment within each by-group: "tukey" (default, as emmeans), "holm", "bonferroni", "none". */
  adjust?: PAdjust | string;
}

export interface ContrastRow {
  /** "hi - lo"; levels of several variables are joined by a space: "hi ctl - lo ctl"; numeric levels
   *  carry their variable's name: "temp175 - temp185". */
  contrast: string;
  /** The by-group's levels. */
  by: Record<string, LevelValue>;
  estimate: number;
  SE: number;
  df: number;
  t: number;
  p: number;
}

export interface EmmContrasts {
  by: string[];
  ddf: DdfMethod;
  adjust: PAdjust;
  /** Number of means compared in each by-group (the Tukey family size). */
  familySize: number;
  /** Contrasts per by-group (for the adjustment's note). */
  familyContrasts: number;
  averagedOver: string[];
  /** As Emmeans.covariates. */
  covariates: string[];
  /** The model's link: the contrasts are differences on its scale. */
  link: string;
  rows: ContrastRow[];
}

/** Parse "~ A", "A | B", "~ A * B", "A:B | C" into the specs and by variables. */
export function parseSpecs(specs: string): { specs: string[]; by: string[] } {
  let text = specs.trim();
  if (text.includes("~")) {
    const [lhs, rhs] = text.split("~", 2) as [string, string];
    if (lhs.trim() !== "") throw new InferenceError(`emmeans specs '${specs}': a left-hand side ('${lhs.trim()}') is not supported; use pairs() for pairwise comparisons`);
    text = rhs;
  }
  const parts = text.split("|");
  if (parts.length > 2) throw new InferenceError(`emmeans specs '${specs}' has more than one '|'`);
  const names = (s: string) =>
    s
      .split(/[*:+]/)
      .map((x) => x.trim())
      .filter((x) => x !== "");
  const left = names(parts[0]!);
  const by = parts.length === 2 ? names(parts[1]!) : [];
  if (left.length === 0) throw new InferenceError(`emmeans specs '${specs}' names no variable`);
  if (parts.length === 2 && by.length === 0) throw new InferenceError(`emmeans specs '${specs}' names no variable after '|'`);
  return { specs: left, by };
}

function resolveDdf(m: MixedModel, ddf: EmmeansOptions["ddf"]): DdfMethod {
  if (ddf !== undefined) return parseDdf(ddf);
  return m.isGLMM ? "Wald" : "Kenward-Roger";
}

/** Estimated marginal means of `specs` ("~ A", "~ A | B", "~ A * B", "A | B"). */
export function emmeans(m: MixedModel, specs: string, options: EmmeansOptions = {}): Emmeans {
  const { specs: spec, by } = parseSpecs(specs);
  const ddf = resolveDdf(m, options.ddf);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InferenceError(`confidence level must be between 0 and 1 (got ${level})`);
  const grid = referenceGrid(m, options.at);
  const names = [...spec, ...by];
  const position = names.map((n) => {
    const k = grid.variables.findIndex((v) => v.name === n);
    if (k < 0) {
      throw new InferenceError(
        `'${n}' is not a predictor of the fixed effects (predictors: ${grid.variables.map((v) => v.name).join(", ") || "none"})`,
      );
    }
    return k;
  });
  if (new Set(names).size !== names.length) throw new InferenceError(`emmeans specs '${specs}' names a variable twice`);
  const vars = position.map((k) => grid.variables[k]!);
  const linfct = averages(grid, position);
  const rows = linfct.map((l, r) => {
    const t = contrastT(m, l, ddf);
    const half = qt((1 + level) / 2, t.df) * t.stderr;
    return { levels: levelsOf(vars, comboIndex(vars, r)), emmean: t.estimate, SE: t.stderr, df: t.df, lower: t.estimate - half, upper: t.estimate + half };
  });
  const averagedOver = grid.variables.filter((v, k) => !position.includes(k) && v.values.length > 1).map((v) => v.name);
  const covariates = vars.filter((v) => v.kind === "covariate").map((v) => v.name);
  return { specs: spec, by, ddf, level, averagedOver, covariates, rows, linfct, model: m };
}

/** Value indices of combination r (first variable fastest). */
function comboIndex(vars: GridVariable[], r: number): number[] {
  let rest = r;
  return vars.map((v) => {
    const i = rest % v.values.length;
    rest = Math.floor(rest / v.values.length);
    return i;
  });
}

function levelsOf(vars: GridVariable[], idx: number[]): Record<string, LevelValue> {
  return Object.fromEntries(vars.map((v, k) => [v.name, v.values[idx[k]!]!]));
}

/** The equally weighted average of the grid rows of each combination of the chosen variables. */
function averages(grid: ReferenceGrid, position: number[]): number[][] {
  const vars = position.map((k) => grid.variables[k]!);
  const combos = vars.reduce((s, v) => s * v.values.length, 1);
  const p = grid.X.length / Math.max(grid.size, 1);
  const sums = Array.from({ length: combos }, () => new Array<number>(p).fill(0));
  const counts = new Array<number>(combos).fill(0);
  for (let r = 0; r < grid.size; r++) {
    let c = 0;
    let stride = 1;
    position.forEach((k, j) => {
      c += grid.index[r]![k]! * stride;
      stride *= vars[j]!.values.length;
    });
    counts[c]!++;
    for (let j = 0; j < p; j++) sums[c]![j]! += grid.X[j * grid.size + r]!;
  }
  return sums.map((s, c) => s.map((x) => x / counts[c]!));
}

function parseAdjust(a: PairsOptions["adjust"]): PAdjust {
  if (a === undefined) return "tukey";
  const k = a.trim().toLowerCase();
  if (k === "none" || k === "tukey" || k === "holm" || k === "bonferroni") return k;
  throw new InferenceError(`unknown p-value adjustment '${a}': use "tukey", "holm", "bonferroni" or "none"`);
}

/** R's p.adjust(p, "holm"): step-down, monotone, capped at 1. */
function holm(p: number[]): number[] {
  const n = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]! || a - b);
  const out = new Array<number>(n);
  let running = 0;
  order.forEach((i, k) => {
    running = Math.max(running, Math.min(1, (n - k) * p[i]!));
    out[i] = running;
  });
  return out;
}

function readsAsNumber(x: LevelValue): boolean {
  if (typeof x === "number") return true;
  const t = x.trim();
  return t !== "" && !Number.isNaN(Number(t));
}

/** Pairwise comparisons of the means within each by-group (emmeans' pairs()). */
export function pairs(e: Emmeans, options: PairsOptions = {}): EmmContrasts {
  const adjust = parseAdjust(options.adjust);
  const groups = new Map<string, number[]>();
  e.rows.forEach((row, r) => {
    const key = JSON.stringify(e.by.map((b) => row.levels[b]));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  });
  // emmeans' enhance.levels: a variable whose levels all read as numbers is named in the labels
  // ("temp175 - temp185"), as R's as.numeric(as.character(levels)) decides
  const enhanced = new Set(e.specs.filter((s) => e.rows.every((r) => readsAsNumber(r.levels[s]!))));
  const rows: ContrastRow[] = [];
  let familySize = 0;
  let familyContrasts = 0;
  for (const members of groups.values()) {
    familySize = Math.max(familySize, members.length);
    const label = (r: number) => e.specs.map((s) => (enhanced.has(s) ? s : "") + String(e.rows[r]!.levels[s])).join(" ");
    const group: ContrastRow[] = [];
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = e.linfct[members[i]!]!;
        const b = e.linfct[members[j]!]!;
        const t = contrastT(e.model, a.map((x, k) => x - b[k]!), e.ddf);
        group.push({
          contrast: `${label(members[i]!)} - ${label(members[j]!)}`,
          by: Object.fromEntries(e.by.map((v) => [v, e.rows[members[i]!]!.levels[v]!])),
          estimate: t.estimate,
          SE: t.stderr,
          df: t.df,
          t: t.statistic,
          p: t.p,
        });
      }
    }
    familyContrasts = Math.max(familyContrasts, group.length);
    const k = members.length;
    if (adjust === "tukey") for (const c of group) c.p = ptukey(Math.SQRT2 * Math.abs(c.t), k, c.df, false);
    else if (adjust === "bonferroni") for (const c of group) c.p = Math.min(1, c.p * group.length);
    else if (adjust === "holm") holm(group.map((c) => c.p)).forEach((p, i) => (group[i]!.p = p));
    rows.push(...group);
  }
  return { by: e.by, ddf: e.ddf, adjust, familySize, familyContrasts, averagedOver: e.averagedOver, covariates: e.covariates, link: e.model.link, rows };
}

const DDF_NAME: Record<DdfMethod, string> = { "Kenward-Roger": "kenward-roger", Satterthwaite: "satterthwaite", Wald: "asymptotic" };

/**
 * Columns as emmeans' print shows them: each numeric column formatted over all its rows (R's
 * format(x, digits = 3); test statistics with 3 decimals), then one block per
 * by-group with its own column widths.
 */
function formatBlocks(
  by: string[],
  rows: { by: Record<string, LevelValue>; cells: Record<string, string | number> }[],
  columns: string[],
  numeric: Set<string>,
  left: Set<string>,
  covariates: string[] = [],
): string {
  // a covariate's values as R's format() shows a numeric column: common decimals ("0.0", "1.5")
  const asColumn = (values: (string | number)[]) => formatNumbers(values as number[]).map((x) => x.trim());
  const byText = new Map<string, string[]>(
    by.map((b) => [b, covariates.includes(b) ? asColumn(rows.map((r) => r.by[b]!)) : rows.map((r) => String(r.by[b]))]),
  );
  const text = new Map<string, string[]>();
  for (const c of columns) {
    const values = rows.map((r) => r.cells[c]!);
    if (covariates.includes(c)) text.set(c, asColumn(values));
    else if (!numeric.has(c)) text.set(c, values.map(String));
    else if (c === "t.ratio" || c === "z.ratio") text.set(c, formatNumbers((values as number[]).map((x) => roundR(x, 3)), 7, 3).map((x) => x.trim()));
    else text.set(c, formatNumbers(values as number[], 3).map((x) => x.trim()));
  }
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = by.map((b) => `${b} = ${byText.get(b)![i]}`).join(", ");
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  });
  const blocks: string[] = [];
  for (const [key, members] of groups) {
    const cols = columns.map((c) => {
      const cells = members.map((i) => text.get(c)![i]!);
      const w = Math.max(c.length, ...cells.map((x) => x.length));
      const right = !left.has(c);
      return { head: right ? c.padStart(w) : c.padEnd(w), cells: cells.map((x) => (right ? x.padStart(w) : x.padEnd(w))) };
    });
    const lines = [" " + cols.map((c) => c.head).join(" "), ...members.map((_, i) => " " + cols.map((c) => c.cells[i]).join(" "))];
    blocks.push((key ? `${key}:\n` : "") + lines.join("\n"));
  }
  return blocks.join("\n\n") + "\n";
}

/** The means as emmeans 1.8 prints them (equal to its print on the cases of make-emmeans.R). */
export function formatEmmeans(e: Emmeans): string {
  // asymptotic intervals are named asymp.LCL / asymp.UCL, as emmeans does
  const [lo, hi] = e.ddf === "Wald" ? ["asymp.LCL", "asymp.UCL"] : ["lower.CL", "upper.CL"];
  const columns = [...e.specs, "emmean", "SE", "df", lo, hi];
  const numeric = new Set(["emmean", "SE", "df", lo, hi]);
  const rows = e.rows.map((r) => ({
    by: Object.fromEntries(e.by.map((b) => [b, r.levels[b]!])),
    cells: { ...Object.fromEntries(e.specs.map((s) => [s, r.levels[s]!])), emmean: r.emmean, SE: r.SE, df: r.df, [lo]: r.lower, [hi]: r.upper },
  }));
  // level columns are left-aligned, except numbers (right-aligned, as R prints them)
  const left = new Set(e.specs.filter((s) => !e.rows.every((r) => typeof r.levels[s] === "number")));
  let out = formatBlocks(e.by, rows, columns, numeric, left, e.covariates) + "\n";
  if (e.averagedOver.length) out += `Results are averaged over the levels of: ${e.averagedOver.join(", ")} \n`;
  if (e.model.link !== "identity") out += `Results are given on the ${e.model.link} (not the response) scale. \n`;
  if (e.ddf !== "Wald") out += `Degrees-of-freedom method: ${DDF_NAME[e.ddf]} \n`;
  out += `Confidence level used: ${e.level} \n`;
  return out;
}

/** emmeans' p-value text: 4 decimals, "<.0001" when that rounds to zero. */
function pvalText(p: number): string {
  const t = p.toFixed(4);
  return t === "0.0000" ? "<.0001" : t;
}

/** The comparisons laid out as emmeans prints them (p-values to 4 decimals, "<.0001" below). */
export function formatContrasts(c: EmmContrasts): string {
  if (c.rows.length === 0) return "No pairwise comparisons: each group has a single mean.\n";
  // emmeans calls the statistic z.ratio when every df is infinite (asymptotic tests, GLMMs)
  const stat = c.rows.length > 0 && c.rows.every((r) => r.df === Infinity) ? "z.ratio" : "t.ratio";
  const columns = ["contrast", "estimate", "SE", "df", stat, "p.value"];
  const numeric = new Set(["estimate", "SE", "df", stat]);
  const rows = c.rows.map((r) => ({
    by: r.by,
    cells: { contrast: r.contrast, estimate: r.estimate, SE: r.SE, df: r.df, [stat]: r.t, "p.value": pvalText(r.p) },
  }));
  let out = formatBlocks(c.by, rows, columns, numeric, new Set(["contrast"]), c.covariates) + "\n";
  if (c.averagedOver.length) out += `Results are averaged over the levels of: ${c.averagedOver.join(", ")} \n`;
  if (c.link !== "identity") {
    const scale = c.link === "logit" ? "log odds ratio" : c.link;
    out += `Results are given on the ${scale} (not the response) scale. \n`;
  }
  if (c.ddf !== "Wald") out += `Degrees-of-freedom method: ${DDF_NAME[c.ddf]} \n`;
  if (c.adjust !== "none" && c.familyContrasts > 1) {
    out +=
      c.adjust === "tukey"
        ? `P value adjustment: tukey method for comparing a family of ${c.familySize} estimates \n`
        : `P value adjustment: ${c.adjust} method for ${c.familyContrasts} tests \n`;
  }
  return out;
}
