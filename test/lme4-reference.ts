/**
 * lme4's answers and the one comparison of a fit with them, at the README's tolerances (README,
 * "Agreement with lme4"): objective ≤ lme4's, fixed effects within 1% of their SE, SEs within 1%,
 * variance components within 2%, conditional modes within 2% of their conditional SD, the same
 * singular verdict. Every reference corpus (test/fixtures/reference, test/fixtures/extra/reference)
 * has this shape, written by R's jsonlite, which writes a length-one vector as a bare value.
 *
 * `disagreements()` names what differs ("fixef Days", "varcorr Subject/Days", "ranef Subject/Days"),
 * so a test can assert none, or exactly the ones a case is known to have.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { FamilyName, FittedModel } from "../src/fit/fitted.js";
import { MixedModel } from "../src/result/model.js";

export const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));
/** The extra robustness corpus (cases-extra.R). */
export const EXTRA = join(FIXTURES, "extra");

/** One or more values: jsonlite writes a length-one vector unboxed. */
export type Boxed<T> = T | T[];
export const boxed = <T>(x: Boxed<T>): T[] => (Array.isArray(x) ? x : [x]);
/** R writes NaN and Inf as strings ("NaN"). */
export const num = (x: number | string): number => (typeof x === "number" ? x : Number(x));

export interface VarCorrReference {
  group: string;
  var1: string | null;
  var2: string | null;
  vcov: number | string;
  sdcor: number | string;
}

export interface RanefReference {
  levels: Boxed<string>;
  modes: Record<string, Boxed<number>>;
  condsd: Record<string, Boxed<number>>;
}

/** lme4 1.1's fit of one case, as the fixtures' R scripts write it. */
export interface Lme4Reference {
  id: string;
  data: string;
  formula: string;
  family: FamilyName;
  link: string;
  REML: boolean;
  nAGQ: number;
  nobs: number;
  ngroups: Record<string, number>;
  fixef: Record<string, number>;
  stderr: Record<string, number>;
  vcov: number[][];
  theta: Boxed<number>;
  theta_names: Boxed<string>;
  sigma: number;
  varcorr: VarCorrReference[];
  objective: number;
  objective_kind: string;
  lme4_deviance: number;
  logLik: number;
  AIC: number;
  BIC: number;
  df: number;
  singular: boolean;
  lme4_messages: Boxed<string>;
  lme4_fit_seconds_median: number;
  lme4_version: string;
  fitted_head: number[];
  ranef: Record<string, RanefReference>;
}

/** A reference file: `readLme4Reference("reference", "dyestuff_reml")` or `("extra/reference", id)`. */
export function readLme4Reference(folder: string, id: string): Lme4Reference {
  return JSON.parse(readFileSync(join(FIXTURES, folder, `${id}.json`), "utf8")) as Lme4Reference;
}

/** The case ids of a reference folder, sorted. */
export function lme4ReferenceIds(folder: string): string[] {
  return readdirSync(join(FIXTURES, folder)).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort();
}

/**
 * The README's tolerances, with the two floors a relative tolerance needs next to zero: an SD
 * that is zero at lme4's singular optimum (compared with 2e-3 of the term's largest SD) and a
 * conditional SD or fitted value at rounding level.
 */
export const TOLERANCES = {
  /** ours ≤ lme4's + 1e-3·max(1, |lme4's| / 1e4): lower is a better optimum. */
  objective: 1e-3,
  /** |Δβ| ≤ 1% of lme4's SE. */
  fixef: 0.01,
  /** |ΔSE| ≤ 1% of lme4's SE. */
  stderr: 0.01,
  /** |ΔSD| ≤ 2% of lme4's SD + sdFloor × the largest SD. */
  sd: 0.02,
  sdFloor: 2e-3,
  /** |Δcorrelation| ≤ 0.02. */
  correlation: 0.02,
  /** |Δmode| and |ΔcondSD| ≤ 2% of lme4's conditional SD (+ 1e-6). */
  ranef: 0.02,
  /** |Δμ| ≤ 1e-3 relative (+ 1e-6·σ). */
  fitted: 1e-3,
} as const;

export interface Disagreement {
  key: string;
  got: number | boolean | string;
  want: number | boolean | string;
}

export interface CompareOptions {
  /** False skips the standard errors (seed_poisson: a singular fit on a flat ridge, where the
   *  Hessian-based SEs depend on where any optimiser stops; lme4's own differ by 30%). */
  stderr?: boolean;
}

/** lme4 names a nested group inner-first ("cask:batch"); compared as the set of its factors. */
const groupKey = (g: string): string => g.split(":").sort().join(":");
const rowKey = (g: string, a: string | null | undefined, b: string | null | undefined) => [groupKey(g), a ?? "", b ?? ""].filter((x) => x).join("/");

/** The fit as the user sees it: a FittedModel (the fit stage's output) is wrapped as lmer() does. */
function asModel(fit: MixedModel | FittedModel, ref: Lme4Reference): MixedModel {
  return fit instanceof MixedModel ? fit : new MixedModel(fit, { formula: ref.formula });
}

