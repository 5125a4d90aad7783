/**
 * mixed-models: lme4's linear and generalized linear mixed models for TypeScript. The one public
 * entry: each pipeline stage's public API, then the fitting functions and the fit object.
 */
export { parseFormula, checkFormula, formulaTerms, deparse, FormulaError } from "./formula/index.js";
export type { FormulaTerms, RandomTerm, Term, FixedPart, CheckResult, FormulaTermsOptions } from "./formula/index.js";
export { compileModel, readCsv, parseCsv, ModelError } from "./model/index.js";
export type { CompileOptions, DataInput, DataTable, ModelMatrices, ReMat } from "./model/index.js";
export type { Covariance, CovarianceStructure } from "./model/covariance/index.js";
export type { FittedModel, FamilyName } from "./fit/fitted.js";
export { lmer, type LmerOptions } from "./lmer.js";
export { setThreads } from "./fit/pls/cross-products-threads.js";
export { glmer, glmerNb, type GlmerOptions } from "./glmer.js";
export type { OptimizerStage } from "./fit/fitted.js";
export type { FamilySpec } from "./fit/family/index.js";
export { MixedModel, type ModelInfo } from "./result/model.js";
export type { VarCorrRow } from "./result/varcorr.js";
export type { RanefTable } from "./result/ranef.js";
export type { ResidualType } from "./result/residuals.js";
export type { ModelJSON } from "./result/json.js";

// After the fit (anova, intervals, prediction, simulation, profiles, plots).
export { anova, formatAnova, AnovaError, type AnovaResult, type AnovaRow } from "./result/anova.js";
export { confint, formatConfint, type ConfintMethod, type ConfintOptions, type ConfintResult } from "./result/confint/index.js";
export { predict, PredictError, type PredictOptions } from "./result/predict.js";
export { simulate, SimulateError, type SimulateOptions } from "./result/simulate.js";
export { profile, type Profile, type ProfileOptions } from "./result/profile/index.js";
export { plotSvg, PLOT_KINDS, type PlotKind, type PlotOptions } from "./result/plot/index.js";
export { progressReporter, type ProgressEvent, type OnProgress } from "./result/progress.js";
export { planModel, describePlan } from "./model/index.js";

// Inference: denominator df (Satterthwaite, Kenward–Roger), coefficient tests, R², ICC, tidiers.
export {
  parseDdf, contrastT, contrastF, vcovBeta, coefficients, r2, icc, tidy, glance, augment, InferenceError, KenwardRogerError,
  ptTwoSided, pfUpper, qt,
  type DdfMethod, type TTest, type FTest, type CoefficientRow, type CoefficientsOptions, type R2, type ICC, type TidyRow,
  type TidyOptions, type GlanceRow, type AugmentRow,
} from "./result/inference/index.js";

// One model's F-test table (lmerTest), marginal means and their comparisons (emmeans), Tukey's distribution.
export { anovaTable, formatAnovaTable, type AnovaTable, type AnovaTableRow, type AnovaTableOptions } from "./result/inference/anova-table.js";
export { termHypotheses, type AnovaType, type TermHypothesis } from "./result/inference/type-contrasts.js";
export {
  emmeans,
  pairs,
  formatEmmeans,
  formatContrasts,
  type Emmeans,
  type EmmeansOptions,
  type EmmeansRow,
  type EmmContrasts,
  type ContrastRow,
  type PairsOptions,
  type PAdjust,
} from "./result/inference/emmeans.js";
export type { GridAt } from "./result/inference/ref-grid.js";
// lme4's hatvalues() and cooks.distance() (augment's .hat and .cooksd)
export { hatValues, cooksDistance } from "./result/inference/influence.js";
export { ptukey, qtukey } from "./result/inference/ptukey.js";

// Errors: every error thrown on purpose is a MixedModelsError; each stage has its subclass.
export { MixedModelsError, FitError } from "./errors.js";
export { LmmError } from "./fit/lmm/index.js";
export { GlmmError } from "./fit/glmm/index.js";
export { FamilyError } from "./fit/family/index.js";
export { OptimizerError } from "./fit/optimize/index.js";
export { NoRandomEffectsError, TrailingBlockTooLargeError } from "./fit/pls/index.js";
export { NotPositiveDefiniteError } from "./linalg/index.js";
export { PlotError } from "./result/plot/index.js";

// Data where they live (Node): SQL engines, DuckDB and PostgreSQL loaded on first use only.
export type { SqlEngine, SqlColumns } from "./sql/engine.js";
export type { SqlQueryOptions, GlmerSqlQueryOptions } from "./sql/api.js";
export { DuckDbEngine } from "./sql/duckdb.js";
export { PostgresEngine } from "./sql/postgres.js";
export { lmerSql } from "./sql/fit.js";
export { glmerSql, TooManyPatternsError } from "./sql/compress.js";
export { fileSource, querySource } from "./sql/source.js";
export { readData } from "./sql/read.js";
