/**
 * coefficients(m, { ddf }): the fixed-effects table with tests, one row per coefficient, as
 * lmerTest's coef(summary(m, ddf)) (get_coefmat: contest1D on each unit vector) for linear mixed
 * models, and lme4's z tests for GLMMs.
 *
 * ddf "Wald" (lmerTest has no such method; lme4 reports no p-values for lmer fits) gives the
 * asymptotic z test: df = Infinity, p from the normal distribution — what lme4's summary shows
 * for a GLMM, and the only method a GLMM accepts.
 */
import type { MixedModel } from "../model.js";
import { contrastT } from "./contrast.js";
import { parseDdf, type DdfMethod } from "./ddf.js";

export interface CoefficientRow {
  term: string;
  estimate: number;
  stderr: number;
  df: number;
  statistic: number;
  p: number;
}

export interface CoefficientsOptions {
  /** "Satterthwaite" (default for LMMs, as lmerTest), "Kenward-Roger", or "Wald" (the only one
   *  for GLMMs, and their default); case-insensitive aliases as parseDdf. */
  ddf?: DdfMethod | string;
}

/** The method the options ask for, with each model kind's default. */
export function ddfOf(m: MixedModel, options: CoefficientsOptions = {}): DdfMethod {
  if (options.ddf === undefined) return m.isGLMM ? "Wald" : "Satterthwaite";
  return parseDdf(options.ddf);
}

export function coefficients(m: MixedModel, options: CoefficientsOptions = {}): CoefficientRow[] {
  const ddf = ddfOf(m, options);
  const p = m.matrices.p;
  return m.matrices.xNames.map((term, j) => {
    const l = new Float64Array(p);
    l[j] = 1;
    return { term, ...contrastT(m, l, ddf) };
  });
}
