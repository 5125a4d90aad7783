/**
 * Model matrices for the post-fit tests, built by hand from the fixture CSVs so that these tests
 * exercise the post-fit code alone (the model stage has its own tests).
 */
import { makeCovariance, thetaVectors } from "../../src/model/covariance/index.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ModelMatrices, ReMat } from "../../src/model/matrices.js";

const here = fileURLToPath(new URL(".", import.meta.url));
export const fixtures = `${here}../fixtures/`;

export function readJson<T = any>(name: string): T {
  return JSON.parse(readFileSync(`${fixtures}${name}`, "utf8")) as T;
}

/** A CSV as columns of strings (the fixtures have no embedded commas). */
export function readColumns(name: string): Record<string, string[]> {
  const lines = readFileSync(`${fixtures}data/${name}`, "utf8").trim().split(/\r?\n/);
  const head = lines[0].split(",").map((h) => h.replace(/"/g, ""));
  const cols: Record<string, string[]> = {};
  for (const h of head) cols[h] = [];
  for (const line of lines.slice(1)) {
    line.split(",").forEach((v, j) => cols[head[j]].push(v.replace(/"/g, "")));
  }
  return cols;
}

/** Factor levels: numeric order when every label is a number (R's factor() of a number), else code points. */
export function levelsOf(values: string[]): string[] {
  const u = [...new Set(values)];
  return u.every((v) => v !== "" && !Number.isNaN(Number(v)))
    ? u.sort((a, b) => Number(a) - Number(b))
    : u.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function reMat(group: string, labels: string[], columns: [string, Float64Array][], correlated: boolean, thetaOffset: number, varCorrName = group): ReMat {
  const levels = levelsOf(labels);
  const index = new Map(levels.map((l, i) => [l, i]));
  const n = labels.length;
  const p = columns.length;
  const z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) z[i * p + j] = columns[j][1][i];
  return {
    group,
    varCorrName,
    levels,
    refs: Int32Array.from(labels, (l) => index.get(l)!),
    columnNames: columns.map((c) => c[0]),
    z,
    covariance: makeCovariance({ structure: correlated ? "us" : "diag", group, columnNames: columns.map((c) => c[0]), thetaOffset }),
  };
}

function assemble(y: Float64Array, xCols: [string, Float64Array][], reTerms: ReMat[], weights?: Float64Array): ModelMatrices {
  const n = y.length;
  const p = xCols.length;
  const X = new Float64Array(n * p);
  xCols.forEach(([, v], j) => X.set(v, j * n));
  const th = thetaVectors(reTerms.map((t) => t.covariance));
  const ngroups: Record<string, number> = {};
  for (const t of reTerms) ngroups[t.group] = t.levels.length;
  return {
    n,
    y,
    X,
    p,
    xNames: xCols.map((c) => c[0]),
    droppedX: [],
    weights: weights ?? new Float64Array(n).fill(1),
    offset: new Float64Array(n),
    reTerms,
    theta0: Float64Array.from(th.start),
    lower: Float64Array.from(th.lower),
    upper: Float64Array.from(th.upper),
    thetaNames: th.names,
    ngroups,
    messages: [],
    plan: { formula: "" } as ModelMatrices["plan"],
  };
}

const ones = (n: number) => new Float64Array(n).fill(1);
const num = (v: string[]) => Float64Array.from(v, Number);

/** sleepstudy: "corr" = Reaction ~ Days + (Days | Subject), "uncorr" = (Days || Subject),
 *  "noDays" = Reaction ~ 1 + (Days | Subject). */
export function sleepstudy(kind: "corr" | "uncorr" | "noDays"): ModelMatrices {
  const d = readColumns("sleepstudy.csv");
  const n = d.Reaction.length;
  const days = num(d.Days);
  const x: [string, Float64Array][] = kind === "noDays" ? [["(Intercept)", ones(n)]] : [["(Intercept)", ones(n)], ["Days", days]];
  const re =
    kind === "uncorr"
      ? [reMat("Subject", d.Subject, [["(Intercept)", ones(n)]], false, 0), reMat("Subject", d.Subject, [["Days", days]], false, 1, "Subject.1")]
      : [reMat("Subject", d.Subject, [["(Intercept)", ones(n)], ["Days", days]], true, 0)];
  const m = assemble(num(d.Reaction), x, re);
  m.plan = { formula: kind === "corr" ? "Reaction ~ Days + (Days | Subject)" : kind === "uncorr" ? "Reaction ~ Days + (Days || Subject)" : "Reaction ~ 1 + (Days | Subject)" } as ModelMatrices["plan"];
  return m;
}

