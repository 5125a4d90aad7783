import { makeCovariance, thetaVectors } from "../../../src/model/covariance/index.js";
import type { ConstructionPlan } from "../../../src/model/plan.js";
/**
 * Test-only construction of ModelMatrices for the Gaussian reference cases, by hand, so the LMM fit
 * can be tested before (and independently of) the model stage's compileModel.
 * Reads the CSV as R's read.csv does (numeric when every entry parses; otherwise a factor with
 * levels in code-point order; numeric grouping factors get numeric-order levels).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ModelMatrices, ReMat } from "../../../src/model/matrices.js";
import { boxed, readLme4Reference, type Lme4Reference } from "../../lme4-reference.js";

const fixtures = fileURLToPath(new URL("../../fixtures/", import.meta.url));

export function referenceTheta(ref: Lme4Reference): number[] {
  return boxed(ref.theta);
}

type Column = { numeric: true; values: number[] } | { numeric: false; values: string[] };

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function readCsvColumns(file: string): Record<string, Column> {
  const lines = readFileSync(`${fixtures}data/${file}`, "utf8").split(/\r?\n/).filter((l) => l.length > 0);
  const header = splitCsvLine(lines[0]);
  const raw = header.map(() => [] as string[]);
  for (const line of lines.slice(1)) splitCsvLine(line).forEach((v, j) => raw[j].push(v));
  const cols: Record<string, Column> = {};
  header.forEach((h, j) => {
    const vals = raw[j];
    const numeric = vals.every((v) => v !== "" && Number.isFinite(Number(v)));
    cols[h] = numeric ? { numeric: true, values: vals.map(Number) } : { numeric: false, values: vals };
  });
  return cols;
}

/** Levels of a grouping factor: numeric order for numbers, code-point order for strings. */
function factorOf(col: Column): { levels: string[]; refs: number[] } {
  if (col.numeric) {
    const lv = Array.from(new Set(col.values)).sort((a, b) => a - b);
    const index = new Map(lv.map((v, i) => [v, i] as const));
    return { levels: lv.map(String), refs: col.values.map((v) => index.get(v)!) };
  }
  const lv = Array.from(new Set(col.values)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(lv.map((v, i) => [v, i] as const));
  return { levels: lv, refs: col.values.map((v) => index.get(v)!) };
}

/** Interaction a:b of factors: the observed combinations, first factor slowest. */
function interactionOf(cols: Column[]): { levels: string[]; refs: number[] } {
  const fs = cols.map(factorOf);
  const n = fs[0].refs.length;
  const keys = new Map<string, { code: number[]; label: string }>();
  const rowKey: string[] = [];
  for (let i = 0; i < n; i++) {
    const code = fs.map((f) => f.refs[i]);
    const key = code.join(",");
    rowKey.push(key);
    if (!keys.has(key)) keys.set(key, { code, label: fs.map((f, j) => f.levels[code[j]]).join(":") });
  }
  const sorted = Array.from(keys.entries()).sort((a, b) => {
    for (let j = 0; j < a[1].code.length; j++) if (a[1].code[j] !== b[1].code[j]) return a[1].code[j] - b[1].code[j];
    return 0;
  });
  const index = new Map(sorted.map(([k], i) => [k, i] as const));
  return { levels: sorted.map(([, v]) => v.label), refs: rowKey.map((k) => index.get(k)!) };
}

interface TermSpec {
  group: string;
  factors: string[];
  /** "1" for the intercept, otherwise a numeric column name. */
  columns: string[];
  correlated: boolean;
  varCorrName?: string;
}

interface CaseSpec {
  response: string;
  /** Fixed-effects columns: name → values. */
  x: (cols: Record<string, Column>) => { names: string[]; columns: number[][] };
  terms: TermSpec[];
}

const intercept = (n: number) => new Array<number>(n).fill(1);
const num = (c: Column) => (c.numeric ? c.values : []);
const indicator = (c: Column, level: string | number) => (c.values as (string | number)[]).map((v) => (String(v) === String(level) ? 1 : 0));

const sleepX = (cols: Record<string, Column>) => ({
  names: ["(Intercept)", "Days"],
  columns: [intercept(cols.Days.values.length), num(cols.Days)],
});
const onlyIntercept = (response: string) => (cols: Record<string, Column>) => ({
  names: ["(Intercept)"],
  columns: [intercept(cols[response].values.length)],
});

const cases: Record<string, CaseSpec> = {
  sleepstudy_corr: {
    response: "Reaction", x: sleepX,
    terms: [{ group: "Subject", factors: ["Subject"], columns: ["1", "Days"], correlated: true }],
  },
  sleepstudy_uncorr: {
    response: "Reaction", x: sleepX,
    terms: [
      { group: "Subject", factors: ["Subject"], columns: ["1"], correlated: false, varCorrName: "Subject" },
      { group: "Subject", factors: ["Subject"], columns: ["Days"], correlated: false, varCorrName: "Subject.1" },
    ],
  },
  sleepstudy_intercept: {
    response: "Reaction", x: sleepX,
    terms: [{ group: "Subject", factors: ["Subject"], columns: ["1"], correlated: true }],
  },
  seed_gaussian: {
    response: "y", x: sleepX,
    terms: [{ group: "Subject", factors: ["Subject"], columns: ["1", "Days"], correlated: true }],
  },
  dyestuff: {
    response: "Yield", x: onlyIntercept("Yield"),
    terms: [{ group: "Batch", factors: ["Batch"], columns: ["1"], correlated: true }],
  },
  penicillin: {
    response: "diameter", x: onlyIntercept("diameter"),
    terms: [
      { group: "plate", factors: ["plate"], columns: ["1"], correlated: true },
      { group: "sample", factors: ["sample"], columns: ["1"], correlated: true },
    ],
  },
  pastes: {
    response: "strength", x: onlyIntercept("strength"),
    terms: [
      { group: "cask:batch", factors: ["cask", "batch"], columns: ["1"], correlated: true },
      { group: "batch", factors: ["batch"], columns: ["1"], correlated: true },
    ],
  },
  cake: {
    response: "angle",
    x: (cols) => {
      const temp = num(cols.temp);
      const b = indicator(cols.recipe, "B");
      const c = indicator(cols.recipe, "C");
      return {
        names: ["(Intercept)", "recipeB", "recipeC", "temp", "recipeB:temp", "recipeC:temp"],
        columns: [intercept(temp.length), b, c, temp, b.map((v, i) => v * temp[i]), c.map((v, i) => v * temp[i])],
      };
    },
    terms: [{ group: "recipe:replicate", factors: ["recipe", "replicate"], columns: ["1"], correlated: true }],
  },
  insteval: {
    response: "y",
    x: (cols) => ({
      names: ["(Intercept)", "factor(service)1"],
      columns: [intercept(cols.y.values.length), indicator(cols.service, 1)],
    }),
    terms: [
      { group: "s", factors: ["s"], columns: ["1"], correlated: true },
      { group: "d", factors: ["d"], columns: ["1"], correlated: true },
      { group: "dept:service", factors: ["dept", "service"], columns: ["1"], correlated: true },
    ],
  },
};

const caseOfReference: Record<string, string> = {
  sleepstudy_corr_reml: "sleepstudy_corr",
  sleepstudy_corr_ml: "sleepstudy_corr",
  sleepstudy_uncorr_reml: "sleepstudy_uncorr",
  sleepstudy_intercept_ml: "sleepstudy_intercept",
  dyestuff_reml: "dyestuff",
  dyestuff2_singular_reml: "dyestuff",
  penicillin_crossed_reml: "penicillin",
  pastes_nested_reml: "pastes",
  cake_factors_reml: "cake",
  seed_gaussian_reml: "seed_gaussian",
  insteval_crossed_ml: "insteval",
};

export const gaussianReferenceIds = Object.keys(caseOfReference);

/** ModelMatrices for a reference case id (e.g. "sleepstudy_corr_reml"). */
export function buildMatrices(referenceId: string): ModelMatrices {
  const ref = readLme4Reference("reference", referenceId);
  const spec = cases[caseOfReference[referenceId]];
  const cols = readCsvColumns(ref.data);
  const y = Float64Array.from(num(cols[spec.response]));
  const n = y.length;
  const xs = spec.x(cols);
  const p = xs.names.length;
  const X = new Float64Array(n * p);
  xs.columns.forEach((c, j) => X.set(c, j * n));

  const built = spec.terms.map((t) => {
    const f = t.factors.length === 1 ? factorOf(cols[t.factors[0]]) : interactionOf(t.factors.map((nm) => cols[nm]));
    const pk = t.columns.length;
    const z = new Float64Array(n * pk);
    for (let i = 0; i < n; i++)
      t.columns.forEach((c, j) => (z[i * pk + j] = c === "1" ? 1 : (cols[c].values[i] as number)));
    return { t, f, z, pk };
  });
  // lme4's order: decreasing number of levels, ties in formula order (stable sort)
  built.sort((a, b) => b.f.levels.length - a.f.levels.length);
  let thetaOffset = 0;
  const ngroups: Record<string, number> = {};
  const reTerms: ReMat[] = built.map(({ t, f, z }) => {
    const names = t.columns.map((c) => (c === "1" ? "(Intercept)" : c));
    const covariance = makeCovariance({ structure: t.correlated ? "us" : "diag", group: t.group, columnNames: names, thetaOffset });
    thetaOffset += covariance.thetaCount;
    ngroups[t.group] = f.levels.length;
    return {
      group: t.group, varCorrName: t.varCorrName ?? t.group, levels: f.levels, refs: Int32Array.from(f.refs),
      columnNames: names, z, covariance,
    };
  });
  const th = thetaVectors(reTerms.map((t) => t.covariance));
  return {
    n, y, X, p, xNames: xs.names, droppedX: [], weights: new Float64Array(n).fill(1), offset: new Float64Array(n),
    reTerms, theta0: Float64Array.from(th.start), lower: Float64Array.from(th.lower), upper: Float64Array.from(th.upper),
    thetaNames: th.names, ngroups,
    messages: [], plan: { formula: ref.formula } as unknown as ConstructionPlan,
  };
}
