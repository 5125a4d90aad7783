/**
 * The construction plan compiled to SQL: every cross-product block of [Z X y] the PLS system needs
 * (JSS 2015 §3.2; MixedModels.jl forms its `A` once the same way), as GROUP BY queries over the
 * model frame, then placed into the blocked layout of src/fit/pls/structure.ts. For K terms:
 *
 *   global      X'WX, X'Wy, y'Wy, n, Σ log w (and the unweighted X'X for lme4's rank check)
 *   level₁      per level of term 1: Z₁'WZ₁ (its p₁ × p₁ block), Z₁'WX, Z₁'Wy
 *   level₁×levelₖ   per pair of levels met in a row: Zₖ'WZ₁ (the off-diagonal blocks of crossed terms)
 *   levelₖ      per level of term k ≥ 2: Zₖ'WZₖ, Zₖ'WX, Zₖ'Wy
 *   levelₖ×levelₖ'  per pair of levels of two later terms: Zₖ'WZₖ'
 *
 * y here is the response minus the offset. Each query is one pass over the frame; after them an
 * evaluation of the objective never touches the rows.
 */
import type { ColumnPiece, ColumnPlan, ConstructionPlan, RandomTermPlan } from "../model/plan.js";
import { ModelError } from "../model/errors.js";
import { formatRNumber } from "../rformat.js";
import type { CrossProducts } from "../fit/pls/cross-products.js";
import type { PrecomputedBlocks } from "../fit/pls/pls-system.js";
import type { BlockStructure } from "../fit/pls/structure.js";
import { numbers, quoteString, type SqlColumns, type SqlEngine } from "./engine.js";
import { ONE, sqlNumber, ZERO } from "./expr.js";
import { CompensatedSum } from "../fit/lmm/start.js";
import type { SqlModelFrame } from "./frame.js";

/** A model-matrix column as a SQL expression over the frame: the product of its pieces. */
export function columnSql(c: ColumnPlan, f: SqlModelFrame): string {
  if (c.pieces.length === 0) return ONE;
  return c.pieces.map((p) => pieceSql(p, f)).join(" * ");
}

function pieceSql(p: ColumnPiece, f: SqlModelFrame): string {
  const v = f.variables.get(p.variable);
  if (!v) throw new Error(`internal: variable '${p.variable}' is not in the SQL frame`);
  const is = (level: string) => {
    const byLabel = f.numericLevels.get(p.variable);
    return byLabel ? `${v.alias} = ${sqlNumber(byLabel.get(level)!)}` : `${v.alias} = ${quoteString(level)}`;
  };
  switch (p.coding) {
    case "numeric":
      return v.alias;
    case "contrast":
    case "indicator":
      return `(CASE WHEN ${is(p.level)} THEN ${ONE} ELSE ${ZERO} END)`;
    case "poly-contrast":
      return `(CASE ${p.levels.map((l, k) => `WHEN ${is(l)} THEN ${sqlNumber(p.values[k])}`).join(" ")} END)`;
    case "matrix":
      throw new ModelError(`'${p.variable}' (a matrix such as poly()) is not supported when the data stay in a SQL engine; compute its columns in the query`, p.variable);
  }
}

/** y − offset as SQL: the response for an LMM (numeric). */
export function responseSql(f: SqlModelFrame): string {
  const r = f.plan.response;
  const v = f.variables.get(r.variable)!;
  if (v.value.kind !== "numeric") throw new ModelError(`response '${r.variable}' must be numeric for a linear mixed model`, r.variable);
  return f.offset ? `(${v.alias} - (${f.offset}))` : v.alias;
}

/**
 * Per level, what lme4's start θ reads (fit.ts startThetaSql): the rows, Σy and the population
 * variance of the raw response (no weights, no offset), so that no pass of its own is needed.
 */
export function rawLevelSums(f: SqlModelFrame): string {
  const y = f.variables.get(f.plan.response.variable)!.alias;
  return `CAST(COUNT(*) AS DOUBLE PRECISION) AS n_raw, SUM(${y}) AS y_raw, VAR_POP(${y}) AS v_raw`;
}

/** Per level of one term: rows, Σy and var_pop(y) of the raw response, by level index. */
export interface RawLevelSums {
  cnt: Float64Array;
  total: Float64Array;
  v: Float64Array;
}

