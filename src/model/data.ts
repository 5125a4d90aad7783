/**
 * DataTable: the model stage's own typed copy of the user's data, made once from whatever the user
 * handed over (a danfo DataFrame, an array of records, an object of column arrays, a CSV file).
 * Column types follow R's read.csv (type.convert): a column is numeric when every non-missing entry
 * reads as a number, whatever its quoting; otherwise it is a factor whose levels are its distinct
 * values in code-point order. Empty cells, `NA`, null, undefined and NaN are missing.
 */
import { ModelError } from "./errors.js";

export interface NumericColumn {
  kind: "numeric";
  /** NaN marks a missing value. */
  values: Float64Array;
}

export interface FactorColumn {
  kind: "factor";
  /** 0-based level index per row, −1 for missing. */
  codes: Int32Array;
  levels: string[];
  /** An ordered factor (R's ordered()): coded by polynomial contrasts (contr.poly). */
  ordered?: boolean;
}

export type Column = NumericColumn | FactorColumn;

export interface DataTable {
  /** Number of rows. */
  n: number;
  /** Column names in their original order. */
  names: string[];
  columns: Map<string, Column>;
}

/** What compileModel accepts as data. */
export type DataInput = DataFrameLike | Record<string, unknown>[] | Record<string, ArrayLike<unknown>>;

/** The part of a danfojs / danfojs-node DataFrame we read (danfo itself is never imported here). */
export interface DataFrameLike {
  columns: string[];
  column?: (name: string) => { values: ArrayLike<unknown> };
  values?: ArrayLike<ArrayLike<unknown>>;
}

// R's type.convert: decimal and scientific numbers, hex integers, Inf and NaN, surrounding blanks.
const NUMBER_PATTERN =
  /^\s*[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F]+|Inf|inf|NaN|nan)\s*$/;

function isMissingText(s: string): boolean {
  return s === "" || s === "NA";
}

function isMissingValue(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    (typeof v === "number" && Number.isNaN(v)) ||
    (typeof v === "string" && isMissingText(v.trim()))
  );
}

function parseRNumber(s: string): number {
  const t = s.trim().replace(/^\+/, "");
  if (/^-?inf$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^-?0[xX]/.test(t)) return (t.startsWith("-") ? -1 : 1) * parseInt(t.replace(/^-/, ""), 16);
  return Number(t);
}

function readsAsNumber(v: unknown): boolean {
  if (typeof v === "number") return true;
  if (typeof v === "string") return NUMBER_PATTERN.test(v);
  return false;
}

/** Code-point order, which R's read.csv gives in the C locale. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One column of raw values (strings, numbers, booleans, missing) typed as read.csv would. */
export function typeColumn(raw: ArrayLike<unknown>): Column {
  const n = raw.length;
  let numeric = true;
  for (let i = 0; i < n && numeric; i++) {
    const v = raw[i];
    if (!isMissingValue(v) && !readsAsNumber(v)) numeric = false;
  }
  if (!numeric && isLogicalColumn(raw)) return logicalColumn(raw);
  if (numeric) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      values[i] = isMissingValue(v) ? NaN : typeof v === "number" ? v : parseRNumber(v as string);
    }
    return { kind: "numeric", values };
  }
  return factorFromLabels(raw);
}

// R's type.convert reads these as logical; a logical is coded like a factor with levels FALSE, TRUE.
const LOGICAL_TEXT: Record<string, boolean> = {
  T: true, TRUE: true, true: true, True: true,
  F: false, FALSE: false, false: false, False: false,
};

function isLogicalColumn(raw: ArrayLike<unknown>): boolean {
  let any = false;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (isMissingValue(v)) continue;
    if (typeof v === "boolean") any = true;
    else if (typeof v === "string" && Object.prototype.hasOwnProperty.call(LOGICAL_TEXT, v.trim())) any = true;
    else return false;
  }
  return any;
}

function logicalColumn(raw: ArrayLike<unknown>): FactorColumn {
  const truth = Array.from(raw, (v) => (isMissingValue(v) ? null : typeof v === "boolean" ? v : LOGICAL_TEXT[(v as string).trim()]!));
  const levels = (["FALSE", "TRUE"] as const).filter((l) => truth.includes(l === "TRUE"));
  const codes = Int32Array.from(truth, (t) => (t === null ? -1 : levels.indexOf(t ? "TRUE" : "FALSE")));
  return { kind: "factor", codes, levels: [...levels] };
}

