/**
 * Blocked penalized least squares for mixed models (shared by src/fit/lmm and src/fit/glmm).
 */
export { PlsSystem, NoRandomEffectsError, TrailingBlockTooLargeError, MAX_TRAILING_ORDER } from "./pls-system.js";
export type { BlockStructure } from "./structure.js";
