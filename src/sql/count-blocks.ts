/**
 * The count-grouped route (src/fit/pls/count-grouped.ts) from a SQL engine: when the first
 * random-effects term is scalar and the later terms are narrow, one GROUP BY over the first term's
 * levels gives, per level j, its count aⱼ and its whole row cⱼ of Z₁ᵀW[Z₂ … Z_K X y] — the later
 * terms' levels as columns (SUM(CASE WHEN g₂ = level …)) — streamed chunk by chunk into the
 * S_a = Σ_{aⱼ = a} cⱼcⱼᵀ. The trailing block A₂₂ comes from the usual per-level queries of the
 * later terms (blocks.ts) and the global X'X, X'y, y'y. Users × 30 days at 100M rows: one pass of
 * 1M groups, then every evaluation costs (distinct counts) × 33², whatever n is.
 *
 * Chosen when it is cheaper (countGroupedCost): an evaluation costs D·m² here against
 * Σⱼ nnzⱼ² for the direct route's Schur complement (nnzⱼ the trailing rows level j meets); both are
 * known only after the pass, so when the direct route turns out cheaper (many distinct counts:
 * continuous weights, or sparse crossings) the fit falls back to it, one more pass.
 */
import { GRADIENT_OPTIMIZER_MIN_THETA } from "../fit/lmm/fit-lmm.js";
import { CountGroupedBuilder, type CountGroupedData } from "../fit/pls/count-grouped.js";
import type { RandomTermPlan } from "../model/plan.js";
import { forEachChunk, numbers, quoteString, type SqlEngine } from "./engine.js";
import { blockQueries, columnSql, globalQuery, MERGE_GLOBAL_MIN_ROWS, rankCheck, reduceGlobal, levelIndex, rawLevelSums, rawSumsOf, responseSql, type RawLevelSums } from "./blocks.js";
import { sqlNumber, ZERO } from "./expr.js";
import type { FrameGroup, SqlModelFrame } from "./frame.js";

/** Widest trailing random-effects block the pivot query is written for (one SUM per column). */
export const PIVOT_MAX_COLUMNS = 128;

/**
 * The automatic choice takes the count-grouped route only from this many first-term levels on.
 * Below, an evaluation costs microseconds either way, and the direct route does the in-memory
 * fit's arithmetic (the same blocks, the same Schur complement), so its optimiser path is the
 * in-memory one to the last bit; the count-grouped criterion differs from it in the last
 * 12–13 digits (the subtractions happen in another order), which on a flat criterion can move
 * BOBYQA's end point by ~1e-6 in θ (pastes: 3.4e-6).
 */
export const COUNT_GROUPED_MIN_LEVELS = 10_000;

/** Whether the model's shape allows the count-grouped route at all. */
export function countGroupedApplies(f: SqlModelFrame): boolean {
  const terms = f.plan.random;
  if (terms.length < 2 || terms[0].columns.length !== 1) return false;
  let qRest = 0;
  for (let k = 1; k < terms.length; k++) qRest += terms[k].levels.length * terms[k].columns.length;
  const nTheta = terms.reduce((s, t) => s + t.thetaCount, 0);
  return qRest <= PIVOT_MAX_COLUMNS && nTheta < GRADIENT_OPTIMIZER_MIN_THETA;
}

/** Per-evaluation work of each route, in multiply-adds: D·m² against Σⱼ nnzⱼ². */
export function countGroupedCost(distinct: number, m: number, directSumNnz2: number): { count: number; direct: number } {
  return { count: distinct * m * m, direct: directSumNnz2 };
}

export interface CountGroupedBlocks {
  data: CountGroupedData;
  raw: RawLevelSums[];
  kept: number[];
  dropped: number[];
  n: number;
}

/** Level l's condition on a group's frame columns. */
function levelIs(g: FrameGroup, l: number): string {
  if (g.keys) return `${g.aliases[0]} = ${sqlNumber(g.keys[l])}`;
  return g.aliases
    .map((a, j) => (g.numeric[j] ? `${a} = ${sqlNumber(Number(g.parts[l][j]))}` : `${a} = ${quoteString(g.parts[l][j])}`))
    .join(" AND ");
}

/**
 * Run the route's queries; null when the direct route is cheaper for these data (see the module
 * comment), so the caller computes the direct blocks instead.
 */
