/**
 * Updating the factored inverse KKT matrix H when interpolation point knew moves to xnew: the
 * least-Frobenius-norm update of Powell's NEWUOA (2006, §4, eqs. 4.9–4.14), as used by BOBYQA
 * (Powell 2009, §4). Ω = Z Zᵀ is kept factored; Givens rotations first zero row knew of Z
 * beyond its first column.
 *
 * On entry vlag holds H w (NEWUOA eq. 4.11) with vlag[kopt] already incremented by 1, beta is
 * β and denom is σ = α β + τ² (eq. 4.12). ws.w[0..ndim) is scratch.
 */
import type { BobyqaWorkspace } from "./bobyqa-workspace.js";

export function updateH(ws: BobyqaWorkspace, knew: number, beta: number, denom: number): void {
  const { n, npt, nptm, bmat, zmat, vlag, w } = ws;

  // Elements of Z below 1e-20 · max|Z| are treated as zero.
  let ztest = 0;
  for (let k = 0; k < npt * nptm; k++) ztest = Math.max(ztest, Math.abs(zmat[k]));
  ztest *= 1e-20;

  // Rotations putting zeros in row knew of Z, columns 1.. (into column 0).
  for (let j = 1; j < nptm; j++) {
    const zkj = zmat[knew * nptm + j];
    if (Math.abs(zkj) > ztest) {
      const zk0 = zmat[knew * nptm];
      const r = Math.sqrt(zk0 * zk0 + zkj * zkj);
      const ca = zk0 / r;
      const cb = zkj / r;
      for (let i = 0; i < npt; i++) {
        const a = zmat[i * nptm];
        const b = zmat[i * nptm + j];
        zmat[i * nptm + j] = ca * b - cb * a;
        zmat[i * nptm] = ca * a + cb * b;
      }
    }
    zmat[knew * nptm + j] = 0;
  }

  // w: the first npt entries of H's knew-th column; alpha = H_knew,knew, tau = ℓ_knew(xnew).
  const zk0 = zmat[knew * nptm];
  for (let i = 0; i < npt; i++) w[i] = zk0 * zmat[i * nptm];
  const alpha = w[knew];
  const tau = vlag[knew];
  vlag[knew] -= 1;

  // Z's first column (eq. 4.14's rank-two update of Ω written in factored form).
  const sq = Math.sqrt(denom);
  const tb = zk0 / sq;
  const ta = tau / sq;
  for (let i = 0; i < npt; i++) zmat[i * nptm] = ta * zmat[i * nptm] - tb * vlag[i];

  // BMAT (its last n rows are symmetric and kept so).
  for (let j = 0; j < n; j++) {
    const jp = npt + j;
    w[jp] = bmat[knew * n + j];
    const ca = (alpha * vlag[jp] - tau * w[jp]) / denom;
    const cb = (-beta * w[jp] - tau * vlag[jp]) / denom;
    for (let i = 0; i <= jp; i++) {
      bmat[i * n + j] = bmat[i * n + j] + ca * vlag[i] + cb * w[i];
      if (i >= npt) bmat[jp * n + (i - npt)] = bmat[i * n + j];
    }
  }
}
