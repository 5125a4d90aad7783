/**
 * Dense linear-algebra kernels on column-major Float64Array storage, one kernel a file.
 */
export { choleskyInPlace, choleskyUnblocked, setSimdKernel } from "./cholesky.js";
export { simdKernel, type SimdKernel } from "./simd-kernel.js";
export { forwardSolveInPlace } from "./forward-solve.js";
export { backSolveTransposeInPlace } from "./back-solve.js";
export { invertLower } from "./invert-lower.js";
export { inverseOfLowerProduct } from "./inverse-product.js";
export { selectedInverse } from "./selected-inverse.js";
export { NotPositiveDefiniteError } from "./errors.js";
