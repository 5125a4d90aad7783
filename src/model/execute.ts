/**
 * Executing a ConstructionPlan over a model frame: y, prior weights, offset, the dense column-major
 * X (then lme4's chkRank.drop.cols), and one ReMat per random term (level index + row-major z
 * values, never the n × q Z). Each output is filled in one pass over the rows.
 */
import { covarianceOfPlan } from "./covariance/index.js";
import { ModelError } from "./errors.js";
import type { FactorColumn } from "./data.js";
import type { Value } from "./evaluate.js";
import type { ModelFrame } from "./frame.js";
import type { ModelMatrices, ReMat } from "./matrices.js";
import type { ColumnPiece, ColumnPlan, ConstructionPlan } from "./plan.js";
import { pivotedQrRank } from "./rank.js";
import { checkScaleX, firstOverflowRow, overflowLimit } from "./scale-check.js";
import { formatCount, tooLarge } from "../memory.js";

export function executePlan(plan: ConstructionPlan, frame: ModelFrame): ModelMatrices {
  const n = frame.n;
  const messages: string[] = [];
  const zeroWeight = plan.rows.zeroWeight ?? 0;
  const missingRows = plan.rows.dropped - zeroWeight;
  if (zeroWeight > 0) {
    messages.push(
      `${zeroWeight} row${zeroWeight === 1 ? "" : "s"} with prior weight 0 left out of the fit (they carry no information and are not counted as observations)`,
    );
  }
  if (missingRows > 0) {
    const by = Object.entries(plan.rows.missingBy)
      .map(([v, k]) => `${v}: ${k}`)
      .join(", ");
    messages.push(
      `${missingRows} row${missingRows === 1 ? "" : "s"} with missing values dropped (${by}); ${n} of ${plan.rows.total} used`,
    );
  }
  const { y, weights } = responseAndWeights(plan, frame);
  const offset = frame.offset ? Float64Array.from(frame.offset) : new Float64Array(n);

  checkMatrixSizes(plan, n);
  const valueOf = frameValueOf(frame);
  const full = fillColumns(plan.fixed.columns, valueOf, n);
  const { X, kept, dropped } = dropRankDeficient(full, n, plan.fixed.columns);
  if (dropped.length > 0) messages.push(rankDeficientMessage(dropped.length));

  checkOverflow(plan, frame, y, X, kept, offset);
  const scaleMessage = checkScaleX(X, n, kept.length);
  if (scaleMessage) messages.push(scaleMessage);

  const reTerms: ReMat[] = plan.random.map((t) => {
    const z = randomTermZ(t.columns, valueOf, n);
    const p = t.columns.length;
    for (let j = 0; j < p; j++) {
      const at = firstOverflowRow(z, n, j, p);
      if (at >= 0) {
        const name = t.columns[j]!.name;
        throw new ModelError(
          `random-effects column '${name}' of ${t.expanded} is ${z[at * p + j]} in row ${frame.rows[at]! + 1}: values beyond ` +
            `±${overflowLimit(n).toPrecision(3)} overflow the model's sums of squares in double precision; rescale the variable`,
          name,
        );
      }
    }
    const group = frame.groups.get(t.group)!;
    return {
      group: t.group,
      varCorrName: t.varCorrName,
      levels: t.levels,
      refs: Int32Array.from(group.codes),
      columnNames: t.columns.map((c) => c.name),
      z,
      covariance: covarianceOfPlan(t),
    };
  });

  return {
    n,
    y,
    X,
    weights,
    offset,
    reTerms,
    ...planParts(plan, kept, dropped),
    messages,
    rows: Int32Array.from(frame.rows),
    frame,
  };
}

/** The model frame's variables as fillColumns reads them. */
export function frameValueOf(frame: ModelFrame): (name: string) => Value {
  return (name) => variable(frame, name);
}

function variable(frame: ModelFrame, name: string): Value {
  const v = frame.variables.get(name);
  if (!v) throw new ModelError(`internal: variable '${name}' missing from the model frame`, name);
  return v;
}

