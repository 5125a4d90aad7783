/**
 * Bounded Nelder–Mead simplex minimisation (Nelder & Mead 1965, with the coefficients and
 * acceptance rules of Lagarias et al. 1998: reflection 1, expansion 2, contraction ½, shrink ½).
 * Bounds are kept by projecting each trial point onto the box, as NLopt's NELDERMEAD (and hence
 * lme4's Nelder_Mead, used for glmer's second stage over (θ, β)) does. The simplex vertices
 * are therefore always feasible and their centroid too.
 *
 * Stops (converged) when the spread of f over the simplex is at most ftolAbs, or when every
 * coordinate's extent over the simplex is at most xtolRel·(|x_best,i| + xtolRel) — unless the
 * simplex has collapsed into a lower-dimensional set (typically a face of the box), when it is
 * rebuilt around the best vertex (a restart in the spirit of Kelley 1999, "Detection and
 * remediation of stagnation in the Nelder–Mead algorithm").
 */
import { checkProblem } from "./bounds.js";
import type { CountedObjective } from "./evaluator.js";
import { withFixedCoordinates } from "./fixed.js";
import {
  OptimizerError,
  type NelderMeadOptions,
  type Objective,
  type OptimizerResult,
} from "./types.js";

export const NELDER_MEAD_DEFAULTS = { step: 0.2, ftolAbs: 1e-8, xtolRel: 1e-7, maxEval: 10000 } as const;

const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

export function nelderMead(
  f: Objective,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): OptimizerResult {
  const prob = checkProblem(x0, options.lower, options.upper);
  const maxEval = options.maxEval ?? NELDER_MEAD_DEFAULTS.maxEval;
  const ftolAbs = options.ftolAbs ?? NELDER_MEAD_DEFAULTS.ftolAbs;
  const xtolRel = options.xtolRel ?? NELDER_MEAD_DEFAULTS.xtolRel;
  if (!(maxEval >= 1)) throw new OptimizerError(`maxEval is ${maxEval}: it must be at least 1`);
  if (!(ftolAbs >= 0)) throw new OptimizerError(`ftolAbs is ${ftolAbs}: it must be ≥ 0`);
  if (!(xtolRel >= 0)) throw new OptimizerError(`xtolRel is ${xtolRel}: it must be ≥ 0`);
  const steps = initialSteps(options.step, prob.x0);
  return withFixedCoordinates(f, prob, maxEval, options.onEvaluation, (_g, reduced, obj) => {
    const free: number[] = [];
    for (let i = 0; i < prob.n; i++) if (prob.lower[i] < prob.upper[i]) free.push(i);
    const step = Float64Array.from(free, (i) => steps[i]);
    return runSimplex(reduced.x0, reduced.lower, reduced.upper, step, ftolAbs, xtolRel, obj);
  });
}

/** One step per coordinate: the option, or 0.2·max(1, |x0_i|). */
function initialSteps(step: number | ArrayLike<number> | undefined, x0: Float64Array): Float64Array {
  const n = x0.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s: number;
    if (step === undefined) s = NELDER_MEAD_DEFAULTS.step * Math.max(1, Math.abs(x0[i]));
    else if (typeof step === "number") s = step;
    else {
      if (step.length !== n) {
        throw new OptimizerError(`step has ${step.length} entries but x0 has ${n}: give one per coordinate`);
      }
      s = step[i];
    }
    if (!(s > 0 && Number.isFinite(s))) {
      throw new OptimizerError(`step for coordinate ${i} is ${s}: it must be positive and finite`);
    }
    out[i] = s;
  }
  return out;
}

