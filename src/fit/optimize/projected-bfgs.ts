/**
 * A bound-constrained quasi-Newton minimiser for smooth objectives with an analytic gradient: the
 * two-metric projection method (Bertsekas 1982, "Projected Newton methods for optimization problems
 * with simple constraints", SIAM J. Control Optim. 20(2)) with a dense BFGS inverse Hessian
 * (Nocedal & Wright 2006, §6.1, eqs. 6.17 and 6.20 for the first scaling).
 *
 * Each iteration fixes the variables that sit on a bound with the gradient pushing outwards (the
 * ε-active set), takes the quasi-Newton step on the others, and backtracks along the projected path
 * x(α) = P(x + α d) until Armijo's condition holds (Bertsekas' eq. 31). θ has at most a few hundred
 * entries, so a dense n × n inverse Hessian is cheaper than L-BFGS-B's compact form and as exact.
 * No kept npm package implements L-BFGS-B or a projected BFGS soundly (searched: none maintained),
 * hence this one, about a hundred lines.
 *
 * Used for linear mixed models with many covariance parameters (fit-lmm.ts), where BOBYQA's
 * O(n²) evaluations per model rebuild dominate and the gradient (src/fit/pls/gradient.ts) costs
 * about one evaluation.
 */
import type { OptimizerResult } from "./types.js";

/** The objective, and its gradient at the point of the last `value` call (so a line search pays
 *  for gradients only at the points it accepts). */
export interface ObjectiveWithGradient {
  value(x: Float64Array): number;
  gradient(g: Float64Array): void;
}

export interface ProjectedBfgsOptions {
  lower: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** Converged when the projected gradient's largest entry is below gtol · max(1, |f|)
   *  (default 1e-9: far below what moves the deviance in its printed digits). */
  gtol?: number;
  /** Or when an iteration lowers f by less than ftolRel · max(1, |f|) twice running
   *  (default 1e-14). */
  ftolRel?: number;
  /** Most iterations (default 2000); each costs one evaluation and one gradient, plus any
   *  backtracking (evaluations only). */
  maxIter?: number;
  onEvaluation?: (k: number, fx: number) => void;
}

const ARMIJO = 1e-4;
/** Bertsekas' ε̄: a coordinate within ε = min(ε̄, ‖x − P(x − ∇f)‖) of a bound, with the gradient
 *  pushing it out, is held there for the iteration (his eq. 13); without the margin, coordinates
 *  creeping towards a bound make the quasi-Newton step overshoot at every iteration. */
const EPS_ACTIVE = 1e-3;

