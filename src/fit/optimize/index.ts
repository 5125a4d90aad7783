/**
 * Derivative-free optimisers for the fit stage: BOBYQA (Powell 2009) for θ, and a bounded
 * Nelder–Mead for lme4's glmer second stage over (θ, β).
 */
export { bobyqa, BOBYQA_DEFAULTS } from "./bobyqa.js";
export { nelderMead, NELDER_MEAD_DEFAULTS } from "./nelder-mead.js";
export {
  lme4MinqaOptions,
  lme4NelderMeadOptions,
  lme4NloptwrapOptions,
  nloptDefaultInitialStep,
} from "./presets.js";
export {
  OptimizerError,
  type BobyqaOptions,
  type NelderMeadOptions,
  type Objective,
  type OptimizerOptions,
  type OptimizerResult,
} from "./types.js";
