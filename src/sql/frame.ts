/**
 * The model frame and the construction plan when the rows stay in a SQL engine: what
 * src/model/frame.ts and build-plan.ts do over rows in memory, done with a few aggregate queries —
 * the column types, the missing-value counts and the na.omit filter, every factor's levels among
 * the complete rows (code-point order, as read.csv's), scale()'s centre and divisor — then the same
 * buildPlan over a frame that carries levels but no rows. The plan is the in-memory path's plan,
 * so everything downstream (names, θ layout, lme4's term order) is shared.
 */
import type { Expr } from "../../grammar/ast.js";
import { deparse } from "../formula/deparse.js";
import { formulaTerms } from "../formula/index.js";
import type { FormulaTerms } from "../formula/terms.js";
import { buildPlan } from "../model/build-plan.js";
import { compareCodePoints, type FactorColumn } from "../model/data.js";
import { ModelError } from "../model/errors.js";
import type { CallParameters, Value } from "../model/evaluate.js";
import type { ModelFrame } from "../model/frame.js";
import type { ConstructionPlan, VariableRole } from "../model/plan.js";
import { formatRNumber } from "../rformat.js";
import { numbers, quoteIdent, type SqlEngine } from "./engine.js";
import { toSql, type SqlColumnInfo, type SqlExprContext, type SqlValue } from "./expr.js";

/** Where the rows are: a SQL query (or a table name), and R's names for its columns. */
export interface SqlSource {
  /** Something that may follow FROM: `(SELECT …)` or `read_parquet('…')` or a table name. */
  relation: string;
  /** Optional renaming: R's (syntactic) name → the column's name in the relation. */
  rename?: Map<string, string>;
}

export interface SqlFrameOptions {
  family: string;
  /** Prior weights: the name of a numeric column. */
  weights?: string;
  /** Keep the model frame in a temporary table between the passes (engines that have them). */
  materialize?: boolean;
}

type GroupValue = { kind: "factor"; sql: string; numeric: boolean };

/** One model-frame variable: its alias in the frame's SELECT and how it reads. */
export interface FrameColumn {
  alias: string;
  value: SqlValue;
}

/** One grouping factor: the frame aliases of its variables, and how a row's values make its label. */
export interface FrameGroup {
  aliases: string[];
  numeric: boolean[];
  levels: string[];
  /** Each level's values of the group's variables (labels; numbers as R prints them). */
  parts: string[][];
  /** For a group of one numeric variable: its levels' numbers, ascending (level k is keys[k]). */
  keys?: Float64Array;
}

export interface SqlModelFrame {
  plan: ConstructionPlan;
  terms: FormulaTerms;
  /** FROM-able relation of the model frame (a temporary table or a parenthesised SELECT). */
  frame: string;
  /** The SELECT that defines the frame (printed by `plan --sql`). */
  frameSql: string;
  /** The na.omit (and zero-weight) filter over the source's rows, or null when every row is used. */
  filter: string | null;
  variables: Map<string, FrameColumn>;
  groups: Map<string, FrameGroup>;
  /** Alias of the prior weights and the offset in the frame, or null. */
  weights: string | null;
  offset: string | null;
  n: number;
  /** For factor(x) of a number: label → the number, per variable. */
  numericLevels: Map<string, Map<string, number>>;
  /** Temporary tables to drop after the fit. */
  cleanup: string[];
}

let tableCounter = 0;

