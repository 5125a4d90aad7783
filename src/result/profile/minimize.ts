/**
 * A bounded Nelder–Mead minimiser for profiling's small inner problems (a handful of parameters,
 * a smooth objective). Points are projected onto the box; the search restarts from its best point
 * until a restart no longer improves it, the usual guard against a collapsed simplex
 * (Nelder & Mead 1965; restarts as in Kelley 1999).
 *
 * Adapter: the project's BOBYQA (src/fit/optimize/) can replace it once it exports a stable entry.
 */

export interface MinimizeOptions {
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** Initial simplex edge per coordinate (default 0.1·max(|x0ᵢ|, 0.5)). */
  step?: ArrayLike<number>;
  /** Stop when the simplex's values differ by less than this (absolute). */
  ftol?: number;
  maxEval?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  fx: number;
  evaluations: number;
}

export function minimize(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const d = x0.length;
  const lower = options.lower ?? new Array<number>(d).fill(-Infinity);
  const upper = options.upper ?? new Array<number>(d).fill(Infinity);
  const ftol = options.ftol ?? 1e-10;
  const maxEval = options.maxEval ?? 4000 * Math.max(1, d);
  let evaluations = 0;
  const clamp = (x: Float64Array) => {
    for (let i = 0; i < d; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
    return x;
  };
  const value = (x: Float64Array) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = clamp(Float64Array.from(x0));
  let fbest = value(best);
  if (d === 0) return { x: best, fx: fbest, evaluations };

  let scale = 1;
  for (let round = 0; round < 12 && evaluations < maxEval; round++) {
    const steps = Float64Array.from({ length: d }, (_, i) => scale * (options.step?.[i] ?? 0.1 * Math.max(Math.abs(best[i]), 0.5)));
    const r = nelderMead(value, best, fbest, steps, clamp, ftol, maxEval - evaluations);
    const improved = fbest - r.fx;
    if (r.fx <= fbest) {
      best = r.x;
      fbest = r.fx;
    }
    if (round > 0 && improved < ftol) break;
    scale = 0.1;
  }
  return { x: best, fx: fbest, evaluations };
}

function nelderMead(
  value: (x: Float64Array) => number,
  x0: Float64Array,
  f0: number,
  steps: Float64Array,
  clamp: (x: Float64Array) => Float64Array,
  ftol: number,
  budget: number,
): { x: Float64Array; fx: number } {
  const d = x0.length;
  const pts: Float64Array[] = [Float64Array.from(x0)];
  const fs: number[] = [f0];
  let used = 0;
  for (let i = 0; i < d; i++) {
    const x = Float64Array.from(x0);
    x[i] += steps[i];
    clamp(x);
    if (x[i] === x0[i]) {
      x[i] -= steps[i];
      clamp(x);
    }
    pts.push(x);
    fs.push(value(x));
    used++;
  }
  const centroid = new Float64Array(d);
  const trial = (t: number) => {
    const worst = pts[d];
    const x = new Float64Array(d);
    for (let i = 0; i < d; i++) x[i] = centroid[i] + t * (worst[i] - centroid[i]);
    return clamp(x);
  };
  for (; used < budget; ) {
    const order = fs.map((_, i) => i).sort((a, b) => fs[a] - fs[b]);
    const sp = order.map((i) => pts[i]);
    const sf = order.map((i) => fs[i]);
    pts.splice(0, pts.length, ...sp);
    fs.splice(0, fs.length, ...sf);
    if (fs[d] - fs[0] <= ftol * (1 + Math.abs(fs[0])) || simplexSmall(pts)) break;
    centroid.fill(0);
    for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) centroid[i] += pts[k][i] / d;
    const xr = trial(-1);
    const fr = value(xr);
    used++;
    if (fr < fs[0]) {
      const xe = trial(-2);
      const fe = value(xe);
      used++;
      if (fe < fr) {
        pts[d] = xe;
        fs[d] = fe;
      } else {
        pts[d] = xr;
        fs[d] = fr;
      }
    } else if (fr < fs[d - 1]) {
      pts[d] = xr;
      fs[d] = fr;
    } else {
      const outside = fr < fs[d];
      const xc = trial(outside ? -0.5 : 0.5);
      const fc = value(xc);
      used++;
      if (fc < Math.min(fr, fs[d])) {
        pts[d] = xc;
        fs[d] = fc;
      } else {
        // Shrink towards the best point.
        for (let k = 1; k <= d; k++) {
          for (let i = 0; i < d; i++) pts[k][i] = pts[0][i] + 0.5 * (pts[k][i] - pts[0][i]);
          clamp(pts[k]);
          fs[k] = value(pts[k]);
          used++;
        }
      }
    }
  }
  let bi = 0;
  for (let k = 1; k <= d; k++) if (fs[k] < fs[bi]) bi = k;
  return { x: pts[bi], fx: fs[bi] };
}

function simplexSmall(pts: Float64Array[]): boolean {
  const d = pts[0].length;
  for (let i = 0; i < d; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of pts) {
      lo = Math.min(lo, p[i]);
      hi = Math.max(hi, p[i]);
    }
    if (hi - lo > 1e-10 * (1 + Math.abs(hi))) return false;
  }
  return true;
}