function runSimplex(
  x0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  step: Float64Array,
  ftolAbs: number,
  xtolRel: number,
  obj: CountedObjective,
): { converged: boolean; message: string } {
  const n = x0.length;
  const nv = n + 1;
  const simplex = new Float64Array(nv * n); // vertex v at [v*n, v*n + n)
  const fv = new Float64Array(nv);
  const centroid = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  // One view per vertex, made once, so evaluations allocate nothing.
  const views = Array.from({ length: nv }, (_, v) => simplex.subarray(v * n, v * n + n));
  const vertex = (v: number) => views[v];
  const maxEvalOutcome = { converged: false, message: `stopped after maxEval = ${obj.maxEval} evaluations` };

  const edges = new Float64Array(n * n);
  // Initial simplex: x0 and x0 ± step_i e_i, on the side of x0 with room inside the bounds.
  const buildSimplex = (centre: Float64Array, fCentre: number | undefined): boolean => {
    for (let v = 0; v < nv; v++) {
      simplex.set(centre, v * n);
      if (v > 0) {
        const i = v - 1;
        const up = upper[i] - centre[i];
        const down = centre[i] - lower[i];
        simplex[v * n + i] =
          up >= step[i] || up >= down ? centre[i] + Math.min(step[i], up) : centre[i] - Math.min(step[i], down);
      }
      if (v === 0 && fCentre !== undefined) {
        fv[0] = fCentre;
        continue;
      }
      if (obj.exhausted) return false;
      fv[v] = obj.evaluate(vertex(v));
    }
    return true;
  };
  if (!buildSimplex(x0, undefined)) return maxEvalOutcome;
  let fAtRestart = Infinity;

  for (;;) {
    // Best (l), worst (h) and second worst (s) vertices.
    let l = 0;
    let h = 0;
    for (let v = 1; v < nv; v++) {
      if (fv[v] < fv[l]) l = v;
      if (fv[v] > fv[h] || (fv[v] === fv[h] && h === l)) h = v;
    }
    if (h === l) h = l === 0 ? 1 : 0;
    let s = l;
    for (let v = 0; v < nv; v++) if (v !== h && fv[v] > fv[s]) s = v;

    const fSmall = fv[h] - fv[l] <= ftolAbs;
    if (fSmall || simplexIsSmall(simplex, n, l, xtolRel)) {
      // Projection onto the bounds can flatten the simplex into a face, where it can only
      // search a subspace: then restart around the best vertex, as long as restarts still
      // improve f by more than ftolAbs.
      if (isDegenerate(simplex, n, l, edges) && fv[l] < fAtRestart - ftolAbs) {
        fAtRestart = fv[l];
        xr.set(vertex(l));
        if (!buildSimplex(xr, fv[l])) return maxEvalOutcome;
        continue;
      }
      return fSmall
        ? { converged: true, message: `simplex function values within ftolAbs = ${ftolAbs}` }
        : { converged: true, message: `simplex size within xtolRel = ${xtolRel}` };
    }
    if (obj.exhausted) return maxEvalOutcome;

    centroid.fill(0);
    for (let v = 0; v < nv; v++) {
      if (v === h) continue;
      for (let i = 0; i < n; i++) centroid[i] += simplex[v * n + i];
    }
    for (let i = 0; i < n; i++) centroid[i] /= n;

    const xh = vertex(h);
    towards(xr, centroid, xh, -REFLECT, lower, upper);
    const fr = obj.evaluate(xr);
    if (fr < fv[l]) {
      if (obj.exhausted) {
        replace(simplex, fv, h, xr, fr, n);
        return maxEvalOutcome;
      }
      towards(xe, centroid, xh, -EXPAND, lower, upper);
      const fe = obj.evaluate(xe);
      if (fe < fr) replace(simplex, fv, h, xe, fe, n);
      else replace(simplex, fv, h, xr, fr, n);
      continue;
    }
    if (fr < fv[s]) {
      replace(simplex, fv, h, xr, fr, n);
      continue;
    }
    if (obj.exhausted) return maxEvalOutcome;
    if (fr < fv[h]) {
      // Outside contraction, between the centroid and the reflected point.
      towards(xc, centroid, xh, -REFLECT * CONTRACT, lower, upper);
      const fc = obj.evaluate(xc);
      if (fc <= fr) {
        replace(simplex, fv, h, xc, fc, n);
        continue;
      }
    } else {
      // Inside contraction, between the centroid and the worst vertex.
      towards(xc, centroid, xh, CONTRACT, lower, upper);
      const fc = obj.evaluate(xc);
      if (fc < fv[h]) {
        replace(simplex, fv, h, xc, fc, n);
        continue;
      }
    }
    // Shrink every vertex towards the best.
    for (let v = 0; v < nv; v++) {
      if (v === l) continue;
      if (obj.exhausted) return maxEvalOutcome;
      for (let i = 0; i < n; i++) {
        simplex[v * n + i] = simplex[l * n + i] + SHRINK * (simplex[v * n + i] - simplex[l * n + i]);
      }
      fv[v] = obj.evaluate(vertex(v));
    }
  }
}

/** out = c + t·(x − c), projected onto the box. */
function towards(
  out: Float64Array,
  c: Float64Array,
  x: Float64Array,
  t: number,
  lower: Float64Array,
  upper: Float64Array,
): void {
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.min(upper[i], Math.max(lower[i], c[i] + t * (x[i] - c[i])));
  }
}

function replace(simplex: Float64Array, fv: Float64Array, v: number, x: Float64Array, fx: number, n: number): void {
  simplex.set(x, v * n);
  fv[v] = fx;
}

function simplexIsSmall(simplex: Float64Array, n: number, l: number, xtolRel: number): boolean {
  const nv = n + 1;
  for (let i = 0; i < n; i++) {
    const xl = simplex[l * n + i];
    const tol = xtolRel * (Math.abs(xl) + xtolRel);
    for (let v = 0; v < nv; v++) {
      if (Math.abs(simplex[v * n + i] - xl) > tol) return false;
    }
  }
  return true;
}

/** True when the simplex has (numerically) lost a dimension: the determinant of its edges from
 *  the best vertex, each scaled to unit length, is below 1e-8 (Gaussian elimination with
 *  partial pivoting on the scratch matrix a). */
function isDegenerate(simplex: Float64Array, n: number, l: number, a: Float64Array): boolean {
  let col = 0;
  for (let v = 0; v <= n; v++) {
    if (v === l) continue;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const e = simplex[v * n + i] - simplex[l * n + i];
      a[i * n + col] = e;
      norm += e * e;
    }
    norm = Math.sqrt(norm);
    if (norm === 0) return true;
    for (let i = 0; i < n; i++) a[i * n + col] /= norm;
    col++;
  }
  let det = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) p = i;
    const piv = a[p * n + k];
    if (piv === 0) return true;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
    }
    det *= piv;
    for (let i = k + 1; i < n; i++) {
      const m = a[i * n + k] / piv;
      for (let j = k; j < n; j++) a[i * n + j] -= m * a[k * n + j];
    }
  }
  return Math.abs(det) < 1e-8;
}
