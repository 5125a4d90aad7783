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
import { columnSql, computeBlocks, levelIndex, responseSql, type RawLevelSums } from "./blocks.js";
import { sqlNumber, ZERO } from "./expr.js";
import { sqlModelFrame, type SqlModelFrame, type SqlSource } from "./frame.js";
import { computeCountGrouped, COUNT_GROUPED_MIN_LEVELS, countGroupedApplies, PIVOT_MAX_COLUMNS } from "./count-blocks.js";
import { ModelError } from "../model/errors.js";

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
  /** How the PLS system is formed: "auto" (default: count-grouped when the first term is scalar,
   *  the later terms narrow, and it is cheaper — count-blocks.ts), or forced either way. */
  route?: "auto" | "direct" | "count-grouped";
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
  get stream(): SqlEngine["stream"] {
    const inner = this.inner;
    if (!inner.stream) return undefined;
    return async (sql, onChunk) => {
      const t0 = performance.now();
      try {
        await inner.stream!(sql, onChunk);
      } finally {
        const s = (performance.now() - t0) / 1000;
        this.seconds += s;
        this.queries++;
        this.onQuery?.(sql, s);
      }
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
export async function startThetaSql(engine: SqlEngine, f: SqlModelFrame, m: ModelMatrices, raw?: RawLevelSums[]): Promise<Float64Array> {
  const theta = Float64Array.from(m.theta0);
  const terms = m.reTerms;
  if (m.n < 2) return theta;
  if (!terms.every((t) => t.columnNames.length === 1 && t.columnNames[0] === "(Intercept)")) return theta;
  if (new Set(terms.map((t) => t.group)).size !== terms.length || theta.length !== terms.length) return theta;
  // The optimiser's path starts here, so these follow start.ts's arithmetic closely: the engine
  // sums within levels (short sums, from the block queries: blocks.ts rawLevelSums), the levels'
  // partial sums are added here with compensation as start.ts adds rows (R's long-double
  // accumulators).
  const y = f.variables.get(f.plan.response.variable)!.alias; // the raw response: lme4 ignores offset and weights here
  const n = m.n;
  // one query at a time: a connection streams one result at a time
  const perLevel: RawLevelSums[] = [];
  for (const [k, t] of f.plan.random.entries()) {
    if (raw?.[k]) {
      perLevel.push(raw[k]);
      continue;
    }
    const keys = f.groups.get(t.group)!.aliases.join(", ");
    const r = await engine.query(`SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS cnt, SUM(${y}) AS total FROM ${f.frame} GROUP BY ${keys}`);
    perLevel.push({ cnt: numbers(r, "cnt"), total: numbers(r, "total"), v: new Float64Array(0) });
  }
  // mean(y): Σy over n, then the correction pass Σ(y − m)/n
  const first = perLevel[0];
  const sy = new CompensatedSum();
  for (const v of first.total) sy.add(v);
  let mean = sy.value() / n;
  const corr = new CompensatedSum();
  for (let j = 0; j < first.cnt.length; j++) corr.add(first.total[j] - first.cnt[j] * mean);
  mean += corr.value() / n;
  const sse = new CompensatedSum();
  if (n <= SS_PASS_MAX_ROWS || first.v.length === 0) {
    const ss = await engine.query(`SELECT SUM((${y} - ${sqlNumber(mean)}) * (${y} - ${sqlNumber(mean)})) AS ss FROM ${f.frame} GROUP BY ${f.groups.get(f.plan.random[0].group)!.aliases.join(", ")}`);
    for (const v of numbers(ss, "ss")) sse.add(v);
  } else {
    // Σ(y − ȳ)² = Σⱼ nⱼ var_pop(y)ⱼ + Σⱼ nⱼ(ȳⱼ − ȳ)², exact, from the level sums (no pass)
    for (let j = 0; j < first.cnt.length; j++) {
      const d = first.total[j] / first.cnt[j] - mean;
      sse.add(first.cnt[j] * first.v[j]);
      sse.add(first.cnt[j] * d * d);
    }
  }
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

/** Up to this many rows start θ's Σ(y − ȳ)² is one more pass, as start.ts's two-pass var(y) (the
 *  reference cases keep their bits); beyond, it comes from the level queries' var_pop (no pass). */
export const SS_PASS_MAX_ROWS = 1_000_000;

/** Fit `formula` to the rows of `source` in `engine` (see the module comment). */
export async function lmerSql(engine: SqlEngine, formula: string, source: SqlSource, options: SqlFitOptions = {}): Promise<MixedModel> {
  const timed = new TimedEngine(engine, options.onQuery);
  const f = await sqlModelFrame(timed, formula, source, {
    family: "gaussian",
    ...(options.weights !== undefined ? { weights: options.weights } : {}),
    materialize: options.materialize ?? false,
  });
  try {
    const route = options.route ?? "auto";
    if (route === "count-grouped" && !countGroupedApplies(f)) {
      throw new ModelError(`the count-grouped route needs a scalar first random-effects term and at most ${PIVOT_MAX_COLUMNS} later random-effects columns`);
    }
    const wantCount = route === "count-grouped" ||
      (route === "auto" && countGroupedApplies(f) && f.plan.random[0].levels.length >= COUNT_GROUPED_MIN_LEVELS);
    const cg = wantCount ? await computeCountGrouped(timed, f, route === "count-grouped") : null;
    const fitOptions = { REML: options.REML ?? true, onProgress: options.onProgress };
    let fit: FittedModel;
    let kept: number[];
    if (cg) {
      kept = cg.kept;
      const m = matricesWithoutRows(f, cg.kept, cg.dropped, cg.n);
      const startTheta = await startThetaSql(timed, f, m, cg.raw);
      fit = fitLmm(m, { ...fitOptions, countGrouped: cg.data, startTheta });
    } else {
      const direct = await computeBlocks(timed, f);
      kept = direct.kept;
      const m = matricesWithoutRows(f, direct.kept, direct.dropped, direct.n);
      const startTheta = await startThetaSql(timed, f, m, direct.raw);
      // withThreads: the factor's worker (if the fit started one) is shut down when the fit returns
      fit = withThreads(undefined, () => fitLmm(m, { ...fitOptions, blocks: direct.blocks, startTheta }));
    }
    const rows = await rowSummaries(timed, f, fit, kept);
    fit.engineRows = {
      engine: engine.name, ...rows, engineSeconds: timed.seconds, queries: timed.queries, route: cg ? "count-grouped" : "direct",
    };
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
        ...g.aliases.map((_, j) => (g.keys ? g.keys : g.numeric[j] ? Float64Array.from(g.parts, (p) => Number(p[j])) : g.parts.map((p) => p[j]))),
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
    const residualQuantiles = await quantiles(engine, `SELECT ${r} AS r FROM ${f.frame} ${joins.join(" ")}`, fit.matrices.n);
    const fittedHead = await firstFitted(engine, f, fit, x);
    return { residualQuantiles, fittedHead };
  } finally {
    await dropTables(engine, tables);
  }
}

/** Up to this many rows the engine's PERCENTILE_CONT sorts the residuals; beyond, two passes that
 *  hold only counts and a few bins' values (exactQuantiles). */
export const SORT_QUANTILES_MAX_ROWS = 100_000;

/** R's type-7 quantiles 0, ¼, ½, ¾, 1 of the column `r` of `rowsSql` (n rows). */
export async function quantiles(engine: SqlEngine, rowsSql: string, n: number): Promise<number[]> {
  const probs = [0, 0.25, 0.5, 0.75, 1];
  if (n <= SORT_QUANTILES_MAX_ROWS) {
    const q = await engine.query(
      `SELECT ${probs.map((p, j) => `PERCENTILE_CONT(${p}) WITHIN GROUP (ORDER BY r) AS q${j}`).join(", ")} FROM (${rowsSql}) AS resid`,
    );
    return probs.map((_, j) => numbers(q, `q${j}`)[0]);
  }
  return exactQuantiles(engine, rowsSql, n, probs);
}

/**
 * Exact type-7 quantiles without sorting n values: pass 1 counts the values in bins of width 1/s
 * (FLOOR(r·s), with the bin's MIN and MAX); the order statistics x₍ₖ₎ the quantiles need are located
 * by the cumulative counts, and an order statistic that is its bin's first or last value is that
 * bin's MIN or MAX. Pass 2 fetches the values of the few bins left (about n/s·density each) and
 * sorts them here. s is a power of two (exact bins) chosen so that a bin near the centre of scaled
 * residuals (density ≤ 0.4) holds some 10⁵ values.
 */
export async function exactQuantiles(engine: SqlEngine, rowsSql: string, n: number, probs: number[]): Promise<number[]> {
  const s = 2 ** Math.max(0, Math.ceil(Math.log2((0.4 * n) / 1e5)));
  const bin = `FLOOR(r * ${sqlNumber(s)})`;
  const h = await engine.query(
    `SELECT ${bin} AS b, CAST(COUNT(*) AS DOUBLE PRECISION) AS c, MIN(r) AS lo, MAX(r) AS hi FROM (${rowsSql}) AS resid GROUP BY ${bin}`,
  );
  const b = numbers(h, "b");
  const order = Array.from(b.keys()).sort((i, j) => b[i] - b[j]);
  const c = numbers(h, "c");
  const lo = numbers(h, "lo");
  const hi = numbers(h, "hi");
  const start: number[] = []; // rank of each bin's first value (bins ascending)
  let total = 0;
  for (const i of order) {
    start.push(total);
    total += c[i];
  }
  // the bin (position in `order`) holding order statistic k (0-based)
  const binOf = (k: number) => {
    let a = 0;
    let z = order.length - 1;
    while (a < z) {
      const mid = (a + z + 1) >>> 1;
      if (start[mid] <= k) a = mid;
      else z = mid - 1;
    }
    return a;
  };
  const known = new Map<number, number>();
  const wanted = new Set<number>();
  const stats = new Set<number>();
  for (const p of probs) {
    const hIdx = (total - 1) * p;
    stats.add(Math.floor(hIdx));
    if (hIdx > Math.floor(hIdx)) stats.add(Math.floor(hIdx) + 1);
  }
  for (const k of stats) {
    const at = binOf(k);
    const i = order[at];
    if (k === start[at]) known.set(k, lo[i]);
    else if (k === start[at] + c[i] - 1 || lo[i] === hi[i]) known.set(k, hi[i]);
    else wanted.add(at);
  }
  if (wanted.size > 0) {
    // the bins to fetch as a small table joined on the bin: a WHERE on r would be evaluated
    // before the projection and r computed twice (filter and SELECT)
    const bins = [...wanted].map((at) => `SELECT ${sqlNumber(b[order[at]])} AS wb`);
    const v = await engine.query(
      `SELECT resid.b AS b, resid.r AS r FROM (SELECT ${bin} AS b, r FROM (${rowsSql}) AS inner_rows) AS resid ` +
        `JOIN (${bins.join(" UNION ALL ")}) AS wanted ON resid.b = wanted.wb`,
    );
    const vb = numbers(v, "b");
    const vr = numbers(v, "r");
    for (const at of wanted) {
      const key = b[order[at]];
      const vals = Float64Array.from(vr.filter((_, i) => vb[i] === key)).sort();
      for (const k of stats) if (binOf(k) === at) known.set(k, vals[k - start[at]]);
    }
  }
  return probs.map((p) => {
    const hIdx = (total - 1) * p;
    const k = Math.floor(hIdx);
    const x = known.get(k)!;
    return hIdx > k ? x + (hIdx - k) * (known.get(k + 1)! - x) : x;
  });
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
