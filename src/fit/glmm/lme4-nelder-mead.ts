/**
 * lme4's own Nelder–Mead (src/optimizer.cpp, its port of NLopt 2.2.4's nldrmd), step for step, so
 * that glmer's second stage can follow lme4's path exactly where the answer depends on it: on a
 * ridge of equal deviance (a singular fit), where lme4's optimum is wherever its Nelder–Mead stops.
 *
 * Its rules, which differ from textbook Nelder–Mead (and from src/fit/optimize/nelder-mead.ts):
 * the simplex x, x + xst_j e_j (moved inside the bounds); trial points pinned to the bounds
 * (Richardson & Kuester 1973); an expansion is kept if it beats the *worst* vertex; a failed
 * reflection always contracts inwards; a failed contraction shrinks towards the best vertex and
 * re-evaluates every vertex; convergence only when every coordinate's largest distance from the
 * centroid is below xt (lme4's FtolAbs/FtolRel are set but never tested).
 */

export interface Lme4NelderMeadResult {
  x: Float64Array;
  fx: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

const ALPHA = 1;
const BETA = 0.5;
const GAMMA = 2;
const DELTA = 0.5;

/** lme4's close(): equal to ~13 significant digits. */
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-13 * (Math.abs(a) + Math.abs(b));
}

/**
 * Minimise f from x0 with initial steps xst and absolute x tolerances xt (lme4's Nelder_Mead with
 * its defaults: maxfun 10000, XtolRel 1e-7).
 */
export function lme4NelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: { lower: ArrayLike<number>; upper?: ArrayLike<number>; xst: ArrayLike<number>; xt: ArrayLike<number>; maxEval?: number },
): Lme4NelderMeadResult {
  const n = x0.length;
  const lb = Float64Array.from(options.lower);
  const ub = options.upper ? Float64Array.from(options.upper) : new Float64Array(n).fill(Infinity);
  const xst = Float64Array.from(options.xst);
  const xt = Float64Array.from(options.xt);
  const maxEval = options.maxEval ?? 10000;
  const XTOL_REL = 1e-7;
  const x = Float64Array.from(x0);
  // vertices as columns: pts[j] is vertex j (n + 1 of them)
  const pts = Array.from({ length: n + 1 }, () => Float64Array.from(x));
  for (let i = 0; i < n; i++) {
    const j = i + 1;
    pts[j][i] += xst[i];
    if (pts[j][i] > ub[i]) pts[j][i] = ub[i] - x[i] > Math.abs(xst[i]) * 0.1 ? ub[i] : x[i] - Math.abs(xst[i]);
    if (pts[j][i] < lb[i]) {
      if (x[i] - lb[i] > Math.abs(xst[i]) * 0.1) pts[j][i] = lb[i];
      else {
        pts[j][i] = x[i] + Math.abs(xst[i]);
        if (pts[j][i] > ub[i]) pts[j][i] = 0.5 * ((ub[i] - x[i] > x[i] - lb[i] ? ub[i] : lb[i]) + x[i]);
      }
    }
    if (close(pts[j][i], x[i])) throw new RangeError("cannot generate feasible simplex");
  }
  const vals = new Float64Array(n + 1);
  const c = new Float64Array(n);
  const xcur = new Float64Array(n);
  const xeval = Float64Array.from(x);
  const best = Float64Array.from(x);
  let minf = Infinity;
  let evaluations = 0;
  let il = 0;
  let ih = 0;
  let fl = 0;
  let fh = 0;

  const evaluate = (): number => {
    const v = f(xeval);
    evaluations++;
    if (v < minf) {
      minf = v;
      best.set(xeval);
    }
    return v;
  };
  /** xnew = c + scale (c − xold), pinned to the bounds; false if it coincides with c or xold. */
  const reflect = (xnew: Float64Array, cen: Float64Array, scale: number, xold: Float64Array): boolean => {
    let equalC = true;
    let equalOld = true;
    for (let i = 0; i < n; i++) {
      const v = Math.min(Math.max(cen[i] + scale * (cen[i] - xold[i]), lb[i]), ub[i]);
      equalC = equalC && close(v, cen[i]);
      equalOld = equalOld && close(v, xold[i]);
      xnew[i] = v;
    }
    return !(equalC || equalOld);
  };
  const done = (converged: boolean, message: string): Lme4NelderMeadResult => ({
    x: best,
    fx: minf,
    evaluations,
    converged,
    message,
  });

  let initPos = 0; // vertices still to (re-)evaluate: 0..n
  for (;;) {
    if (initPos <= n) {
      xeval.set(pts[initPos]);
      vals[initPos] = evaluate();
      if (evaluations > maxEval) return done(false, `reached max evaluations (${maxEval})`);
      initPos++;
      if (initPos <= n) continue;
    }
    // restart: best and worst vertex (first index on ties, as Eigen's minCoeff/maxCoeff), centroid
    // of the face opposite the worst, x convergence
    il = 0;
    ih = 0;
    for (let j = 1; j <= n; j++) {
      if (vals[j] < vals[il]) il = j;
      if (vals[j] > vals[ih]) ih = j;
    }
    fl = vals[il];
    fh = vals[ih];
    let xConverged = true;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= n; j++) s += pts[j][i];
      c[i] = (s - pts[ih][i]) / n;
    }
    for (let i = 0; i < n && xConverged; i++) {
      let dev = 0;
      for (let j = 0; j <= n; j++) dev = Math.max(dev, Math.abs(pts[j][i] - c[i]));
      // nl_stop::x(0, dev): |dev| < xt_i, or |dev| < XtolRel·|dev|/2, or dev = 0
      xConverged = dev < xt[i] || dev < XTOL_REL * dev * 0.5 || dev === 0;
    }
    if (xConverged) return done(true, "parameter values converged to within tolerance");
    if (!reflect(xcur, c, ALPHA, pts[ih])) return done(true, "parameter values converged to within tolerance");
    xeval.set(xcur);
    const fr = evaluate();
    if (evaluations > maxEval) return done(false, `reached max evaluations (${maxEval})`);
    if (fr < fl) {
      // new best point: try to expand
      if (!reflect(xeval, c, GAMMA, pts[ih])) return done(true, "parameter values converged to within tolerance");
      const fe = evaluate();
      if (evaluations > maxEval) return done(false, `reached max evaluations (${maxEval})`);
      if (fe < vals[ih]) {
        pts[ih].set(xeval);
        vals[ih] = fe;
      } else {
        pts[ih].set(xcur);
        vals[ih] = fr;
      }
      continue;
    }
    if (fr < fh) {
      pts[ih].set(xeval);
      vals[ih] = fr;
      continue;
    }
    // new worst point: contract (inwards, since fh ≤ fr here)
    if (!reflect(xcur, c, fh <= fr ? -BETA : BETA, pts[ih])) return done(true, "parameter values converged to within tolerance");
    xeval.set(xcur);
    const fc = evaluate();
    if (evaluations > maxEval) return done(false, `reached max evaluations (${maxEval})`);
    if (fc < fr && fc < fh) {
      pts[ih].set(xeval);
      vals[ih] = fc;
      continue;
    }
    // shrink towards the best vertex, then re-evaluate every vertex
    for (let j = 0; j <= n; j++) {
      if (j === il) continue;
      if (!reflect(xeval, pts[il], -DELTA, pts[j])) return done(true, "parameter values converged to within tolerance");
      pts[j].set(xeval);
    }
    initPos = 0;
  }
}
