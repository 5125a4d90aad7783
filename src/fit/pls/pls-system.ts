/**
 * PlsSystem: the penalized least-squares system of a mixed model, shared by the LMM fit and the
 * GLMM's PIRLS (lme4's merPredD; MixedModels.jl's LinearMixedModel A/L blocks).
 *
 * For row weights W (prior × working), a response z and covariance parameters θ it solves
 *
 *     min over (u, β)   ‖W^½ (z − Xβ − ZΛ(θ)u)‖² + ‖u‖²            (JSS 2015 eq. 14)
 *
 * through the blocked Cholesky factor of [ΛᵀZᵀWZΛ + I, ΛᵀZᵀWX, ΛᵀZᵀWz; …; zᵀWz] (update-l.ts).
 *
 * Spherical vs. original scale: `u` is the spherical random effect (u ~ N(0, σ²I)); `b = Λu` is on
 * the scale of the model (what ranef() reports). Both are laid out term by term in
 * `matrices.reTerms` order, level-major within a term (level l, column j at offset + l·p_k + j).
 *
 * Typical use:
 *   const sys = new PlsSystem(m);                  // weights = m.weights, response = m.y − m.offset
 *   sys.setTheta(θ).updateL();
 *   const dev = sys.logDetL2() + …;                 // see src/fit/lmm/profiled-deviance.ts
 *   sys.solve();  sys.beta; sys.u; sys.b();
 * GLMM/PIRLS: sys.setWeightsAndResponse(w, z) each iteration (one O(n) pass), then
 *   sys.setTheta(θ).updateL(); sys.solveU(beta) (β fixed) or sys.solve() (joint).
 *   With β fixed, setWeightsAndResponseForU(w, z) instead skips the [X, y]ᵀW[X, y] block and the
 *   [X, y] columns of L, which neither u nor log|L_θ|² reads; anything that does read them
 *   (solve, logDetRX2, pwrss, unscaledVcov) first completes them, with the same bits as a full pass.
 *
 * setTheta, updateL, logDetL2, logDetRX2, pwrss, solve and solveU allocate nothing.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { conditionalVarianceBlocks } from "./cond-var.js";
import { parallelRows } from "./cross-products-threads.js";
import {
  accumulateCrossProducts, allocateCrossProducts, allocateRowScratch, fixedBlock, type CrossProducts, type RowScratch,
} from "./cross-products.js";
import { allocateGradientWorkspace, criterionCoefficients, lambdaGradient, thetaGradient, type GradientWorkspace } from "./gradient.js";
import { bFromU, makeLambdaStore, setLambda, splitByTerm, type LambdaStore } from "./lambda.js";
import { solveBeta, solveU } from "./solve.js";
import { denseInverseM, solveM } from "./solve-m.js";
import { analyzeStructure, type BlockStructure, type LevelPattern } from "./structure.js";
import { trailingPattern } from "./trailing-pattern.js";
import { allocateFactor, updateL, type Factor } from "./update-l.js";
import { FactorThreads, wantFactorThreads } from "./update-l-threads.js";
import { sharedFloat64 } from "./worker.js";
import { FitError } from "../../errors.js";
import { shiftResponse } from "./response-shift.js";
import { inverseOfLowerProduct } from "../../linalg/inverse-product.js";

/** A copy of a PlsSystem's row inputs and what they were reduced to (saveInputs/restoreInputs). */
export interface PlsInputs {
  w: Float64Array;
  z: Float64Array;
  cross: CrossProducts;
  fixedBlockMissing: boolean;
}

/**
 * The cross-products computed elsewhere (a SQL engine's GROUP BY queries, src/sql/blocks.ts): the
 * level pattern they were gathered on, and a function that fills them into the layout analyzeStructure
 * makes of that pattern. Given these, the system never reads the rows: `matrices` then carries the
 * terms, levels and θ layout only (n is the number of rows; its row arrays are empty).
 */
export interface PrecomputedBlocks {
  pattern: LevelPattern;
  fill(structure: BlockStructure, out: CrossProducts): void;
  /** Σ log wᵢ over the prior weights (0 without weights). */
  sumLogWeights: number;
}

/** The model has no random-effects terms (lmer requires at least one). */
export class NoRandomEffectsError extends FitError {
  constructor() {
    super("No random-effects terms in the formula: a mixed model needs at least one (… | group) term.");
    this.name = "NoRandomEffectsError";
  }
}

/** The dense trailing block would not fit in memory (two m × m double matrices). */
export class TrailingBlockTooLargeError extends FitError {
  constructor(m: number) {
    super(
      `The random-effects terms after the first (the one with most levels) need a dense block of order ${m}, ` +
        `more than the ${MAX_TRAILING_ORDER} the exact path supports: reduce the levels of the other grouping factors ` +
        `(two crossed scalar terms, (1 | g1) + (1 | g2), take the Krylov path instead, with the rows in memory: README "Huge crossed factors").`,
    );
    this.name = "TrailingBlockTooLargeError";
  }
}

