/**
 * MixedModel: the user's fit object (lme4's merMod), built from the fit stage's FittedModel.
 * Every accessor follows the lme4 method of the same name (R/methods.R, R/lmer.R); the comments
 * say which definition is used where lme4 has a choice.
 */
import type { LaplaceKind } from "../fit/fitted.js";
import { isSingular, SINGULAR_MESSAGE } from "../fit/convergence/singular.js";
import { familyLabel, familyOfFit } from "../fit/family/index.js";
import { parameterCount, reportedOptimizer, type FamilyName, type FittedModel, type SolverReport } from "../fit/fitted.js";
import type { ModelMatrices } from "../model/matrices.js";
import { ranefTables, type RanefTable } from "./ranef.js";
import { computeResiduals, type ResidualType } from "./residuals.js";
import { formatPrint, formatSummary, type SummaryInput } from "./summary.js";
import { lmeDeparsedFormula, rDeparsedFormula } from "./formula-text.js";
import { modelToJSON, type ModelJSON } from "./json.js";
import { varCorrBlocks, varCorrRows, type VarCorrBlock, type VarCorrRow } from "./varcorr.js";
import { coefficients, ddfOf } from "./inference/coefficients.js";
import type { DdfMethod } from "./inference/ddf.js";

export interface ModelInfo {
  /** The formula as the user wrote it. */
  formula: string;
  /** The data set's name for summary()'s "Data:" line (e.g. the CSV file's stem), if known. */
  dataName?: string;
  /** The data file's name for toJSON()'s `data` key, if the data came from a file. */
  dataFile?: string;
  /** The weights column's name, for summary()'s "Weights:" line, when weights came from a column. */
  weightsName?: string;
}

export { SINGULAR_TOL, SINGULAR_MESSAGE } from "../fit/convergence/singular.js";

export class MixedModel {
  readonly fit: FittedModel;
  readonly formula: string;
  readonly dataName: string | null;
  readonly dataFile: string | null;
  readonly weightsName: string | null;

  constructor(fit: FittedModel, info: ModelInfo) {
    this.fit = fit;
    this.formula = info.formula;
    this.dataName = info.dataName ?? null;
    this.dataFile = info.dataFile ?? null;
    this.weightsName = info.weightsName ?? null;
  }

  get matrices(): ModelMatrices {
    return this.fit.matrices;
  }
  get family(): FamilyName {
    return this.fit.family;
  }
  get link(): string {
    return this.fit.link;
  }
  /** The negative binomial's θ (lme4's getME(m, "glmer.nb.theta")); null for other families. */
  get nbTheta(): number | null {
    return this.fit.nbTheta ?? null;
  }
  get REML(): boolean {
    return this.fit.REML;
  }
  get nAGQ(): number {
    return this.fit.nAGQ;
  }
  /** The Laplace approximation's information: "expected" (lme4's) or "observed" (glmmTMB's, with
   *  glmer's laplace option); null for a linear mixed model and for quadrature (nAGQ ≠ 1). */
  get laplace(): LaplaceKind | null {
    if (this.fit.isLmm || this.fit.nAGQ !== 1) return null;
    return this.fit.laplace ?? "expected";
  }
  get isGLMM(): boolean {
    return !this.fit.isLmm;
  }
  /** Whether the family has a scale σ that is estimated (lme4's useSc). */
  get useScale(): boolean {
    return this.fit.hasScale;
  }

