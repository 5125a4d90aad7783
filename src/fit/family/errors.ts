/** Errors a user can act on: an unknown family or link, a link the family does not allow (as R's
 *  family constructors refuse it), or a response outside the family's support. */
import { FitError } from "../../errors.js";
export class FamilyError extends FitError {
  constructor(message: string) {
    super(message);
    this.name = "FamilyError";
  }
}
