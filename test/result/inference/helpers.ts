/**
 * Shared by the inference tests: fixture paths, a fit of a reference case, and issue 10's
 * tolerances (estimates and SEs 1e-6 relative; df, t and F 0.5%; p 1% relative or 1e-6 absolute).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { lmer } from "../../../src/lmer.js";
import { readCsv } from "../../../src/model/csv.js";
import type { MixedModel } from "../../../src/result/model.js";

export const ROOT = join(__dirname, "..", "..", "fixtures");
export const BEYOND = join(ROOT, "beyond");
export const INFERENCE = join(ROOT, "inference");

export function readJSON<T = any>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export function fitCase(dataPath: string, formula: string, REML = true, dataName?: string): MixedModel {
  return lmer(formula, readCsv(dataPath), { REML, ...(dataName ? { dataName } : {}) });
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

export function expectRel(got: number, want: number, tol: number, what: string): void {
  expect(rel(got, want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(tol);
}

/** p-values: 1% relative or 1e-6 absolute. */
export function expectP(got: number, want: number, what: string): void {
  const ok = Math.abs(got - want) <= 1e-6 || rel(got, want) <= 1e-2;
  expect(ok, `${what}: p ${got} vs ${want}`).toBe(true);
}

export interface CoefRef {
  term: string;
  estimate: number;
  stderr: number;
  df: number;
  statistic: number;
  p: number;
}

/** One row against lmerTest's: the tolerances of issue 10 item 7. */
export function expectCoefRow(got: CoefRef, want: CoefRef, label: string): void {
  expect(got.term).toBe(want.term);
  expectRel(got.estimate, want.estimate, 1e-6, `${label} ${want.term} estimate`);
  expectRel(got.stderr, want.stderr, 1e-6, `${label} ${want.term} stderr`);
  expectRel(got.df, want.df, 5e-3, `${label} ${want.term} df`);
  expectRel(got.statistic, want.statistic, 5e-3, `${label} ${want.term} t`);
  expectP(got.p, want.p, `${label} ${want.term}`);
}
