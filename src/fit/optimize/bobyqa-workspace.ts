/**
 * BOBYQA's state (Powell 2009, §2): the interpolation set, the quadratic model and the factored
 * inverse KKT matrix H, all allocated once per run so that iterations allocate nothing.
 *
 * Layout (0-based, row-major):
 *   xpt[k*n + j]      point k's coordinate j, relative to xbase            (npt × n)
 *   bmat[i*n + j]     the last n columns of H (Powell's BMAT), i < npt+n   (ndim × n)
 *   zmat[k*nptm + j]  Ω = Z Zᵀ, the leading npt × npt block of H        (npt × nptm)
 *   hq[j*(j+1)/2 + i] the explicit part of the model's Hessian, i ≤ j (packed upper triangle)
 *   pq[k]             the implicit part: ∇²Q = HQ + Σ_k pq[k] xpt_k xpt_kᵀ  (Powell 2009 eq. 2.4)
 * npt, the number of interpolation points, is in [n+2, 2n+1]: 2n+1 is Powell's recommendation
 * and NLopt's (lme4's lmer), n+2 is minqa's default (lme4's glmer first stage).
 */
export interface BobyqaWorkspace {
  n: number;
  npt: number;
  ndim: number;
  nptm: number;
  /** Bounds in the original coordinates. */
  xl: Float64Array;
  xu: Float64Array;
  /** Bounds relative to xbase (Powell's SL, SU). */
  sl: Float64Array;
  su: Float64Array;
  xbase: Float64Array;
  xpt: Float64Array;
  fval: Float64Array;
  xopt: Float64Array;
  gopt: Float64Array;
  hq: Float64Array;
  pq: Float64Array;
  bmat: Float64Array;
  zmat: Float64Array;
  kopt: number;
  /** Trial point and alternative (relative to xbase), step d = xnew − xopt, Lagrange values. */
  xnew: Float64Array;
  xalt: Float64Array;
  d: Float64Array;
  vlag: Float64Array;
  /** General scratch of length 2·ndim (Powell's W). */
  w: Float64Array;
  /** TRSBOX scratch. */
  gnew: Float64Array;
  xbdi: Float64Array;
  s: Float64Array;
  hs: Float64Array;
  hred: Float64Array;
  /** ALTMOV scratch. */
  glag: Float64Array;
  hcol: Float64Array;
  wcauchy: Float64Array;
  /** RESCUE scratch: the two provisional steps per axis (Powell's PTSAUX), the provisional
   *  point identifiers (PTSID), and its W (ndim + npt). */
  aux1: Float64Array;
  aux2: Float64Array;
  ptsid: Float64Array;
  rw: Float64Array;
  /** The point handed to f, in original coordinates. */
  x: Float64Array;
}

export function allocateWorkspace(xl: Float64Array, xu: Float64Array, npt: number): BobyqaWorkspace {
  const n = xl.length;
  const ndim = npt + n;
  const nptm = npt - n - 1;
  const v = (len: number) => new Float64Array(len);
  return {
    n, npt, ndim, nptm,
    xl, xu, sl: v(n), su: v(n),
    xbase: v(n), xpt: v(npt * n), fval: v(npt), xopt: v(n), gopt: v(n),
    hq: v((n * (n + 1)) / 2), pq: v(npt), bmat: v(ndim * n), zmat: v(npt * nptm), kopt: 0,
    xnew: v(n), xalt: v(n), d: v(n), vlag: v(ndim), w: v(2 * ndim),
    gnew: v(n), xbdi: v(n), s: v(n), hs: v(n), hred: v(n),
    glag: v(n), hcol: v(npt), wcauchy: v(2 * n),
    aux1: v(n), aux2: v(n), ptsid: v(npt), rw: v(ndim + npt),
    x: v(n),
  };
}

/** Index of H_ij (i ≤ j) in the packed upper triangle hq. */
export function packedIndex(i: number, j: number): number {
  return (j * (j + 1)) / 2 + i;
}

/** Put xbase + p (p relative to xbase) into ws.x, clamped to the bounds and exactly on a bound
 *  when p is (Powell 2009 §2: "XNEW satisfies the bounds as equations"). */
export function toOriginal(ws: BobyqaWorkspace, p: Float64Array, pOffset: number): Float64Array {
  const { n, x, xbase, xl, xu, sl, su } = ws;
  for (let j = 0; j < n; j++) {
    const pj = p[pOffset + j];
    let xj = Math.min(Math.max(xl[j], xbase[j] + pj), xu[j]);
    if (pj === sl[j]) xj = xl[j];
    if (pj === su[j]) xj = xu[j];
    x[j] = xj;
  }
  return x;
}
