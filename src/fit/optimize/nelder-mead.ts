/**
 * Bounded Nelder–Mead, as lme4's Nelder_Mead (lme4 src/optimizer.cpp, itself NLopt 2.2.4's
 * nldrmd by S. G. Johnson), which glmer uses for its second stage over (θ, β): reflection 1,
 * expansion 2, contraction ½, shrink ½ (Nelder & Mead 1965); every trial point is "pinned"
 * to the bounds (Richardson & Kuester 1973); a trial point that coincides with the centroid or
 * with the vertex it came from ends the search. Its rules, kept here so that a glmer fit can
 * follow lme4's own path:
 *  - the initial simplex is x0 and x0 + step_i e_i, turned towards the interior at a bound;
 *  - a reflected point better than the worst (not the second worst) is accepted;
 *  - after an expansion the expanded point is kept if better than the old worst value;
 *  - a shrink moves every vertex but the best half-way to it and re-evaluates all n+1 vertices;
 *  - converged when every coordinate's largest deviation from the centroid is below xtolAbs_i.
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

export const NELDER_MEAD_DEFAULTS = { step: 0.02, xtolFactor: 5e-4, xtolRel: 1e-7, maxEval: 10000 } as const;

const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

type Outcome = { converged: boolean; message: string };

export function nelderMead(
  f: Objective,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): OptimizerResult {
  const prob = checkProblem(x0, options.lower, options.upper);
  const maxEval = options.maxEval ?? NELDER_MEAD_DEFAULTS.maxEval;
  const xtolRel = options.xtolRel ?? NELDER_MEAD_DEFAULTS.xtolRel;
  const ftolAbs = options.ftolAbs;
  if (!(maxEval >= 1)) throw new OptimizerError(`maxEval is ${maxEval}: it must be at least 1`);
  if (!(xtolRel >= 0)) throw new OptimizerError(`xtolRel is ${xtolRel}: it must be ≥ 0`);
  if (ftolAbs !== undefined && !(ftolAbs >= 0)) throw new OptimizerError(`ftolAbs is ${ftolAbs}: it must be ≥ 0`);
  const step = perCoordinate(options.step, NELDER_MEAD_DEFAULTS.step, prob.n, "step");
  const xtolAbs = options.xtolAbs === undefined
    ? step.map((s) => s * NELDER_MEAD_DEFAULTS.xtolFactor)
    : perCoordinate(options.xtolAbs, 0, prob.n, "xtolAbs", true);
  const free: number[] = [];
  for (let i = 0; i < prob.n; i++) if (prob.lower[i] < prob.upper[i]) free.push(i);
  return withFixedCoordinates(f, prob, maxEval, options.onEvaluation, (_g, reduced, obj) =>
    runSimplex(
      reduced.x0,
      reduced.lower,
      reduced.upper,
      Float64Array.from(free, (i) => step[i]),
      Float64Array.from(free, (i) => xtolAbs[i]),
      xtolRel,
      ftolAbs,
      options.restartOnCollapse ?? false,
      obj,
    ),
  );
}

function perCoordinate(
  v: number | ArrayLike<number> | undefined,
  fallback: number,
  n: number,
  name: string,
  allowZero = false,
): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s: number;
    if (v === undefined) s = fallback;
    else if (typeof v === "number") s = v;
    else {
      if (v.length !== n) {
        throw new OptimizerError(`${name} has ${v.length} entries but x0 has ${n}: give one per coordinate`);
      }
      s = v[i];
    }
    if (!(Number.isFinite(s) && (allowZero ? s >= 0 : s !== 0))) {
      throw new OptimizerError(`${name} for coordinate ${i} is ${s}: it must be finite${allowZero ? " and ≥ 0" : " and nonzero"}`);
    }
    out[i] = s;
  }
  return out;
}

/** lme4's close(): equal to 1e-13 relative. */
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-13 * (Math.abs(a) + Math.abs(b));
}