/** Everything that differs from lme4's answer beyond TOLERANCES, by key. */
export function disagreements(fit: MixedModel | FittedModel, ref: Lme4Reference, options: CompareOptions = {}): Disagreement[] {
  const m = asModel(fit, ref);
  const out: Disagreement[] = [];
  const add = (key: string, got: number | boolean | string, want: number | boolean | string) => out.push({ key, got, want });
  // nAGQ > 1: lme4 reports the AGQ deviance without the constant we include; not comparable.
  const objTol = TOLERANCES.objective * Math.max(1, Math.abs(ref.objective) / 1e4);
  if ((ref.nAGQ ?? 1) <= 1 && !(m.objective - ref.objective <= objTol)) add("objective", m.objective, ref.objective);
  if (m.nobs !== ref.nobs) add("nobs", m.nobs, ref.nobs);
  if (m.singular !== ref.singular) add("singular", m.singular, ref.singular);
  compareFixed(m, ref, options, add);
  compareVarCorr(m, ref, add);
  compareRanef(m, ref, add);
  const sigma = m.useScale ? m.sigma : 1;
  ref.fitted_head.forEach((mu, i) => {
    if (!(Math.abs(m.fitted[i]! - mu) <= TOLERANCES.fitted * Math.abs(mu) + 1e-6 * sigma)) add(`fitted ${i + 1}`, m.fitted[i]!, mu);
  });
  return out;
}

type Add = (key: string, got: number | boolean | string, want: number | boolean | string) => void;

function compareFixed(m: MixedModel, ref: Lme4Reference, options: CompareOptions, add: Add): void {
  const fe = m.fixef;
  const se = m.stderr;
  const names = Object.keys(ref.fixef);
  if (Object.keys(fe).join(",") !== names.join(",")) return add("fixef names", Object.keys(fe).join(","), names.join(","));
  for (const k of names) {
    const s = num(ref.stderr[k]!);
    const b = num(ref.fixef[k]!);
    if (!(Math.abs(fe[k]! - b) <= TOLERANCES.fixef * s + 1e-8 * Math.abs(b))) add(`fixef ${k}`, fe[k]!, b);
    if (options.stderr !== false && !(Math.abs(se[k]! - s) <= TOLERANCES.stderr * s)) add(`stderr ${k}`, se[k]!, s);
  }
}

function compareVarCorr(m: MixedModel, ref: Lme4Reference, add: Add): void {
  const want = new Map(ref.varcorr.map((r) => [rowKey(r.group, r.var1, r.var2), r] as const));
  const got = new Map(m.varCorr.map((r) => [rowKey(r.group, r.var1, r.var2), r.sdcor] as const));
  if ([...want.keys()].sort().join(",") !== [...got.keys()].sort().join(",")) return add("varcorr rows", [...got.keys()].join(","), [...want.keys()].join(","));
  const sds = ref.varcorr.filter((r) => r.var2 === null).map((r) => num(r.sdcor)).filter(Number.isFinite);
  const scale = Math.max(1e-8, ...sds);
  for (const [k, r] of want) {
    const v = num(r.sdcor);
    if (!Number.isFinite(v)) continue; // lme4's NaN correlation next to a zero SD
    const tol = r.var2 !== null ? TOLERANCES.correlation : TOLERANCES.sd * Math.abs(v) + TOLERANCES.sdFloor * scale;
    if (!(Math.abs(got.get(k)! - v) <= tol)) add(`varcorr ${k}`, got.get(k)!, v);
  }
}

/** Conditional modes and SDs, one key per group and column (the level furthest off is reported). */
function compareRanef(m: MixedModel, ref: Lme4Reference, add: Add): void {
  const ours = m.ranef;
  for (const [g, want] of Object.entries(ref.ranef)) {
    const table = ours[g];
    const levels = boxed(want.levels);
    if (!table || table.levels.join("\u0000") !== levels.join("\u0000")) {
      add(`ranef ${g} levels`, table ? table.levels.length : 0, levels.length);
      continue;
    }
    for (const c of Object.keys(want.modes)) {
      const modes = boxed(want.modes[c]!);
      const csd = boxed(want.condsd[c]!);
      const gotModes = table.modes[c];
      const gotSd = table.condSD[c];
      if (!gotModes || !gotSd) {
        add(`ranef ${g}/${c}`, "missing", c);
        continue;
      }
      const worst = (got: number[], wanted: number[]) =>
        wanted.reduce((w, v, l) => {
          const excess = Math.abs(got[l]! - v) - (TOLERANCES.ranef * csd[l]! + 1e-6);
          return excess > w.excess ? { excess, l } : w;
        }, { excess: 0, l: -1 });
      const wm = worst(gotModes, modes);
      if (wm.l >= 0) add(`ranef ${g}/${c}`, gotModes[wm.l]!, modes[wm.l]!);
      const ws = worst(gotSd, csd);
      if (ws.l >= 0) add(`condsd ${g}/${c}`, gotSd[ws.l]!, csd[ws.l]!);
    }
  }
}

/** Asserts that the fit agrees with lme4 on everything (the message lists what does not). */
export function expectAgreesWithLme4(fit: MixedModel | FittedModel, ref: Lme4Reference, options: CompareOptions = {}): void {
  expect(disagreements(fit, ref, options), `${ref.id}: ${ref.formula}`).toEqual([]);
}