/** Largest trailing block: two m × m Float64Arrays (cross-products and factor), 1.6 GB at 10 000. */
export const MAX_TRAILING_ORDER = 10_000;

export class PlsSystem {
  readonly matrices: ModelMatrices;
  readonly structure: BlockStructure;
  /** Number of rows, fixed-effects columns, random effects and θ entries. */
  readonly n: number;
  readonly p: number;
  readonly q: number;
  readonly nTheta: number;
  /** Spherical random effects from the last solve()/solveU() (length q; spherical scale). */
  readonly u: Float64Array;
  /** Fixed effects from the last solve() (length p). */
  readonly beta: Float64Array;
  /** θ last given to setTheta. */
  readonly theta: Float64Array;

  private readonly lambda: LambdaStore;
  private readonly cross: CrossProducts;
  private readonly factor: Factor;
  private readonly scratch: RowScratch;
  private readonly w: Float64Array;
  private readonly z: Float64Array;
  /** Buffers of criterionGradient, allocated on its first call. */
  private gradientWorkspace: GradientWorkspace | null = null;
  /** Σ log wᵢ, computed when first asked after the weights change (PIRLS never asks). */
  private sumLogW: number | null = null;
  /** The cross-products lack their [X, y]ᵀW[X, y] block (setWeightsAndResponseForU). */
  private fixedBlockMissing = false;
  /** The factor lacks its [X, y] columns (updateL after setWeightsAndResponseForU). */
  private factorRandomOnly = false;
  /** Built from precomputed blocks: no rows to pass over. */
  readonly rowsAbsent: boolean = false;

  /** β₀ subtracted from the initial response (response-shift.ts); solve() adds it back to β.
   *  Zero once a caller installs its own response (setResponse, PIRLS). */
  private readonly beta0: Float64Array;
  private readonly betaShifted: Float64Array;

  /** `shiftResponse` (default true): fit the initial response z = y − offset as z − Xβ₀ to keep
   *  r²(θ) free of cancellation (response-shift.ts). PIRLS, which replaces the response before
   *  every solve, passes false. */
  constructor(m: ModelMatrices, options: { shiftResponse?: boolean; blocks?: PrecomputedBlocks } = {}) {
    const blocks = options.blocks;
    if (m.reTerms.length === 0) throw new NoRandomEffectsError();
    this.matrices = m;
    this.lambda = makeLambdaStore(m.reTerms);
    let order = m.p + 1;
    for (let k = 1; k < m.reTerms.length; k++) order += m.reTerms[k].levels.length * m.reTerms[k].columnNames.length;
    if (order > MAX_TRAILING_ORDER) throw new TrailingBlockTooLargeError(order);
    this.structure = analyzeStructure(m, this.lambda.offsets, this.lambda.one, blocks?.pattern);
    this.n = m.n;
    this.p = m.p;
    this.q = this.structure.q;
    this.nTheta = m.theta0.length;
    this.cross = allocateCrossProducts(this.structure);
    // a large trailing block is factored on two threads (update-l-threads.ts): the arrays both
    // threads read or write then live in shared memory
    const threads = wantFactorThreads(this.structure);
    if (threads) this.cross.a22 = sharedFloat64(this.cross.a22.length);
    this.factor = allocateFactor(this.structure, threads ? sharedFloat64 : undefined);
    this.factor.trailing = trailingPattern(m, this.structure, blocks?.pattern.laterEdges);
    if (threads) this.factor.threads = new FactorThreads(this.structure, this.cross.a22, this.factor, this.lambda);
    this.scratch = allocateRowScratch(m);
    this.scratch.parallel = parallelRows(m, this.structure);
    this.u = new Float64Array(this.q);
    this.beta = new Float64Array(this.p);
    this.theta = Float64Array.from(m.theta0);
    if (blocks) {
      // rows stay where they are: weights and response are never set on this system; the
      // cross-products come unshifted (β₀ = 0: the engine's y'Wy keeps its own digits)
      this.rowsAbsent = true;
      this.w = new Float64Array(0);
      this.z = new Float64Array(0);
      this.beta0 = new Float64Array(m.p);
      this.betaShifted = new Float64Array(m.p);
      blocks.fill(this.structure, this.cross);
      this.sumLogW = blocks.sumLogWeights;
    } else {
      this.w = Float64Array.from(m.weights);
      this.z = new Float64Array(m.n);
      for (let i = 0; i < m.n; i++) this.z[i] = m.y[i] - m.offset[i];
      this.beta0 = options.shiftResponse === false ? new Float64Array(m.p) : shiftResponse(m, this.w, this.z);
      this.betaShifted = new Float64Array(m.p);
      this.accumulate();
    }
    setLambda(this.lambda, m.reTerms, this.theta);
  }

