/**
 * Generalized linear mixed models: PIRLS on the shared PLS system (pirls.ts), the Laplace and
 * adaptive Gauss–Hermite deviances (deviance.ts, agq.ts), and lme4's two-stage fit (fit.ts).
 */
export { fitGlmm, type GlmmOptions } from "./fit.js";
export { GlmmError } from "./errors.js";
export { GlmmDeviance } from "./deviance.js";
export { AgqDeviance } from "./agq.js";
export { ghRule, type GHRule } from "./ghrule.js";
export { DEFAULT_PIRLS_OPTIONS, type PirlsOptions } from "./options.js";
