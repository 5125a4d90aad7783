/**
 * ModelError: every problem found while turning a formula and a data set into model matrices
 * (unknown column, unusable response, too many levels, …). `column` names the variable at fault
 * when there is one, so that a caller can point at it.
 */
export class ModelError extends Error {
  readonly column: string | undefined;

  constructor(message: string, column?: string) {
    super(message);
    this.name = "ModelError";
    this.column = column;
  }
}
