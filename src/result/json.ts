/**
 * toJSON(): the keys and shapes of the reference files (test/fixtures/reference/*.json, written by
 * ../shared/tools/reference.R with jsonlite's auto_unbox), without `id` and the `lme4_*` keys, plus
 * what our fit adds: `fit_seconds`, `evaluations`, `messages`, `converged`.
 */
import type { MixedModel } from "./model.js";

/** A JSON number as jsonlite writes doubles: NaN and infinities become strings. */
export type JSONNumber = number | "NaN" | "Inf" | "-Inf";
/** jsonlite's auto_unbox: a length-1 vector is written as its one element. */
export type Unboxed<T> = T | T[];

export interface ModelJSON {
  data: string | null;
  formula: string;
  family: string;
  link: string;
  REML: boolean;
  nAGQ: number;
  /** GLMMs fitted by the Laplace approximation (nAGQ = 1): "expected" (lme4's) or "observed"
   *  (glmmTMB's, glmer's laplace option / --laplace observed). */
  laplace?: "expected" | "observed";
  nobs: number;
  ngroups: Record<string, number>;
  fixef: Record<string, JSONNumber>;
  stderr: Record<string, JSONNumber>;
  vcov: JSONNumber[][];
  theta: Unboxed<JSONNumber>;
  theta_names: Unboxed<string>;
  sigma: JSONNumber;
  varcorr: { group: string; var1: string | null; var2: string | null; vcov: JSONNumber; sdcor: JSONNumber }[];
  objective: JSONNumber;
  objective_kind: string;
  logLik: JSONNumber;
  df: number;
  AIC: JSONNumber;
  BIC: JSONNumber;
  singular: boolean;
  fitted_head: Unboxed<JSONNumber>;
  ranef: Record<
    string,
    { levels: Unboxed<string>; modes: Record<string, Unboxed<JSONNumber>>; condsd: Record<string, Unboxed<JSONNumber>> }
  >;
  /** The negative binomial's θ (lme4's getME(m, "glmer.nb.theta")); only for that family. */
  nb_theta?: JSONNumber;
  fit_seconds: number;
  evaluations: number;
  /** Linear models: which linear algebra evaluated the criterion ("cholesky" exact, "krylov"). */
  solver?: "cholesky" | "krylov";
  /** The Krylov path's accuracy controls and work (SolverReport), when it ran. */
  krylov?: Record<string, number>;
  messages: string[];
  converged: boolean;
}

export function jsonNumber(x: number): JSONNumber {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Inf";
  if (x === -Infinity) return "-Inf";
  return x;
}

function unbox<T>(xs: T[]): Unboxed<T> {
  return xs.length === 1 ? xs[0] : xs;
}

function numbers(xs: ArrayLike<number>): Unboxed<JSONNumber> {
  return unbox(Array.from(xs, jsonNumber));
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

export function modelToJSON(m: MixedModel): ModelJSON {
  return {
    data: m.dataFile,
    formula: m.formula,
    family: m.family,
    link: m.link,
    REML: m.REML,
    nAGQ: m.nAGQ,
    nobs: m.nobs,
    ngroups: m.ngroups,
    fixef: mapValues(m.fixef, jsonNumber),
    stderr: mapValues(m.stderr, jsonNumber),
    vcov: m.vcov.map((row) => row.map(jsonNumber)),
    theta: numbers(m.theta),
    theta_names: unbox(m.thetaNames),
    sigma: jsonNumber(m.sigma),
    varcorr: m.varCorr.map((r) => ({ ...r, vcov: jsonNumber(r.vcov), sdcor: jsonNumber(r.sdcor) })),
    objective: jsonNumber(m.objective),
    objective_kind: m.objectiveKind,
    logLik: jsonNumber(m.logLik),
    df: m.df,
    AIC: jsonNumber(m.AIC),
    BIC: jsonNumber(m.BIC),
    singular: m.singular,
    fitted_head: numbers(m.fittedHead),
    ranef: mapValues(m.ranef, (t) => ({
      levels: unbox(t.levels),
      modes: mapValues(t.modes, numbers),
      condsd: mapValues(t.condSD, numbers),
    })),
    ...(m.nbTheta !== null ? { nb_theta: jsonNumber(m.nbTheta) } : {}),
    // ours, after the reference's keys (lme4 has one Laplace approximation)
    ...(m.laplace !== null ? { laplace: m.laplace } : {}),
    fit_seconds: m.fitSeconds,
    evaluations: m.evaluations,
    ...(m.fit.solver ? { solver: m.fit.solver.path } : {}),
    ...(m.fit.solver?.path === "krylov" ? { krylov: krylovJson(m.fit.solver) } : {}),
    messages: m.messages,
    converged: m.converged,
  };
}

function krylovJson(s: { path: "krylov" } & Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s)) if (typeof v === "number") out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return out;
}
