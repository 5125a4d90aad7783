/**
 * broom.mixed's tidiers for merMod fits (R/lme4_tidiers.R: tidy.merMod, glance.merMod,
 * augment.merMod), as plain arrays of records — ready for a table, a chart or a danfo DataFrame.
 *
 * tidy: the "fixed" rows are lmerTest's coef(summary(m, ddf)) renamed (estimate, std.error, df,
 * statistic, p.value; group null), then the "ran_pars" rows from as.data.frame(VarCorr(m),
 * order = "lower.tri") with broom.mixed's names: "sd__(Intercept)", "cor__(Intercept).Days",
 * and "sd__Observation" for the residual (group "Residual"). GLMM fixed rows carry lme4's z tests
 * and no df (as its summary). conf.int adds Wald intervals for the fixed rows — t-based with each
 * row's df (as lmerTest's contest(confint = TRUE)), normal for ddf "Wald" and GLMMs — and null
 * for ran_pars (lme4's confint(method = "Wald") has none for them).
 */
import { cooksDistance, hatValues } from "./influence.js";
import type { MixedModel } from "../model.js";
import { toDataTable, type DataInput, type DataTable } from "../../model/data.js";
import { coefficients, ddfOf } from "./coefficients.js";
import type { DdfMethod } from "./ddf.js";
import { qt } from "./distributions.js";
import { InferenceError } from "./contrast.js";
import { predict } from "../predict.js";

export type TidyEffect = "fixed" | "ran_pars";

export interface TidyRow {
  effect: TidyEffect;
  group: string | null;
  term: string;
  estimate: number;
  "std.error": number | null;
  statistic: number | null;
  /** Absent for GLMMs (lme4's z tests have none), as in broom.mixed. */
  df?: number | null;
  "p.value": number | null;
  "conf.low"?: number | null;
  "conf.high"?: number | null;
}

export interface TidyOptions {
  /** Which rows, default both (broom.mixed's c("ran_pars", "fixed"); fixed rows come first). */
  effects?: TidyEffect[];
  "conf.int"?: boolean;
  "conf.level"?: number;
  /** Tests for the fixed rows: "Satterthwaite" (LMM default), "Kenward-Roger", "Wald". */
  ddf?: DdfMethod | string;
}

export function tidy(m: MixedModel, options: TidyOptions = {}): TidyRow[] {
  const effects = options.effects ?? ["ran_pars", "fixed"];
  for (const e of effects) if (e !== "fixed" && e !== "ran_pars") throw new InferenceError(`unknown effect type '${String(e)}' (use "fixed" or "ran_pars")`);
  const level = options["conf.level"] ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InferenceError(`conf.level must be between 0 and 1, not ${level}`);
  const withCI = options["conf.int"] === true;
  const rows: TidyRow[] = [];
  if (effects.includes("fixed")) {
    const ddf = ddfOf(m, options);
    for (const c of coefficients(m, { ddf })) {
      // broom.mixed's column order: … statistic, df, p.value, conf.low, conf.high
      const row: TidyRow = {
        effect: "fixed", group: null, term: c.term, estimate: c.estimate, "std.error": c.stderr, statistic: c.statistic,
        ...(m.isGLMM ? {} : { df: c.df }), "p.value": c.p,
      };
      if (withCI) {
        const mult = qt((1 + level) / 2, c.df);
        row["conf.low"] = c.estimate - mult * c.stderr;
        row["conf.high"] = c.estimate + mult * c.stderr;
      }
      rows.push(row);
    }
  }
  if (effects.includes("ran_pars")) {
    for (const v of m.varCorr) {
      const names = [v.var1, v.var2].filter((x): x is string => x !== null);
      const term = names.length === 0 ? "sd__Observation" : names.length === 1 ? `sd__${names[0]}` : `cor__${names.join(".")}`;
      const row: TidyRow = {
        effect: "ran_pars", group: v.group, term, estimate: v.sdcor, "std.error": null, statistic: null,
        ...(m.isGLMM ? {} : { df: null }), "p.value": null,
      };
      if (withCI) {
        row["conf.low"] = null;
        row["conf.high"] = null;
      }
      rows.push(row);
    }
  }
  return rows;
}

export interface GlanceRow {
  nobs: number;
  sigma: number;
  logLik: number;
  AIC: number;
  BIC: number;
  /** The ML deviance (−2 log-likelihood) of an ML fit or GLMM's deviance; absent for REML fits. */
  deviance?: number;
  /** REML fits: the REML criterion (broom.mixed renames deviance so). */
  REMLcrit?: number;
  "df.residual": number;
}

/** broom.mixed's glance(m): one row. */
export function glance(m: MixedModel): GlanceRow[] {
  const row: GlanceRow = { nobs: m.nobs, sigma: m.sigma, logLik: m.logLik, AIC: m.AIC, BIC: m.BIC, "df.residual": m.dfResidual };
  if (m.REML) row.REMLcrit = m.objective;
  else row.deviance = m.deviance;
  const { "df.residual": dfr, ...rest } = row;
  return [{ ...rest, "df.residual": dfr }];
}

export type AugmentRow = Record<string, number | string | null>;

/**
 * broom.mixed's augment(m, data): each observation used by the fit (rows dropped for missing
 * values are left out) with the data's columns, then .fitted (fitted values), .resid (lme4's
 * default residuals: response for LMMs, deviance for GLMMs), .hat and .cooksd (lme4's hatvalues
 * and cooks.distance: influence.ts), .fixed (predict(m, re.form = NA):
 * the population-level linear predictor), and from the response module .mu, .offset, .weights
 * and, for LMMs, .wtres (√w·(y − μ)), for GLMMs .eta. Without data, only those columns.
 * Not reproduced: broom's .sqrtXwt/.sqrtrwt.
 */
export function augment(m: MixedModel, data?: DataInput | DataTable): AugmentRow[] {
  const mm = m.matrices;
  const n = mm.n;
  const rows = mm.rows ?? Int32Array.from({ length: n }, (_, i) => i);
  let table: DataTable | null = null;
  if (data !== undefined) {
    table = toDataTable(data);
    const need = rows.length ? rows[rows.length - 1] + 1 : 0;
    if (table.n < need) throw new InferenceError(`augment: the data have ${table.n} rows; the fit used rows up to ${need}`);
  }
  const fitted = m.fitted;
  const resid = m.residuals();
  const fixed = predict(m, undefined, { reForm: null });
  const hat = hatValues(m);
  const cooksd = cooksDistance(m, hat);
  const out: AugmentRow[] = [];
  for (let i = 0; i < n; i++) {
    const rec: AugmentRow = {};
    if (table) {
      for (const name of table.names) {
        const col = table.columns.get(name)!;
        const r = rows[i];
        if (col.kind === "numeric") rec[name] = Number.isNaN(col.values[r]) ? null : col.values[r];
        else rec[name] = col.codes[r] < 0 ? null : col.levels[col.codes[r]];
      }
    }
    rec[".fitted"] = fitted[i];
    rec[".resid"] = resid[i];
    rec[".hat"] = hat[i];
    rec[".cooksd"] = cooksd[i];
    rec[".fixed"] = fixed[i];
    rec[".mu"] = m.fit.mu[i];
    rec[".offset"] = mm.offset[i];
    rec[".weights"] = mm.weights[i];
    if (m.isGLMM) rec[".eta"] = m.fit.eta[i];
    else rec[".wtres"] = Math.sqrt(mm.weights[i]) * (mm.y[i] - m.fit.mu[i]);
    out.push(rec);
  }
  return out;
}
