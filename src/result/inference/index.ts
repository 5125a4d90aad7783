/**
 * Inference for the fixed effects of a mixed model: t and F tests of contrasts with
 * Satterthwaite (lmerTest) or Kenward–Roger (pbkrtest) denominator df, or Wald z / χ² tests.
 */
export { parseDdf, type DdfMethod } from "./ddf.js";
export { contrastT, contrastF, vcovBeta, InferenceError, type TTest, type FTest } from "./contrast.js";
export { KenwardRogerError } from "./kenward-roger.js";
export { ptTwoSided, pfUpper, qt, pnormTwoSided } from "./distributions.js";
