/**
 * Products with the quadratic model's Hessian ∇²Q = HQ + Σ_k pq_k y_k y_kᵀ (y_k = xpt_k), kept
 * in Powell's explicit + implicit form (Powell 2009, §2, eq. 2.4; NEWUOA 2006 §3).
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";

/** out = ∇²Q · v (out must not alias v). */
export function hessianTimes(ws: BobyqaWorkspace, v: Float64Array, out: Float64Array): void {
  const { n, npt, hq, pq, xpt } = ws;
  out.fill(0);
  let ih = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++, ih++) {
      if (i < j) out[j] += hq[ih] * v[i];
      out[i] += hq[ih] * v[j];
    }
  }
  for (let k = 0; k < npt; k++) {
    if (pq[k] === 0) continue;
    let t = 0;
    const row = k * n;
    for (let j = 0; j < n; j++) t += xpt[row + j] * v[j];
    t *= pq[k];
    for (let i = 0; i < n; i++) out[i] += t * xpt[row + i];
  }
}

/** gopt += ∇²Q · step: the model gradient moved from xopt to xopt + step, accumulated into gopt
 *  term by term in Powell's order (so that rounding matches the reference implementations). */
export function moveGradient(ws: BobyqaWorkspace, step: Float64Array): void {
  const { n, npt, hq, pq, xpt, gopt } = ws;
  let ih = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++, ih++) {
      if (i < j) gopt[j] += hq[ih] * step[i];
      gopt[i] += hq[ih] * step[j];
    }
  }
  for (let k = 0; k < npt; k++) {
    let t = 0;
    const row = k * n;
    for (let j = 0; j < n; j++) t += xpt[row + j] * step[j];
    t = pq[k] * t;
    for (let i = 0; i < n; i++) gopt[i] += t * xpt[row + i];
  }
}

/** The model's predicted change Q(xopt + d) − Q(xopt); w[npt + k] must hold y_kᵀd. */
export function predictedChange(ws: BobyqaWorkspace): number {
  const { n, npt, d, gopt, hq, pq, w } = ws;
  let vquad = 0;
  let ih = 0;
  for (let j = 0; j < n; j++) {
    vquad += d[j] * gopt[j];
    for (let i = 0; i <= j; i++, ih++) {
      let t = d[i] * d[j];
      if (i === j) t *= 0.5;
      vquad += hq[ih] * t;
    }
  }
  for (let k = 0; k < npt; k++) {
    const t = w[npt + k];
    vquad += 0.5 * pq[k] * (t * t);
  }
  return vquad;
}

/** Curvature of the model along e_j (the j-th diagonal of ∇²Q). */
export function diagonalCurvature(ws: BobyqaWorkspace, j: number): number {
  const { n, npt, hq, pq, xpt } = ws;
  let c = hq[(j * (j + 1)) / 2 + j];
  for (let k = 0; k < npt; k++) {
    const y = xpt[k * n + j];
    c += pq[k] * (y * y);
  }
  return c;
}
