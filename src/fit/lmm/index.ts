/**
 * Gaussian linear mixed models: the profiled (RE)ML criterion and the fit.
 */
export { fitLmm, isSingular, LmmError, SINGULAR_MESSAGE, type FitLmmOptions } from "./fit-lmm.js";
export { makeDevfun, profiledDeviance, objective, type Devfun } from "./profiled-deviance.js";
export { lmmResults, linearPredictor, type LmmResults } from "./results.js";
