/**
 * The conformance check of ../shared/tools/conform.py with this project's tolerances: which of a
 * fit's reported numbers disagree with lme4's reference answer. Each disagreement is a short key
 * ("objective", "fixef x", "stderr x", "varcorr g/a/b", "nobs", "singular") plus the numbers, so a
 * test can assert that a case has exactly the disagreements it is known to have and no others.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MixedModel } from "../../src/index.js";

export const EXTRA = fileURLToPath(new URL("../fixtures/extra", import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reference = any;

export interface Disagreement {
  key: string;
  got: number | boolean | string;
  want: number | boolean | string;
}

export function extraReferenceIds(): string[] {
  return readdirSync(join(EXTRA, "reference")).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort();
}

export function readExtraReference(id: string): Reference {
  return JSON.parse(readFileSync(join(EXTRA, "reference", `${id}.json`), "utf8"));
}

const num = (x: unknown): number => (typeof x === "number" ? x : Number(x));

/** lme4 names a nested group inner-first ("cask:batch"); compare as the set of its factors. */
const groupKey = (g: string): string => g.split(":").sort().join(":");

/**
 * Objective ≤ lme4's + 1e-3·max(1, |obj|/1e4) (lower is a better optimum, fine; not compared
 * for nAGQ > 1, whose objective lme4 reports without the Laplace constant conform.py skips too);
 * β within 1% of lme4's SE, SEs within 1%; SDs within 2% (+ 2e-3 of the largest SD, for SDs
 * near zero), correlations within 0.03; nobs and the singular verdict equal.
 */
export function disagreements(m: MixedModel, ref: Reference): Disagreement[] {
  const out: Disagreement[] = [];
  const objTol = 1e-3 * Math.max(1, Math.abs(ref.objective) / 1e4);
  if ((ref.nAGQ ?? 1) <= 1 && !(m.objective - ref.objective <= objTol)) out.push({ key: "objective", got: m.objective, want: ref.objective });
  const fe = m.fixef, se = m.stderr;
  const names = Object.keys(ref.fixef);
  if (Object.keys(fe).join(",") !== names.join(",")) out.push({ key: "fixef names", got: Object.keys(fe).join(","), want: names.join(",") });
  else
    for (const k of names) {
      const s = num(ref.stderr[k]);
      if (!(Math.abs(fe[k]! - num(ref.fixef[k])) <= 0.01 * s + 1e-8 * Math.abs(num(ref.fixef[k])))) out.push({ key: `fixef ${k}`, got: fe[k]!, want: num(ref.fixef[k]) });
      if (!(Math.abs(se[k]! - s) <= 0.01 * s)) out.push({ key: `stderr ${k}`, got: se[k]!, want: s });
    }
  const rowKey = (g: string, a: string | null | undefined, b: string | null | undefined) => [groupKey(g), a ?? "", b ?? ""].filter((x) => x).join("/");
  const want = new Map<string, number>(ref.varcorr.map((r: Reference) => [rowKey(r.group, r.var1, r.var2), num(r.sdcor)]));
  const got = new Map<string, number>(m.varCorr.map((r) => [rowKey(r.group, r.var1, r.var2), r.sdcor]));
  if ([...want.keys()].sort().join(",") !== [...got.keys()].sort().join(",")) out.push({ key: "varcorr rows", got: [...got.keys()].join(","), want: [...want.keys()].join(",") });
  else {
    const sds = ref.varcorr.filter((r: Reference) => r.var2 === null).map((r: Reference) => num(r.sdcor)).filter((v: number) => Number.isFinite(v));
    const scale = Math.max(1e-8, ...sds);
    for (const [k, v] of want) {
      if (!Number.isFinite(v)) continue; // lme4's NaN correlation next to a zero SD
      const isCorrelation = ref.varcorr.find((r: Reference) => rowKey(r.group, r.var1, r.var2) === k).var2 !== null;
      const tol = isCorrelation ? 0.03 : 0.02 * Math.abs(v) + 2e-3 * scale;
      if (!(Math.abs(got.get(k)! - v) <= tol)) out.push({ key: `varcorr ${k}`, got: got.get(k)!, want: v });
    }
  }
  if (m.nobs !== ref.nobs) out.push({ key: "nobs", got: m.nobs, want: ref.nobs });
  if (m.singular !== ref.singular) out.push({ key: "singular", got: m.singular, want: ref.singular });
  return out;
}
