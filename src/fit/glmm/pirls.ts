/**
 * Penalized iteratively reweighted least squares (lme4's glmer vignette, "Determining the conditional
 * mode", eqs. wrkresp–PIRLSeqn; lme4's pwrssUpdate in src/external.cpp): for fixed θ, find the
 * conditional modes u (and, in lme4's first stage, β jointly) that minimise the penalized deviance
 *
 *     Σ dᵢ(yᵢ, μᵢ) + ‖u‖²,     μ = g⁻¹(offset + Xβ + ZΛ(θ)u),
 *
 * by repeatedly solving the weighted penalized least-squares problem of the blocked PlsSystem with
 * working weights w = (dμ/dη)²·wt/V(μ) and working response z = η − offset + (y − μ)/(dμ/dη),
 * halving the step whenever the penalized deviance would increase. Every evaluation starts from
 * the same η (lme4's lp0), so the deviance is a deterministic function of (θ, β).
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { PlsSystem, type PlsInputs } from "../pls/pls-system.js";
import { GlmmError } from "./errors.js";
import { addRandomPredictor, fixedPredictor } from "../linear-predictor.js";
import type { PirlsOptions } from "./options.js";
import type { GlmResponse } from "./response.js";

/** Largest cross-product arrays (doubles) Pirls keeps a second copy of: 32 MB. */
const MAX_SAVED_CROSS = 4_000_000;

export class Pirls {
  readonly sys: PlsSystem;
  readonly q: number;
  readonly p: number;
  /** Current conditional modes (spherical) and fixed effects. */
  readonly u: Float64Array;
  readonly beta: Float64Array;
  /** b = Λu of the current u. */
  readonly b: Float64Array;
  /** Starting linear predictor of every evaluation (lme4's lp0), and its mean. */
  readonly eta0: Float64Array;
  readonly mu0: Float64Array;
  /** dμ/dη at eta0 (GlmResponse.dmu). */
  private readonly dmu0: Float64Array;
  /** Number of PIRLS iterations of the last run. */
  iterations = 0;

  private readonly uOld: Float64Array;
  private readonly betaOld: Float64Array;
  /** offset + Xβ, computed once per run while β is fixed (uOnly). */
  private readonly fixedPart: Float64Array;
  private fixedPartCurrent = false;
  /**
   * The first iteration's working weights and response depend only on the start η (not on θ or β),
   * so its PLS inputs are the same in every run from that start: saved once per start and mode
   * (joint, or u with β fixed) and put back instead of recomputed. null when too big to keep.
   */
  private readonly firstInputs: PlsInputs | null;
  private firstInputsMode: "joint" | "u" | null = null;

  constructor(
    readonly m: ModelMatrices,
    readonly resp: GlmResponse,
    readonly options: PirlsOptions,
  ) {
    this.sys = new PlsSystem(m, { shiftResponse: false });
    this.q = this.sys.q;
    this.p = this.sys.p;
    this.u = new Float64Array(this.q);
    this.beta = new Float64Array(this.p);
    this.b = new Float64Array(this.q);
    this.uOld = new Float64Array(this.q);
    this.betaOld = new Float64Array(this.p);
    this.eta0 = new Float64Array(m.n);
    this.mu0 = new Float64Array(m.n);
    this.dmu0 = new Float64Array(m.n);
    this.fixedPart = new Float64Array(m.n);
    // the copy costs what the row pass's zero-fill does; keep it for any system of sane size
    this.firstInputs = this.sys.crossProductsLength <= MAX_SAVED_CROSS ? this.sys.saveInputs() : null;
  }

  /** Make `eta` the start of every later run (lme4's lp0). */
  setStart(eta: Float64Array): void {
    this.firstInputsMode = null;
    const { linkinv, linkinvMuEta } = this.resp.family.link;
    for (let i = 0; i < eta.length; i++) {
      this.eta0[i] = eta[i];
      this.mu0[i] = linkinvMuEta ? linkinvMuEta(eta[i], this.dmu0, i) : linkinv(eta[i]);
    }
  }

  /** ‖u‖². */
  sqrLenU(): number {
    let s = 0;
    for (let j = 0; j < this.q; j++) s += this.u[j] * this.u[j];
    return s;
  }

  /**
   * How far above the last penalized deviance a step may land without being halved: 0 (lme4), or
   * with uTol a few ulps. Near û the penalized deviance is flat to rounding within ~√ε of û, so
   * steps that small move it by ±ulps and halving them on that sign would leave u there, far from
   * uTol; the Fisher-scoring step itself still points at û.
   */
  private roundingSlack(uOnly: boolean, oldpdev: number): number {
    return uOnly && this.options.uTol !== undefined ? 64 * Number.EPSILON * Math.abs(oldpdev) : 0;
  }

