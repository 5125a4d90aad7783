/** A GLMM that cannot be fitted as asked (the message says why and what to change). */
import { FitError } from "../../errors.js";
export class GlmmError extends FitError {
  constructor(message: string) {
    super(message);
    this.name = "GlmmError";
  }
}
