/**
 * RESCUE (Powell 2009, §7): when rounding errors have damaged the denominators of the H update,
 * move xbase to xopt, rebuild BMAT and ZMAT from scratch for provisional points on the
 * coordinate axes through xopt (where H is known in closed form, as in §2), then reinstate the
 * original points one at a time, each time dropping the provisional point that gives the
 * largest denominator σ; only the provisional points that remain need new values of f. An
 * original point whose reinstatement would give a tiny σ is retried later (its distance is
 * penalised by winc) or never. Indices in ptsid are 1-based coordinate numbers, as Powell's:
 * ptsid_k = p + q/(n+1) + ½/(n+1) names the step aux1_p e_p (+ aux1_q e_q), or aux2_q e_q when
 * p = 0.
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";
import { packedIndex, toOriginal } from "./bobyqa-workspace.js";
import { updateH } from "./bobyqa-update.js";
import type { CountedObjective } from "./evaluator.js";

/** Returns false if maxEval stopped it. ws.kopt may change (xopt is left at the origin; the
 *  caller moves it and the gradient). */
export function rescue(ws: BobyqaWorkspace, delta: number, obj: CountedObjective): boolean {
  const { n, npt, ndim, nptm, xpt, fval, xopt, xbase, gopt, hq, pq, bmat, zmat, sl, su, vlag } = ws;
  const { aux1, aux2, ptsid, rw } = ws;
  const np = n + 1;
  const sfrac = 0.5 / np;

  // Shift the points so that xopt is the origin; keep their squared distances in rw[ndim + k].
  let sumpq = 0;
  let winc = 0;
  for (let k = 0; k < npt; k++) {
    let distsq = 0;
    for (let j = 0; j < n; j++) {
      xpt[k * n + j] -= xopt[j];
      distsq += xpt[k * n + j] * xpt[k * n + j];
    }
    sumpq += pq[k];
    rw[ndim + k] = distsq;
    winc = Math.max(winc, distsq);
    for (let j = 0; j < nptm; j++) zmat[k * nptm + j] = 0;
  }
  // The model's explicit Hessian absorbs the shift of its implicit part.
  let ih = 0;
  for (let j = 0; j < n; j++) {
    rw[j] = 0.5 * sumpq * xopt[j];
    for (let k = 0; k < npt; k++) rw[j] += pq[k] * xpt[k * n + j];
    for (let i = 0; i <= j; i++, ih++) hq[ih] = hq[ih] + rw[i] * xopt[j] + rw[j] * xopt[i];
  }
  // Move xbase; the two provisional steps along each axis, inside the bounds.
  for (let j = 0; j < n; j++) {
    xbase[j] += xopt[j];
    sl[j] -= xopt[j];
    su[j] -= xopt[j];
    xopt[j] = 0;
    aux1[j] = Math.min(delta, su[j]);
    aux2[j] = Math.max(-delta, sl[j]);
    if (aux1[j] + aux2[j] < 0) {
      const t = aux1[j];
      aux1[j] = aux2[j];
      aux2[j] = t;
    }
    if (Math.abs(aux2[j]) < 0.5 * Math.abs(aux1[j])) aux2[j] = 0.5 * aux1[j];
    for (let i = 0; i < ndim; i++) bmat[i * n + j] = 0;
  }
  const fbase = fval[ws.kopt];

  // H for the provisional points (as PRELIM's closed form).
  ptsid[0] = sfrac;
  for (let j = 0; j < n; j++) {
    const jp = j + 1;
    const jpn = jp + n;
    ptsid[jp] = j + 1 + sfrac;
    if (jpn < npt) {
      ptsid[jpn] = (j + 1) / np + sfrac;
      const temp = 1 / (aux1[j] - aux2[j]);
      bmat[jp * n + j] = -temp + 1 / aux1[j];
      bmat[jpn * n + j] = temp + 1 / aux2[j];
      bmat[j] = -bmat[jp * n + j] - bmat[jpn * n + j];
      zmat[j] = Math.SQRT2 / Math.abs(aux1[j] * aux2[j]);
      zmat[jp * nptm + j] = zmat[j] * aux2[j] * temp;
      zmat[jpn * nptm + j] = -zmat[j] * aux1[j] * temp;
    } else {
      bmat[j] = -1 / aux1[j];
      bmat[jp * n + j] = 1 / aux1[j];
      bmat[(j + npt) * n + j] = -0.5 * (aux1[j] * aux1[j]);
    }
  }

  // Reinstate original points, xopt's first (into slot 0).
  let nrem = npt;
  let kold = 0;
  let knew = ws.kopt;
  let beta = 0;
  let denom = 0;
  for (;;) {
    // Exchange the H rows of slots kold and knew; knew becomes an original point again.
    for (let j = 0; j < n; j++) swap(bmat, kold * n + j, knew * n + j);
    for (let j = 0; j < nptm; j++) swap(zmat, kold * nptm + j, knew * nptm + j);
    ptsid[kold] = ptsid[knew];
    ptsid[knew] = 0;
    rw[ndim + knew] = 0;
    nrem--;
    if (knew !== ws.kopt) {
      swap(vlag, kold, knew);
      updateH(ws, knew, beta, denom);
      if (nrem === 0) return true;
      for (let k = 0; k < npt; k++) rw[ndim + k] = Math.abs(rw[ndim + k]);
    }
    // Next original point to reinstate: the nearest to xopt not yet tried (or retried).
    let found = false;
    for (;;) {
      let dsqmin = 0;
      for (let k = 0; k < npt; k++) {
        if (rw[ndim + k] > 0 && (dsqmin === 0 || rw[ndim + k] < dsqmin)) {
          knew = k;
          dsqmin = rw[ndim + k];
        }
      }
      if (dsqmin === 0) break;
      beta = reinstatementDenominators(ws, knew);
      // The provisional point whose removal gives the largest denominator.
      denom = 0;
      let vlmxsq = 0;
      for (let k = 0; k < npt; k++) {
        if (ptsid[k] !== 0) {
          let hdiag = 0;
          for (let j = 0; j < nptm; j++) hdiag += zmat[k * nptm + j] * zmat[k * nptm + j];
          const den = beta * hdiag + vlag[k] * vlag[k];
          if (den > denom) {
            kold = k;
            denom = den;
          }
        }
        vlmxsq = Math.max(vlmxsq, vlag[k] * vlag[k]);
      }
      if (denom <= 0.01 * vlmxsq) {
        rw[ndim + knew] = -rw[ndim + knew] - winc;
        continue;
      }
      found = true;
      break;
    }
    if (!found) break;
  }

  // The provisional points that remain are evaluated and the model updated for each.
  for (let kpt = 0; kpt < npt; kpt++) {
    if (ptsid[kpt] === 0) continue;
    if (obj.exhausted) return false;
    ih = 0;
    for (let j = 0; j < n; j++) {
      rw[j] = xpt[kpt * n + j];
      xpt[kpt * n + j] = 0;
      const temp = pq[kpt] * rw[j];
      for (let i = 0; i <= j; i++, ih++) hq[ih] += temp * rw[i];
    }
    pq[kpt] = 0;
    const ip = Math.trunc(ptsid[kpt]);
    const iq = Math.trunc(np * ptsid[kpt] - ip * np);
    let xp = 0;
    let xq = 0;
    if (ip > 0) {
      xp = aux1[ip - 1];
      xpt[kpt * n + ip - 1] = xp;
    }
    if (iq > 0) {
      xq = ip === 0 ? aux2[iq - 1] : aux1[iq - 1];
      xpt[kpt * n + iq - 1] = xq;
    }
    // The model's value at the new point.
    let vquad = fbase;
    if (ip > 0) vquad += xp * (gopt[ip - 1] + 0.5 * xp * hq[packedIndex(ip - 1, ip - 1)]);
    if (iq > 0) {
      vquad += xq * (gopt[iq - 1] + 0.5 * xq * hq[packedIndex(iq - 1, iq - 1)]);
      if (ip > 0) vquad += xp * xq * hq[packedIndex(Math.min(ip, iq) - 1, Math.max(ip, iq) - 1)];
    }
    for (let k = 0; k < npt; k++) {
      let temp = 0;
      if (ip > 0) temp += xp * xpt[k * n + ip - 1];
      if (iq > 0) temp += xq * xpt[k * n + iq - 1];
      vquad += 0.5 * pq[k] * temp * temp;
    }
    const f = obj.evaluate(toOriginal(ws, xpt, kpt * n));
    fval[kpt] = f;
    if (f < fval[ws.kopt]) ws.kopt = kpt;
    const diff = f - vquad;
    // Add diff times the kpt-th Lagrange function to the model.
    for (let i = 0; i < n; i++) gopt[i] += diff * bmat[kpt * n + i];
    for (let k = 0; k < npt; k++) {
      let sum = 0;
      for (let j = 0; j < nptm; j++) sum += zmat[k * nptm + j] * zmat[kpt * nptm + j];
      const temp = diff * sum;
      if (ptsid[k] === 0) {
        pq[k] += temp;
        continue;
      }
      const kp = Math.trunc(ptsid[k]);
      const kq = Math.trunc(np * ptsid[k] - kp * np);
      if (kp === 0) {
        if (kq > 0) hq[packedIndex(kq - 1, kq - 1)] += temp * (aux2[kq - 1] * aux2[kq - 1]);
      } else {
        hq[packedIndex(kp - 1, kp - 1)] += temp * (aux1[kp - 1] * aux1[kp - 1]);
        if (kq > 0) {
          hq[packedIndex(kq - 1, kq - 1)] += temp * (aux1[kq - 1] * aux1[kq - 1]);
          hq[packedIndex(Math.min(kp, kq) - 1, Math.max(kp, kq) - 1)] += temp * aux1[kp - 1] * aux1[kq - 1];
        }
      }
    }
    ptsid[kpt] = 0;
  }
  return true;
}

