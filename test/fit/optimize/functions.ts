/** Standard test functions with known minimisers (Moré, Garbow & Hillstrom 1981, and
 *  profiled-deviance shapes with closed-form optima). */

export function rosenbrock(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    s += 100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2;
  }
  return s;
}

/** Powell's singular function: minimum 0 at the origin, singular Hessian there. */
export function powellSingular(x: Float64Array): number {
  return (
    (x[0] + 10 * x[1]) ** 2 +
    5 * (x[2] - x[3]) ** 2 +
    (x[1] - 2 * x[2]) ** 4 +
    10 * (x[0] - x[3]) ** 4
  );
}

/** ½(x − c)ᵀA(x − c) + 3 with A strongly correlated (condition number ≈ 400). */
export const QUAD_CENTRE = [0.5, -1.5, 2, 0.25, 1];
export function correlatedQuadratic(x: Float64Array): number {
  const n = QUAD_CENTRE.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const aij = i === j ? 1 : 0.95; // equicorrelation: eigenvalues 0.05 (×4) and 4.8
      s += (x[i] - QUAD_CENTRE[i]) * aij * (x[j] - QUAD_CENTRE[j]);
    }
  }
  return 0.5 * s + 3;
}

/**
 * The shape of a one-parameter profiled deviance, g(t) = log(1 + a t) + b/(1 + c t), t = θ²:
 * log det grows with θ while the penalised residual falls. g′(t) = 0 where
 * a c² t² + (2ac − abc) t + (a − bc) = 0.
 */
export function devianceShape(theta: number, a: number, b: number, c: number): number {
  const t = theta * theta;
  return Math.log(1 + a * t) + b / (1 + c * t);
}

/** With a = c = 1, b = 4 the root is t = 3: θ* = √3, g* = log 4 + 1. */
export const INTERIOR = { a: 1, b: 4, c: 1, theta: Math.sqrt(3), f: Math.log(4) + 1 };
/** With a = c = 1, b = ½ both roots are negative: g increases on t ≥ 0, θ* = 0 (singular fit), g* = ½. */
export const SINGULAR = { a: 1, b: 0.5, c: 1, theta: 0, f: 0.5 };
