/**
 * BOBYQA's start (Powell 2009, §2): move x0 away from (or onto) nearby bounds, then evaluate f
 * at the npt points xbase, xbase + ρ_beg e_j (j = 1..n), xbase − ρ_beg e_j (j = 1..npt−n−1;
 * one-sided at a bound), and set the initial quadratic model and the factored inverse KKT
 * matrix H in closed form. npt ≤ 2n+1, so no off-diagonal initial points are needed.
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";
import { packedIndex, toOriginal } from "./bobyqa-workspace.js";
import type { CountedObjective } from "./evaluator.js";

/** Set xbase from x and the shifted bounds sl, su. A coordinate within rhobeg of a bound is
 *  put exactly on that bound (if already on or beyond it) or rhobeg inside it, so that every
 *  initial step of length rhobeg or 2·rhobeg stays feasible (Powell 2009, §2; the bounds must
 *  be at least 2·rhobeg apart). */
export function placeBase(ws: BobyqaWorkspace, x: ArrayLike<number>, rhobeg: number): void {
  const { n, xl, xu, sl, su, xbase } = ws;
  for (let j = 0; j < n; j++) {
    let xj = x[j];
    const width = xu[j] - xl[j];
    let lo = xl[j] - xj;
    let up = xu[j] - xj;
    if (lo >= -rhobeg) {
      if (lo >= 0) {
        xj = xl[j];
        lo = 0;
        up = width;
      } else {
        xj = xl[j] + rhobeg;
        lo = -rhobeg;
        up = Math.max(xu[j] - xj, rhobeg);
      }
    } else if (up <= rhobeg) {
      if (up <= 0) {
        xj = xu[j];
        lo = -width;
        up = 0;
      } else {
        xj = xu[j] - rhobeg;
        lo = Math.min(xl[j] - xj, -rhobeg);
        up = rhobeg;
      }
    }
    xbase[j] = xj;
    sl[j] = lo;
    su[j] = up;
  }
}

/** Evaluate the initial interpolation points and build the model. Returns false if maxEval
 *  stopped it (the points evaluated so far are still in fval/kopt). */
export function initialModel(ws: BobyqaWorkspace, rhobeg: number, obj: CountedObjective): boolean {
  const { n, npt, nptm, xpt, fval, gopt, hq, pq, bmat, zmat, sl, su } = ws;
  xpt.fill(0);
  bmat.fill(0);
  hq.fill(0);
  pq.fill(0);
  zmat.fill(0);
  gopt.fill(0);
  const rhosq = rhobeg * rhobeg;
  let fbeg = 0;
  for (let k = 0; k < npt; k++) {
    if (obj.exhausted) return false;
    let stepa = 0;
    let stepb = 0;
    if (k >= 1 && k <= n) {
      // First step along e_j: +ρ unless x is on its upper bound.
      const j = k - 1;
      stepa = su[j] === 0 ? -rhobeg : rhobeg;
      xpt[k * n + j] = stepa;
    } else if (k > n) {
      // Second step along e_j: −ρ, or 2ρ / −2ρ on the far side of a bound x lies on.
      const j = k - n - 1;
      stepa = xpt[(k - n) * n + j];
      stepb = -rhobeg;
      if (sl[j] === 0) stepb = Math.min(2 * rhobeg, su[j]);
      if (su[j] === 0) stepb = Math.max(-2 * rhobeg, sl[j]);
      xpt[k * n + j] = stepb;
    }
    const f = obj.evaluate(toOriginal(ws, xpt, k * n));
    fval[k] = f;
    if (k === 0) {
      fbeg = f;
      ws.kopt = 0;
    } else if (f < fval[ws.kopt]) {
      ws.kopt = k;
    }
    if (k >= 1 && k <= n) {
      const j = k - 1;
      gopt[j] = (f - fbeg) / stepa;
      if (npt < k + 1 + n) {
        // No second point on this axis (npt < 2n+1): a linear Lagrange pair, and the
        // corresponding diagonal of BMAT's lower block (Powell 2009, §2).
        bmat[j] = -1 / stepa;
        bmat[k * n + j] = 1 / stepa;
        bmat[(npt + j) * n + j] = -0.5 * rhosq;
      }
    } else if (k > n) {
      // Second difference along e_j gives HQ_jj and a central-difference gradient; the
      // Lagrange functions of the three points on the line are set in closed form (§2).
      const j = k - n - 1;
      const ka = k - n;
      const temp = (f - fbeg) / stepb;
      const diff = stepb - stepa;
      hq[packedIndex(j, j)] = (2 * (temp - gopt[j])) / diff;
      gopt[j] = (gopt[j] * stepb - temp * stepa) / diff;
      if (stepa * stepb < 0 && f < fval[ka]) {
        // Keep the better of ±ρ as the first point on the line (Powell's switch).
        fval[k] = fval[ka];
        fval[ka] = f;
        if (ws.kopt === k) ws.kopt = ka;
        xpt[ka * n + j] = stepb;
        xpt[k * n + j] = stepa;
      }
      bmat[j] = -(stepa + stepb) / (stepa * stepb);
      bmat[k * n + j] = -0.5 / xpt[ka * n + j];
      bmat[ka * n + j] = -bmat[j] - bmat[k * n + j];
      zmat[j] = Math.SQRT2 / (stepa * stepb);
      zmat[k * nptm + j] = Math.SQRT1_2 / rhosq;
      zmat[ka * nptm + j] = -zmat[j] - zmat[k * nptm + j];
    }
  }
  return true;
}