/**
 * Column-major n × columns.length values of the planned columns: each the product of its pieces.
 * `valueOf` gives a variable's values with factor codes indexing the plan's levels — the model
 * frame's when fitting, new data's mapped onto the fit's levels when predicting
 * (src/result/predict.ts): the one place a plan's columns are built.
 */
export function fillColumns(columns: readonly ColumnPlan[], valueOf: (name: string) => Value, n: number): Float64Array {
  const out = new Float64Array(n * columns.length);
  columns.forEach((c, j) => {
    const col = out.subarray(j * n, j * n + n);
    col.fill(1);
    for (const piece of c.pieces) multiplyPiece(col, piece, valueOf(piece.variable), n);
  });
  return out;
}

/** A random-effects term's z values, row-major (row i is z[i·p .. i·p + p)), from its planned
 *  columns. */
export function randomTermZ(columns: readonly ColumnPlan[], valueOf: (name: string) => Value, n: number): Float64Array {
  const p = columns.length;
  const zCols = fillColumns(columns, valueOf, n);
  const z = new Float64Array(n * p);
  for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) z[i * p + j] = zCols[j * n + i]!;
  return z;
}

function multiplyPiece(col: Float64Array, piece: ColumnPiece, v: Value, n: number): void {
  switch (piece.coding) {
    case "numeric": {
      const x = (v as { values: Float64Array }).values;
      for (let i = 0; i < n; i++) col[i]! *= x[i]!;
      return;
    }
    case "matrix": {
      const x = (v as { values: Float64Array }).values;
      const base = piece.column * n;
      for (let i = 0; i < n; i++) col[i]! *= x[base + i]!;
      return;
    }
    case "poly-contrast": {
      const codes = (v as FactorColumn).codes;
      for (let i = 0; i < n; i++) col[i]! *= piece.values[codes[i]!]!;
      return;
    }
    case "contrast":
    case "indicator": {
      const codes = (v as FactorColumn).codes;
      const k = piece.levelIndex;
      for (let i = 0; i < n; i++) if (codes[i] !== k) col[i] = 0;
      return;
    }
  }
}

/** lme4's chkRank.drop.cols: keep pivot[1..rank] of R's qr(X, tol = 1e-7), in original order. */
function dropRankDeficient(
  X: Float64Array,
  n: number,
  columns: ColumnPlan[],
): { X: Float64Array; kept: number[]; dropped: number[] } {
  const p = columns.length;
  const all = columns.map((_, j) => j);
  if (p === 0) return { X, kept: all, dropped: [] };
  const { rank, pivot } = pivotedQrRank(X, n, p);
  if (rank === p) return { X, kept: all, dropped: [] };
  const kept = Array.from(pivot.subarray(0, rank)).sort((a, b) => a - b);
  const keptSet = new Set(kept);
  const dropped = all.filter((j) => !keptSet.has(j));
  const out = new Float64Array(n * kept.length);
  kept.forEach((j, k) => out.set(X.subarray(j * n, j * n + n), k * n));
  return { X: out, kept, dropped };
}

/** y and prior weights as lme4/glm read them for the response's kind (R's binomial()$initialize). */
function responseAndWeights(plan: ConstructionPlan, frame: ModelFrame): { y: Float64Array; weights: Float64Array } {
  const n = frame.n;
  const v = variable(frame, plan.response.variable);
  const weights = frame.weights ? Float64Array.from(frame.weights) : new Float64Array(n).fill(1);
  const y = new Float64Array(n);
  switch (plan.response.kind) {
    case "counts": {
      const m = (v as { values: Float64Array }).values;
      for (let i = 0; i < n; i++) {
        const s = m[i]!;
        const f = m[n + i]!;
        if (s < 0 || f < 0) {
          throw new ModelError(`binomial response '${plan.response.expression}' has a negative count in row ${frame.rows[i]! + 1}`, plan.response.variable);
        }
        const trials = s + f;
        y[i] = trials === 0 ? 0 : s / trials;
        weights[i] = weights[i]! * trials;
      }
      break;
    }
    case "binary-factor": {
      const { codes, levels } = v as FactorColumn;
      // A logical (levels within FALSE, TRUE) is 0/1 by value; a factor's first level is failure.
      const logical = levels.every((l) => l === "FALSE" || l === "TRUE");
      for (let i = 0; i < n; i++) y[i] = logical ? (levels[codes[i]!] === "TRUE" ? 1 : 0) : codes[i]! === 0 ? 0 : 1;
      break;
    }
    default:
      y.set((v as { values: Float64Array }).values.subarray(0, n));
  }
  return { y, weights };
}

