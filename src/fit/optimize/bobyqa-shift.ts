/**
 * Moving the origin xbase to the trust-region centre (Powell 2009, §5; NEWUOA 2006 §5): when
 * ‖d‖² ≤ 10⁻³‖xopt‖², rounding errors in the models relative to xbase would grow, so xbase
 * becomes xbase + xopt and BMAT and the model's Hessian parameters are revised exactly.
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";

export function shiftBase(ws: BobyqaWorkspace, xoptsq: number): void {
  const { n, npt, nptm, xpt, xopt, bmat, zmat, pq, hq, xbase, xnew, sl, su, vlag, w } = ws;
  const fracsq = 0.25 * xoptsq;
  let sumpq = 0;
  // Changes to BMAT that do not depend on Z.
  for (let k = 0; k < npt; k++) {
    sumpq += pq[k];
    let sum = -0.5 * xoptsq;
    for (let i = 0; i < n; i++) sum += xpt[k * n + i] * xopt[i];
    w[npt + k] = sum;
    const temp = fracsq - 0.5 * sum;
    for (let i = 0; i < n; i++) {
      w[i] = bmat[k * n + i];
      vlag[i] = sum * xpt[k * n + i] + temp * xopt[i];
      const ip = npt + i;
      for (let j = 0; j <= i; j++) {
        bmat[ip * n + j] = bmat[ip * n + j] + w[i] * vlag[j] + vlag[i] * w[j];
      }
    }
  }
  // Changes that depend on Z.
  for (let jj = 0; jj < nptm; jj++) {
    let sumz = 0;
    let sumw = 0;
    for (let k = 0; k < npt; k++) {
      sumz += zmat[k * nptm + jj];
      vlag[k] = w[npt + k] * zmat[k * nptm + jj];
      sumw += vlag[k];
    }
    for (let j = 0; j < n; j++) {
      let sum = (fracsq * sumz - 0.5 * sumw) * xopt[j];
      for (let k = 0; k < npt; k++) sum += vlag[k] * xpt[k * n + j];
      w[j] = sum;
      for (let k = 0; k < npt; k++) bmat[k * n + j] += sum * zmat[k * nptm + jj];
    }
    for (let i = 0; i < n; i++) {
      const ip = i + npt;
      const temp = w[i];
      for (let j = 0; j <= i; j++) bmat[ip * n + j] += temp * w[j];
    }
  }
  // The Hessian's explicit part absorbs the shift of the implicit part; points move.
  let ih = 0;
  for (let j = 0; j < n; j++) {
    w[j] = -0.5 * sumpq * xopt[j];
    for (let k = 0; k < npt; k++) {
      w[j] += pq[k] * xpt[k * n + j];
      xpt[k * n + j] -= xopt[j];
    }
    for (let i = 0; i <= j; i++, ih++) {
      hq[ih] = hq[ih] + w[i] * xopt[j] + xopt[i] * w[j];
      bmat[(npt + i) * n + j] = bmat[(npt + j) * n + i];
    }
  }
  for (let i = 0; i < n; i++) {
    xbase[i] += xopt[i];
    xnew[i] -= xopt[i];
    sl[i] -= xopt[i];
    su[i] -= xopt[i];
    xopt[i] = 0;
  }
}