  /** Row weights (prior × working); recomputes every cross-product in one O(n) pass. */
  setWeights(w: ArrayLike<number>): this {
    this.w.set(w);
    this.accumulate();
    return this;
  }

  /** The (working) response the least squares is on, offset already removed. One O(n) pass. */
  setResponse(z: ArrayLike<number>): this {
    this.beta0.fill(0);
    this.z.set(z);
    this.accumulate();
    return this;
  }

  /** Both at once (one pass): what a PIRLS iteration needs. */
  setWeightsAndResponse(w: ArrayLike<number>, z: ArrayLike<number>): this {
    this.beta0.fill(0);
    this.w.set(w);
    this.z.set(z);
    this.accumulate();
    return this;
  }

  /** As setWeightsAndResponse, for a solve of u with β fixed (solveU, logDetL2): the next
   *  updateL() forms only what those read. */
  setWeightsAndResponseForU(w: ArrayLike<number>, z: ArrayLike<number>): this {
    this.beta0.fill(0);
    this.w.set(w);
    this.z.set(z);
    this.accumulate(false);
    return this;
  }

  /** Copies the current weights, response and cross-products into `into` (allocated when
   *  omitted), so that restoreInputs can stand for the same setWeights…() call without the O(n)
   *  pass — PIRLS starts every evaluation from the same η, hence the same first weights. */
  saveInputs(into?: PlsInputs): PlsInputs {
    const c = this.cross;
    const out = into ?? {
      w: new Float64Array(this.n), z: new Float64Array(this.n), fixedBlockMissing: false,
      cross: { a11: new Float64Array(c.a11.length), a21: new Float64Array(c.a21.length), a22: new Float64Array(c.a22.length) },
    };
    out.w.set(this.w);
    out.z.set(this.z);
    out.cross.a11.set(c.a11);
    out.cross.a21.set(c.a21);
    out.cross.a22.set(c.a22);
    out.fixedBlockMissing = this.fixedBlockMissing;
    return out;
  }

  /** Puts back what saveInputs copied (as the setWeights…() call it stands for; no O(n) pass). */
  restoreInputs(saved: PlsInputs): this {
    const c = this.cross;
    this.w.set(saved.w);
    this.z.set(saved.z);
    c.a11.set(saved.cross.a11);
    c.a21.set(saved.cross.a21);
    c.a22.set(saved.cross.a22);
    this.fixedBlockMissing = saved.fixedBlockMissing;
    this.sumLogW = null;
    return this;
  }

  /** Size of the cross-products (doubles): what saveInputs copies besides 2n. */
  get crossProductsLength(): number {
    return this.cross.a11.length + this.cross.a21.length + this.cross.a22.length;
  }

  /** Σ log wᵢ over the current weights (lme4's ldW, subtracted in the LMM objective). */
  sumLogWeights(): number {
    if (this.sumLogW === null) {
      let s = 0;
      for (let i = 0; i < this.n; i++) if (this.w[i] > 0) s += Math.log(this.w[i]);
      this.sumLogW = s;
    }
    return this.sumLogW;
  }

  /** Install θ into Λ(θ). Call updateL() afterwards. */
  setTheta(theta: ArrayLike<number>): this {
    for (let i = 0; i < this.nTheta; i++) this.theta[i] = theta[i];
    setLambda(this.lambda, this.matrices.reTerms, this.theta);
    return this;
  }

  /** Refactor L(θ) from the stored cross-products (never touches the n rows). */
  updateL(): this {
    updateL(this.structure, this.cross, this.lambda, this.factor, this.fixedBlockMissing);
    this.factorRandomOnly = this.fixedBlockMissing;
    return this;
  }

  /** After a u-only updateL, the [X, y] block of the cross-products and the full factor, for the
   *  weights, response and θ of that updateL — bit for bit what a full pass would have given. */
  private completeFactor(): void {
    if (!this.factorRandomOnly) return;
    if (this.fixedBlockMissing) {
      fixedBlock(this.matrices, this.structure, this.w, this.z, this.cross.a22);
      this.fixedBlockMissing = false;
    }
    this.updateL();
  }

  /** log |L_θ|² (JSS 2015 eq. 18: the random-effects block of L). */
  logDetL2(): number {
    const { l1, p1, qRest, m } = this.structure;
    const { l11, l22 } = this.factor;
    let s = 0;
    const p1sq = p1 * p1;
    for (let j = 0; j < l1; j++) for (let c = 0; c < p1; c++) s += Math.log(l11[j * p1sq + c + c * p1]);
    for (let r = 0; r < qRest; r++) s += Math.log(l22[r + r * m]);
    return 2 * s;
  }

