/**
 * glmerSql: a GLMM whose rows stay in a SQL engine, fitted exactly on a compressed frame. Every
 * distinct pattern of the values the model reads (the response, covariates, grouping levels,
 * offset, prior weights) becomes one row with its count c as a prior weight. A row repeated c
 * times and one row with c times its weight have the same likelihood kernel for the binomial and
 * Poisson families (R's glm: a prior weight multiplies each row's log-likelihood and deviance
 * residual), so the Laplace / AGQ fit is lme4's on the full data. What is not a kernel term is
 * put back: lme4's binomial constant log C(m, k) is taken per row with m = c·n trials after
 * compression, c·log C(n, k) before; the difference is added to the objective, so logLik, AIC and
 * BIC are the full data's. Poisson's log y! is the same per row either way.
 *
 * The compressed frame is read into memory; when it has more patterns than `maxPatterns` the fit
 * stops at once, saying how many there are, rather than pulling rows silently.
 */
import type { LaplaceKind } from "../fit/fitted.js";
import type { Expr } from "../../grammar/ast.js";
import type { FamilyName } from "../fit/fitted.js";
import { lchoose } from "../fit/family/special.js";
import { glmer } from "../glmer.js";
import { compareCodePoints, type Column, type DataTable } from "../model/data.js";
import { ModelError } from "../model/errors.js";
import { MixedModel } from "../result/model.js";
import { numbers, quoteIdent, type SqlEngine } from "./engine.js";
import { lmerSql, TimedEngine, type SqlFitOptions } from "./fit.js";
import { sqlModelFrame, type SqlSource } from "./frame.js";

export interface GlmerSqlOptions extends SqlFitOptions {
  family: FamilyName;
  link?: string;
  nAGQ?: number;
  /** glmer's laplace: "expected" (lme4's, default) or "observed" (glmmTMB's); the compressed
   *  fit is exact for either, each row's observed weight being linear in its prior weight. */
  laplace?: LaplaceKind;
  /** Most patterns read into memory (default 5 000 000). */
  maxPatterns?: number;
}

export class TooManyPatternsError extends ModelError {
  constructor(patterns: number, max: number) {
    super(
      `the model frame compresses to ${patterns} distinct patterns of the values the model reads, more than the ${max} ` +
        `this fit reads into memory (maxPatterns): coarsen a covariate, or fit the model to a sample`,
    );
    this.name = "TooManyPatternsError";
  }
}

/** The source columns a formula reads (names in the formula that are columns). */
function columnsUsed(e: Expr, columns: Set<string>, out: Set<string>): void {
  switch (e.kind) {
    case "name":
      if (columns.has(e.name)) out.add(e.name);
      return;
    case "paren":
      return columnsUsed(e.inner, columns, out);
    case "unary":
      return columnsUsed(e.operand, columns, out);
    case "binary":
      columnsUsed(e.left, columns, out);
      return columnsUsed(e.right, columns, out);
    case "call":
      for (const a of e.args) columnsUsed(a, columns, out);
      return;
    default:
      return;
  }
}

