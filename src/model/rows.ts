/**
 * Row bookkeeping for the model frame: which rows of a value are missing, and a value restricted
 * to the rows kept (model.frame's na.omit with drop.unused.levels).
 */
import type { Value } from "./values.js";

/** Keep the given rows of a value and drop factor levels no kept row uses (model.frame's drop.unused.levels). */
export function subsetRows(v: Value, rows: Int32Array): Value {
  const m = rows.length;
  if (v.kind === "numeric") {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = v.values[rows[i]!]!;
    return { kind: "numeric", values: out };
  }
  if (v.kind === "matrix") {
    const n = v.values.length / v.ncol;
    const out = new Float64Array(m * v.ncol);
    for (let j = 0; j < v.ncol; j++) for (let i = 0; i < m; i++) out[j * m + i] = v.values[j * n + rows[i]!]!;
    return { ...v, values: out };
  }
  const usedCount = new Int32Array(v.levels.length);
  for (let i = 0; i < m; i++) usedCount[v.codes[rows[i]!]!]!++;
  const remap = new Int32Array(v.levels.length).fill(-1);
  const levels: string[] = [];
  v.levels.forEach((l, k) => {
    if (usedCount[k]! > 0) (remap[k] = levels.length, levels.push(l));
  });
  const codes = new Int32Array(m);
  for (let i = 0; i < m; i++) codes[i] = remap[v.codes[rows[i]!]!]!;
  return v.ordered ? { kind: "factor", codes, levels, ordered: true } : { kind: "factor", codes, levels };
}

/** Whether row i of a value is missing. */
export function missingMask(v: Value, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  if (v.kind === "factor") {
    for (let i = 0; i < n; i++) if (v.codes[i]! < 0) mask[i] = 1;
  } else {
    const cols = v.kind === "matrix" ? v.ncol : 1;
    for (let j = 0; j < cols; j++) for (let i = 0; i < n; i++) if (Number.isNaN(v.values[j * n + i]!)) mask[i] = 1;
  }
  return mask;
}