/** RawLevelSums from a level query's result (rows in any order). */
export function rawSumsOf(r: SqlColumns, idx: Int32Array, levels: number, into?: RawLevelSums): RawLevelSums {
  const out = into ?? { cnt: new Float64Array(levels), total: new Float64Array(levels), v: new Float64Array(levels) };
  const c = numbers(r, "n_raw");
  const t = numbers(r, "y_raw");
  const v = numbers(r, "v_raw");
  for (let i = 0; i < r.rowCount; i++) {
    out.cnt[idx[i]] = c[i];
    out.total[idx[i]] = t[i];
    out.v[idx[i]] = v[i];
  }
  return out;
}

/** The SQL of every block query, for `plan --sql` and for running. */
export interface BlockQueries {
  global: string;
  level1: string;
  pairs1: string[];
  levelK: string[];
  pairsKK: { k: number; k2: number; sql: string }[];
}

/** lme4's chkRank.drop.cols from X'X: the columns dqrdc2 keeps (tolerance 1e-7 on the norm of each
 *  column's part orthogonal to the kept columns before it, relative to its own norm). */
export function keptColumns(xtx: Float64Array, p: number, tol = 1e-7): number[] {
  const kept: number[] = [];
  const L: number[][] = []; // rows of the Cholesky factor of the kept columns' Gram matrix
  for (let j = 0; j < p; j++) {
    const norm2 = xtx[j + j * p];
    // l = L⁻¹ X_keptᵀ x_j: x_j's coordinates on the kept columns' orthonormal basis
    const l: number[] = [];
    for (let a = 0; a < kept.length; a++) {
      let s = xtx[j + kept[a] * p];
      for (let b = 0; b < a; b++) s -= L[a][b] * l[b];
      l.push(s / L[a][a]);
    }
    let d = norm2;
    for (const x of l) d -= x * x;
    if (norm2 > 0 && Math.sqrt(Math.max(d, 0)) >= tol * Math.sqrt(norm2)) {
      L.push([...l, Math.sqrt(d)]);
      kept.push(j);
    }
  }
  return kept;
}

interface Ctx {
  f: SqlModelFrame;
  w: (s: string) => string;
  x: string[];
  /** y − offset; null when the response is not one number (cbind, a factor: a GLMM's). */
  y: string | null;
  z: string[][];
  keys: string[][];
}

function context(f: SqlModelFrame, xColumns: ColumnPlan[]): Ctx {
  const w = f.weights ? (s: string) => `${f.weights} * ${s}` : (s: string) => s;
  return {
    f,
    w,
    x: xColumns.map((c) => columnSql(c, f)),
    y: f.variables.get(f.plan.response.variable)?.value.kind === "numeric" ? responseSql(f) : null,
    z: f.plan.random.map((t) => t.columns.map((c) => columnSql(c, f))),
    keys: f.plan.random.map((t) => f.groups.get(t.group)!.aliases),
  };
}

const sum = (s: string) => `SUM(${s})`;

/** The global sums' SELECT items: also the unweighted X'X for the rank check (lme4 checks X, not W^½X). */
export function globalItems(f: SqlModelFrame, columns: ColumnPlan[]): string[] {
  const c = context(f, columns);
  const p = c.x.length;
  const s: string[] = [`CAST(COUNT(*) AS DOUBLE PRECISION) AS n`];
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) s.push(`${sum(c.w(`${c.x[i]} * ${c.x[j]}`))} AS xx_${i}_${j}`);
  if (f.weights) for (let i = 0; i < p; i++) for (let j = i; j < p; j++) s.push(`${sum(`${c.x[i]} * ${c.x[j]}`)} AS ux_${i}_${j}`);
  if (c.y !== null) {
    for (let i = 0; i < p; i++) s.push(`${sum(c.w(`${c.x[i]} * ${c.y}`))} AS xy_${i}`);
    s.push(`${sum(c.w(`${c.y} * ${c.y}`))} AS yy`);
  }
  if (f.weights) s.push(`SUM(CASE WHEN ${f.weights} > 0 THEN LN(${f.weights}) ELSE ${ZERO} END) AS ldw`);
  return s;
}

