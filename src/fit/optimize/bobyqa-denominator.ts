/**
 * The quantities of the H update for a trial step d (Powell 2009 §4; NEWUOA 2006 eqs. 4.10–4.12):
 * vlag = H w (the values of the Lagrange functions at xopt + d, with vlag[kopt] + 1) and β, and
 * the choice of the interpolation point to drop so that the denominator σ_k = α_k β + τ_k² is
 * large, weighted by the distance of y_k from the trust-region centre (Powell 2009 eq. 6.1).
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";

/** Set ws.vlag and w[0..2npt) (w[npt + k] = y_kᵀd) for the step ws.d; return β. */
export function lagrangeValues(ws: BobyqaWorkspace, xoptsq: number): number {
  const { n, npt, nptm, xpt, xopt, d, bmat, zmat, vlag, w } = ws;
  for (let k = 0; k < npt; k++) {
    let suma = 0;
    let sumb = 0;
    let sum = 0;
    const row = k * n;
    for (let j = 0; j < n; j++) {
      suma += xpt[row + j] * d[j];
      sumb += xpt[row + j] * xopt[j];
      sum += bmat[row + j] * d[j];
    }
    w[k] = suma * (0.5 * suma + sumb);
    vlag[k] = sum;
    w[npt + k] = suma;
  }
  let beta = 0;
  for (let jj = 0; jj < nptm; jj++) {
    let sum = 0;
    for (let k = 0; k < npt; k++) sum += zmat[k * nptm + jj] * w[k];
    beta -= sum * sum;
    for (let k = 0; k < npt; k++) vlag[k] += sum * zmat[k * nptm + jj];
  }
  let dsq = 0;
  let bsum = 0;
  let dx = 0;
  for (let j = 0; j < n; j++) {
    dsq += d[j] * d[j];
    let sum = 0;
    for (let k = 0; k < npt; k++) sum += w[k] * bmat[k * n + j];
    bsum += sum * d[j];
    const jp = npt + j;
    for (let i = 0; i < n; i++) sum += bmat[jp * n + i] * d[i];
    vlag[jp] = sum;
    bsum += sum * d[j];
    dx += d[j] * xopt[j];
  }
  beta = dx * dx + dsq * (xoptsq + dx + dx + 0.5 * dsq) + beta - bsum;
  vlag[ws.kopt] += 1;
  return beta;
}

export interface ReplacementChoice {
  knew: number;
  denom: number;
  /** Largest weighted denominator and largest weighted ℓ_k²; scaden ≤ ½ biglsq signals that
   *  rounding errors have damaged H. */
  scaden: number;
  biglsq: number;
}

/** Choose the point k (≠ skip) maximising max(1, (‖y_k − ref‖/Δ)⁴)·σ_k. */
export function choosePointToReplace(
  ws: BobyqaWorkspace,
  beta: number,
  delta: number,
  skip: number,
  ref: Float64Array,
  out: ReplacementChoice,
): void {
  const { n, npt, nptm, xpt, zmat, vlag } = ws;
  const delsq = delta * delta;
  let scaden = 0;
  let biglsq = 0;
  let knew = -1;
  let denom = 0;
  for (let k = 0; k < npt; k++) {
    if (k === skip) continue;
    let hdiag = 0;
    for (let jj = 0; jj < nptm; jj++) hdiag += zmat[k * nptm + jj] * zmat[k * nptm + jj];
    const den = beta * hdiag + vlag[k] * vlag[k];
    let distsq = 0;
    for (let j = 0; j < n; j++) {
      const t = xpt[k * n + j] - ref[j];
      distsq += t * t;
    }
    const r = distsq / delsq;
    const temp = Math.max(1, r * r);
    if (temp * den > scaden) {
      scaden = temp * den;
      knew = k;
      denom = den;
    }
    biglsq = Math.max(biglsq, temp * (vlag[k] * vlag[k]));
  }
  out.knew = knew;
  out.denom = denom;
  out.scaden = scaden;
  out.biglsq = biglsq;
}