export async function glmerSql(engine: SqlEngine, formula: string, source: SqlSource, options: GlmerSqlOptions): Promise<MixedModel> {
  if (options.family === "gaussian" && (options.link === undefined || options.link === "identity")) {
    return lmerSql(engine, formula, source, options); // as glmer() hands these to lmer()
  }
  if (options.family !== "binomial" && options.family !== "poisson") {
    throw new ModelError(`family '${options.family}' has a dispersion parameter: its rows do not compress exactly; fit it in memory`);
  }
  const timed = new TimedEngine(engine, options.onQuery);
  const t0 = performance.now();
  // the frame gives the na.omit filter, the plan's checks and the levels
  const f = await sqlModelFrame(timed, formula, source, {
    family: options.family,
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    materialize: false,
  });
  const srcCols = await timed.query(`SELECT * FROM ${source.relation} AS src LIMIT 0`);
  const back = new Map<string, string>();
  for (const [r, s] of source.rename ?? []) back.set(s, r);
  const rNames = srcCols.names.map((n) => back.get(n) ?? n);
  const numeric = new Map(rNames.map((n, j) => [n, srcCols.columns[j] instanceof Float64Array]));
  const identOf = new Map(rNames.map((n, j) => [n, `src.${quoteIdent(srcCols.names[j])}`]));
  for (const label of Object.keys(f.plan.callParameters)) {
    throw new ModelError(`'${label}' depends on all the rows; compute it in the query before fitting a GLMM in the engine`, label);
  }
  const used = new Set<string>();
  const all = new Set(rNames);
  const t = f.terms;
  for (const e of [t.response!, ...t.offsets, ...t.fixed.terms.flatMap((x) => x.factors), ...t.random.flatMap((r) => [...r.group.factors, ...r.terms.flatMap((x) => x.factors)])]) {
    columnsUsed(e, all, used);
  }
  if (options.weights !== undefined) used.add(options.weights);
  const cols = [...used];
  const where = f.filter ? ` WHERE ${f.filter}` : "";
  const keys = cols.map((c, j) => `${identOf.get(c)} AS c${j}`).join(", ");
  const groupBy = cols.map((c) => identOf.get(c)).join(", ");
  const max = options.maxPatterns ?? 5_000_000;
  const count = await timed.query(`SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS patterns FROM (SELECT ${groupBy} FROM ${source.relation} AS src${where} GROUP BY ${groupBy}) AS p`);
  const patterns = numbers(count, "patterns")[0];
  if (patterns > max) throw new TooManyPatternsError(patterns, max);
  const r = await timed.query(`SELECT ${keys}, CAST(COUNT(*) AS DOUBLE PRECISION) AS mm_count FROM ${source.relation} AS src${where} GROUP BY ${groupBy}`);
  const counts = numbers(r, "mm_count");
  const columns = new Map<string, Column>();
  cols.forEach((c, j) => {
    const v = r.columns[r.names.indexOf(`c${j}`)];
    if (numeric.get(c)) columns.set(c, { kind: "numeric", values: Float64Array.from(v as Float64Array) });
    else {
      const texts = v as (string | null)[];
      const levels = [...new Set(texts.filter((x): x is string => x !== null))].sort(compareCodePoints);
      const index = new Map(levels.map((l, k) => [l, k]));
      columns.set(c, { kind: "factor", levels, codes: Int32Array.from(texts, (x) => (x === null ? -1 : index.get(x)!)) });
    }
  });
  // the prior weight of a pattern: its count (times the rows' own weights)
  const weightCol = "mixed_models_count";
  const w = Float64Array.from(counts);
  if (options.weights !== undefined) {
    const uw = (columns.get(options.weights) as { values: Float64Array }).values;
    for (let i = 0; i < w.length; i++) w[i] *= uw[i];
  }
  columns.set(weightCol, { kind: "numeric", values: w });
  const table: DataTable = { n: r.rowCount, names: [...cols, weightCol], columns };
  const model = glmer(formula, table, {
    family: options.family,
    ...(options.link !== undefined ? { link: options.link } : {}),
    nAGQ: options.nAGQ ?? 1,
    ...(options.laplace !== undefined ? { laplace: options.laplace } : {}),
    weights: weightCol,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return expandCompressed(model, counts, f.n, options, timed, formula, (performance.now() - t0) / 1000, await firstRowsTable(timed, source, where, cols, identOf, numeric, table));
}

/** The first ten complete rows of the source as a table with the compressed table's levels. */
async function firstRowsTable(
  engine: SqlEngine, source: SqlSource, where: string, cols: string[], identOf: Map<string, string>, numeric: Map<string, boolean>, like: DataTable,
): Promise<DataTable> {
  const r = await engine.query(`SELECT ${cols.map((c, j) => `${identOf.get(c)} AS c${j}`).join(", ")} FROM ${source.relation} AS src${where} LIMIT 10`);
  const columns = new Map<string, Column>();
  cols.forEach((c, j) => {
    const v = r.columns[r.names.indexOf(`c${j}`)];
    if (numeric.get(c)) columns.set(c, { kind: "numeric", values: Float64Array.from(v as Float64Array) });
    else {
      const levels = (like.columns.get(c) as { levels: string[] }).levels;
      const index = new Map(levels.map((l, k) => [l, k]));
      columns.set(c, { kind: "factor", levels, codes: Int32Array.from(v as string[], (x) => index.get(x) ?? -1) });
    }
  });
  return { n: r.rowCount, names: cols, columns };
}

/**
 * The compressed fit as the full data's: nobs, lme4's binomial constant per original row, the
 * scaled residuals' quantiles over the original rows (each pattern's residual repeated count
 * times), the first rows' fitted values.
 */
async function expandCompressed(
  model: MixedModel, counts: Float64Array, n: number, options: GlmerSqlOptions, engine: TimedEngine, formula: string,
  seconds: number, first: DataTable,
): Promise<MixedModel> {
  const fit = model.fit;
  const m = fit.matrices;
  // per pattern: its trials per original row n₀ = w/c and successes k₀ = n₀·y
  let objective = fit.objective;
  if (fit.family === "binomial") {
    let delta = 0;
    for (let i = 0; i < m.n; i++) {
      const c = counts[i];
      if (c === 1) continue;
      const mAll = m.weights[i];
      const n0 = mAll / c;
      const k0 = Math.round(n0 * m.y[i]);
      // −2 × (c·log C(n₀, k₀) − log C(c·n₀, c·k₀))
      delta += -2 * (c * lchoose(n0, k0) - lchoose(mAll, c * k0));
    }
    objective += delta;
  }
  // Pearson residuals of the original rows: the compressed row's, with the weight per original row
  const resid = model.residuals("pearson");
  const perRow = Float64Array.from(resid, (r, i) => r / Math.sqrt(counts[i]));
  const residualQuantiles = weightedQuantile7(perRow, counts, [0, 0.25, 0.5, 0.75, 1]);
  // μ of the first rows: the patterns' μ looked up by the first rows' own fit (predict on them)
  const { predict } = await import("../result/predict.js");
  const fittedHead = Array.from(predict(model, first, { type: "response" }));
  const matrices = { ...m, n };
  const engineRows = { engine: engine.name, residualQuantiles, fittedHead, engineSeconds: engine.seconds, queries: engine.queries };
  void formula;
  return new MixedModel(
    { ...fit, matrices, objective, engineRows, fitSeconds: seconds, eta: new Float64Array(0), mu: new Float64Array(0) },
    { formula: model.formula, dataName: options.dataName, dataFile: options.dataFile, weightsName: options.weights },
  );
}

/** R's type-7 quantile of values each repeated counts[i] times (without expanding them). */
export function weightedQuantile7(x: Float64Array, counts: Float64Array, probs: number[]): number[] {
  const order = Array.from(x.keys()).sort((a, b) => x[a] - x[b]);
  let total = 0;
  for (const c of counts) total += c;
  const at = (k: number): number => {
    // the k-th (0-based) value of the expanded sorted sample
    let seen = 0;
    for (const i of order) {
      seen += counts[i];
      if (k < seen) return x[i];
    }
    return x[order[order.length - 1]];
  };
  return probs.map((p) => {
    // rformat.ts's quantile7, on the expanded sample
    const index = (total - 1) * p;
    const lo = Math.floor(index);
    const h = index - lo;
    const q = at(lo);
    const hiv = at(Math.ceil(index));
    return h > 0 && hiv !== q ? (1 - h) * q + h * hiv : q;
  });
}