/** Values so large that their squares summed over the rows overflow (scale-check.ts): a
 *  ModelError naming the variable and the row, before the fit meets a NaN pivot. */
function checkOverflow(
  plan: ConstructionPlan, frame: ModelFrame, y: Float64Array, X: Float64Array, kept: number[], offset: Float64Array,
): void {
  const n = frame.n;
  const fail = (what: string, row: number, value: number, column?: string): never => {
    throw new ModelError(
      `${what} is ${value} in row ${frame.rows[row]! + 1}: values beyond ±${overflowLimit(n).toPrecision(3)} overflow ` +
        "the model's sums of squares in double precision; rescale the variable",
      column,
    );
  };
  let r = firstOverflowRow(y, n);
  if (r >= 0) fail(`the response '${plan.response.expression}'`, r, y[r]!, plan.response.variable);
  r = firstOverflowRow(offset, n);
  if (r >= 0) fail("the offset", r, offset[r]!);
  kept.forEach((j, c) => {
    const at = firstOverflowRow(X, n, c * n);
    if (at >= 0) fail(`fixed-effects column '${plan.fixed.columns[j]!.name}'`, at, X[c * n + at]!, plan.fixed.columns[j]!.name);
  });
}

/** X (n × columns) and each term's Z (n × p_k) must fit in one array each (src/memory.ts); a
 *  factor with very many levels among the fixed effects is the usual cause, so it is named. */
function checkMatrixSizes(plan: ConstructionPlan, n: number): void {
  const cols = plan.fixed.columns;
  const problem = tooLarge(
    `the fixed-effects model matrix (${formatCount(n)} rows × ${formatCount(cols.length)} columns)`,
    n * cols.length,
  );
  if (problem) {
    const perVariable = new Map<string, number>();
    for (const c of cols) for (const p of c.pieces) perVariable.set(p.variable, (perVariable.get(p.variable) ?? 0) + 1);
    const [widest, count] = [...perVariable].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
    const hint = widest
      ? `: '${widest}' alone makes ${formatCount(count)} columns; a factor with this many levels belongs in a random-effects term, e.g. (1 | ${widest})`
      : "";
    throw new ModelError(problem + hint, widest || undefined);
  }
  for (const t of plan.random) {
    const z = tooLarge(`the random-effects matrix of ${t.expanded} (${formatCount(n)} rows × ${formatCount(t.columns.length)} columns)`, n * t.columns.length);
    if (z) throw new ModelError(z);
  }
}

/** What ModelMatrices takes from the plan itself: the kept and dropped X columns' names, θ's start,
 *  bounds and names, the levels per grouping factor. Shared with the SQL path (src/sql/fit.ts),
 *  which executes the plan elsewhere. */
export function planParts(plan: ConstructionPlan, kept: readonly number[], dropped: readonly number[]) {
  return {
    p: kept.length,
    xNames: kept.map((j) => plan.fixed.columns[j]!.name),
    droppedX: dropped.map((j) => plan.fixed.columns[j]!.name),
    theta0: Float64Array.from(plan.theta.start),
    lower: Float64Array.from(plan.theta.lower),
    upper: Float64Array.from(plan.theta.upper),
    thetaNames: [...plan.theta.names],
    ngroups: { ...plan.ngroups },
    plan,
  };
}

/** lme4's message when k columns of X are dropped as rank deficient. */
export function rankDeficientMessage(k: number): string {
  return `fixed-effect model matrix is rank deficient so dropping ${k} ${k === 1 ? "column / coefficient" : "columns / coefficients"}`;
}