  /** max |u − u_old|: the last iteration's largest move of a conditional mode. */
  private uStep(): number {
    let s = 0;
    for (let j = 0; j < this.q; j++) s = Math.max(s, Math.abs(this.u[j] - this.uOld[j]));
    return s;
  }

  /** Sets η = offset + Xβ + ZΛu and μ from the current u and β; returns the penalized deviance. */
  updateMu(): number {
    this.sys.u.set(this.u);
    this.sys.b(this.b);
    if (!this.fixedPartCurrent) fixedPredictor(this.m, this.beta, this.fixedPart);
    const eta = this.resp.eta;
    eta.set(this.fixedPart);
    addRandomPredictor(this.m, this.b, eta);
    return this.resp.updateMu() + this.sqrLenU();
  }

  /**
   * Run PIRLS at θ. With `fixedBeta` β is held there and only u is updated (lme4's uOnly, the
   * second stage); without it u and β are updated jointly (the first stage, nAGQ = 0).
   * Returns the penalized deviance at convergence.
   */
  run(theta: ArrayLike<number>, fixedBeta?: ArrayLike<number>): number {
    const { sys, resp, options } = this;
    const uOnly = fixedBeta !== undefined;
    if (uOnly) {
      for (let j = 0; j < this.p; j++) this.beta[j] = fixedBeta[j];
      fixedPredictor(this.m, this.beta, this.fixedPart);
    }
    // with β fixed, offset + Xβ is the same at every iteration and step halving
    this.fixedPartCurrent = uOnly;
    resp.eta.set(this.eta0);
    resp.mu.set(this.mu0);
    resp.dmu.set(this.dmu0);
    sys.setTheta(theta);
    let oldpdev = Number.MAX_VALUE;
    this.iterations = 0;
    for (let it = 0; it < options.maxit; it++) {
      this.iterations = it + 1;
      this.uOld.set(this.u);
      this.betaOld.set(this.beta);
      this.setWorkingInputs(it === 0, uOnly);
      sys.updateL();
      if (uOnly) {
        sys.solveU(this.beta);
      } else {
        sys.solve();
        this.beta.set(sys.beta);
      }
      this.u.set(sys.u);
      let pdev = this.updateMu();
      if (Math.abs((oldpdev - pdev) / pdev) < options.tol && (!uOnly || options.uTol === undefined || this.uStep() < options.uTol)) return pdev;
      if (Number.isNaN(pdev) || pdev - oldpdev > this.roundingSlack(uOnly, oldpdev)) {
        pdev = this.halveSteps(pdev, oldpdev, uOnly);
      }
      oldpdev = pdev;
    }
    throw new GlmmError(
      `PIRLS did not converge in ${options.maxit} iterations at θ = [${Array.from(theta, (t) => t.toPrecision(6)).join(", ")}]`,
    );
  }

  /** Working weights and response at the current η into the PLS system (from the saved copy on
   *  a run's first iteration when there is one). */
  private setWorkingInputs(first: boolean, uOnly: boolean): void {
    const { sys, resp } = this;
    const mode = uOnly ? "u" : "joint";
    if (first && this.firstInputs && this.firstInputsMode === mode) {
      sys.restoreInputs(this.firstInputs);
      resp.w.set(this.firstInputs.w);
      resp.z.set(this.firstInputs.z);
      return;
    }
    resp.updateWorking(this.m.offset);
    // β fixed: u and log|L_θ|² need only L's random-effects columns
    if (uOnly) sys.setWeightsAndResponseForU(resp.w, resp.z);
    else sys.setWeightsAndResponse(resp.w, resp.z);
    if (first && this.firstInputs) {
      sys.saveInputs(this.firstInputs);
      this.firstInputsMode = mode;
    }
  }

  /** Step halving towards the previous iterate (lme4's maxstephalfit loop). */
  private halveSteps(pdev: number, oldpdev: number, uOnly: boolean): number {
    for (let k = 0; k < this.options.maxStepHalvings && (Number.isNaN(pdev) || pdev > oldpdev); k++) {
      for (let j = 0; j < this.q; j++) this.u[j] = 0.5 * (this.uOld[j] + this.u[j]);
      if (!uOnly) for (let j = 0; j < this.p; j++) this.beta[j] = 0.5 * (this.betaOld[j] + this.beta[j]);
      pdev = this.updateMu();
    }
    if (Number.isNaN(pdev)) throw new GlmmError("PIRLS loop resulted in NaN value (the mean left the family's range)");
    if (pdev - oldpdev > this.options.tol * Math.abs(oldpdev)) {
      throw new GlmmError(
        `PIRLS step-halvings failed to reduce the deviance (${this.options.maxStepHalvings} halvings)`,
      );
    }
    return pdev;
  }
}