/** vlag = H w and β for putting original point knew back (w from its position, with the
 *  provisional points' positions implied by ptsid); rw[0..npt+n) holds w. */
function reinstatementDenominators(ws: BobyqaWorkspace, knew: number): number {
  const { n, npt, ndim, nptm, xpt, bmat, zmat, vlag, aux1, aux2, ptsid, rw } = ws;
  const np = n + 1;
  for (let j = 0; j < n; j++) rw[npt + j] = xpt[knew * n + j];
  for (let k = 0; k < npt; k++) {
    let sum = 0;
    if (k === ws.kopt) {
      // xopt is the origin
    } else if (ptsid[k] === 0) {
      for (let j = 0; j < n; j++) sum += rw[npt + j] * xpt[k * n + j];
    } else {
      const ip = Math.trunc(ptsid[k]);
      if (ip > 0) sum = rw[npt + ip - 1] * aux1[ip - 1];
      const iq = Math.trunc(np * ptsid[k] - ip * np);
      if (iq > 0) sum += rw[npt + iq - 1] * (ip === 0 ? aux2[iq - 1] : aux1[iq - 1]);
    }
    rw[k] = 0.5 * sum * sum;
  }
  for (let k = 0; k < npt; k++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += bmat[k * n + j] * rw[npt + j];
    vlag[k] = sum;
  }
  let beta = 0;
  for (let j = 0; j < nptm; j++) {
    let sum = 0;
    for (let k = 0; k < npt; k++) sum += zmat[k * nptm + j] * rw[k];
    beta -= sum * sum;
    for (let k = 0; k < npt; k++) vlag[k] += sum * zmat[k * nptm + j];
  }
  let bsum = 0;
  let distsq = 0;
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let k = 0; k < npt; k++) sum += bmat[k * n + j] * rw[k];
    const jp = j + npt;
    bsum += sum * rw[jp];
    for (let ip = npt; ip < ndim; ip++) sum += bmat[ip * n + j] * rw[ip];
    bsum += sum * rw[jp];
    vlag[jp] = sum;
    distsq += xpt[knew * n + j] * xpt[knew * n + j];
  }
  beta = 0.5 * distsq * distsq + beta - bsum;
  vlag[ws.kopt] += 1;
  return beta;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
