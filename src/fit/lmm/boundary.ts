/**
 * What the LMM fit does once the optimiser has stopped with θ on (or near) its lower bounds:
 * lme4's optimizeLmer restart_edge and check.boundary steps (lme4 R/lmer.R, optimizeLmer), plus
 * the one case lme4's restart check cannot see, a Λ column whose sign is undetermined.
 *
 * Why the sign check: Σ = ΛΛᵀ = Σ_j λ_j λ_jᵀ is unchanged when a whole column λ_j of a term's
 * lower-triangular Λ changes sign. Inside the feasible set that flip also negates the diagonal
 * θ_jj, so it is not a feasible move — except when θ_jj = 0, its lower bound. There the point
 * (0, +c) and (0, −c) are the same model, yet the optimiser, which cannot cross θ_jj = 0, only
 * reaches the optima on the side of c it happened to arrive from. lme4's one-sided derivative
 * test (d(θ + δe_jj) − d(θ))/δ is taken at one representative only; when the better direction
 * is on the other side (a negative correlation approached with c > 0), it reports "no descent"
 * and the fit stays at the boundary. InstEval's `(1 + service | dept)` ML fit is such a case:
 * stopped at dept θ (0, 0.0861, 0.0949), 237650.797, while the same Σ written (0, −0.0861, 0.0949)
 * descends into lme4's optimum (0.0460, −0.0779, 0.1125), 237647.058. We therefore take the
 * one-sided derivative at both representatives and restart from the one that descends.
 */
import type { ModelMatrices, ReMat } from "../../model/matrices.js";
import type { OptimizerResult } from "../optimize/types.js";

/** lme4's optimizeLmer restart_edge step (btol); its check.boundary is ../optimize/check-boundary.ts. */
export const EDGE_STEP = 1e-5;

/** The deviance at θ, +Infinity where it cannot be evaluated. */
export type Criterion = (theta: ArrayLike<number>) => number;

/** One column of one correlated term's Λ: the θ index of its diagonal entry and of the entries
 *  below it (lme4's column-major lower triangle, mkReTrms' Lind). */
export interface LambdaColumn {
  diagonal: number;
  below: number[];
}

/** Every Λ column with entries below its diagonal (correlated terms with p ≥ 2). */
export function lambdaColumns(terms: readonly ReMat[]): LambdaColumn[] {
  const out: LambdaColumn[] = [];
  for (const t of terms) {
    const p = t.columnNames.length;
    // the sign ambiguity is the unstructured term's (lme4's Lind layout); structured terms have none
    if (t.covariance.structure !== "us" || p < 2) continue;
    let at = t.covariance.thetaOffset;
    for (let j = 0; j < p; j++) {
      const below: number[] = [];
      for (let i = j + 1; i < p; i++) below.push(at + (i - j));
      if (below.length > 0) out.push({ diagonal: at, below });
      at += p - j;
    }
  }
  return out;
}

/** The one-sided derivative into the interior along θ_i from a point with θ_i at its bound. */
function edgeSlope(f: Criterion, x: Float64Array, i: number, lower: ArrayLike<number>, d0: number): number {
  const probe = Float64Array.from(x);
  probe[i] = lower[i] + EDGE_STEP;
  return (f(probe) - d0) / EDGE_STEP;
}

/** lme4's restart_edge test: some θ on its bound has a negative one-sided derivative. */
function lme4EdgeDescends(f: Criterion, x: Float64Array, lower: ArrayLike<number>): boolean {
  const onBound: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === lower[i]) onBound.push(i);
  if (onBound.length === 0) return false;
  const d0 = f(x);
  return onBound.some((i) => edgeSlope(f, x, i, lower, d0) < 0);
}

/** The same Σ with the sign of a zero-diagonal Λ column flipped, when that representative
 *  descends into the interior (see the file comment); null when none does. */
function flippedDescent(
  f: Criterion, x: Float64Array, lower: ArrayLike<number>, columns: readonly LambdaColumn[],
): Float64Array | null {
  let d0: number | undefined;
  for (const c of columns) {
    if (x[c.diagonal] !== lower[c.diagonal] || c.below.every((i) => x[i] === 0)) continue;
    const flipped = Float64Array.from(x);
    for (const i of c.below) flipped[i] = -x[i];
    d0 ??= f(x);
    // the two representatives share a deviance; the slope decides
    if (edgeSlope(f, flipped, c.diagonal, lower, d0) < 0) return flipped;
  }
  return null;
}

/**
 * After the first optimisation: lme4's restart_edge (restart from the optimum when a bound θ has a
 * negative one-sided derivative, keeping lme4's evaluation count since lme4 does exactly this),
 * then, at most once per Λ column, a restart from the sign-flipped representative of a
 * zero-diagonal column that descends. A restart's answer is kept only when it is better.
 */
export function restartFromEdge(
  f: Criterion, m: ModelMatrices, opt: OptimizerResult, run: (x0: ArrayLike<number>) => OptimizerResult,
): OptimizerResult {
  let best = opt;
  if (lme4EdgeDescends(f, best.x, m.lower)) {
    const again = run(best.x);
    if (again.fx <= best.fx) best = again;
  }
  const columns = lambdaColumns(m.reTerms);
  for (let tries = 0; tries < columns.length; tries++) {
    const start = flippedDescent(f, best.x, m.lower, columns);
    if (start === null) break;
    const again = run(start);
    if (!(again.fx < best.fx)) break;
    best = again;
  }
  return best;
}
