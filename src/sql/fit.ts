/**
 * lmerSql: a linear mixed model whose rows stay in a SQL engine. The plan is made from aggregate
 * queries (frame.ts), the cross-product blocks from GROUP BY queries (blocks.ts), the fit runs on
 * those blocks with the same PLS code as in memory (PlsSystem from PrecomputedBlocks), and what
 * the summary needs from the rows — the scaled residuals' quantiles and the first fitted values —
 * comes from one more query with the conditional modes joined back. The result is the same
 * MixedModel an in-memory lmer() returns.
 */
import { fitLmm } from "../fit/lmm/index.js";
import { withThreads } from "../fit/pls/worker.js";
import { CompensatedSum, startFromVariances } from "../fit/lmm/start.js";
import type { FittedModel } from "../fit/fitted.js";
import type { ModelMatrices, ReMat } from "../model/matrices.js";
import { covarianceOfPlan } from "../model/covariance/index.js";
import { planParts, rankDeficientMessage } from "../model/execute.js";
import { MixedModel } from "../result/model.js";
import { numbers, quoteString, type SqlColumns, type SqlEngine } from "./engine.js";
import { columnSql, computeBlocks, levelIndex, responseSql } from "./blocks.js";
import { sqlNumber, ZERO } from "./expr.js";
import { sqlModelFrame, type SqlModelFrame, type SqlSource } from "./frame.js";

export interface SqlFitOptions {
  /** REML (default) or ML. */
  REML?: boolean;
  /** Prior weights: the name of a numeric column. */
  weights?: string;
  onProgress?: (evaluations: number, objective: number) => void;
  dataName?: string;
  dataFile?: string;
  /** Keep the model frame in a temporary table between the passes (default: false; worth it
   *  when the source is slow to scan, such as a CSV file). */
  materialize?: boolean;
  /** Called with every query's SQL and seconds. */
  onQuery?: (sql: string, seconds: number) => void;
}

/** The engine wrapped to count queries and the seconds spent in them. */
export class TimedEngine implements SqlEngine {
  seconds = 0;
  queries = 0;
  constructor(readonly inner: SqlEngine, private readonly onQuery?: (sql: string, seconds: number) => void) {}
  get name(): string {
    return this.inner.name;
  }
  get temporaryTables(): boolean {
    return this.inner.temporaryTables ?? false;
  }
  get appendRows(): SqlEngine["appendRows"] {
    const inner = this.inner;
    if (!inner.appendRows) return undefined;
    return async (table, columns, rowCount) => {
      const t0 = performance.now();
      await inner.appendRows!(table, columns, rowCount);
      this.seconds += (performance.now() - t0) / 1000;
      this.queries++;
    };
  }
  async query(sql: string): Promise<SqlColumns> {
    const t0 = performance.now();
    try {
      return await this.inner.query(sql);
    } finally {
      const s = (performance.now() - t0) / 1000;
      this.seconds += s;
      this.queries++;
      this.onQuery?.(sql, s);
    }
  }
}

/** The ModelMatrices of a SQL fit: the plan's terms, names and θ layout; no rows. */
export function matricesWithoutRows(f: SqlModelFrame, kept: number[], dropped: number[], n: number): ModelMatrices {
  const plan = f.plan;
  const messages: string[] = [];
  // execute.ts's notes, in its words
  const zeroWeight = plan.rows.zeroWeight ?? 0;
  const missingRows = plan.rows.dropped - zeroWeight;
  if (zeroWeight > 0) {
    messages.push(`${zeroWeight} row${zeroWeight === 1 ? "" : "s"} with prior weight 0 left out of the fit (they carry no information and are not counted as observations)`);
  }
  if (missingRows > 0) {
    const by = Object.entries(plan.rows.missingBy).map(([v, k]) => `${v}: ${k}`).join(", ");
    messages.push(`${missingRows} row${missingRows === 1 ? "" : "s"} with missing values dropped (${by}); ${n} of ${plan.rows.total} used`);
  }
  if (dropped.length > 0) messages.push(rankDeficientMessage(dropped.length));
  const empty = new Float64Array(0);
  const reTerms: ReMat[] = plan.random.map((t) => ({
    group: t.group,
    varCorrName: t.varCorrName,
    levels: t.levels,
    refs: new Int32Array(0),
    columnNames: t.columns.map((c) => c.name),
    z: empty,
    covariance: covarianceOfPlan(t),
  }));
  return {
    n,
    y: empty,
    X: empty,
    weights: empty,
    offset: empty,
    reTerms,
    ...planParts(plan, kept, dropped),
    messages,
  };
}

