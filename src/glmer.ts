/**
 * glmer(): a generalized linear mixed model, as lme4's glmer() runs it (R/lmer.R): glFormula
 * (compileModel) → mkGlmerDevfun and optimizeGlmer (fitGlmm) → mkMerMod (the MixedModel).
 */
import { compileModel } from "./model/index.js";
import { withThreads } from "./fit/pls/cross-products-threads.js";
import type { DataInput, DataTable } from "./model/index.js";
import { isLinearFamily, resolveFamilySpec, type FamilySpec } from "./fit/family/index.js";
import { fitGlmm } from "./fit/glmm/fit.js";
import { fitGlmmNb } from "./fit/glmm/nb.js";
import type { LaplaceKind } from "./fit/fitted.js";
import { MixedModel } from "./result/model.js";
import { lmer } from "./lmer.js";
import { checkGlmerCall } from "./options.js";
import { ModelError } from "./model/errors.js";
import { glmerQuery, isSqlQuery, type GlmerSqlQueryOptions } from "./sql/api.js";

export interface GlmerOptions {
  /** The response distribution: "binomial", "poisson", "Gamma", "inverse.gaussian", "gaussian";
   *  "negative.binomial" estimates the negative binomial's θ as lme4's glmer.nb does, while
   *  "negative.binomial(2)" or { name: "negative.binomial", theta: 2 } fixes it (MASS's
   *  negative.binomial(theta)). */
  family: FamilySpec;
  /** R's link name ("logit", "probit", "log", …); default: the family's canonical link. */
  link?: string;
  /** 1 (default): Laplace approximation; > 1: adaptive Gauss–Hermite quadrature with nAGQ points. */
  nAGQ?: number;
  /** Which Laplace approximation: "expected" (default: lme4's glmer and glmer.nb, log-determinant
   *  from the PIRLS weights) or "observed" (glmmTMB's: from the Hessian of the conditional
   *  log-likelihood). They differ only for non-canonical links (negative binomial, probit, …). For
   *  families with a dispersion (Gamma, inverse.gaussian) only the log-determinant changes: lme4's
   *  deviance, which takes the dispersion from the deviance, stays, so that is not glmmTMB's fit. */
  laplace?: LaplaceKind;
  /** Prior weights (binomial: trial counts when the response is a proportion). */
  weights?: number[] | Float64Array | string;
  /** An offset added to the linear predictor, one per data row. */
  offset?: number[] | Float64Array;
  /** Called after every deviance evaluation with the count and the value. */
  onProgress?: (evaluations: number, objective: number) => void;
  /** The data set's name for summary()'s "Data:" line. */
  dataName?: string;
  /** The data file's name, reported by toJSON() as `data`. */
  dataFile?: string;
  /** 1: one thread; 2: also split the rows pass (not bit for bit). Default (MIXED_MODELS_THREADS
   *  unset): a large trailing factorisation splits over a worker thread when the machine has two
   *  cores, with the one-thread bits (README, "Two threads"; src/fit/pls/update-l-threads.ts). */
  threads?: 1 | 2;
}

/**
 * Fit a generalized linear mixed model, e.g.
 * `glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp, { family: "binomial" })`.
 */
export function glmer(formula: string, query: GlmerSqlQueryOptions): Promise<MixedModel>;
export function glmer(formula: string, data: DataInput | DataTable, options: GlmerOptions): MixedModel;
export function glmer(formula: string, data: DataInput | DataTable | GlmerSqlQueryOptions, options?: GlmerOptions): MixedModel | Promise<MixedModel> {
  // { sql, engine, family }: the rows stay in the engine and the fit is asynchronous (src/sql/api.ts)
  if (isSqlQuery(data)) return glmerQuery(formula, data as GlmerSqlQueryOptions);
  // checkGlmerCall refuses a missing options object with a ModelError
  checkGlmerCall(formula, data, options as GlmerOptions);
  options = options as GlmerOptions;
  const family = resolveFamilySpec(options.family);
  if (isLinearFamily(family.name, options.link)) {
    if (options.laplace === "observed") {
      throw new ModelError(
        'glmer(): laplace "observed" applies to generalized linear mixed models; a gaussian identity-link model is fitted by lmer(), whose likelihood is exact',
        "laplace",
      );
    }
    // lme4's glmer() hands a gaussian identity-link model to lmer() (with REML, its default)
    const { weights, offset, onProgress, dataName, dataFile, threads } = options;
    return lmer(formula, data, { weights, offset, onProgress, dataName, dataFile, threads });
  }
  const matrices = compileModel(formula, data, {
    family: family.name,
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    ...(options.offset !== undefined ? { offset: options.offset } : {}),
  });
  const fitOptions = {
    nAGQ: options.nAGQ ?? 1,
    ...(options.laplace !== undefined ? { laplace: options.laplace } : {}),
    ...(options.link !== undefined ? { link: options.link } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const fit = withThreads(options.threads, () =>
    family.name === "negative.binomial" && family.theta === undefined
      ? fitGlmmNb(matrices, fitOptions)
      : fitGlmm(matrices, { ...fitOptions, family: family.name, ...(family.theta !== undefined ? { nbTheta: family.theta } : {}) }));
  return new MixedModel(fit, {
    formula,
    dataName: options.dataName,
    dataFile: options.dataFile,
    weightsName: typeof options.weights === "string" ? options.weights : undefined,
  });
}

/**
 * lme4's glmer.nb: a negative binomial GLMM with its θ estimated (glmer with family
 * "negative.binomial"), e.g. `glmerNb("TICKS ~ YEAR + (1 | BROOD)", grouseticks)`.
 */
export function glmerNb(formula: string, data: DataInput | DataTable, options: Omit<GlmerOptions, "family"> = {}): MixedModel {
  return glmer(formula, data, { ...options, family: "negative.binomial" });
}
