/**
 * Hand-built ModelMatrices for the non-Gaussian reference cases, until the model stage's
 * compileModel(formula, data, { family }) can make them. Reads the CSV copies under
 * test/fixtures/data as R's read.csv does for these files (quoted numbers are numbers; numeric
 * grouping factors get their levels in numeric order; string factors in code-point order).
 */
import { makeCovariance, thetaVectors } from "../../../src/model/covariance/index.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ModelMatrices, ReMat } from "../../../src/model/matrices.js";
import type { ConstructionPlan } from "../../../src/model/plan.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));


/** Columns of a simple CSV (no embedded commas or quotes in these files). */
function readColumns(file: string): Record<string, string[]> {
  const lines = readFileSync(`${FIXTURES}data/${file}`, "utf8").trim().split(/\r?\n/);
  const unquote = (s: string): string => s.replace(/^"(.*)"$/, "$1");
  const header = lines[0].split(",").map(unquote);
  const cols: Record<string, string[]> = {};
  for (const h of header) cols[h] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(",").map(unquote);
    header.forEach((h, j) => cols[h].push(cells[j]));
  }
  return cols;
}

const numeric = (v: string[]): Float64Array => Float64Array.from(v, Number);

/** A factor as read.csv + factor() make it: numeric values in numeric order, strings in code-point
 *  order. */
function factor(v: string[]): { levels: string[]; codes: Int32Array } {
  const isNum = v.every((s) => s !== "" && !Number.isNaN(Number(s)));
  const distinct = [...new Set(v)];
  if (isNum) distinct.sort((a, b) => Number(a) - Number(b));
  else distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(distinct.map((l, i) => [l, i]));
  return { levels: isNum ? distinct.map((s) => String(Number(s))) : distinct, codes: Int32Array.from(v, (s) => index.get(s)!) };
}

interface FixedColumn {
  name: string;
  values: Float64Array;
}

function intercept(n: number): FixedColumn {
  return { name: "(Intercept)", values: new Float64Array(n).fill(1) };
}

/** Treatment-contrast indicator columns for every level but the first. */
function contrasts(prefix: string, v: string[]): FixedColumn[] {
  const f = factor(v);
  return f.levels.slice(1).map((level, k) => ({
    name: `${prefix}${level}`,
    values: Float64Array.from(f.codes, (c) => (c === k + 1 ? 1 : 0)),
  }));
}

interface TermSpec {
  group: string;
  values: string[];
  /** Columns of the term's model matrix (default: an intercept). */
  columns?: FixedColumn[];
}

function buildReTerms(n: number, terms: TermSpec[]): { reTerms: ReMat[]; theta0: number[]; lower: number[]; upper: number[]; names: string[] } {
  const reTerms: ReMat[] = [];
  let thetaOffset = 0;
  for (const t of terms) {
    const f = factor(t.values);
    const cols = t.columns ?? [intercept(n)];
    const p = cols.length;
    const z = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) z[i * p + j] = cols[j].values[i];
    const covariance = makeCovariance({ structure: "us", group: t.group, columnNames: cols.map((c) => c.name), thetaOffset });
    thetaOffset += covariance.thetaCount;
    reTerms.push({
      group: t.group,
      varCorrName: t.group,
      levels: f.levels,
      refs: f.codes,
      columnNames: cols.map((c) => c.name),
      z,
      covariance,
    });
  }
  const th = thetaVectors(reTerms.map((t) => t.covariance));
  return { reTerms, theta0: th.start, lower: th.lower, upper: th.upper, names: th.names };
}

function assemble(y: Float64Array, weights: Float64Array, fixed: FixedColumn[], terms: TermSpec[]): ModelMatrices {
  const n = y.length;
  const p = fixed.length;
  const X = new Float64Array(n * p);
  fixed.forEach((c, j) => X.set(c.values, j * n));
  const re = buildReTerms(n, terms);
  const ngroups: Record<string, number> = {};
  for (const t of re.reTerms) ngroups[t.group] = t.levels.length;
  return {
    n,
    y,
    X,
    p,
    xNames: fixed.map((c) => c.name),
    droppedX: [],
    weights,
    offset: new Float64Array(n),
    reTerms: re.reTerms,
    theta0: Float64Array.from(re.theta0),
    lower: Float64Array.from(re.lower),
    upper: Float64Array.from(re.upper),
    thetaNames: re.names,
    ngroups,
    messages: [],
    // The fit never reads the plan; these hand-built matrices have none.
    plan: {} as ConstructionPlan,
  };
}

/** cbind(incidence, size - incidence) ~ factor(period) + (1 | herd) */
export function cbppMatrices(): ModelMatrices {
  const d = readColumns("cbpp.csv");
  const size = numeric(d.size);
  const incidence = numeric(d.incidence);
  const y = incidence.map((s, i) => s / size[i]);
  return assemble(y, size, [intercept(y.length), ...contrasts("factor(period)", d.period)], [{ group: "herd", values: d.herd }]);
}

/** TICKS ~ factor(YEAR) + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION) */
export function grouseticksMatrices(): ModelMatrices {
  const d = readColumns("grouseticks.csv");
  const y = numeric(d.TICKS);
  const n = y.length;
  return assemble(
    y,
    new Float64Array(n).fill(1),
    [intercept(n), ...contrasts("factor(YEAR)", d.YEAR), { name: "cHEIGHT", values: numeric(d.cHEIGHT) }],
    [
      { group: "INDEX", values: d.INDEX },
      { group: "BROOD", values: d.BROOD },
      { group: "LOCATION", values: d.LOCATION },
    ],
  );
}

/** r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item) */
export function verbaggMatrices(): ModelMatrices {
  const d = readColumns("VerbAgg.csv");
  const y = Float64Array.from(d.r2, (s) => (s === "Y" ? 1 : 0));
  const n = y.length;
  return assemble(
    y,
    new Float64Array(n).fill(1),
    [
      intercept(n),
      { name: "Anger", values: numeric(d.Anger) },
      ...contrasts("Gender", d.Gender),
      ...contrasts("btype", d.btype),
      ...contrasts("situ", d.situ),
    ],
    [
      { group: "id", values: d.id },
      { group: "item", values: d.item },
    ],
  );
}

/** y ~ Days + (Days | Subject) */
export function seedPoissonMatrices(): ModelMatrices {
  const d = readColumns("seed_poisson.csv");
  const y = numeric(d.y);
  const n = y.length;
  const days = { name: "Days", values: numeric(d.Days) };
  return assemble(y, new Float64Array(n).fill(1), [intercept(n), days], [
    { group: "Subject", values: d.Subject, columns: [intercept(n), days] },
  ]);
}
