/**
 * lmer(): a linear mixed model, as lme4's lmer() runs it (R/lmer.R): lFormula (compileModel) →
 * mkLmerDevfun and optimizeLmer (fitLmm) → mkMerMod (the MixedModel fit object).
 */
import { compileModel } from "./model/index.js";
import { withThreads } from "./fit/pls/cross-products-threads.js";
import type { DataInput, DataTable } from "./model/index.js";
import { fitLmm } from "./fit/lmm/index.js";
import { MixedModel } from "./result/model.js";
import { checkLmerCall, startTheta } from "./options.js";
import type { KrylovControls } from "./fit/krylov/crossed-system.js";
import { isSqlQuery, lmerQuery, type SqlQueryOptions } from "./sql/api.js";

export interface LmerOptions {
  /** REML (default) or maximum likelihood. */
  REML?: boolean;
  /** Prior weights: one per data row, or the name of a numeric column. */
  weights?: number[] | Float64Array | string;
  /** An offset added to the linear predictor, one per data row. */
  offset?: number[] | Float64Array;
  /** Starting θ for the optimiser (lme4's start = list(theta = …)): an array of θ's length in
   *  lme4's order (m.thetaNames), or { theta: [...] }. Default: lme4's own start. */
  start?: ArrayLike<number> | { theta: ArrayLike<number> };
  /** Called after every evaluation of the objective with the count and the value. */
  onProgress?: (evaluations: number, objective: number) => void;
  /** The data set's name for summary()'s "Data:" line (lme4 prints the call's data argument). */
  dataName?: string;
  /** The data file's name, reported by toJSON() as `data`. */
  dataFile?: string;
  /** 1: one thread; 2: also split the rows pass (not bit for bit). Default (MIXED_MODELS_THREADS
   *  unset): a large trailing factorisation splits over a worker thread when the machine has two
   *  cores, with the one-thread bits (README, "Two threads"; src/fit/pls/update-l-threads.ts). */
  threads?: 1 | 2;
  /** The linear algebra of each evaluation: "cholesky" (exact), "krylov" (preconditioned CG and
   *  stochastic Lanczos quadrature, for two crossed scalar terms), "auto" (default: Krylov when the
   *  exact path's dense block would be large; README "Huge crossed factors"). */
  solver?: "auto" | "cholesky" | "krylov";
  /** The Krylov path's accuracy controls: probes (4), seed, lanczosSteps (60), lanczosTol (1e-8),
   *  diagonalProbes (16, for the conditional SDs), cgTol (1e-10), cgMaxIter (1000); src/fit/krylov/crossed-system.ts. */
  krylov?: Partial<KrylovControls>;
}

/**
 * Fit a linear mixed model, e.g. `lmer("Reaction ~ Days + (Days | Subject)", rows)`. `data` is a
 * danfo DataFrame, an array of records, or an object of columns.
 */
export function lmer(formula: string, query: SqlQueryOptions): Promise<MixedModel>;
export function lmer(formula: string, data: DataInput | DataTable, options?: LmerOptions): MixedModel;
export function lmer(formula: string, data: DataInput | DataTable | SqlQueryOptions, options: LmerOptions = {}): MixedModel | Promise<MixedModel> {
  // { sql, engine }: the rows stay in the engine and the fit is asynchronous (src/sql/api.ts)
  if (isSqlQuery(data)) return lmerQuery(formula, data);
  checkLmerCall(formula, data, options);
  const matrices = compileModel(formula, data, {
    family: "gaussian",
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    ...(options.offset !== undefined ? { offset: options.offset } : {}),
  });
  const start = startTheta(options.start);
  const fit = withThreads(options.threads, () =>
    fitLmm(matrices, {
      REML: options.REML ?? true, onProgress: options.onProgress, ...(start ? { start } : {}),
      ...(options.solver ? { solver: options.solver } : {}), ...(options.krylov ? { krylov: options.krylov } : {}),
    }));
  return new MixedModel(fit, {
    formula,
    dataName: options.dataName,
    dataFile: options.dataFile,
    weightsName: typeof options.weights === "string" ? options.weights : undefined,
  });
}