function labelOf(v: unknown): string {
  // R's logicals become "FALSE"/"TRUE", which as a factor gives model.matrix's `xTRUE` name.
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function factorFromLabels(raw: ArrayLike<unknown>): FactorColumn {
  const n = raw.length;
  const labels: (string | null)[] = new Array(n);
  const distinct = new Set<string>();
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    if (isMissingValue(v)) {
      labels[i] = null;
    } else {
      const s = labelOf(v);
      labels[i] = s;
      distinct.add(s);
    }
  }
  const levels = [...distinct].sort(compareCodePoints);
  const index = new Map(levels.map((l, k) => [l, k]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = labels[i];
    codes[i] = s === null ? -1 : index.get(s)!;
  }
  return { kind: "factor", codes, levels };
}

function isDataFrameLike(x: unknown): x is DataFrameLike {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const cols = (x as { columns?: unknown }).columns;
  if (!Array.isArray(cols) || !cols.every((c) => typeof c === "string")) return false;
  const df = x as DataFrameLike;
  return typeof df.column === "function" || (df.values !== undefined && typeof df.values === "object");
}

function rawColumnsOfDataFrame(df: DataFrameLike): Map<string, ArrayLike<unknown>> {
  const out = new Map<string, ArrayLike<unknown>>();
  if (typeof df.column === "function") {
    for (const name of df.columns) out.set(name, df.column(name).values);
    return out;
  }
  const rows = df.values!;
  df.columns.forEach((name, j) => {
    const col = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) col[i] = rows[i]![j];
    out.set(name, col);
  });
  return out;
}

function rawColumnsOfRecords(records: Record<string, unknown>[]): Map<string, ArrayLike<unknown>> {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (r === null || typeof r !== "object") throw new ModelError("data: every record must be an object");
    for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), names.push(k));
  }
  const out = new Map<string, ArrayLike<unknown>>();
  for (const name of names) out.set(name, records.map((r) => r[name]));
  return out;
}

function rawColumnsOfObject(obj: Record<string, ArrayLike<unknown>>): Map<string, ArrayLike<unknown>> {
  const out = new Map<string, ArrayLike<unknown>>();
  let n: number | undefined;
  for (const [name, col] of Object.entries(obj)) {
    if (col === null || typeof col !== "object" || typeof (col as ArrayLike<unknown>).length !== "number") {
      throw new ModelError(`data: column '${name}' is not an array`, name);
    }
    if (n !== undefined && col.length !== n) {
      throw new ModelError(`data: column '${name}' has ${col.length} values but others have ${n}`, name);
    }
    n = col.length;
    out.set(name, col);
  }
  return out;
}

/** Type raw columns; a column that is already a DataTable column is copied by reference (never mutated). */
function tableFromRaw(raw: Map<string, ArrayLike<unknown>>): DataTable {
  const columns = new Map<string, Column>();
  let n: number | undefined;
  for (const [name, values] of raw) {
    if (n !== undefined && values.length !== n) {
      throw new ModelError(`data: column '${name}' has ${values.length} values but others have ${n}`, name);
    }
    n = values.length;
    columns.set(name, values instanceof Float64Array ? { kind: "numeric", values } : typeColumn(values));
  }
  return { n: n ?? 0, names: [...raw.keys()], columns };
}

export function isDataTable(x: unknown): x is DataTable {
  return (
    x !== null &&
    typeof x === "object" &&
    (x as DataTable).columns instanceof Map &&
    Array.isArray((x as DataTable).names) &&
    typeof (x as DataTable).n === "number"
  );
}

/**
 * A DataTable from any accepted input. The caller's data is only read: typed columns are new
 * arrays (a Float64Array column is shared, never written).
 */
export function toDataTable(data: DataInput | DataTable): DataTable {
  if (isDataTable(data)) return data;
  if (Array.isArray(data)) return tableFromRaw(rawColumnsOfRecords(data));
  if (isDataFrameLike(data)) return tableFromRaw(rawColumnsOfDataFrame(data));
  if (data !== null && typeof data === "object") {
    return tableFromRaw(rawColumnsOfObject(data as Record<string, ArrayLike<unknown>>));
  }
  throw new ModelError(
    "data must be a DataFrame, an array of records, or an object of column arrays",
  );
}
