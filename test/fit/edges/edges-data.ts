/** The issue-11 edge-case fixtures (test/fixtures/edges/, made by make.R there) and lme4's answers. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readCsv, type DataTable } from "../../../src/index.js";

const dir = fileURLToPath(new URL("../../fixtures/", import.meta.url));

export interface Lme4Fit {
  objective: number;
  theta: number | number[];
  beta: number[];
  se: number[];
  sigma: number;
  nobs: number;
  vc: number[];
  feval: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const edges: any = JSON.parse(readFileSync(`${dir}edges/edges.json`, "utf8"));

export function edgesCsv(name: string): DataTable {
  return readCsv(`${dir}edges/${name}`);
}

export function dataCsv(name: string): DataTable {
  return readCsv(`${dir}data/${name}`);
}

/** Columns of a DataTable as plain arrays (numbers, or strings for factors), to modify in a test. */
export function columnsOf(t: DataTable): Record<string, (number | string)[]> {
  const out: Record<string, (number | string)[]> = {};
  for (const name of t.names) {
    const c = t.columns.get(name)!;
    out[name] = c.kind === "factor" ? Array.from(c.codes, (v) => c.levels[v]) : Array.from(c.values);
  }
  return out;
}

export const thetaOf = (f: Lme4Fit): number[] => (Array.isArray(f.theta) ? f.theta : [f.theta]);
