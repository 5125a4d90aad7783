/**
 * `mixed-models plan` for data in an engine (Parquet, --sql, --engine) and `plan … --sql` (a bare
 * flag): the construction plan made by aggregate queries, and with --sql-print the SQL it compiles
 * to — the model frame's SELECT and every cross-product query (blocks.ts) — for any engine.
 */
import { describePlan } from "../model/describe.js";
import type { SqlEngine } from "../sql/engine.js";
import { extractEngineArgs, positionals, type EngineChoice } from "./engine-args.js";
import { describeError } from "./fit.js";
import { openSource } from "./fit-sql.js";

/** `--sql` with a query after it is the input; a bare `--sql` (last, or before another option, or
 *  before the formula) asks for the generated SQL. */
export function splitSqlFlag(args: string[]): { printSql: boolean; rest: string[] } {
  const rest: string[] = [];
  let printSql = false;
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (args[i] === "--sql" && (next === undefined || next.startsWith("--") || !/^\s*(select|with|from|values|\()/i.test(next))) printSql = true;
    else rest.push(args[i]);
  }
  return { printSql, rest };
}

export async function run(args: string[]): Promise<number> {
  const { printSql, rest } = splitSqlFlag(args);
  const e = extractEngineArgs(rest);
  if (typeof e === "string") {
    process.stderr.write(`mixed-models plan: ${e}\n`);
    return 2;
  }
  const pos = positionals(e.rest);
  const formula = e.sql !== null ? pos[0] : pos[1];
  const data = e.sql !== null ? null : pos[0];
  if (formula === undefined || (e.sql === null && data === undefined)) {
    process.stderr.write(`mixed-models plan: missing ${formula === undefined && data !== undefined ? "formula" : "data file (or --sql \"SELECT …\") and formula"}\n`);
    return 2;
  }
  const familyAt = e.rest.indexOf("--family");
  const weightsAt = e.rest.indexOf("--weights");
  const family = familyAt >= 0 ? e.rest[familyAt + 1] : "gaussian";
  const weights = weightsAt >= 0 ? e.rest[weightsAt + 1] : undefined;
  const choice: EngineChoice = e.engine && e.engine.kind !== "memory" ? e.engine : { kind: "duckdb" };
  let engine: SqlEngine | null = null;
  try {
    const opened = await openSource(choice, data ?? null, e.sql);
    engine = opened.engine;
    const { sqlModelFrame } = await import("../sql/frame.js");
    const { blockQueries, globalQuery, keptColumns } = await import("../sql/blocks.js");
    const { numbers } = await import("../sql/engine.js");
    const f = await sqlModelFrame(engine, formula, opened.source, { family, ...(weights ? { weights } : {}) });
    const all = f.plan.fixed.columns;
    const g = await engine.query(globalQuery(f, all));
    const p = all.length;
    const xtx = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++) xtx[i + j * p] = xtx[j + i * p] = numbers(g, `${f.weights ? "ux" : "xx"}_${i}_${j}`)[0];
    const kept = keptColumns(xtx, p);
    const dropped = all.map((c, j) => (kept.includes(j) ? null : c.name)).filter((x): x is string => x !== null);
    if (!printSql) {
      if (e.rest.includes("--json")) process.stdout.write(`${JSON.stringify({ ...f.plan, droppedX: dropped }, (_k, v) => (v === -Infinity ? "-Inf" : v), 2)}\n`);
      else process.stdout.write(`${describePlan(f.plan, dropped)}\n`);
      return 0;
    }
    if (f.plan.family.toLowerCase() !== "gaussian") {
      process.stdout.write(
        `-- the model frame (na.omit; every variable evaluated)\n${f.frameSql};\n` +
          "-- a GLMM is fitted on this frame grouped by every distinct row pattern (COUNT(*) per pattern as a prior weight)\n",
      );
      return 0;
    }
    const q = blockQueries(f, kept.map((j) => all[j]));
    const out = [
      `-- the model frame (na.omit; every variable evaluated; the queries below read it as ${f.frame.startsWith("(") ? "mf" : f.frame})`,
      `${f.frameSql};`,
      "-- X'WX, X'Wy, y'Wy, n (and the unweighted X'X for the rank check)",
      `${q.global};`,
      "-- per level of the first term: Z1'WZ1 blocks, Z1'WX, Z1'Wy",
      `${q.level1};`,
      ...q.pairs1.flatMap((s, k) => [`-- per pair of levels of terms 1 and ${k + 2}: off-diagonal blocks`, `${s};`]),
      ...q.levelK.flatMap((s, k) => [`-- per level of term ${k + 2}: its diagonal blocks, Zk'WX, Zk'Wy`, `${s};`]),
      ...q.pairsKK.flatMap(({ k, k2, sql }) => [`-- per pair of levels of terms ${k + 1} and ${k2 + 1}`, `${sql};`]),
    ];
    process.stdout.write(out.join("\n") + "\n");
    return 0;
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n`);
    return 1;
  } finally {
    await engine?.close?.();
  }
}