export function projectedBfgs(fg: ObjectiveWithGradient, x0: ArrayLike<number>, options: ProjectedBfgsOptions): OptimizerResult {
  const n = x0.length;
  const lower = Float64Array.from(options.lower);
  const upper = options.upper ? Float64Array.from(options.upper) : new Float64Array(n).fill(Infinity);
  const gtol = options.gtol ?? 1e-9;
  const ftolRel = options.ftolRel ?? 1e-14;
  const maxIter = options.maxIter ?? 2000;
  let evaluations = 0;
  const evaluate = (x: Float64Array): number => {
    const f = fg.value(x);
    evaluations++;
    options.onEvaluation?.(evaluations, f);
    return f;
  };
  const project = (v: Float64Array) => {
    for (let i = 0; i < n; i++) v[i] = Math.min(upper[i], Math.max(lower[i], v[i]));
  };

  const x = Float64Array.from(x0);
  project(x);
  const g = new Float64Array(n);
  let f = evaluate(x);
  if (!Number.isFinite(f)) return { x, fx: f, evaluations, converged: false, message: "the objective is not finite at the start" };
  fg.gradient(g);
  const H = identity(n);
  let scaled = false;
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const active = new Uint8Array(n);
  let smallSteps = 0;

  for (let iter = 0; iter < maxIter; iter++) {
    const pgNorm = projectedGradientNorm(x, g, lower, upper);
    if (pgNorm <= gtol * Math.max(1, Math.abs(f))) {
      return { x, fx: f, evaluations, converged: true, message: "projected gradient below tolerance" };
    }
    const eps = Math.min(EPS_ACTIVE, pgNorm);
    for (let i = 0; i < n; i++) {
      active[i] = (x[i] - lower[i] <= eps && g[i] > 0) || (upper[i] - x[i] <= eps && g[i] < 0) ? 1 : 0;
    }
    direction(H, g, active, d);
    let slope = 0;
    for (let i = 0; i < n; i++) if (!active[i]) slope += g[i] * d[i];
    if (!(slope < 0)) {
      // not a descent direction (H lost positive definiteness on the free set): steepest descent
      resetIdentity(H);
      scaled = false;
      for (let i = 0; i < n; i++) d[i] = -g[i];
    }
    // the ε-active coordinates move onto their bound at α = 1 (Bertsekas' diagonal scaling there:
    // a step that reaches the bound), which the free coordinates' quasi-Newton step does not
    // involve; held in place instead, one creeping towards 0 stalls the run above the optimum
    for (let i = 0; i < n; i++) if (active[i]) d[i] = (g[i] > 0 ? lower[i] : upper[i]) - x[i];
    // backtracking along the projected path
    let alpha = 1;
    let fNew = Infinity;
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      let decrease = 0;
      for (let i = 0; i < n; i++) {
        xNew[i] = Math.min(upper[i], Math.max(lower[i], x[i] + alpha * d[i]));
        decrease += g[i] * (xNew[i] - x[i]);
      }
      fNew = evaluate(xNew);
      if (Number.isFinite(fNew) && fNew <= f + ARMIJO * decrease) {
        accepted = true;
        fg.gradient(gNew);
        break;
      }
      alpha = nextStep(alpha, decrease, fNew - f);
    }
    if (!accepted) {
      return { x, fx: f, evaluations, converged: false, message: "line search failed: no decrease along the projected path" };
    }
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    const drop = f - fNew;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (sy > 1e-12 * Math.sqrt(yy) * norm(s)) {
      if (!scaled) {
        // Nocedal & Wright eq. 6.20: H₀ = (sᵀy / yᵀy) I before the first update
        scaleIdentity(H, sy / yy);
        scaled = true;
      }
      bfgsUpdate(H, s, y, sy);
    }
    smallSteps = drop <= ftolRel * Math.max(1, Math.abs(f)) ? smallSteps + 1 : 0;
    if (smallSteps >= 2) return { x, fx: f, evaluations, converged: true, message: "relative decrease below tolerance" };
  }
  return { x, fx: f, evaluations, converged: false, message: `stopped after ${maxIter} iterations` };
}

/**
 * The next trial step after step α failed: the minimiser of the quadratic through f(0), the slope
 * there (decrease/α, along the projected path) and f(α), kept within [α/10, α/2] (Nocedal & Wright
 * §3.5, eq. 3.57, safeguarded); plain halving when f(α) was not finite.
 */
function nextStep(alpha: number, decrease: number, change: number): number {
  if (!Number.isFinite(change) || !(decrease < 0)) return alpha / 2;
  const slope = decrease / alpha;
  const quad = (-slope * alpha * alpha) / (2 * (change - slope * alpha));
  return Math.min(alpha / 2, Math.max(alpha / 10, quad));
}

/** ‖x − P(x − g)‖∞: zero exactly at a stationary point of the bound-constrained problem. */
function projectedGradientNorm(x: Float64Array, g: Float64Array, lower: Float64Array, upper: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const stepped = Math.min(upper[i], Math.max(lower[i], x[i] - g[i]));
    worst = Math.max(worst, Math.abs(x[i] - stepped));
  }
  return worst;
}

/** d = −H g on the free coordinates (rows and columns of the active ones left out), 0 on the active. */
function direction(H: Float64Array, g: Float64Array, active: Uint8Array, d: Float64Array): void {
  const n = g.length;
  for (let i = 0; i < n; i++) {
    if (active[i]) {
      d[i] = 0;
      continue;
    }
    let acc = 0;
    for (let j = 0; j < n; j++) if (!active[j]) acc += H[i + j * n] * g[j];
    d[i] = -acc;
  }
}

/** H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, ρ = 1/sᵀy (Nocedal & Wright eq. 6.17). */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, sy: number): void {
  const n = s.length;
  const rho = 1 / sy;
  const hy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += H[i + j * n] * y[j];
    hy[i] = acc;
  }
  let yhy = 0;
  for (let i = 0; i < n; i++) yhy += y[i] * hy[i];
  const c = (1 + rho * yhy) * rho;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) H[i + j * n] += c * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
}

function identity(n: number): Float64Array {
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i + i * n] = 1;
  return H;
}

function resetIdentity(H: Float64Array): void {
  const n = Math.round(Math.sqrt(H.length));
  H.fill(0);
  for (let i = 0; i < n; i++) H[i + i * n] = 1;
}

function scaleIdentity(H: Float64Array, c: number): void {
  const n = Math.round(Math.sqrt(H.length));
  H.fill(0);
  for (let i = 0; i < n; i++) H[i + i * n] = c;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