  /** Fixed-effects estimates β by column name. */
  get fixef(): Record<string, number> {
    return Object.fromEntries(this.matrices.xNames.map((n, i) => [n, this.fit.beta[i]]));
  }
  /** Standard errors √diag(vcov) by column name. */
  get stderr(): Record<string, number> {
    const p = this.matrices.p;
    return Object.fromEntries(this.matrices.xNames.map((n, i) => [n, Math.sqrt(this.fit.vcov[i * p + i])]));
  }
  /** vcov(m) as rows of a p × p matrix. */
  get vcov(): number[][] {
    const p = this.matrices.p;
    return Array.from({ length: p }, (_, i) => Array.from({ length: p }, (__, j) => this.fit.vcov[j * p + i]));
  }
  get theta(): number[] {
    return Array.from(this.fit.theta);
  }
  get thetaNames(): string[] {
    return this.matrices.thetaNames.slice();
  }
  /** Residual standard deviation (1 for binomial and Poisson). */
  get sigma(): number {
    return this.fit.sigma;
  }
  /** Covariance blocks per random-effects term (σ² Λ_i Λ_iᵀ), with SDs and correlations. */
  get varCorrBlocks(): VarCorrBlock[] {
    return varCorrBlocks(this.matrices.reTerms, this.fit.theta, this.useScale ? this.fit.sigma : 1);
  }
  /** as.data.frame(VarCorr(m), order = "lower.tri"). */
  get varCorr(): VarCorrRow[] {
    return varCorrRows(this.varCorrBlocks, this.fit.sigma, this.useScale);
  }
  /** ranef(m, condVar = TRUE) per grouping factor. */
  get ranef(): Record<string, RanefTable> {
    return ranefTables(this.matrices.reTerms, this.fit.ranef, this.fit.condSD);
  }
  /**
   * coef(m): per grouping factor, each level's coefficients β + b (lme4's coef.merMod), columns in
   * fixef order. As lme4, fails when a random-effect column has no fixed effect to align with.
   */
  get coef(): Record<string, { levels: string[]; coefficients: Record<string, number[]> }> {
    const fixef = this.fixef;
    const out: Record<string, { levels: string[]; coefficients: Record<string, number[]> }> = {};
    for (const [group, table] of Object.entries(this.ranef)) {
      const extra = Object.keys(table.modes).filter((c) => !(c in fixef));
      if (extra.length > 0) {
        throw new Error(`coef: unable to align random and fixed effects (${extra.join(", ")} of ${group} has no fixed effect)`);
      }
      const coefficients = Object.fromEntries(
        Object.entries(fixef).map(([name, b]) => [name, table.levels.map((_, l) => b + (table.modes[name]?.[l] ?? 0))]),
      );
      out[group] = { levels: table.levels, coefficients };
    }
    return out;
  }
  /** Whether the rows stayed in a SQL engine (lmerSql/glmerSql): then fitted values and residuals
   *  per row are not here, and what needs them says so. */
  get rowsInEngine(): boolean {
    return this.fit.engineRows !== undefined;
  }
  /** Throws, naming `what`, when the rows stayed in a SQL engine. */
  requireRows(what: string): void {
    const e = this.fit.engineRows;
    if (e) {
      throw new Error(
        `${what} needs the model's rows, which stayed in ${e.engine}; compute it there from the fit (fixef, ranef), or fit in memory`,
      );
    }
  }
  /** Fitted values μ. */
  get fitted(): Float64Array {
    this.requireRows("fitted()");
    return this.fit.mu;
  }
  /** μ of the first rows (at most 10): the reference files' fitted_head. */
  get fittedHead(): Float64Array {
    if (this.fit.engineRows) return Float64Array.from(this.fit.engineRows.fittedHead);
    return this.fit.mu.subarray(0, 10);
  }
  /** residuals(m, type): by default "response" for LMMs and "deviance" for GLMMs, as lme4. */
  residuals(type: ResidualType = this.isGLMM ? "deviance" : "response"): Float64Array {
    this.requireRows("residuals()");
    const m = this.matrices;
    return computeResiduals(
      { family: familyOfFit(this.fit), y: m.y, mu: this.fit.mu, eta: this.fit.eta, weights: m.weights },
      type,
    );
  }
  /** residuals(m, "pearson", scaled = TRUE): Pearson residuals divided by σ. */
  scaledResiduals(): Float64Array {
    const r = this.residuals("pearson");
    const s = this.useScale ? this.fit.sigma : 1;
    return r.map((x) => x / s);
  }

  /** The optimised criterion: the REML criterion or −2 log-likelihood (lme4's constants). */
  get objective(): number {
    return this.fit.objective;
  }
  /** "REML criterion" or −2 log-likelihood, as the reference files name it. */
  get objectiveKind(): string {
    if (this.REML) return "REML criterion";
    return this.isGLMM ? "-2 log-likelihood (Laplace/AGQ)" : "deviance (-2 log-likelihood)";
  }
  /** logLik(m): −objective/2 (for REML fits the REML log-likelihood, −REMLcrit/2, as lme4). */
  get logLik(): number {
    return -this.fit.objective / 2;
  }
  /** Number of parameters: p + #θ, + 1 when σ is estimated, + 1 for a negative binomial's θ
   *  (attr(logLik(m), "df"), lme4's npar.merMod). */
  get df(): number {
    return parameterCount(this.fit);
  }
  get AIC(): number {
    return -2 * this.logLik + 2 * this.df;
  }
  get BIC(): number {
    return -2 * this.logLik + Math.log(this.nobs) * this.df;
  }
  /** deviance(m): for GLMMs the sum of squared deviance residuals; for ML LMMs −2 log-likelihood;
   *  for REML LMMs the REML criterion (what lme4 returns, with a deprecation warning). */
  get deviance(): number {
    return this.isGLMM ? this.fit.deviance : this.fit.objective;
  }
  /** REMLcrit(m) of a REML fit; null for ML fits and GLMMs, where we do not compute it. */
  get REMLcrit(): number | null {
    return this.REML ? this.fit.objective : null;
  }
  /** df.residual(m): n − df. */
  get dfResidual(): number {
    return this.nobs - this.df;
  }
  get nobs(): number {
    return this.matrices.n;
  }
  get ngroups(): Record<string, number> {
    return { ...this.matrices.ngroups };
  }
  /** lme4's isSingular(): some θ whose lower bound is 0 lies below 1e-4 (or a cs/ar1 ρ at a bound). */
  get singular(): boolean {
    return this.fit.singular ?? isSingular(this.fit.theta, this.matrices.lower, this.matrices.upper);
  }
  get converged(): boolean {
    return this.fit.converged;
  }
  /** The fit's messages in lme4's words (trailing newlines dropped), with lme4's singular-fit note
   *  when the fit is singular. */
  get messages(): string[] {
    const msgs = this.fit.messages.map((m) => m.replace(/\n+$/, ""));
    if (this.singular && !msgs.some((m) => /singular/.test(m))) msgs.push(SINGULAR_MESSAGE);
    return msgs;
  }
  get evaluations(): number {
    return this.fit.evaluations;
  }
  /** Which linear algebra evaluated the criterion: "cholesky" (exact) or "krylov" (src/fit/krylov/);
   *  null for GLMMs. */
  get solver(): "cholesky" | "krylov" | null {
    return this.fit.solver?.path ?? null;
  }
  get fitSeconds(): number {
    return this.fit.fitSeconds;
  }

