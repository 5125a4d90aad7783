/** A GLMM that cannot be fitted as asked (the message says why and what to change). */
export class GlmmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GlmmError";
  }
}