/**
 * From this many rows on, the global sums ride along with the first level query (one pass fewer);
 * below, they are their own query, one SQL SUM over the rows: the per-level partial sums added here
 * round differently in the last bits, and on the reference cases' flat criteria (pastes) that
 * moves BOBYQA's end point by ~1e-6 in θ away from the in-memory fit's.
 */
export const MERGE_GLOBAL_MIN_ROWS = 1_000_000;

/** The global query: X'WX, X'Wy, y'Wy, n, Σ log w in one row. */
export function globalQuery(f: SqlModelFrame, columns: ColumnPlan[]): string {
  return `SELECT ${globalItems(f, columns).join(", ")} FROM ${f.frame}`;
}

/** The global sums from a level query that carried them per level (globalItems in its SELECT):
 *  each column's per-level partial sums added with compensation, as one row. */
export function reduceGlobal(r: SqlColumns, f: SqlModelFrame, columns: ColumnPlan[]): SqlColumns {
  const names = globalItems(f, columns).map((item) => item.slice(item.lastIndexOf(" AS ") + 4));
  const columnsOut = names.map((name) => {
    const acc = new CompensatedSum();
    for (const v of numbers(r, name)) acc.add(v);
    return Float64Array.of(acc.value());
  });
  return { names, columns: columnsOut, rowCount: 1 };
}

/** `withGlobal`: the first level query (level₁, or levelₖ of the second term) also carries the
 *  global sums per level (reduceGlobal adds them up), saving the global pass. */
export function blockQueries(f: SqlModelFrame, xColumns: ColumnPlan[], withGlobal: "level1" | "levelK" | null = null): BlockQueries {
  const extra = (where: "level1" | "levelK") => (withGlobal === where ? `, ${globalItems(f, xColumns).join(", ")}` : "");
  const c = context(f, xColumns);
  if (c.y === null) responseSql(f); // throws, naming the response
  const K = f.plan.random.length;
  const keys = (k: number) => c.keys[k].join(", ");
  const keysAs = (k: number, tag: string) => c.keys[k].map((a, j) => `${a} AS ${tag}${j}`).join(", ");
  const p = c.x.length;
  // level₁
  const z1 = c.z[0];
  const s1: string[] = [];
  for (let a = 0; a < z1.length; a++) for (let b = a; b < z1.length; b++) s1.push(`${sum(c.w(`${z1[a]} * ${z1[b]}`))} AS zz_${a}_${b}`);
  for (let a = 0; a < z1.length; a++) {
    for (let j = 0; j < p; j++) s1.push(`${sum(c.w(`${z1[a]} * ${c.x[j]}`))} AS zx_${a}_${j}`);
    s1.push(`${sum(c.w(`${z1[a]} * ${c.y}`))} AS zy_${a}`);
  }
  const level1 = `SELECT ${keysAs(0, "a")}, ${s1.join(", ")}, ${rawLevelSums(f)}${extra("level1")} FROM ${f.frame} GROUP BY ${keys(0)}`;
  const pairs1: string[] = [];
  const levelK: string[] = [];
  for (let k = 1; k < K; k++) {
    const zk = c.z[k];
    const s: string[] = [];
    for (let a = 0; a < z1.length; a++) for (let b = 0; b < zk.length; b++) s.push(`${sum(c.w(`${z1[a]} * ${zk[b]}`))} AS zz_${a}_${b}`);
    pairs1.push(`SELECT ${keysAs(0, "a")}, ${keysAs(k, "b")}, ${s.join(", ")} FROM ${f.frame} GROUP BY ${keys(0)}, ${keys(k)}`);
    const t: string[] = [];
    for (let a = 0; a < zk.length; a++) for (let b = a; b < zk.length; b++) t.push(`${sum(c.w(`${zk[a]} * ${zk[b]}`))} AS zz_${a}_${b}`);
    for (let a = 0; a < zk.length; a++) {
      for (let j = 0; j < p; j++) t.push(`${sum(c.w(`${zk[a]} * ${c.x[j]}`))} AS zx_${a}_${j}`);
      t.push(`${sum(c.w(`${zk[a]} * ${c.y}`))} AS zy_${a}`);
    }
    levelK.push(`SELECT ${keysAs(k, "a")}, ${t.join(", ")}, ${rawLevelSums(f)}${k === 1 ? extra("levelK") : ""} FROM ${f.frame} GROUP BY ${keys(k)}`);
  }
  const pairsKK: { k: number; k2: number; sql: string }[] = [];
  for (let k = 1; k < K; k++) {
    for (let k2 = k + 1; k2 < K; k2++) {
      const s: string[] = [];
      for (let a = 0; a < c.z[k].length; a++) for (let b = 0; b < c.z[k2].length; b++) s.push(`${sum(c.w(`${c.z[k][a]} * ${c.z[k2][b]}`))} AS zz_${a}_${b}`);
      pairsKK.push({ k, k2, sql: `SELECT ${keysAs(k, "a")}, ${keysAs(k2, "b")}, ${s.join(", ")} FROM ${f.frame} GROUP BY ${keys(k)}, ${keys(k2)}` });
    }
  }
  return { global: globalQuery(f, xColumns), level1, pairs1, levelK, pairsKK };
}