/** The frame, the plan, and the SQL that defines both. */
export async function sqlModelFrame(engine: SqlEngine, formula: string, source: SqlSource, options: SqlFrameOptions): Promise<SqlModelFrame> {
  const columns = await sourceColumns(engine, source);
  const terms = formulaTerms(formula, { columns: [...columns.keys()], requireResponse: true });
  const label = (e: Expr) => deparse(e);
  const ctx: SqlExprContext = { columns, label, parameters: new Map(), pending: new Map() };

  // every variable, as frame.ts collects them
  const uses: { expr: Expr; role: VariableRole }[] = [];
  if (terms.response) uses.push({ expr: terms.response, role: "response" });
  for (const t of terms.fixed.terms) for (const f of t.factors) uses.push({ expr: f, role: "fixed" });
  for (const r of terms.random) for (const t of r.terms) for (const f of t.factors) uses.push({ expr: f, role: "random" });
  const roles = new Map<string, VariableRole[]>();
  const exprs = new Map<string, Expr>();
  const addRole = (name: string, role: VariableRole) => {
    const r = roles.get(name) ?? [];
    if (!r.includes(role)) r.push(role);
    roles.set(name, r);
  };
  for (const { expr, role } of uses) {
    const name = label(expr);
    if (!exprs.has(name)) exprs.set(name, expr);
    addRole(name, role);
  }
  const offsetNames: string[] = [];
  for (const o of terms.offsets) {
    const name = `offset(${label(o)})`;
    if (!exprs.has(name)) exprs.set(name, o);
    addRole(name, "offset");
    offsetNames.push(name);
  }
  if (options.weights !== undefined) {
    const w = columns.get(options.weights);
    if (!w) throw new ModelError(`weights column '${options.weights}' is not in the data (columns: ${[...columns.keys()].join(", ")})`, options.weights);
    if (!w.numeric) throw new ModelError(`weights column '${options.weights}' must be numeric`, options.weights);
    if (!exprs.has(options.weights)) exprs.set(options.weights, { kind: "name", name: options.weights, quoted: false, start: 0, end: 0 });
    addRole(options.weights, "weights");
  }
  const groupTerms = new Map<string, Expr[]>();
  for (const r of terms.random) if (!groupTerms.has(r.group.label)) groupTerms.set(r.group.label, r.group.factors);

  // pass 1: the na.omit filter and the missing counts, over the raw values (scale() keeps NULLs)
  const translate = () => {
    const vars = new Map<string, SqlValue>();
    for (const [name, e] of exprs) vars.set(name, toSql(e, ctx));
    const groups = new Map<string, GroupValue[]>();
    for (const [g, fs] of groupTerms) groups.set(g, fs.map((f) => {
      const v = toSql(f, ctx);
      if (v.kind === "matrix") throw new ModelError(`grouping factor '${g}' cannot be a matrix`, g);
      return v.kind === "factor" ? v : { kind: "factor" as const, sql: v.sql, numeric: true };
    }));
    return { vars, groups };
  };
  let { vars, groups } = translate();
  const checks: [string, string[]][] = [];
  for (const [name, v] of vars) checks.push([name, v.kind === "matrix" ? v.columns : [v.sql]]);
  for (const [g, vs] of groups) if (!vars.has(g)) checks.push([g, vs.map((v) => v.sql)]);
  const notNull = (sqls: string[]) => sqls.map((s) => `(${s}) IS NOT NULL`).join(" AND ");
  const complete = checks.map(([, s]) => notNull(s)).join(" AND ");
  // rows with prior weight 0 carry no information and are left out (src/model/frame.ts)
  const wSql = options.weights !== undefined ? (vars.get(options.weights) as { sql: string }).sql : null;
  const where = wSql ? `${complete} AND ${wSql} <> 0` : complete;
  const from = `${source.relation} AS src`;
  // the response's range among the used rows comes with the counts (the families' checks), unless
  // it waits for scale()'s parameters
  const responseName = label(terms.response!);
  const resp = vars.get(responseName);
  const rangeInPass1 = resp?.kind === "numeric" && ctx.pending.size === 0;
  const countSql =
    `SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS total, ` +
    `SUM(CASE WHEN ${where} THEN 1 ELSE 0 END) AS used, ` +
    (wSql ? `SUM(CASE WHEN ${complete} AND ${wSql} = 0 THEN 1 ELSE 0 END) AS zw, ` : "") +
    checks.map(([, s], k) => `SUM(CASE WHEN ${notNull(s)} THEN 0 ELSE 1 END) AS m${k}`).join(", ") +
    (rangeInPass1 ? `, MIN(CASE WHEN ${where} THEN ${resp.sql} END) AS lo, MAX(CASE WHEN ${where} THEN ${resp.sql} END) AS hi` : "") +
    ` FROM ${from}`;
  const counts = await engine.query(countSql);
  const total = numbers(counts, "total")[0];
  const n = numbers(counts, "used")[0] || 0;
  const zeroWeightRows = wSql ? numbers(counts, "zw")[0] || 0 : 0;
  const missingBy: Record<string, number> = {};
  checks.forEach(([name], k) => {
    const m = numbers(counts, `m${k}`)[0];
    if (m > 0) missingBy[name] = m;
  });
  if (n === 0) {
    const which = Object.keys(missingBy).join(", ");
    throw new ModelError(`no rows left after removing rows with missing values${which ? ` (in ${which})` : ""}`);
  }

  // pass 2: scale()'s parameters (R's scale: mean and sd), then the final SQL
  if (ctx.pending.size > 0) {
    const pend = [...ctx.pending];
    const r = await engine.query(
      // over every row where x is not missing, before na.omit: R evaluates scale() in model.frame first
      `SELECT ${pend.map(([, s], k) => `AVG(${s}) AS c${k}, STDDEV_SAMP(${s}) AS s${k}`).join(", ")} FROM ${from}`,
    );
    pend.forEach(([lab], k) => {
      const center = numbers(r, `c${k}`)[0];
      const scale = numbers(r, `s${k}`)[0];
      ctx.parameters.set(lab, { kind: "scale", center, scale } as CallParameters);
    });
    ({ vars, groups } = translate());
  }

  // the frame's SELECT: one alias per variable (matrix columns and group variables their own)
  const selects: string[] = [];
  const variables = new Map<string, FrameColumn>();
  let k = 0;
  for (const [name, v] of vars) {
    if (v.kind === "matrix") {
      const aliases = v.columns.map((s) => {
        const a = `v${k++}`;
        selects.push(`${s} AS ${a}`);
        return a;
      });
      variables.set(name, { alias: aliases.join(","), value: { kind: "matrix", columns: aliases } });
    } else {
      const a = `v${k++}`;
      selects.push(`${v.sql} AS ${a}`);
      variables.set(name, { alias: a, value: v.kind === "factor" ? { ...v, sql: a } : { kind: "numeric", sql: a } });
    }
  }
  const groupAliases = new Map<string, { aliases: string[]; numeric: boolean[] }>();
  let gk = 0;
  for (const [g, vs] of groups) {
    const aliases = vs.map((v) => {
      const a = `g${gk++}`;
      selects.push(`${v.sql} AS ${a}`);
      return a;
    });
    groupAliases.set(g, { aliases, numeric: vs.map((v) => v.kind === "factor" && v.numeric) });
  }
  // every row used: no filter, so the engine never evaluates the variables twice (a filter on a
  // computed column is evaluated in the filter and again in the SELECT)
  const frameSql = `SELECT ${selects.join(", ")} FROM ${from}${n === total ? "" : ` WHERE ${where}`}`;
  const cleanup: string[] = [];
  let frame = `(${frameSql}) AS mf`;
  if (options.materialize && engine.temporaryTables) {
    const table = `mixed_models_frame_${process.pid}_${++tableCounter}`;
    await engine.query(`CREATE TEMPORARY TABLE ${table} AS ${frameSql}`);
    cleanup.push(table);
    frame = table;
  }

  // levels among the complete rows
  const numericLevels = new Map<string, Map<string, number>>();
  const frameVars = new Map<string, Value>();
  for (const [name, fc] of variables) {
    const v = fc.value;
    if (v.kind === "numeric") frameVars.set(name, { kind: "numeric", values: new Float64Array(0) });
    else if (v.kind === "matrix") frameVars.set(name, { kind: "matrix", ncol: v.columns.length, values: new Float64Array(0), colnames: null });
    else {
      const { levels, byLabel } = await distinctLevels(engine, frame, [fc.alias], [v.numeric], true);
      if (byLabel) numericLevels.set(name, byLabel[0]);
      frameVars.set(name, { kind: "factor", codes: new Int32Array(0), levels });
    }
  }
  const frameGroups = new Map<string, FactorColumn>();
  const groupsOut = new Map<string, FrameGroup>();
  for (const [g, { aliases, numeric }] of groupAliases) {
    const { levels, parts, keys } = await distinctLevels(engine, frame, aliases, numeric);
    frameGroups.set(g, { kind: "factor", codes: new Int32Array(0), levels });
    groupsOut.set(g, { aliases, numeric, levels, parts, ...(keys ? { keys } : {}) });
  }

  const skeleton: ModelFrame = {
    n,
    variables: frameVars,
    roles,
    groups: frameGroups,
    groupVariables: new Map([...groupTerms].map(([g, fs]) => [g, fs.map(label)])),
    offset: null,
    weights: null,
    rows: new Int32Array(0),
    totalRows: total,
    droppedRows: [],
    missingBy,
    zeroWeightRows,
  };
  const range = rangeInPass1 ? { lo: numbers(counts, "lo")[0], hi: numbers(counts, "hi")[0] } : null;
  await checkResponse(engine, frame, options.family, variables, terms, label, range);
  const plan = buildPlan(formula, terms, skeleton, label, {
    family: options.family,
    callParameters: ctx.parameters,
    weights: options.weights === undefined ? "none" : "column",
    ...(options.weights !== undefined ? { weightsColumn: options.weights } : {}),
    offsetVector: false,
  });
  plan.rows.dropped = total - n;
  // build-plan reads a numeric binomial response with prior weights as proportions (trials as weights)
  if (options.family.toLowerCase() === "binomial" && options.weights !== undefined && plan.response.kind === "numeric") plan.response.kind = "proportion";
  const offsetAliases = offsetNames.map((o) => variables.get(o)!.alias);
  return {
    plan,
    terms,
    frame,
    frameSql,
    filter: n === total ? null : where,
    variables,
    groups: groupsOut,
    weights: options.weights !== undefined ? variables.get(options.weights)!.alias : null,
    offset: offsetAliases.length === 0 ? null : offsetAliases.map((a) => `${a}`).join(" + "),
    n,
    numericLevels,
    cleanup,
  };
}

