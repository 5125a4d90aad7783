/**
 * Inference for the fixed effects of a mixed model: t and F tests of contrasts with
 * Satterthwaite (lmerTest) or Kenward–Roger (pbkrtest) denominator df, or Wald z / χ² tests;
 * the coefficient table, Nakagawa's R² and the ICC, and broom.mixed's tidiers.
 */
export { parseDdf, type DdfMethod } from "./ddf.js";
export { contrastT, contrastF, vcovBeta, InferenceError, type TTest, type FTest } from "./contrast.js";
export { KenwardRogerError } from "./kenward-roger.js";
export { ptTwoSided, pfUpper, qt, pnormTwoSided } from "./distributions.js";
export { coefficients, type CoefficientRow, type CoefficientsOptions } from "./coefficients.js";
export { r2, icc, varianceComponents, type R2, type ICC, type VarianceComponents } from "./r2.js";
export { tidy, glance, augment, type TidyRow, type TidyOptions, type TidyEffect, type GlanceRow, type AugmentRow } from "./tidy.js";
export { fitJSONWithInference, type InferenceJSON } from "./json.js";
