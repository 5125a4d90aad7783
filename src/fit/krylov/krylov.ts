/**
 * Krylov methods on a symmetric positive definite operator given only as a batched product
 * (several vectors per pass, so that a memory-bound sparse operator is read once for all):
 *
 * - conjugate gradients (Hestenes & Stiefel 1952; Saad 2003 Alg. 6.18) for solves, one job per
 *   right-hand side, stopped at ‖r‖ ≤ tol·‖b‖;
 * - Lanczos quadrature for uᵀf(M)u (Golub & Meurant 2010 ch. 7): m Lanczos steps from u/‖u‖ give
 *   the tridiagonal T_m = Q diag(θ) Qᵀ, and uᵀf(M)u ≈ ‖u‖² Σᵢ Q₁ᵢ² f(θᵢ) (Gauss quadrature). With
 *   Rademacher u this is stochastic Lanczos quadrature for tr f(M) (Ubaru, Chen & Saad 2017,
 *   SIAM J. Matrix Anal. Appl. 38(4), Alg. 1). As in their algorithm there is no
 *   reorthogonalisation: the quadrature is insensitive to the loss of orthogonality (Golub &
 *   Meurant 2010 §4.3), and m is small here.
 *
 * Every job advances in lock-step over one block product per step; finished jobs leave the block.
 */
import { mulberry32 } from "../../random.js";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/** y ← M x for `b` vectors interleaved (x[i·b + v] is entry i of vector v). */
export type BlockOperator = (x: Float64Array, y: Float64Array, b: number) => void;

interface Job {
  /** The vector the next product is of (length dim). */
  readonly current: Float64Array;
  /** Takes M·current; returns true when the job is finished. */
  step(mv: Float64Array): boolean;
}

/** CG on M x = rhs from x = 0. */
export class CgJob implements Job {
  readonly x: Float64Array;
  readonly current: Float64Array;
  private readonly r: Float64Array;
  private rr: number;
  private readonly stop: number;
  iterations = 0;
  constructor(rhs: Float64Array, tol: number, private readonly maxIter: number) {
    this.x = new Float64Array(rhs.length);
    this.r = Float64Array.from(rhs);
    this.current = Float64Array.from(rhs);
    this.rr = dot(rhs, rhs);
    this.stop = tol * tol * this.rr;
  }
  get done(): boolean {
    return this.rr <= this.stop || this.iterations >= this.maxIter;
  }
  /** current = p; mv = M p. */
  step(mv: Float64Array): boolean {
    const p = this.current;
    const a = this.rr / dot(p, mv);
    const { x, r } = this;
    for (let i = 0; i < x.length; i++) {
      x[i] += a * p[i];
      r[i] -= a * mv[i];
    }
    const rr = dot(r, r);
    const beta = rr / this.rr;
    this.rr = rr;
    for (let i = 0; i < p.length; i++) p[i] = r[i] + beta * p[i];
    this.iterations++;
    return this.done;
  }
}

/** Lanczos from u: the quadrature ‖u‖² Σ Q₁ᵢ² f(θᵢ), stopped when it changes by less than `tol`
 *  (absolute) between steps, at an invariant subspace, or after maxSteps. */
export class LanczosJob implements Job {
  readonly current: Float64Array;
  private prev: Float64Array;
  private readonly alphas: number[] = [];
  private readonly betas: number[] = [];
  private readonly norm2: number;
  private last = NaN;
  value = NaN;
  constructor(u: Float64Array, private readonly f: (t: number) => number, private readonly tol: number, private readonly maxSteps: number) {
    this.norm2 = dot(u, u);
    const s = 1 / Math.sqrt(this.norm2);
    this.current = u.map((v) => v * s);
    this.prev = new Float64Array(u.length);
  }
  get steps(): number {
    return this.alphas.length;
  }
  step(mv: Float64Array): boolean {
    const q = this.current;
    const a = dot(q, mv);
    const bPrev = this.betas.length ? this.betas[this.betas.length - 1] : 0;
    for (let i = 0; i < q.length; i++) mv[i] -= a * q[i] + bPrev * this.prev[i];
    const b = Math.sqrt(dot(mv, mv));
    this.alphas.push(a);
    this.value = this.quadrature();
    const converged = Math.abs(this.value - this.last) <= this.tol;
    this.last = this.value;
    if (converged || this.steps >= this.maxSteps || !(b > 1e-12 * Math.abs(a))) return true;
    this.betas.push(b);
    this.prev.set(q);
    for (let i = 0; i < q.length; i++) q[i] = mv[i] / b;
    return false;
  }
  private quadrature(): number {
    const m = this.alphas.length;
    if (m === 1) return this.norm2 * this.f(this.alphas[0]);
    const t = Matrix.zeros(m, m);
    for (let i = 0; i < m; i++) {
      t.set(i, i, this.alphas[i]);
      if (i + 1 < m) {
        t.set(i, i + 1, this.betas[i]);
        t.set(i + 1, i, this.betas[i]);
      }
    }
    const e = new EigenvalueDecomposition(t, { assumeSymmetric: true });
    const theta = e.realEigenvalues;
    const v = e.eigenvectorMatrix;
    let s = 0;
    for (let i = 0; i < m; i++) s += v.get(0, i) ** 2 * this.f(theta[i]);
    return this.norm2 * s;
  }
}

/** Runs all jobs to completion over block products of `op` (dimension `dim`). */
export function runJobs(op: BlockOperator, dim: number, jobs: Job[], isDone: (j: Job) => boolean = () => false): void {
  let active = jobs.filter((j) => !isDone(j));
  let x = new Float64Array(0);
  let y = new Float64Array(0);
  while (active.length) {
    const b = active.length;
    if (x.length !== dim * b) {
      x = new Float64Array(dim * b);
      y = new Float64Array(dim * b);
    }
    for (let v = 0; v < b; v++) {
      const c = active[v].current;
      for (let i = 0; i < dim; i++) x[i * b + v] = c[i];
    }
    op(x, y, b);
    const mv = new Float64Array(dim);
    const next: Job[] = [];
    for (let v = 0; v < b; v++) {
      for (let i = 0; i < dim; i++) mv[i] = y[i * b + v];
      if (!active[v].step(mv)) next.push(active[v]);
    }
    active = next;
  }
}

/** Solves M X = B for the columns of B (each dim long) by CG; returns the solutions and the
 *  largest iteration count. */
export function blockCg(op: BlockOperator, dim: number, rhs: Float64Array[], tol: number, maxIter: number): { x: Float64Array[]; iterations: number } {
  const jobs = rhs.map((r) => new CgJob(r, tol, maxIter));
  runJobs(op, dim, jobs, (j) => (j as CgJob).done);
  return { x: jobs.map((j) => j.x), iterations: Math.max(0, ...jobs.map((j) => j.iterations)) };
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Rademacher probe vectors (entries ±1) from a seeded generator (mulberry32), so that the
 *  stochastic estimates are a fixed, smooth function of θ. */
export function rademacherProbes(count: number, dim: number, seed: number): Float64Array[] {
  const next = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const z = new Float64Array(dim);
    for (let i = 0; i < dim; i += 32) {
      const bits = next();
      for (let k = 0; k < 32 && i + k < dim; k++) z[i + k] = (bits >>> k) & 1 ? 1 : -1;
    }
    return z;
  });
}
