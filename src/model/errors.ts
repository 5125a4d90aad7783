/**
 * ModelError: every problem found while turning a formula and a data set into model matrices
 * (unknown column, unusable response, too many levels, …). `column` names the variable at fault
 * when there is one, so that a caller can point at it; `formulaError` is the formula stage's error
 * (with its caret rendering) when the problem was found there, e.g. a column the data lacks.
 */
import type { FormulaError } from "../../grammar/errors.js";
import { MixedModelsError } from "../errors.js";

export class ModelError extends MixedModelsError {
  readonly column: string | undefined;
  readonly formulaError: FormulaError | undefined;

  constructor(message: string, column?: string, formulaError?: FormulaError) {
    super(message);
    this.name = "ModelError";
    this.column = column;
    this.formulaError = formulaError;
  }
}