function runSimplex(
  x0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  step: Float64Array,
  xtolAbs: Float64Array,
  xtolRel: number,
  ftolAbs: number | undefined,
  restartOnCollapse: boolean,
  obj: CountedObjective,
): Outcome {
  const n = x0.length;
  const nv = n + 1;
  const pts = new Float64Array(nv * n); // vertex v at [v*n, v*n + n)
  const vals = new Float64Array(nv);
  const c = new Float64Array(n);
  const xcur = new Float64Array(n);
  const xeval = new Float64Array(n);
  const edges = new Float64Array(n * n);
  // One view per vertex, made once, so evaluations allocate nothing.
  const views = Array.from({ length: nv }, (_, v) => pts.subarray(v * n, v * n + n));
  const maxEvalOutcome: Outcome = { converged: false, message: `stopped after maxEval = ${obj.maxEval} evaluations` };
  const xConverged: Outcome = { converged: true, message: "parameter values converged to within tolerance" };

  /** xnew = pin(centre + scale·(centre − xold)); false when it coincides with the centroid c or
   *  with xold (lme4's reflectpt compares with the centroid even when centre is a vertex). */
  const reflect = (xnew: Float64Array, centre: Float64Array, scale: number, xold: Float64Array): boolean => {
    let equalC = true;
    let equalOld = true;
    for (let i = 0; i < n; i++) {
      const v = Math.min(Math.max(centre[i] + scale * (centre[i] - xold[i]), lower[i]), upper[i]);
      equalC = equalC && close(v, c[i]);
      equalOld = equalOld && close(v, xold[i]);
      xnew[i] = v;
    }
    return !(equalC || equalOld);
  };

  /** Initial simplex around x (lme4's Nelder_Mead constructor); false if it cannot be built. */
  const buildSimplex = (x: Float64Array): boolean => {
    for (let v = 0; v < nv; v++) pts.set(x, v * n);
    for (let i = 0; i < n; i++) {
      const j = (i + 1) * n + i;
      const st = Math.abs(step[i]);
      pts[j] += step[i];
      if (pts[j] > upper[i]) pts[j] = upper[i] - x[i] > st * 0.1 ? upper[i] : x[i] - st;
      if (pts[j] < lower[i]) {
        if (x[i] - lower[i] > st * 0.1) pts[j] = lower[i];
        else {
          pts[j] = x[i] + st;
          if (pts[j] > upper[i]) pts[j] = 0.5 * ((upper[i] - x[i] > x[i] - lower[i] ? upper[i] : lower[i]) + x[i]);
        }
      }
      if (close(pts[j], x[i])) return false;
    }
    return true;
  };

  /** Evaluate every vertex (the start, and after a shrink). */
  const evaluateAll = (): boolean => {
    for (let v = 0; v < nv; v++) {
      if (obj.exhausted) return false;
      vals[v] = obj.evaluate(views[v]);
    }
    return true;
  };

  if (!buildSimplex(x0)) {
    throw new OptimizerError("cannot generate a feasible initial simplex: increase step or widen the bounds");
  }
  if (!evaluateAll()) return maxEvalOutcome;
  let fAtRestart = Infinity;

  for (;;) {
    // Highest and lowest vertices (first occurrence, as Eigen's minCoeff/maxCoeff), and the
    // centroid of the face opposite the highest.
    let il = 0;
    let ih = 0;
    for (let v = 1; v < nv; v++) {
      if (vals[v] < vals[il]) il = v;
      if (vals[v] > vals[ih]) ih = v;
    }
    const fl = vals[il];
    const fh = vals[ih];
    c.fill(0);
    for (let v = 0; v < nv; v++) {
      if (v === ih) continue;
      for (let i = 0; i < n; i++) c[i] += pts[v * n + i];
    }
    for (let i = 0; i < n; i++) c[i] /= n;

    let stop: Outcome | null = null;
    if (simplexWithinTolerance(pts, c, n, xtolAbs, xtolRel)) stop = xConverged;
    else if (ftolAbs !== undefined && fh - fl < ftolAbs) {
      stop = { converged: true, message: `objective function values converged to within ftolAbs = ${ftolAbs}` };
    }
    const xh = views[ih];
    if (stop === null && !reflect(xcur, c, REFLECT, xh)) stop = xConverged;
    if (stop !== null) {
      if (restartOnCollapse && fl < fAtRestart && isDegenerate(pts, n, il, edges)) {
        // Projection flattened the simplex into a face of the box: rebuild it at the best.
        fAtRestart = fl;
        xeval.set(views[il]);
        if (buildSimplex(xeval) && evaluateAll()) continue;
        if (obj.exhausted) return maxEvalOutcome;
      }
      return stop;
    }

    if (obj.exhausted) return maxEvalOutcome;
    const fr = obj.evaluate(xcur);
    if (fr < fl) {
      // New best: try expanding.
      if (!reflect(xeval, c, EXPAND, xh)) return xConverged;
      if (obj.exhausted) return maxEvalOutcome;
      const fe = obj.evaluate(xeval);
      if (fe < vals[ih]) {
        pts.set(xeval, ih * n);
        vals[ih] = fe;
      } else {
        pts.set(xcur, ih * n);
        vals[ih] = fr;
      }
      continue;
    }
    if (fr < fh) {
      pts.set(xcur, ih * n);
      vals[ih] = fr;
      continue;
    }
    // New worst: contract (inside, as fr ≥ fh here).
    if (!reflect(xcur, c, fh <= fr ? -CONTRACT : CONTRACT, xh)) return xConverged;
    if (obj.exhausted) return maxEvalOutcome;
    const fc = obj.evaluate(xcur);
    if (fc < fr && fc < fh) {
      pts.set(xcur, ih * n);
      vals[ih] = fc;
      continue;
    }
    // Shrink towards the best vertex, then re-evaluate all vertices.
    for (let v = 0; v < nv; v++) {
      if (v === il) continue;
      if (!reflect(xeval, views[il], -SHRINK, views[v])) return xConverged;
      pts.set(xeval, v * n);
    }
    if (!evaluateAll()) return maxEvalOutcome;
  }
}

/** lme4's x-convergence: in every coordinate the largest |vertex − centroid| is below xtolAbs_i
 *  (or below xtolRel times itself, or zero), nl_stop::x with relstop(dev, 0). */
function simplexWithinTolerance(
  pts: Float64Array,
  c: Float64Array,
  n: number,
  xtolAbs: Float64Array,
  xtolRel: number,
): boolean {
  for (let i = 0; i < n; i++) {
    let dev = 0;
    for (let v = 0; v <= n; v++) dev = Math.max(dev, Math.abs(pts[v * n + i] - c[i]));
    const ok = dev < xtolAbs[i] || dev < xtolRel * dev * 0.5 || (xtolRel > 0 && dev === 0);
    if (!ok) return false;
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