/** Level index of each result row for a term's grouping factor (keys `tag0`, `tag1`, …). */
export function levelIndex(r: SqlColumns, f: SqlModelFrame, t: RandomTermPlan, tag: string): Int32Array {
  const g = f.groups.get(t.group)!;
  const cols = g.aliases.map((_, j) => r.columns[r.names.indexOf(`${tag}${j}`)]);
  const out = new Int32Array(r.rowCount);
  if (cols.length === 1 && g.keys) {
    // the levels' numbers ascending: a binary search per row
    const keys = g.keys;
    const c = cols[0] as Float64Array;
    for (let i = 0; i < r.rowCount; i++) {
      let lo = 0;
      let hi = keys.length - 1;
      const x = c[i];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      out[i] = lookup(keys[lo] === x ? lo : undefined, t.group, x);
    }
    return out;
  }
  if (cols.length === 1 && g.numeric[0]) {
    const byNumber = new Map<number, number>();
    g.levels.forEach((l, k) => byNumber.set(Number(l), k));
    const c = cols[0] as Float64Array;
    for (let i = 0; i < r.rowCount; i++) out[i] = lookup(byNumber.get(c[i]) ?? byLabel(g.levels, formatRNumber(c[i])), t.group, c[i]);
    return out;
  }
  const index = new Map(g.levels.map((l, k) => [l, k]));
  for (let i = 0; i < r.rowCount; i++) {
    const key = cols.length === 1 && !g.numeric[0]
      ? (cols[0] as (string | null)[])[i]!
      : cols.map((c, j) => (g.numeric[j] ? formatRNumber((c as Float64Array)[i]) : (c as (string | null)[])[i])).join(":");
    out[i] = lookup(index.get(key), t.group, key);
  }
  return out;
}

function byLabel(levels: string[], label: string): number | undefined {
  const k = levels.indexOf(label);
  return k < 0 ? undefined : k;
}

function lookup(k: number | undefined, group: string, key: unknown): number {
  if (k === undefined) throw new Error(`internal: level '${String(key)}' of '${group}' was not among its levels`);
  return k;
}

/** lme4's rank check on X'X (unweighted, "ux", when there are weights) read off the global sums:
 *  the X columns kept and dropped. */
export function rankCheck(g0: SqlColumns, f: SqlModelFrame, p0: number): { kept: number[]; dropped: number[] } {
  const ux = new Float64Array(p0 * p0);
  for (let i = 0; i < p0; i++) {
    for (let j = i; j < p0; j++) {
      const v = numbers(g0, `${f.weights ? "ux" : "xx"}_${i}_${j}`)[0];
      ux[i + j * p0] = v;
      ux[j + i * p0] = v;
    }
  }
  const kept = keptColumns(ux, p0);
  return { kept, dropped: Array.from({ length: p0 }, (_, j) => j).filter((j) => !kept.includes(j)) };
}

/** Everything fitLmm needs from the engine: the blocks, the kept X columns, n, Σ log w. */
export interface SqlBlocks {
  blocks: PrecomputedBlocks;
  /** Per term, the raw per-level sums lme4's start θ reads. */
  raw: RawLevelSums[];
  kept: number[];
  dropped: number[];
  n: number;
}

/**
 * Run the queries and assemble the blocks. `onQuery` sees each query's SQL and seconds (for
 * `--json` timing and for tests).
 */
