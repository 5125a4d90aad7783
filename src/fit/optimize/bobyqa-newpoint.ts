/**
 * Including a newly evaluated point in the quadratic model (Powell 2009 §4): after H is updated,
 * the model changes by diff·ℓ_knew (diff = f(xnew) − Q(xnew)), which is the least-Frobenius-norm
 * change of ∇²Q that interpolates the new value (NEWUOA 2006 eq. 3.3), and, every so often, the
 * model is replaced by the least-Frobenius-norm interpolant itself when its gradient is much
 * smaller (Powell 2009 §6, the ITEST rule).
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";

/** Move point knew to xnew with value f, updating HQ, PQ and GOPT (at the old xopt). */
export function includePoint(ws: BobyqaWorkspace, knew: number, f: number, diff: number): void {
  const { n, npt, nptm, xpt, xopt, xnew, bmat, zmat, pq, hq, gopt, fval, w } = ws;
  // The old point's implicit Hessian term becomes explicit before the point moves.
  const pqold = pq[knew];
  pq[knew] = 0;
  let ih = 0;
  for (let i = 0; i < n; i++) {
    const t = pqold * xpt[knew * n + i];
    for (let j = 0; j <= i; j++, ih++) hq[ih] += t * xpt[knew * n + j];
  }
  for (let jj = 0; jj < nptm; jj++) {
    const t = diff * zmat[knew * nptm + jj];
    for (let k = 0; k < npt; k++) pq[k] += t * zmat[k * nptm + jj];
  }
  fval[knew] = f;
  for (let i = 0; i < n; i++) {
    xpt[knew * n + i] = xnew[i];
    w[i] = bmat[knew * n + i];
  }
  // ∇ℓ_knew at xopt, then gopt += diff·∇ℓ_knew.
  for (let k = 0; k < npt; k++) {
    let suma = 0;
    for (let jj = 0; jj < nptm; jj++) suma += zmat[knew * nptm + jj] * zmat[k * nptm + jj];
    let sumb = 0;
    for (let j = 0; j < n; j++) sumb += xpt[k * n + j] * xopt[j];
    const t = suma * sumb;
    for (let i = 0; i < n; i++) w[i] += t * xpt[k * n + i];
  }
  for (let i = 0; i < n; i++) gopt[i] += diff * w[i];
}

/** The ITEST rule: if the gradient of the least-Frobenius-norm interpolant of f − f(xopt) is
 *  at least √10 times smaller than the model's (projected at bounds) three times running,
 *  replace the model by it. Returns the new itest counter. */
export function maybeReplaceModel(ws: BobyqaWorkspace, itest: number): number {
  const { n, npt, nptm, xpt, xopt, fval, bmat, zmat, pq, hq, gopt, sl, su, vlag, w } = ws;
  const kopt = ws.kopt;
  for (let k = 0; k < npt; k++) {
    vlag[k] = fval[k] - fval[kopt];
    w[k] = 0;
  }
  for (let j = 0; j < nptm; j++) {
    let sum = 0;
    for (let k = 0; k < npt; k++) sum += zmat[k * nptm + j] * vlag[k];
    for (let k = 0; k < npt; k++) w[k] += sum * zmat[k * nptm + j];
  }
  for (let k = 0; k < npt; k++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += xpt[k * n + j] * xopt[j];
    w[k + npt] = w[k];
    w[k] = sum * w[k];
  }
  let gqsq = 0;
  let gisq = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < npt; k++) sum = sum + bmat[k * n + i] * vlag[k] + xpt[k * n + i] * w[k];
    if (xopt[i] === sl[i]) {
      const a = Math.min(0, gopt[i]);
      const b = Math.min(0, sum);
      gqsq += a * a;
      gisq += b * b;
    } else if (xopt[i] === su[i]) {
      const a = Math.max(0, gopt[i]);
      const b = Math.max(0, sum);
      gqsq += a * a;
      gisq += b * b;
    } else {
      gqsq += gopt[i] * gopt[i];
      gisq += sum * sum;
    }
    vlag[npt + i] = sum;
  }
  itest++;
  if (gqsq < 10 * gisq) itest = 0;
  if (itest >= 3) {
    for (let i = 0; i < n; i++) gopt[i] = vlag[npt + i];
    for (let k = 0; k < npt; k++) pq[k] = w[npt + k];
    hq.fill(0);
    itest = 0;
  }
  return itest;
}
