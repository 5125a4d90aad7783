/**
 * ALTMOV (Powell 2009, §3, "alternative" or geometry step): when an interpolation point y_knew is
 * far from xopt, choose its replacement within distance Δ_alt of xopt so that the knew-th
 * Lagrange function ℓ is large there, which keeps the denominator σ = α β + τ² of the H update
 * (NEWUOA 2006 eq. 4.12) away from zero. Two candidates: xnew on a line through xopt and another
 * point, and xalt, a bound-constrained Cauchy step of ±ℓ.
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";

export interface AlternativeStep {
  /** H_knew,knew (Powell's ALPHA). */
  alpha: number;
  /** ℓ(xalt)², or 0 if xalt was not computed. */
  cauchy: number;
}

/** Sets ws.xnew and ws.xalt (relative to xbase). */
export function alternativeStep(
  ws: BobyqaWorkspace,
  knew: number,
  adelt: number,
  out: AlternativeStep,
): void {
  const { n, npt, nptm, xpt, xopt, bmat, zmat, sl, su, xnew, xalt, glag, hcol, wcauchy: w } = ws;
  const kopt = ws.kopt;
  const const1 = 1 + Math.SQRT2;

  // hcol: the knew-th column of Ω = Z Zᵀ, so ℓ's Hessian is Σ_k hcol_k y_k y_kᵀ.
  hcol.fill(0);
  for (let j = 0; j < nptm; j++) {
    const t = zmat[knew * nptm + j];
    for (let k = 0; k < npt; k++) hcol[k] += t * zmat[k * nptm + j];
  }
  const alpha = hcol[knew];
  const ha = 0.5 * alpha;

  // glag: ∇ℓ at xopt.
  for (let i = 0; i < n; i++) glag[i] = bmat[knew * n + i];
  for (let k = 0; k < npt; k++) {
    let t = 0;
    for (let j = 0; j < n; j++) t += xpt[k * n + j] * xopt[j];
    t *= hcol[k];
    for (let i = 0; i < n; i++) glag[i] += t * xpt[k * n + i];
  }

  // Lines through xopt and each other point: the step maximising the predicted |σ| (§3).
  let presav = 0;
  let ksav = -1;
  let stpsav = 0;
  let ibdsav = 0; // +(i+1): on su_i, −(i+1): on sl_i, 0: interior
  for (let k = 0; k < npt; k++) {
    if (k === kopt) continue;
    let dderiv = 0;
    let distsq = 0;
    for (let i = 0; i < n; i++) {
      const t = xpt[k * n + i] - xopt[i];
      dderiv += glag[i] * t;
      distsq += t * t;
    }
    let subd = adelt / Math.sqrt(distsq);
    let slbd = -subd;
    let ilbd = 0;
    let iubd = 0;
    const sumin = Math.min(1, subd);
    for (let i = 0; i < n; i++) {
      const t = xpt[k * n + i] - xopt[i];
      if (t > 0) {
        if (slbd * t < sl[i] - xopt[i]) {
          slbd = (sl[i] - xopt[i]) / t;
          ilbd = -(i + 1);
        }
        if (subd * t > su[i] - xopt[i]) {
          subd = Math.max(sumin, (su[i] - xopt[i]) / t);
          iubd = i + 1;
        }
      } else if (t < 0) {
        if (slbd * t > su[i] - xopt[i]) {
          slbd = (su[i] - xopt[i]) / t;
          ilbd = i + 1;
        }
        if (subd * t < sl[i] - xopt[i]) {
          subd = Math.max(sumin, (sl[i] - xopt[i]) / t);
          iubd = -(i + 1);
        }
      }
    }
    let step: number;
    let vlag: number;
    let isbd: number;
    if (k === knew) {
      // On the line through y_knew, ℓ is the quadratic t(dderiv − t(dderiv − 1)).
      const diff = dderiv - 1;
      step = slbd;
      vlag = slbd * (dderiv - slbd * diff);
      isbd = ilbd;
      const t = subd * (dderiv - subd * diff);
      if (Math.abs(t) > Math.abs(vlag)) {
        step = subd;
        vlag = t;
        isbd = iubd;
      }
      const tempd = 0.5 * dderiv;
      const tempa = tempd - diff * slbd;
      const tempb = tempd - diff * subd;
      if (tempa * tempb < 0) {
        const t2 = (tempd * tempd) / diff;
        if (Math.abs(t2) > Math.abs(vlag)) {
          step = tempd / diff;
          vlag = t2;
          isbd = 0;
        }
      }
    } else {
      // On other lines ℓ is dderiv · t(1 − t).
      step = slbd;
      vlag = slbd * (1 - slbd);
      isbd = ilbd;
      const t = subd * (1 - subd);
      if (Math.abs(t) > Math.abs(vlag)) {
        step = subd;
        vlag = t;
        isbd = iubd;
      }
      if (subd > 0.5 && Math.abs(vlag) < 0.25) {
        step = 0.5;
        vlag = 0.25;
        isbd = 0;
      }
      vlag *= dderiv;
    }
    const t = step * (1 - step) * distsq;
    const predsq = vlag * vlag * (vlag * vlag + ha * t * t);
    if (predsq > presav) {
      presav = predsq;
      ksav = k;
      stpsav = step;
      ibdsav = isbd;
    }
  }

  if (ksav < 0) {
    // No line gave a positive prediction (degenerate geometry): step towards y_knew.
    ksav = knew;
    stpsav = Math.min(1, adelt / Math.max(Math.sqrt(sqDist(ws, knew)), Number.MIN_VALUE));
    ibdsav = 0;
  }
  for (let i = 0; i < n; i++) {
    const t = xopt[i] + stpsav * (xpt[ksav * n + i] - xopt[i]);
    xnew[i] = Math.max(sl[i], Math.min(su[i], t));
  }
  if (ibdsav < 0) xnew[-ibdsav - 1] = sl[-ibdsav - 1];
  if (ibdsav > 0) xnew[ibdsav - 1] = su[ibdsav - 1];

  // Constrained Cauchy steps of −ℓ then +ℓ (iflag 0, 1); keep the larger |ℓ|.
  const bigstp = 2 * adelt;
  let csave = 0;
  let cauchy = 0;
  for (let iflag = 0; iflag < 2; iflag++) {
    let wfixsq = 0;
    let ggfree = 0;
    for (let i = 0; i < n; i++) {
      w[i] = 0;
      const tempa = Math.min(xopt[i] - sl[i], glag[i]);
      const tempb = Math.max(xopt[i] - su[i], glag[i]);
      if (tempa > 0 || tempb < 0) {
        w[i] = bigstp;
        ggfree += glag[i] * glag[i];
      }
    }
    if (ggfree === 0) {
      out.alpha = alpha;
      out.cauchy = 0;
      return;
    }
    let step = 0;
    // Fix components that the steepest-descent step would push past a bound, repeatedly.
    for (;;) {
      const t = adelt * adelt - wfixsq;
      if (!(t > 0)) break;
      const wsqsav = wfixsq;
      step = Math.sqrt(t / ggfree);
      ggfree = 0;
      for (let i = 0; i < n; i++) {
        if (w[i] === bigstp) {
          const ti = xopt[i] - step * glag[i];
          if (ti <= sl[i]) {
            w[i] = sl[i] - xopt[i];
            wfixsq += w[i] * w[i];
          } else if (ti >= su[i]) {
            w[i] = su[i] - xopt[i];
            wfixsq += w[i] * w[i];
          } else {
            ggfree += glag[i] * glag[i];
          }
        }
      }
      if (!(wfixsq > wsqsav && ggfree > 0)) break;
    }
    let gw = 0;
    for (let i = 0; i < n; i++) {
      if (w[i] === bigstp) {
        w[i] = -step * glag[i];
        xalt[i] = Math.max(sl[i], Math.min(su[i], xopt[i] + w[i]));
      } else if (w[i] === 0) {
        xalt[i] = xopt[i];
      } else if (glag[i] > 0) {
        xalt[i] = sl[i];
      } else {
        xalt[i] = su[i];
      }
      gw += glag[i] * w[i];
    }
    // Curvature of ℓ along w; shorten the step if that makes |ℓ(xopt + w)| larger.
    let curv = 0;
    for (let k = 0; k < npt; k++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += xpt[k * n + j] * w[j];
      curv += hcol[k] * t * t;
    }
    if (iflag === 1) curv = -curv;
    if (curv > -gw && curv < -const1 * gw) {
      const scale = -gw / curv;
      for (let i = 0; i < n; i++) {
        xalt[i] = Math.max(sl[i], Math.min(su[i], xopt[i] + scale * w[i]));
      }
      const h = 0.5 * gw * scale;
      cauchy = h * h;
    } else {
      const h = gw + 0.5 * curv;
      cauchy = h * h;
    }
    if (iflag === 0) {
      for (let i = 0; i < n; i++) {
        glag[i] = -glag[i];
        w[n + i] = xalt[i];
      }
      csave = cauchy;
    }
  }
  if (csave > cauchy) {
    for (let i = 0; i < n; i++) xalt[i] = w[n + i];
    cauchy = csave;
  }
  out.alpha = alpha;
  out.cauchy = cauchy;
}

function sqDist(ws: BobyqaWorkspace, k: number): number {
  let s = 0;
  for (let i = 0; i < ws.n; i++) {
    const t = ws.xpt[k * ws.n + i] - ws.xopt[i];
    s += t * t;
  }
  return s;
}
