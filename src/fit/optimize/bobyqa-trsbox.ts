/**
 * TRSBOX (Powell 2009, §3): approximately minimise the quadratic model within the trust region
 * ‖d‖ ≤ Δ and the bounds sl ≤ xopt + d ≤ su, by truncated conjugate gradients that fix a
 * variable when it reaches a bound (restarting CG), followed, once ‖d‖ = Δ, by "alternative
 * iterations" that rotate d on the trust-region sphere in the plane of d and the reduced
 * gradient (§3, eqs. 3.7–3.9).
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";
import { hessianTimes } from "./bobyqa-model.js";

export interface TrustRegionStep {
  /** ‖xnew − xopt‖². */
  dsq: number;
  /** Least curvature seen in unconstrained CG searches; 0 if d reached the trust-region
   *  boundary, −1 if every search was constrained. */
  crvmin: number;
}

const enum Phase {
  RestartCG,
  NextCG,
  CGStep,
  PrepareAlternative,
  Alternative,
  AlternativeStep,
  Finish,
}

/** Sets ws.xnew and ws.d (= xnew − xopt), using gnew/xbdi/s/hs/hred as scratch; gnew ends as
 *  the model gradient at xopt + d. */
export function trustRegionStep(ws: BobyqaWorkspace, delta: number, out: TrustRegionStep): void {
  const { n, xopt, gopt, sl, su, xnew, d, gnew, xbdi, s, hs, hred } = ws;

  // Fix a variable at a bound from the start if it is on it and the gradient points outward.
  let nact = 0;
  for (let i = 0; i < n; i++) {
    xbdi[i] = 0;
    if (xopt[i] <= sl[i]) {
      if (gopt[i] >= 0) xbdi[i] = -1;
    } else if (xopt[i] >= su[i]) {
      if (gopt[i] <= 0) xbdi[i] = 1;
    }
    if (xbdi[i] !== 0) nact++;
    d[i] = 0;
    gnew[i] = gopt[i];
  }
  let delsq = delta * delta;
  let qred = 0;
  let crvmin = -1;
  let iterc = 0;
  let itermax = 0;
  let itcsav = 0;
  let beta = 0;
  let stepsq = 0;
  let gredsq = 0;
  let ggsav = 0;
  let dredsq = 0;
  let dredg = 0;
  let sredg = 0;
  let angbd = 0;
  let iact = 0;
  let xsav = 0;

  let phase: Phase = Phase.RestartCG;
  for (;;) {
    switch (phase) {
      case Phase.RestartCG:
        beta = 0;
        phase = Phase.NextCG;
        break;
      case Phase.NextCG: {
        // Search direction: steepest descent on a restart, else conjugate (Fletcher–Reeves).
        stepsq = 0;
        for (let i = 0; i < n; i++) {
          if (xbdi[i] !== 0) s[i] = 0;
          else if (beta === 0) s[i] = -gnew[i];
          else s[i] = beta * s[i] - gnew[i];
          stepsq += s[i] * s[i];
        }
        if (stepsq === 0) {
          phase = Phase.Finish;
          break;
        }
        if (beta === 0) {
          gredsq = stepsq;
          itermax = iterc + n - nact;
        }
        if (gredsq * delsq <= 1e-4 * qred * qred) {
          phase = Phase.Finish;
          break;
        }
        hessianTimes(ws, s, hs);
        phase = Phase.CGStep;
        break;
      }
      case Phase.CGStep: {
        let resid = delsq;
        let ds = 0;
        let shs = 0;
        for (let i = 0; i < n; i++) {
          if (xbdi[i] === 0) {
            resid -= d[i] * d[i];
            ds += s[i] * d[i];
            shs += s[i] * hs[i];
          }
        }
        if (resid <= 0) {
          crvmin = 0;
          phase = Phase.PrepareAlternative;
          break;
        }
        // blen: step to the trust-region boundary; stplen: also limited by the CG minimum.
        const temp0 = Math.sqrt(stepsq * resid + ds * ds);
        const blen = ds < 0 ? (temp0 - ds) / stepsq : resid / (temp0 + ds);
        let stplen = blen;
        if (shs > 0) stplen = Math.min(blen, gredsq / shs);
        // Shorten to keep the simple bounds; iact is the variable that hits one.
        iact = -1;
        for (let i = 0; i < n; i++) {
          if (s[i] !== 0) {
            const xsum = xopt[i] + d[i];
            const t = s[i] > 0 ? (su[i] - xsum) / s[i] : (sl[i] - xsum) / s[i];
            if (t < stplen) {
              stplen = t;
              iact = i;
            }
          }
        }
        let sdec = 0;
        if (stplen > 0) {
          iterc++;
          const t = shs / stepsq;
          if (iact < 0 && t > 0) {
            crvmin = crvmin === -1 ? t : Math.min(crvmin, t);
          }
          ggsav = gredsq;
          gredsq = 0;
          for (let i = 0; i < n; i++) {
            gnew[i] += stplen * hs[i];
            if (xbdi[i] === 0) gredsq += gnew[i] * gnew[i];
            d[i] += stplen * s[i];
          }
          sdec = Math.max(stplen * (ggsav - 0.5 * stplen * shs), 0);
          qred += sdec;
        }
        if (iact >= 0) {
          // A new bound became active: fix it and restart CG in the remaining variables.
          nact++;
          xbdi[iact] = s[iact] < 0 ? -1 : 1;
          delsq -= d[iact] * d[iact];
          if (delsq <= 0) {
            crvmin = 0;
            phase = Phase.PrepareAlternative;
          } else {
            phase = Phase.RestartCG;
          }
          break;
        }
        if (stplen < blen) {
          if (iterc === itermax || sdec <= 0.01 * qred) {
            phase = Phase.Finish;
            break;
          }
          beta = gredsq / ggsav;
          phase = Phase.NextCG;
          break;
        }
        crvmin = 0;
        phase = Phase.PrepareAlternative;
        break;
      }
      case Phase.PrepareAlternative: {
        // d is on the trust-region boundary: prepare rotations of the reduced d (§3).
        if (nact >= n - 1) {
          phase = Phase.Finish;
          break;
        }
        dredsq = 0;
        dredg = 0;
        gredsq = 0;
        for (let i = 0; i < n; i++) {
          if (xbdi[i] === 0) {
            dredsq += d[i] * d[i];
            dredg += d[i] * gnew[i];
            gredsq += gnew[i] * gnew[i];
            s[i] = d[i];
          } else {
            s[i] = 0;
          }
        }
        itcsav = iterc;
        hessianTimes(ws, s, hs);
        for (let i = 0; i < n; i++) hred[i] = hs[i];
        phase = Phase.Alternative;
        break;
      }
      case Phase.Alternative: {
        // s: the reduced gradient's component orthogonal to the reduced d, scaled to |d|.
        iterc++;
        let temp = gredsq * dredsq - dredg * dredg;
        if (temp <= 1e-4 * qred * qred) {
          phase = Phase.Finish;
          break;
        }
        temp = Math.sqrt(temp);
        for (let i = 0; i < n; i++) {
          s[i] = xbdi[i] === 0 ? (dredg * d[i] - dredsq * gnew[i]) / temp : 0;
        }
        sredg = -temp;
        // Bound on tan(θ/2) of the rotation imposed by the simple bounds; a free variable
        // already on a bound is fixed and the preparation repeated.
        angbd = 1;
        iact = -1;
        let refix = false;
        for (let i = 0; i < n; i++) {
          if (xbdi[i] !== 0) continue;
          const tempa = xopt[i] + d[i] - sl[i];
          const tempb = su[i] - xopt[i] - d[i];
          if (tempa <= 0) {
            nact++;
            xbdi[i] = -1;
            refix = true;
            break;
          } else if (tempb <= 0) {
            nact++;
            xbdi[i] = 1;
            refix = true;
            break;
          }
          const ssq = d[i] * d[i] + s[i] * s[i];
          let t = ssq - (xopt[i] - sl[i]) * (xopt[i] - sl[i]);
          if (t > 0) {
            t = Math.sqrt(t) - s[i];
            if (angbd * t > tempa) {
              angbd = tempa / t;
              iact = i;
              xsav = -1;
            }
          }
          t = ssq - (su[i] - xopt[i]) * (su[i] - xopt[i]);
          if (t > 0) {
            t = Math.sqrt(t) + s[i];
            if (angbd * t > tempb) {
              angbd = tempb / t;
              iact = i;
              xsav = 1;
            }
          }
        }
        if (refix) {
          phase = Phase.PrepareAlternative;
          break;
        }
        hessianTimes(ws, s, hs);
        phase = Phase.AlternativeStep;
        break;
      }
      case Phase.AlternativeStep: {
        let shs = 0;
        let dhs = 0;
        let dhd = 0;
        for (let i = 0; i < n; i++) {
          if (xbdi[i] === 0) {
            shs += s[i] * hs[i];
            dhs += d[i] * hs[i];
            dhd += d[i] * hred[i];
          }
        }
        // Greatest model reduction over equally spaced tan(θ/2) in [0, angbd], refined by a
        // parabola through the best and its neighbours.
        let redmax = 0;
        let isav = -1;
        let redsav = 0;
        let rdprev = 0;
        let rdnext = 0;
        const iu = Math.trunc(17 * angbd + 3.1);
        let angt = 0;
        for (let i = 1; i <= iu; i++) {
          angt = (angbd * i) / iu;
          const sth = (2 * angt) / (1 + angt * angt);
          const t = shs + angt * (angt * dhd - dhs - dhs);
          const rednew = sth * (angt * dredg - sredg - 0.5 * sth * t);
          if (rednew > redmax) {
            redmax = rednew;
            isav = i;
            rdprev = redsav;
          } else if (i === isav + 1) {
            rdnext = rednew;
          }
          redsav = rednew;
        }
        if (isav < 0) {
          phase = Phase.Finish;
          break;
        }
        if (isav < iu) {
          const t = (rdnext - rdprev) / (2 * redmax - rdprev - rdnext);
          angt = (angbd * (isav + 0.5 * t)) / iu;
        }
        const cth = (1 - angt * angt) / (1 + angt * angt);
        const sth = (2 * angt) / (1 + angt * angt);
        const t = shs + angt * (angt * dhd - dhs - dhs);
        const sdec = sth * (angt * dredg - sredg - 0.5 * sth * t);
        if (sdec <= 0) {
          phase = Phase.Finish;
          break;
        }
        dredg = 0;
        gredsq = 0;
        for (let i = 0; i < n; i++) {
          gnew[i] = gnew[i] + (cth - 1) * hred[i] + sth * hs[i];
          if (xbdi[i] === 0) {
            d[i] = cth * d[i] + sth * s[i];
            dredg += d[i] * gnew[i];
            gredsq += gnew[i] * gnew[i];
          }
          hred[i] = cth * hred[i] + sth * hs[i];
        }
        qred += sdec;
        if (iact >= 0 && isav === iu) {
          nact++;
          xbdi[iact] = xsav;
          phase = Phase.PrepareAlternative;
          break;
        }
        phase = sdec > 0.01 * qred ? Phase.Alternative : Phase.Finish;
        break;
      }
      case Phase.Finish: {
        // xnew = xopt + d, put exactly on the bounds that became active.
        let dsq = 0;
        for (let i = 0; i < n; i++) {
          let xi = Math.max(Math.min(xopt[i] + d[i], su[i]), sl[i]);
          if (xbdi[i] === -1) xi = sl[i];
          if (xbdi[i] === 1) xi = su[i];
          xnew[i] = xi;
          d[i] = xi - xopt[i];
          dsq += d[i] * d[i];
        }
        out.dsq = dsq;
        out.crvmin = crvmin;
        return;
      }
    }
  }
}
