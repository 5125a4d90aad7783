/** Errors a user can act on: an unknown family or link, a link the family does not allow (as R's
 *  family constructors refuse it), or a response outside the family's support. */
export class FamilyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FamilyError";
  }
}
