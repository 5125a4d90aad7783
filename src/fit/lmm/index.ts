/**
 * Gaussian linear mixed models: the profiled (RE)ML criterion and the fit.
 */
export { fitLmm, LmmError, type FitLmmOptions } from "./fit-lmm.js";
export { isSingular, SINGULAR_MESSAGE } from "../convergence/singular.js";
export { makeDevfun, profiledDeviance, objective, lmmDeviance, type Devfun } from "./profiled-deviance.js";
export { lmmResults, type LmmResults } from "./results.js";