  /** log |R_X|² (JSS 2015 eq. 18; REML criterion eq. 41). */
  logDetRX2(): number {
    this.completeFactor();
    const { qRest, m, p } = this.structure;
    const l22 = this.factor.l22;
    let s = 0;
    for (let c = qRest; c < qRest + p; c++) s += Math.log(l22[c + c * m]);
    return 2 * s;
  }

  /** Penalized weighted residual sum of squares r²(θ) at the joint optimum (u, β̂): the square of
   *  L's last pivot (JSS 2015 eq. 19). Needs only updateL(). */
  pwrss(): number {
    this.completeFactor();
    const { m } = this.structure;
    const r = this.factor.l22[m * m - 1];
    return r * r;
  }

  /** Joint solve: fills `beta` and `u`; returns r²(θ). */
  solve(): number {
    this.completeFactor();
    solveBeta(this.structure, this.factor, this.beta);
    solveU(this.structure, this.factor, this.beta, this.u);
    for (let j = 0; j < this.p; j++) this.beta[j] += this.beta0[j];
    return this.pwrss();
  }

  /** u for a given β (β fixed, as in lme4's PIRLS on u with Xβ in the offset): fills and returns
   *  `this.u` (spherical). Uses the current factor: call updateL() after changing θ or weights. */
  solveU(beta: ArrayLike<number>): Float64Array {
    for (let j = 0; j < this.p; j++) this.betaShifted[j] = beta[j] - this.beta0[j];
    solveU(this.structure, this.factor, this.betaShifted, this.u);
    return this.u;
  }

  /** Overwrites `v` (length q, natural layout) with (ΛᵀZᵀWZΛ + I)⁻¹v at the current factor
   *  (solve-m.ts). `scratch` needs length ≥ structure.qRest. */
  solveM(v: Float64Array, scratch: Float64Array): Float64Array {
    solveM(this.structure, this.factor, v, scratch);
    return v;
  }

  /** (ΛᵀZᵀWZΛ + I)⁻¹ as a dense q × q column-major matrix in the natural layout, at the current
   *  factor (solve-m.ts). Allocates q² doubles. */
  denseInverseM(): Float64Array {
    return denseInverseM(this.structure, this.factor);
  }

  /** b = Λ(θ)u for the current u, into `out` (allocated when omitted). Original scale. */
  b(out: Float64Array = new Float64Array(this.q)): Float64Array {
    return bFromU(this.lambda, this.matrices.reTerms, this.u, out);
  }

  /** Split a length-q vector (u or b) into per-term arrays (level-major). */
  splitByTerm(v: Float64Array): Float64Array[] {
    return splitByTerm(this.matrices.reTerms, v);
  }

  /** Per term, the level-major p_k × p_k blocks of Λ(L_θL_θᵀ)⁻¹Λᵀ — multiply by σ² for lme4's
   *  conditional variances of b (condVar / postVar). Allocates; meant for after the fit. */
  conditionalVarianceBlocks(): Float64Array[] {
    return conditionalVarianceBlocks(this.structure, this.factor, this.lambda, this.matrices.reTerms);
  }

  /** The gradient over θ of the profiled LMM criterion (REML or ML) at the current factor
   *  (after setTheta(θ).updateL()), analytically from the factor's selected inverse (gradient.ts). */
  criterionGradient(REML: boolean, out: Float64Array = new Float64Array(this.nTheta)): Float64Array {
    this.completeFactor();
    const coef = criterionCoefficients(this.n, this.p, REML);
    this.gradientWorkspace ??= allocateGradientWorkspace(this.structure);
    const g = lambdaGradient(this.structure, this.cross, this.lambda, this.factor, this.matrices.reTerms, coef, this.gradientWorkspace);
    return thetaGradient(this.matrices.reTerms, g, this.theta, out);
  }

  /** (R_XᵀR_X)⁻¹ = L_XX⁻ᵀ L_XX⁻¹ (p × p, column-major); × σ² gives vcov(β). Allocates. */
  unscaledVcov(): Float64Array {
    this.completeFactor();
    const { qRest, m, p } = this.structure;
    return inverseOfLowerProduct(this.factor.l22, p, qRest + qRest * m, m);
  }

  private accumulate(withFixedBlock = true): void {
    if (this.rowsAbsent) throw new Error("internal: this PLS system was built from precomputed blocks and has no rows to pass over");
    accumulateCrossProducts(this.matrices, this.structure, this.w, this.z, this.cross, this.scratch, withFixedBlock);
    this.fixedBlockMissing = !withFixedBlock;
    this.sumLogW = null;
  }
}