/** The relation's columns and whether each is numeric (one LIMIT 0 query). */
async function sourceColumns(engine: SqlEngine, source: SqlSource): Promise<Map<string, SqlColumnInfo>> {
  const r = await engine.query(`SELECT * FROM ${source.relation} AS src LIMIT 0`);
  const out = new Map<string, SqlColumnInfo>();
  const back = new Map<string, string>();
  for (const [rName, sqlName] of source.rename ?? []) back.set(sqlName, rName);
  r.names.forEach((name, j) => {
    out.set(back.get(name) ?? name, { ident: `src.${quoteIdent(name)}`, numeric: r.columns[j] instanceof Float64Array });
  });
  return out;
}

/**
 * The distinct values (or value combinations) of factor columns in the frame, as levels: texts in
 * code-point order, numbers in numeric order printed as R prints them, combinations as R's
 * interaction(…, drop = TRUE) orders them (first factor slowest, each by its own level order).
 */
async function distinctLevels(engine: SqlEngine, frame: string, aliases: string[], numeric: boolean[], wantByLabel = false) {
  const r = await engine.query(`SELECT DISTINCT ${aliases.join(", ")} FROM ${frame}`);
  const cols = aliases.map((a) => r.columns[r.names.indexOf(a)]);
  const byLabel: Map<string, number>[] = aliases.map(() => new Map());
  let keys: Float64Array | undefined;
  const componentLevels = cols.map((c, j) => {
    if (numeric[j]) {
      const xs = distinctSorted(c as Float64Array);
      if (aliases.length === 1) keys = Float64Array.from(xs);
      const labels = xs.map(formatRNumber);
      // label → number, for factor(x) in the fixed part (a grouping factor reads `keys` instead)
      if (wantByLabel) labels.forEach((l, k) => byLabel[j].set(l, xs[k]));
      return labels;
    }
    return [...new Set(c as string[])].sort(compareCodePoints) as string[];
  });
  if (aliases.length === 1) return { levels: componentLevels[0], parts: componentLevels[0].map((l) => [l]), byLabel: numeric[0] ? byLabel : null, keys };
  const index = componentLevels.map((ls) => new Map(ls.map((l, k) => [l, k])));
  const combos: { key: number[]; label: string; parts: string[] }[] = [];
  for (let i = 0; i < r.rowCount; i++) {
    const parts = cols.map((c, j) => (numeric[j] ? formatRNumber((c as Float64Array)[i]) : (c as string[])[i]));
    combos.push({ key: parts.map((p, j) => index[j].get(p)!), label: parts.join(":"), parts });
  }
  combos.sort((a, b) => {
    for (let j = 0; j < a.key.length; j++) if (a.key[j] !== b.key[j]) return a.key[j] - b.key[j];
    return 0;
  });
  return { levels: combos.map((c) => c.label), parts: combos.map((c) => c.parts), byLabel: null, keys: undefined };
}