/**
 * lme4's starting θ (mkLmerDevfun; start.ts over rows) from aggregates: for scalar random
 * intercepts on distinct factors, θ₀_k = √(v_k / v_e) with v_k = var(ave(y, f_k)) =
 * Σ_j n_j (ȳ_j − ȳ)² / (n − 1) and v_e = var(y) − Σ v_k; otherwise the plan's θ₀.
 */
export async function startThetaSql(engine: SqlEngine, f: SqlModelFrame, m: ModelMatrices): Promise<Float64Array> {
  const theta = Float64Array.from(m.theta0);
  const terms = m.reTerms;
  if (m.n < 2) return theta;
  if (!terms.every((t) => t.columnNames.length === 1 && t.columnNames[0] === "(Intercept)")) return theta;
  if (new Set(terms.map((t) => t.group)).size !== terms.length || theta.length !== terms.length) return theta;
  // The optimiser's path starts here, so these follow start.ts's arithmetic closely: the engine
  // sums within levels (short sums), the levels' partial sums are added here with compensation as
  // start.ts adds rows (R's long-double accumulators).
  const y = f.variables.get(f.plan.response.variable)!.alias; // the raw response: lme4 ignores offset and weights here
  const n = m.n;
  // one query at a time: a connection streams one result at a time
  const perLevel: { cnt: Float64Array; total: Float64Array }[] = [];
  for (const t of f.plan.random) {
    const keys = f.groups.get(t.group)!.aliases.join(", ");
    const r = await engine.query(`SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS cnt, SUM(${y}) AS total FROM ${f.frame} GROUP BY ${keys}`);
    perLevel.push({ cnt: numbers(r, "cnt"), total: numbers(r, "total") });
  }
  // mean(y): Σy over n, then the correction pass Σ(y − m)/n
  const first = perLevel[0];
  const sy = new CompensatedSum();
  for (const v of first.total) sy.add(v);
  let mean = sy.value() / n;
  const corr = new CompensatedSum();
  for (let j = 0; j < first.cnt.length; j++) corr.add(first.total[j] - first.cnt[j] * mean);
  mean += corr.value() / n;
  const ss = await engine.query(`SELECT SUM((${y} - ${sqlNumber(mean)}) * (${y} - ${sqlNumber(mean)})) AS ss FROM ${f.frame} GROUP BY ${f.groups.get(f.plan.random[0].group)!.aliases.join(", ")}`);
  const sse = new CompensatedSum();
  for (const v of numbers(ss, "ss")) sse.add(v);
  const ve = sse.value() / (n - 1);
  // var(ave(y, f_k)): the n-vector holding each row's level mean, two passes as R's var()
  // (row by row up to 10M rows, as start.ts; beyond, each level's copies added as one product)
  const byRow = n <= 1e7;
  const addTimes = (acc: CompensatedSum, x: number, c: number) => {
    if (byRow) for (let i = 0; i < c; i++) acc.add(x);
    else acc.add(x * c);
  };
  const v = perLevel.map(({ cnt, total }) => {
    const means = Float64Array.from(total, (s, j) => s / cnt[j]);
    const s1 = new CompensatedSum();
    for (let j = 0; j < cnt.length; j++) addTimes(s1, means[j], cnt[j]);
    let mAve = s1.value() / n;
    const r1 = new CompensatedSum();
    for (let j = 0; j < cnt.length; j++) addTimes(r1, means[j] - mAve, cnt[j]);
    mAve += r1.value() / n;
    const s2 = new CompensatedSum();
    for (let j = 0; j < cnt.length; j++) {
      const d = means[j] - mAve;
      addTimes(s2, d * d, cnt[j]);
    }
    return s2.value() / (n - 1);
  });
  return startFromVariances(m, v, ve);
}

