/**
 * Executing a ConstructionPlan over a model frame: y, prior weights, offset, the dense column-major
 * X (then lme4's chkRank.drop.cols), and one ReMat per random term (level index + row-major z
 * values, never the n × q Z). Each output is filled in one pass over the rows.
 */
import { ModelError } from "./errors.js";
import type { FactorColumn } from "./data.js";
import type { Value } from "./evaluate.js";
import type { ModelFrame } from "./frame.js";
import type { ModelMatrices, ReMat } from "./matrices.js";
import type { ColumnPiece, ColumnPlan, ConstructionPlan } from "./plan.js";
import { pivotedQrRank } from "./rank.js";

export function executePlan(plan: ConstructionPlan, frame: ModelFrame): ModelMatrices {
  const n = frame.n;
  const messages: string[] = [];
  if (plan.rows.dropped > 0) {
    const by = Object.entries(plan.rows.missingBy)
      .map(([v, k]) => `${v}: ${k}`)
      .join(", ");
    messages.push(
      `${plan.rows.dropped} row${plan.rows.dropped === 1 ? "" : "s"} with missing values dropped (${by}); ${n} of ${plan.rows.total} used`,
    );
  }
  const { y, weights } = responseAndWeights(plan, frame);
  const offset = frame.offset ? Float64Array.from(frame.offset) : new Float64Array(n);

  const full = fillColumns(plan.fixed.columns, frame, n);
  const { X, kept, dropped } = dropRankDeficient(full, n, plan.fixed.columns);
  if (dropped.length > 0) {
    const k = dropped.length;
    messages.push(
      `fixed-effect model matrix is rank deficient so dropping ${k} ${k === 1 ? "column / coefficient" : "columns / coefficients"}`,
    );
  }

  const reTerms: ReMat[] = plan.random.map((t) => {
    const p = t.columns.length;
    const zCols = fillColumns(t.columns, frame, n);
    // Row-major z: row i is z[i*p .. i*p + p).
    const z = new Float64Array(n * p);
    for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) z[i * p + j] = zCols[j * n + i]!;
    const group = frame.groups.get(t.group)!;
    return {
      group: t.group,
      varCorrName: t.varCorrName,
      levels: t.levels,
      refs: Int32Array.from(group.codes),
      columnNames: t.columns.map((c) => c.name),
      z,
      correlated: t.correlated,
      thetaOffset: t.thetaOffset,
      thetaCount: t.thetaCount,
    };
  });

  return {
    n,
    y,
    X,
    p: kept.length,
    xNames: kept.map((j) => plan.fixed.columns[j]!.name),
    droppedX: dropped.map((j) => plan.fixed.columns[j]!.name),
    weights,
    offset,
    reTerms,
    theta0: Float64Array.from(plan.theta.start),
    lower: Float64Array.from(plan.theta.lower),
    thetaNames: [...plan.theta.names],
    ngroups: { ...plan.ngroups },
    messages,
    plan,
    rows: Int32Array.from(frame.rows),
    frame,
  };
}

function variable(frame: ModelFrame, name: string): Value {
  const v = frame.variables.get(name);
  if (!v) throw new ModelError(`internal: variable '${name}' missing from the model frame`, name);
  return v;
}

/** Column-major n × columns.length values of the planned columns: each the product of its pieces. */
export function fillColumns(columns: ColumnPlan[], frame: ModelFrame, n: number): Float64Array {
  const out = new Float64Array(n * columns.length);
  columns.forEach((c, j) => {
    const col = out.subarray(j * n, j * n + n);
    col.fill(1);
    for (const piece of c.pieces) multiplyPiece(col, piece, variable(frame, piece.variable), n);
  });
  return out;
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
