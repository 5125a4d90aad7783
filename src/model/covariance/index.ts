/**
 * The random-effects terms' parameterisations (covariance.ts), made from the plan, and the maps
 * over all terms that the fit and the results use: θ's start and box, θ ↔ lme4's profile scale.
 */
import type { ReMat } from "../matrices.js";
import type { RandomTermPlan } from "../plan.js";
import type { Covariance, CovarianceStructure } from "./covariance.js";
import { Diagonal } from "./diagonal.js";
import { Ar1, CompoundSymmetry } from "./structured.js";
import { Unstructured } from "./unstructured.js";

export type { Covariance, CovarianceStructure } from "./covariance.js";
export { covarianceMatrix, lambdaBlock, lambdaTimes } from "./covariance.js";

/** What θ's names are made of: the grouping factor's name and the term's column names. */
export interface TermLabels {
  group: string;
  columnNames: readonly string[];
}

export interface CovarianceSpec extends TermLabels {
  structure: CovarianceStructure;
  /** Homogeneous variances (diag, cs, ar1); lme4 2.0's defaults when omitted. */
  hom?: boolean;
  thetaOffset: number;
}

/** lme4 2.0's default `hom` per structure: diag and cs heterogeneous, ar1 homogeneous. */
export const DEFAULT_HOM: Readonly<Record<CovarianceStructure, boolean>> = { us: false, diag: false, cs: false, ar1: true };

/** The term type for a structure. */
export function makeCovariance(spec: CovarianceSpec): Covariance {
  const hom = spec.hom ?? DEFAULT_HOM[spec.structure];
  switch (spec.structure) {
    case "us":
      return new Unstructured(spec, spec.thetaOffset);
    case "diag":
      return new Diagonal(spec, spec.thetaOffset, hom);
    case "cs":
      return new CompoundSymmetry(spec, spec.thetaOffset, hom);
    case "ar1":
      return new Ar1(spec, spec.thetaOffset, hom);
  }
}

/** A planned term's parameterisation. The plan's LambdaEntry list is the term type's own
 *  description (planEntries), so rebuilding from the structure reproduces it; a list that
 *  disagrees means the plan was edited by hand and is refused. */
export function covarianceOfPlan(t: RandomTermPlan): Covariance {
  const c = makeCovariance({
    structure: t.covariance.structure,
    hom: t.covariance.hom,
    group: t.group,
    columnNames: t.columns.map((col) => col.name),
    thetaOffset: t.thetaOffset,
  });
  const mine = c.planEntries();
  const same =
    mine.length === t.lambda.entries.length &&
    mine.every((e, k) => {
      const o = t.lambda.entries[k];
      return e.row === o.row && e.col === o.col && e.thetaIndex === o.thetaIndex;
    });
  if (!same) throw new Error(`internal: the plan's Λ entries for ${t.source} do not match a ${t.covariance.structure} term`);
  return c;
}

/** θ's start, bounds and names over all terms, in θ's order. */
export function thetaVectors(covs: readonly Covariance[]): { start: number[]; lower: number[]; upper: number[]; names: string[] } {
  return {
    start: covs.flatMap((c) => c.start),
    lower: covs.flatMap((c) => c.lower),
    upper: covs.flatMap((c) => c.upper),
    names: covs.flatMap((c) => c.names),
  };
}

type Terms = { reTerms: readonly ReMat[] };

/** θ, σ → every term's profile parameters (lme4's getProfPar, "sdcor" scale), in θ's order. */
export function thetaToSdCor(m: Terms, theta: ArrayLike<number>, sigma: number): Float64Array {
  const out = new Float64Array(theta.length);
  for (const t of m.reTerms) t.covariance.toSdCor(theta, sigma, out);
  return out;
}

/** The inverse (setProfPar); null when some term's parameters make no covariance matrix. */
export function sdCorToTheta(m: Terms, pars: ArrayLike<number>, sigma: number, out?: Float64Array): Float64Array | null {
  const n = m.reTerms.reduce((s, t) => s + t.covariance.thetaCount, 0);
  const theta = out ?? new Float64Array(n);
  for (const t of m.reTerms) if (!t.covariance.fromSdCor(pars, sigma, theta)) return null;
  return theta;
}

/** The box of the profile parameters. */
export function sdCorBounds(m: Terms): { lower: Float64Array; upper: Float64Array } {
  return {
    lower: Float64Array.from(m.reTerms.flatMap((t) => t.covariance.sdCorLower)),
    upper: Float64Array.from(m.reTerms.flatMap((t) => t.covariance.sdCorUpper)),
  };
}


/**
 * For a newcomer (the `check` and `plan` commands): what a structure assumes about the term's p
 * columns, in words, and its parameters. Σ is the covariance of one level's p random effects.
 */
export function explainCovariance(structure: CovarianceStructure, hom: boolean, group: string): string[] {
  const sds = hom ? `one standard deviation shared by all columns (hom = TRUE; θ: ${group}.*)` : `a standard deviation per column (hom = FALSE; θ: ${group}.<column>)`;
  switch (structure) {
    case "us":
      return [
        "us: unstructured — a variance per column and a correlation per pair of columns, p(p+1)/2 parameters",
        "    (the same as (x | g); θ fills the lower triangle of the Cholesky factor Λ, Σ = σ²ΛΛᵀ)",
      ];
    case "diag":
      return [`diag: independent effects — ${sds}, no correlations (as (x || g))`];
    case "cs":
      return [
        `cs: compound symmetry — ${sds}`,
        `    and one correlation ρ for every pair of columns, −1/(p−1) ≤ ρ ≤ 1 (θ: ${group}.rho)`,
      ];
    case "ar1":
      return [
        `ar1: first-order autoregressive — ${sds}`,
        `    and correlation ρ^|i−j| between columns i and j, −1 ≤ ρ ≤ 1 (θ: ${group}.rho):`,
        "    neighbouring columns correlate most; the columns are in the order of the factor's levels",
      ];
  }
}