/** Fit `formula` to the rows of `source` in `engine` (see the module comment). */
export async function lmerSql(engine: SqlEngine, formula: string, source: SqlSource, options: SqlFitOptions = {}): Promise<MixedModel> {
  const timed = new TimedEngine(engine, options.onQuery);
  const f = await sqlModelFrame(timed, formula, source, {
    family: "gaussian",
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    materialize: options.materialize ?? false,
  });
  try {
    const { blocks, kept, dropped, n } = await computeBlocks(timed, f);
    const m = matricesWithoutRows(f, kept, dropped, n);
    const startTheta = await startThetaSql(timed, f, m);
    // withThreads: the factor's worker (if the fit started one) is shut down when the fit returns
    const fit = withThreads(undefined, () => fitLmm(m, { REML: options.REML ?? true, onProgress: options.onProgress, blocks, startTheta }));
    const rows = await rowSummaries(timed, f, fit, kept);
    fit.engineRows = { engine: engine.name, ...rows, engineSeconds: timed.seconds, queries: timed.queries };
    return new MixedModel(fit, {
      formula,
      dataName: options.dataName,
      dataFile: options.dataFile,
      weightsName: options.weights,
    });
  } finally {
    await dropTables(engine, f.cleanup);
  }
}

export async function dropTables(engine: SqlEngine, tables: string[]): Promise<void> {
  for (const t of tables) await engine.query(`DROP TABLE IF EXISTS ${t}`);
}

/** How many mode rows go into one INSERT statement. */
const INSERT_BATCH = 2000;

/**
 * The scaled residuals' quantiles and the first fitted values: the conditional modes are put in
 * the engine (one temporary table per term, or inline VALUES when the engine has no temporary
 * tables), joined back to the frame, and the engine computes the residuals and their quantiles
 * (PERCENTILE_CONT is R's type-7 quantile). The first rows' μ is computed here from ten rows.
 */
