/**
 * Errors raised by the dense linear-algebra kernels.
 */
import { FitError } from "../errors.js";

/** A matrix handed to a Cholesky factorisation is not (numerically) positive definite. */
export class NotPositiveDefiniteError extends FitError {
  /** 0-based column at which a non-positive pivot appeared. */
  readonly column: number;
  readonly pivot: number;
  constructor(column: number, pivot: number, what = "matrix") {
    super(
      `The ${what} is not positive definite: Cholesky pivot ${column + 1} is ${pivot}. ` +
        `This usually means collinear fixed-effects columns or a response with no residual variation.`,
    );
    this.name = "NotPositiveDefiniteError";
    this.column = column;
    this.pivot = pivot;
  }
}
