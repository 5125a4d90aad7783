import { makeCovariance, thetaVectors } from "../../src/model/covariance/index.js";
import type { ConstructionPlan } from "../../src/model/plan.js";
/**
 * Test helper: a FittedModel assembled from a reference file's numbers (lme4's own fit), so that
 * the fit object's accessors, printing and JSON can be checked without running a fit.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeFamily } from "../../src/fit/family/index.js";
import type { FamilyName, FittedModel } from "../../src/fit/fitted.js";
import type { ModelMatrices, ReMat } from "../../src/model/matrices.js";
import { FIXTURES, boxed, lme4ReferenceIds, num, type Lme4Reference as Reference } from "../lme4-reference.js";

export { FIXTURES, boxed, num };

/** The shared reference cases (test/fixtures/reference). */
export function referenceIds(): string[] {
  return lme4ReferenceIds("reference");
}

/** The random-effects terms the reference's VarCorr table implies, in its order. */
function termsOf(ref: Reference): ReMat[] {
  const rows = ref.varcorr.filter((r) => r.group !== "Residual");
  const names: string[] = [...new Set<string>(rows.map((r) => r.group))];
  let offset = 0;
  return names.map((varCorrName) => {
    const mine = rows.filter((r) => r.group === varCorrName);
    const columnNames: string[] = mine.filter((r) => r.var2 === null).map((r) => r.var1 as string);
    const correlated = mine.some((r) => r.var2 !== null);
    const group = varCorrName in ref.ngroups ? varCorrName : varCorrName.replace(/\.\d+$/, "");
    const covariance = makeCovariance({ structure: correlated ? "us" : "diag", group, columnNames, thetaOffset: offset });
    const term: ReMat = {
      group, varCorrName, levels: boxed(ref.ranef[group].levels), refs: new Int32Array(0),
      columnNames, z: new Float64Array(0), covariance,
    };
    offset += covariance.thetaCount;
    return term;
  });
}


/** Level-major values of the given columns of a ranef table. */
function levelMajor(table: Record<string, number[] | number>, columns: string[], nLevels: number): Float64Array {
  const out = new Float64Array(nLevels * columns.length);
  columns.forEach((c, j) => boxed(table[c]).forEach((v, l) => (out[l * columns.length + j] = num(v))));
  return out;
}

/**
 * A FittedModel with lme4's numbers. For Gaussian cases `scaledResiduals` (lme4's Pearson
 * residuals / σ) is encoded as y = r·σ, μ = 0 so that the model's own residuals reproduce them.
 */
export function referenceFit(ref: Reference, scaledResiduals?: number[]): FittedModel {
  const terms = termsOf(ref);
  const xNames = Object.keys(ref.fixef);
  const p = xNames.length;
  const n: number = ref.nobs;
  const vcov = new Float64Array(p * p);
  ref.vcov.forEach((row: number[], i: number) => row.forEach((v, j) => (vcov[j * p + i] = v)));
  const mu = new Float64Array(n);
  const y = new Float64Array(n);
  if (scaledResiduals) scaledResiduals.forEach((r, i) => (y[i] = r * ref.sigma));
  else boxed<number>(ref.fitted_head).forEach((v, i) => (mu[i] = v));
  const ngroups: Record<string, number> = ref.ngroups;
  const matrices: ModelMatrices = {
    n, y, X: new Float64Array(0), p, xNames, droppedX: [], weights: new Float64Array(n).fill(1),
    offset: new Float64Array(n), reTerms: terms, theta0: new Float64Array(0),
    lower: Float64Array.from(thetaVectors(terms.map((t) => t.covariance)).lower),
    upper: Float64Array.from(thetaVectors(terms.map((t) => t.covariance)).upper),
    thetaNames: boxed(ref.theta_names), ngroups, messages: [], plan: { formula: ref.formula } as unknown as ConstructionPlan,
  };
  return {
    family: ref.family as FamilyName, link: ref.link, REML: ref.REML, nAGQ: ref.nAGQ, matrices,
    // what the fit stage would record for this family and link
    isLmm: ref.family === "gaussian" && ref.link === "identity", hasScale: makeFamily(ref.family).estimatesScale,
    theta: Float64Array.from(boxed<number>(ref.theta)), beta: Float64Array.from(xNames.map((k) => ref.fixef[k])),
    sigma: ref.sigma, objective: ref.objective, vcov,
    ranef: terms.map((t) => levelMajor(ref.ranef[t.group].modes, t.columnNames, t.levels.length)),
    condSD: terms.map((t) => levelMajor(ref.ranef[t.group].condsd, t.columnNames, t.levels.length)),
    eta: new Float64Array(n), mu, deviance: ref.lme4_deviance ?? ref.objective, evaluations: 0,
    converged: true, messages: boxed(ref.lme4_messages).slice(), fitSeconds: 0,
    // lme4's optinfo$optimizer for its default controls (lmer: nloptwrap; glmer: Nelder_Mead last)
    optsum: [{ stage: ref.family === "gaussian" && ref.link === "identity" ? "theta" : "theta, beta", optimizer: "bobyqa",
      lme4Name: ref.family === "gaussian" && ref.link === "identity" ? "nloptwrap" : "Nelder_Mead", evaluations: 0, objective: ref.objective, code: 0, message: "" }],
  };
}

/** The Pearson residuals / σ make.R saved for a case, or null when not saved (large data). */
export function readScaledResiduals(id: string): number[] | null {
  try {
    return readFileSync(join(FIXTURES, "summaries", `${id}.scaled-residuals.txt`), "utf8")
      .trim().split(/\s+/).map(Number);
  } catch {
    return null;
  }
}

export function readSummary(id: string): string {
  return readFileSync(join(FIXTURES, "summaries", `${id}.txt`), "utf8");
}

/** Decimal places of a printed number ("1.7943" → 4, "1.47e-09" → 2 + 9). */
function lastDigitUnit(tok: string): number {
  const m = /^-?\d*\.?(\d*)(?:e([+-]\d+))?$/.exec(tok);
  if (!m) return NaN;
  return Math.pow(10, -(m[1].length) + (m[2] ? Number(m[2]) : 0));
}

/**
 * Whether two printed summary lines agree: equal, or equal token by token except numbers that
 * differ by at most one unit in their last printed digit (where lme4's optimum and ours, or two
 * lme4 runs on different BLAS, differ slightly).
 */
export function sameUpToLastDigit(got: string, want: string, rel = 0): boolean {
  if (got === want) return true;
  const a = got.trim().split(/\s+/), b = want.trim().split(/\s+/);
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    if (x === b[i]) return true;
    const u = lastDigitUnit(b[i]);
    return Number.isFinite(u) && Number.isFinite(Number(x)) && Math.abs(Number(x) - Number(b[i])) <= Math.max(1.001 * u, rel * Math.abs(Number(b[i])));
  });
}