/** The distinct numbers of a column, ascending (a typed sort: millions of levels). */
function distinctSorted(c: Float64Array): number[] {
  const sorted = Float64Array.from(c).sort();
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  return out;
}

/** The families' checks on the response (build-plan.ts makes them over rows), as MIN/MAX queries. */
async function checkResponse(
  engine: SqlEngine, frame: string, family: string, variables: Map<string, FrameColumn>, terms: FormulaTerms,
  label: (e: Expr) => string, range: { lo: number; hi: number } | null,
): Promise<void> {
  const fam = family.toLowerCase();
  const name = label(terms.response!);
  const v = variables.get(name)!.value;
  if (v.kind !== "numeric") return;
  let lo: number;
  let hi: number;
  if (range) ({ lo, hi } = range);
  else {
    const r = await engine.query(`SELECT MIN(${v.sql}) AS lo, MAX(${v.sql}) AS hi FROM ${frame}`);
    lo = numbers(r, "lo")[0];
    hi = numbers(r, "hi")[0];
  }
  if (fam === "binomial" && (lo < 0 || hi > 1)) {
    throw new ModelError(
      `binomial response '${name}' has value ${lo < 0 ? lo : hi}; give 0/1, proportions with weights, a two-level factor, or cbind(successes, failures)`,
      name,
    );
  }
  // degenerate.ts's checkLmmResponse, from MIN and MAX (the offset is checked with the fit's y)
  if (fam === "gaussian" && lo === hi) {
    throw new ModelError(
      `Response '${name}' is constant (every value is ${lo}): there is no variation for a linear mixed model to describe (σ̂ would be 0 and the criterion −∞)`,
      name,
    );
  }
  if (fam === "poisson" && lo < 0) throw new ModelError(`poisson response '${name}' has negative value ${lo}`, name);
  if ((fam === "gamma" || fam === "inverse.gaussian") && lo <= 0) {
    throw new ModelError(`${fam} response '${name}' has non-positive value ${lo}; the family needs y > 0`, name);
  }
}