export async function rowSummaries(
  engine: SqlEngine, f: SqlModelFrame, fit: FittedModel, kept: number[],
): Promise<{ residualQuantiles: number[]; fittedHead: number[] }> {
  const plan = f.plan;
  const x = kept.map((j) => columnSql(plan.fixed.columns[j], f));
  const etaParts = x.map((s, j) => `${s} * ${sqlNumber(fit.beta[j])}`);
  const joins: string[] = [];
  const tables: string[] = [];
  for (let k = 0; k < plan.random.length; k++) {
    const t = plan.random[k];
    const g = f.groups.get(t.group)!;
    const pk = t.columns.length;
    const table = `mixed_models_modes_${process.pid}_${k}`;
    // names no frame column has (those are v0, v1, …, g0, g1, …), so nothing needs qualifying
    const keyCols = g.aliases.map((_, j) => `m${k}_k${j}`);
    const bCols = t.columns.map((_, c) => `m${k}_b${c}`);
    const rowSql = (l: number) =>
      `(${g.parts[l].map((part, j) => (g.numeric[j] ? sqlNumber(Number(part)) : quoteString(part))).join(", ")}, ${bCols.map((_, c) => sqlNumber(fit.ranef[k][l * pk + c])).join(", ")})`;
    const colDefs = [...keyCols.map((c, j) => `${c} ${g.numeric[j] ? "DOUBLE PRECISION" : "VARCHAR"}`), ...bCols.map((b) => `${b} DOUBLE PRECISION`)];
    await engine.query(`DROP TABLE IF EXISTS ${table}`);
    await engine.query(`CREATE TEMPORARY TABLE ${table} (${colDefs.join(", ")})`);
    tables.push(table);
    if (engine.appendRows) {
      const cols: (Float64Array | string[])[] = [
        ...g.aliases.map((_, j) => (g.numeric[j] ? Float64Array.from(g.parts, (p) => Number(p[j])) : g.parts.map((p) => p[j]))),
        ...bCols.map((_, c) => Float64Array.from({ length: t.levels.length }, (__, l) => fit.ranef[k][l * pk + c])),
      ];
      await engine.appendRows(table, cols, t.levels.length);
    } else for (let l0 = 0; l0 < t.levels.length; l0 += INSERT_BATCH) {
      const rows: string[] = [];
      for (let l = l0; l < Math.min(t.levels.length, l0 + INSERT_BATCH); l++) rows.push(rowSql(l));
      await engine.query(`INSERT INTO ${table} (${[...keyCols, ...bCols].join(", ")}) VALUES ${rows.join(", ")}`);
    }
    const on = g.aliases.map((a, j) => `${a} = ${keyCols[j]}`).join(" AND ");
    joins.push(`JOIN ${table} ON ${on}`);
    t.columns.forEach((c, ci) => etaParts.push(`${columnSql(c, f)} * ${bCols[ci]}`));
  }
  try {
    const eta = etaParts.join(" + ") || ZERO;
    const y = responseSql(f);
    const w = f.weights ? `SQRT(${f.weights})` : null;
    const r = `((${y}) - (${eta}))${w ? ` * ${w}` : ""} / ${sqlNumber(fit.sigma)}`;
    const probs = [0, 0.25, 0.5, 0.75, 1];
    const frameRef = f.frame;
    const q = await engine.query(
      `SELECT ${probs.map((p, j) => `PERCENTILE_CONT(${p}) WITHIN GROUP (ORDER BY r) AS q${j}`).join(", ")} ` +
        `FROM (SELECT ${r} AS r FROM ${frameRef} ${joins.join(" ")}) AS resid`,
    );
    const residualQuantiles = probs.map((_, j) => numbers(q, `q${j}`)[0]);
    const fittedHead = await firstFitted(engine, f, fit, x);
    return { residualQuantiles, fittedHead };
  } finally {
    await dropTables(engine, tables);
  }
}

/** μ = η for the frame's first ten rows (in the source's order, as the engine scans it). */
async function firstFitted(engine: SqlEngine, f: SqlModelFrame, fit: FittedModel, x: string[]): Promise<number[]> {
  const plan = f.plan;
  const sel: string[] = x.map((s, j) => `${s} AS x${j}`);
  plan.random.forEach((t, k) => {
    t.columns.forEach((c, ci) => sel.push(`${columnSql(c, f)} AS z${k}_${ci}`));
    f.groups.get(t.group)!.aliases.forEach((a, j) => sel.push(`${a} AS t${k}_${j}`));
  });
  if (f.offset) sel.push(`${f.offset} AS off`);
  const r = await engine.query(`SELECT ${sel.join(", ")} FROM ${f.frame} LIMIT 10`);
  const eta = new Float64Array(r.rowCount);
  x.forEach((_, j) => {
    const c = numbers(r, `x${j}`);
    for (let i = 0; i < r.rowCount; i++) eta[i] += c[i] * fit.beta[j];
  });
  plan.random.forEach((t, k) => {
    const idx = levelIndex(r, f, t, `t${k}_`);
    const pk = t.columns.length;
    t.columns.forEach((_, ci) => {
      const z = numbers(r, `z${k}_${ci}`);
      for (let i = 0; i < r.rowCount; i++) eta[i] += z[i] * fit.ranef[k][idx[i] * pk + ci];
    });
  });
  if (f.offset) {
    const o = numbers(r, "off");
    for (let i = 0; i < r.rowCount; i++) eta[i] += o[i];
  }
  return Array.from(eta);
}
