/**
 * The one base class of every error this library throws on purpose, so that a caller can tell
 * "the library refused this input / model" (`instanceof MixedModelsError`) from a bug (TypeError,
 * RangeError, …). Each pipeline stage has its own subclass, all exported from src/index.ts:
 * FormulaError (grammar/), ModelError (src/model/), FitError and its kinds (src/fit/: LmmError,
 * GlmmError, FamilyError, OptimizerError, NoRandomEffectsError, TrailingBlockTooLargeError,
 * NotPositiveDefiniteError), AnovaError, PredictError, SimulateError, PlotError (src/result/).
 *
 * This file imports nothing, so every stage (the grammar included) can extend it without a cycle.
 */
export class MixedModelsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MixedModelsError";
  }
}

/** A model that was built but cannot be fitted as asked (the subclasses say at which step). */
export class FitError extends MixedModelsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FitError";
  }
}