export async function computeCountGrouped(engine: SqlEngine, f: SqlModelFrame, force = false): Promise<CountGroupedBlocks | null> {
  const plan = f.plan;
  const all = plan.fixed.columns;
  const w = f.weights ? (s: string) => `${f.weights} * ${s}` : (s: string) => s;
  const terms = plan.random;
  const K = terms.length;
  // the second term's level query carries the global sums (few levels: the cheapest to carry
  // them), then lme4's rank check as blocks.ts; a rank-deficient X runs it again on the kept columns
  const merged = f.n > MERGE_GLOBAL_MIN_ROWS;
  const first = merged ? await engine.query(blockQueries(f, all, "levelK").levelK[0]) : null;
  const g0 = first ? reduceGlobal(first, f, all) : await engine.query(globalQuery(f, all));
  const { kept, dropped } = rankCheck(g0, f, all.length);
  const p = kept.length;
  // natural trailing order: later terms' levels × columns, then X, then y
  const start = new Int32Array(K + 1);
  for (let k = 1; k < K; k++) start[k + 1] = start[k] + terms[k].levels.length * terms[k].columns.length;
  const qRest = start[K];
  const m = qRest + p + 1;
  const a22 = new Float64Array(m * m);
  const put = (i: number, j: number, v: number) => {
    a22[i + j * m] = v;
    a22[j + i * m] = v;
  };
  const x = kept.map((j) => columnSql(all[j], f));
  const q = blockQueries(f, kept.map((j) => all[j]));
  // later terms' diagonal blocks and their X, y rows
  const raw: RawLevelSums[] = [];
  for (let k = 1; k < K; k++) {
    const r = k === 1 && first && dropped.length === 0 ? first : await engine.query(q.levelK[k - 1]);
    const t = terms[k];
    const pk = t.columns.length;
    const idx = levelIndex(r, f, t, "a");
    raw[k] = rawSumsOf(r, idx, t.levels.length);
    for (let a = 0; a < pk; a++) {
      for (let b = a; b < pk; b++) {
        const v = numbers(r, `zz_${a}_${b}`);
        for (let i = 0; i < r.rowCount; i++) put(start[k] + idx[i] * pk + a, start[k] + idx[i] * pk + b, v[i]);
      }
      for (let j = 0; j < p; j++) {
        const v = numbers(r, `zx_${a}_${j}`);
        for (let i = 0; i < r.rowCount; i++) put(start[k] + idx[i] * pk + a, qRest + j, v[i]);
      }
      const v = numbers(r, `zy_${a}`);
      for (let i = 0; i < r.rowCount; i++) put(start[k] + idx[i] * pk + a, m - 1, v[i]);
    }
  }
  // pairs of later terms
  for (const { k, k2, sql } of q.pairsKK) {
    const r = await engine.query(sql);
    const pk = terms[k].columns.length;
    const pk2 = terms[k2].columns.length;
    const ia = levelIndex(r, f, terms[k], "a");
    const ib = levelIndex(r, f, terms[k2], "b");
    for (let a = 0; a < pk; a++) {
      for (let b = 0; b < pk2; b++) {
        const v = numbers(r, `zz_${a}_${b}`);
        for (let i = 0; i < r.rowCount; i++) put(start[k] + ia[i] * pk + a, start[k2] + ib[i] * pk2 + b, v[i]);
      }
    }
  }
  // X'WX, X'Wy, y'Wy
  kept.forEach((ci, i) => {
    kept.forEach((cj, j) => {
      if (j >= i) put(qRest + i, qRest + j, numbers(g0, `xx_${Math.min(ci, cj)}_${Math.max(ci, cj)}`)[0]);
    });
    put(qRest + i, m - 1, numbers(g0, `xy_${ci}`)[0]);
  });
  put(m - 1, m - 1, numbers(g0, "yy")[0]);

  // the pivot: per first-term level, aⱼ and cⱼ
  const z1 = columnSql(terms[0].columns[0], f);
  const y = responseSql(f);
  const cols: string[] = [`${f.groups.get(terms[0].group)!.aliases.map((a, j) => `${a} AS a${j}`).join(", ")}`, `SUM(${w(`${z1} * ${z1}`)}) AS cnt`];
  for (let k = 1; k < K; k++) {
    const g = f.groups.get(terms[k].group)!;
    const zk = terms[k].columns.map((c) => columnSql(c, f));
    for (let l = 0; l < terms[k].levels.length; l++) {
      const cond = levelIs(g, l);
      zk.forEach((z, c) => cols.push(`SUM(CASE WHEN ${cond} THEN ${w(`${z1} * ${z}`)} ELSE ${ZERO} END) AS c${start[k] + l * zk.length + c}`));
    }
  }
  x.forEach((s, j) => cols.push(`SUM(${w(`${z1} * ${s}`)}) AS c${qRest + j}`));
  cols.push(`SUM(${w(`${z1} * ${y}`)}) AS c${m - 1}`, rawLevelSums(f));
  const l1 = terms[0].levels.length;
  raw[0] = { cnt: new Float64Array(l1), total: new Float64Array(l1), v: new Float64Array(l1) };
  const keys = f.groups.get(terms[0].group)!.aliases.join(", ");
  const builder = new CountGroupedBuilder(terms[0].levels.length, m);
  const row = new Float64Array(m);
  const blockEnds = levelBlockEnds(terms, start);
  let directNnz2 = 0;
  await forEachChunk(engine, `SELECT ${cols.join(", ")} FROM ${f.frame} GROUP BY ${keys}`, (r) => {
    const idx = levelIndex(r, f, terms[0] as RandomTermPlan, "a");
    rawSumsOf(r, idx, l1, raw[0]);
    const cnt = numbers(r, "cnt");
    const cs = Array.from({ length: m }, (_, i) => numbers(r, `c${i}`));
    for (let i = 0; i < r.rowCount; i++) {
      for (let c = 0; c < m; c++) row[c] = cs[c][i];
      builder.add(idx[i], cnt[i], row);
      // the rows of the direct route's pattern: whole level blocks met, then X and y
      let nnz = p + 1;
      let b0 = 0;
      for (const end of blockEnds) {
        for (let c = b0; c < end; c++) {
          if (row[c] !== 0) {
            nnz += end - b0;
            break;
          }
        }
        b0 = end;
      }
      directNnz2 += nnz * nnz;
    }
  });
  const cost = countGroupedCost(builder.distinct, m, directNnz2);
  if (!force && cost.count > cost.direct) return null;
  const n = numbers(g0, "n")[0];
  const sumLogWeights = f.weights ? numbers(g0, "ldw")[0] : 0;
  return { data: builder.data(a22, sumLogWeights), raw, kept, dropped, n };
}

/** The ends of the later terms' level blocks in the natural trailing order. */
function levelBlockEnds(terms: RandomTermPlan[], start: Int32Array): number[] {
  const ends: number[] = [];
  for (let k = 1; k < terms.length; k++) {
    const pk = terms[k].columns.length;
    for (let l = 0; l < terms[k].levels.length; l++) ends.push(start[k] + (l + 1) * pk);
  }
  return ends;
}