  /** The numbers print(summary(m)) shows, for formatSummary(). */
  summaryInput(): SummaryInput {
    return {
      // R's family()$family: "Negative Binomial(4.0604)" for a negative binomial
      family: familyLabel(familyOfFit(this.fit)),
      link: this.link,
      isGLMM: this.isGLMM,
      REML: this.REML,
      nAGQ: this.nAGQ,
      laplace: this.laplace,
      // lmer() keeps the formula after expandDoubleVerts, glmer() the call's own (lme4 1.1.31:
      // lmer's mkMerMod gets mc$formula <- lmod$formula, glmer's the unmodified call).
      formula: this.isGLMM ? rDeparsedFormula(this.formula) : lmeDeparsedFormula(this.formula),
      dataName: this.dataName,
      weightsName: this.weightsName,
      objective: this.objective,
      logLik: this.logLik,
      AIC: this.AIC,
      BIC: this.BIC,
      df: this.df,
      nobs: this.nobs,
      scaledResiduals: this.fit.engineRows ? new Float64Array(0) : this.scaledResiduals(),
      ...(this.fit.engineRows ? { residualQuantiles: this.fit.engineRows.residualQuantiles } : {}),
      blocks: this.varCorrBlocks,
      sigma: this.sigma,
      useScale: this.useScale,
      ngroups: this.ngroups,
      fixefNames: this.matrices.xNames,
      beta: this.fit.beta,
      vcov: this.fit.vcov,
      droppedX: this.matrices.droppedX,
      converged: this.converged,
      // the name lme4's optinfo gives the last stage's optimiser (fit.optsum)
      optimizer: reportedOptimizer(this.fit.optsum) ?? "unknown",
      // lme4 prints its convergence checks here; construction notes (dropped rows or columns)
      // are not among them (the dropped-columns note has its own "fit warnings:" line)
      ...(this.fit.solver?.path === "krylov" ? { krylov: krylovLine(this.fit.solver) } : {}),
      messages: this.messages.filter(
        (m) => !/rank deficient|dropping/.test(m) && !this.matrices.messages.some((c) => c.replace(/\n+$/, "") === m),
      ),
    };
  }

  /** The text of lme4's print(summary(m)); with { ddf }, lmerTest's summary(m, ddf = …):
   *  "Satterthwaite" or "Kenward-Roger" add its df and Pr(>|t|) columns and name the method in the
   *  title; "Wald" shows z values and Pr(>|z|) as lme4 does for a GLMM (a GLMM accepts only
   *  "Wald", which is its summary anyway). */
  summary(options: { ddf?: DdfMethod | string } = {}): string {
    const input = this.summaryInput();
    if (options.ddf !== undefined) {
      const ddf = ddfOf(this, options);
      if (ddf === "Wald") {
        if (!this.isGLMM) input.zTests = true;
      } else {
        const rows = coefficients(this, { ddf });
        input.tests = { method: ddf, stderr: rows.map((r) => r.stderr), df: rows.map((r) => r.df), p: rows.map((r) => r.p) };
      }
    }
    return formatSummary(input);
  }

  /** The text of lme4's print(m): the short display. */
  print(): string {
    return formatPrint(this.summaryInput());
  }

  toString(): string {
    return this.print();
  }

  /** The reference files' JSON shape (see json.ts). */
  toJSON(): ModelJSON {
    return modelToJSON(this);
  }
}

/** The summary's line for a Krylov fit: the path and its accuracy controls. */
function krylovLine(s: Extract<SolverReport, { path: "krylov" }>): string {
  return `Solver: krylov (preconditioned CG, tol ${s.cgTol}; stochastic Lanczos quadrature, ${s.probes} fixed probes, ` +
    `at most ${s.lanczosMaxSteps} steps)`;
}