export async function computeBlocks(engine: SqlEngine, f: SqlModelFrame, onQuery?: (sql: string, seconds: number) => void): Promise<SqlBlocks> {
  const run = async (sql: string) => {
    const t0 = performance.now();
    const r = await engine.query(sql);
    onQuery?.(sql, (performance.now() - t0) / 1000);
    return r;
  };
  const plan = f.plan;
  const all = plan.fixed.columns;
  // level₁ with the global sums over every planned column, then lme4's rank check on X'X; when it
  // drops columns, level₁ again on the kept ones (rare: a rank-deficient X)
  const merged = f.n > MERGE_GLOBAL_MIN_ROWS;
  let level1 = merged ? await run(blockQueries(f, all, "level1").level1) : null;
  const g0 = level1 ? reduceGlobal(level1, f, all) : await run(globalQuery(f, all));
  const { kept, dropped } = rankCheck(g0, f, all.length);
  const xColumns = kept.map((j) => all[j]);
  const q = blockQueries(f, xColumns);
  const K = plan.random.length;
  if (!level1 || dropped.length > 0) level1 = await run(q.level1);
  const pairs1: SqlColumns[] = [];
  const levelK: SqlColumns[] = [];
  for (let k = 1; k < K; k++) {
    pairs1.push(await run(q.pairs1[k - 1]));
    levelK.push(await run(q.levelK[k - 1]));
  }
  const pairsKK: SqlColumns[] = [];
  for (const pk of q.pairsKK) pairsKK.push(await run(pk.sql));

  // node numbering of LevelPattern: terms 2..K, level blocks in natural order
  const nodeOffset = new Int32Array(K + 1);
  for (let k = 1; k < K; k++) nodeOffset[k + 1] = nodeOffset[k] + plan.random[k].levels.length;
  const l1 = plan.random[0].levels.length;
  const idx1 = levelIndex(level1, f, plan.random[0], "a");
  const pairIdx = pairs1.map((r, k) => ({ a: levelIndex(r, f, plan.random[0], "a"), b: levelIndex(r, f, plan.random[k + 1], "b") }));
  // met: per first-term level, the nodes it meets (counting sort by level, then each list sorted)
  const metPtr = new Int32Array(l1 + 1);
  for (const { a } of pairIdx) for (let i = 0; i < a.length; i++) metPtr[a[i] + 1]++;
  for (let j = 0; j < l1; j++) metPtr[j + 1] += metPtr[j];
  const metIdx = new Int32Array(metPtr[l1]);
  const fill = metPtr.slice(0, l1);
  pairIdx.forEach(({ a, b }, k) => {
    for (let i = 0; i < a.length; i++) metIdx[fill[a[i]]++] = nodeOffset[k + 1] + b[i];
  });
  for (let j = 0; j < l1; j++) metIdx.subarray(metPtr[j], metPtr[j + 1]).sort();
  const kkIdx = q.pairsKK.map(({ k, k2 }, e) => ({
    k, k2, a: levelIndex(pairsKK[e], f, plan.random[k], "a"), b: levelIndex(pairsKK[e], f, plan.random[k2], "b"),
  }));
  const edges: number[] = [];
  for (const { k, k2, a, b } of kkIdx) for (let i = 0; i < a.length; i++) edges.push(nodeOffset[k] + a[i], nodeOffset[k2] + b[i]);
  const pattern = { metPtr, metIdx, laterEdges: Int32Array.from(edges) };
  const raw = [rawSumsOf(level1, idx1, l1), ...levelK.map((r, kk) => rawSumsOf(r, levelIndex(r, f, plan.random[kk + 1], "a"), plan.random[kk + 1].levels.length))];
  const n = numbers(g0, "n")[0];
  const sumLogWeights = f.weights ? numbers(g0, "ldw")[0] : 0;

  const fillBlocks = (s: BlockStructure, out: CrossProducts) => {
    const { a11, a21, a22 } = out;
    a11.fill(0);
    a21.fill(0);
    a22.fill(0);
    const { p1, m, qRest, colPtr, rowIdx, levelStart, p } = s;
    const lower = (i: number, j: number, v: number) => {
      if (i >= j) a22[i + j * m] += v;
      else a22[j + i * m] += v;
    };
    // level₁: A₁₁ blocks, and the X, y rows of A₂₁
    const zz = (r: SqlColumns, a: number, b: number) => numbers(r, `zz_${a}_${b}`);
    const zx = (r: SqlColumns, a: number) => Array.from({ length: p + 1 }, (_, j) => numbers(r, j < p ? `zx_${a}_${j}` : `zy_${a}`));
    {
      const zz1 = Array.from({ length: p1 }, (_, a) => Array.from({ length: p1 }, (__, b) => (b >= a ? zz(level1, a, b) : null)));
      const zx1 = Array.from({ length: p1 }, (_, a) => zx(level1, a));
      for (let i = 0; i < level1.rowCount; i++) {
        const l = idx1[i];
        const o = l * p1 * p1;
        for (let a = 0; a < p1; a++) {
          for (let b = a; b < p1; b++) {
            const v = zz1[a][b]![i];
            a11[o + a + b * p1] = v;
            a11[o + b + a * p1] = v;
          }
        }
        const xPos = colPtr[l + 1] - p - 1;
        for (let a = 0; a < p1; a++) for (let j = 0; j <= p; j++) a21[(xPos + j) * p1 + a] = zx1[a][j][i];
      }
    }
    // level₁ × levelₖ: A₂₁'s rows of the later terms
    pairs1.forEach((r, kk) => {
      const k = kk + 1;
      const pk = plan.random[k].columns.length;
      const cols: Float64Array[] = [];
      for (let a = 0; a < p1; a++) for (let b = 0; b < pk; b++) cols.push(numbers(r, `zz_${a}_${b}`));
      const { a: ia, b: ib } = pairIdx[kk];
      for (let i = 0; i < r.rowCount; i++) {
        const start = levelStart[k][ib[i]];
        const pos = search(rowIdx, colPtr[ia[i]], colPtr[ia[i] + 1], start);
        for (let a = 0; a < p1; a++) for (let b = 0; b < pk; b++) a21[(pos + b) * p1 + a] = cols[a * pk + b][i];
      }
    });
    // levelₖ: A₂₂'s diagonal blocks of the later terms and their X, y rows
    levelK.forEach((r, kk) => {
      const k = kk + 1;
      const t = plan.random[k];
      const pk = t.columns.length;
      const idx = levelIndex(r, f, t, "a");
      const zzk = Array.from({ length: pk }, (_, a) => Array.from({ length: pk }, (__, b) => (b >= a ? zz(r, a, b) : null)));
      const zxk = Array.from({ length: pk }, (_, a) => zx(r, a));
      for (let i = 0; i < r.rowCount; i++) {
        const st = levelStart[k][idx[i]];
        for (let a = 0; a < pk; a++) {
          for (let b = a; b < pk; b++) lower(st + b, st + a, zzk[a][b]![i]);
          for (let j = 0; j < p; j++) lower(qRest + j, st + a, zxk[a][j][i]);
          lower(m - 1, st + a, zxk[a][p][i]);
        }
      }
    });
    // levelₖ × levelₖ'
    kkIdx.forEach(({ k, k2, a: ia, b: ib }, e) => {
      const r = pairsKK[e];
      const pk = plan.random[k].columns.length;
      const pk2 = plan.random[k2].columns.length;
      const zzkk = Array.from({ length: pk }, (_, a) => Array.from({ length: pk2 }, (__, b) => zz(r, a, b)));
      for (let i = 0; i < r.rowCount; i++) {
        const sa = levelStart[k][ia[i]];
        const sb = levelStart[k2][ib[i]];
        for (let a = 0; a < pk; a++) for (let b = 0; b < pk2; b++) lower(sa + a, sb + b, zzkk[a][b][i]);
      }
    });
    // global: X'WX, X'Wy, y'Wy
    kept.forEach((ci, i) => {
      kept.forEach((cj, j) => {
        if (j < i) return;
        lower(qRest + j, qRest + i, numbers(g0, `xx_${Math.min(ci, cj)}_${Math.max(ci, cj)}`)[0]);
      });
      lower(m - 1, qRest + i, numbers(g0, `xy_${ci}`)[0]);
    });
    lower(m - 1, m - 1, numbers(g0, "yy")[0]);
  };
  return { blocks: { pattern, fill: fillBlocks, sumLogWeights }, raw, kept, dropped, n };
}

function search(a: Int32Array, lo: number, hi: number, target: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  if (a[lo] !== target) throw new Error("internal: a level pair from the engine is not in the block pattern");
  return lo;
}
