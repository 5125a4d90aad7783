/**
 * The arguments of lmer() and glmer() checked before anything is built, so that a wrong call is a
 * ModelError naming the argument and never a TypeError further down, and an option we do not
 * implement (lme4's `control`, `contrasts`, …) is refused rather than silently ignored.
 */
import { ModelError } from "./model/errors.js";

type Check = (value: unknown) => string | null;

const isBoolean: Check = (v) => (typeof v === "boolean" ? null : "must be true or false");
const isString: Check = (v) => (typeof v === "string" ? null : "must be a string");
const isFunction: Check = (v) => (typeof v === "function" ? null : "must be a function");
const isNumbers = (v: unknown): boolean =>
  (Array.isArray(v) || v instanceof Float64Array) && Array.from(v as ArrayLike<unknown>).every((x) => typeof x === "number");
const isWeights: Check = (v) =>
  typeof v === "string" || isNumbers(v) ? null : "must be an array of numbers or the name of a numeric column";
const isOffset: Check = (v) => (isNumbers(v) ? null : "must be an array of numbers, one per data row");
const isStart: Check = (v) =>
  isNumbers(v) || (typeof v === "object" && v !== null && isNumbers((v as { theta?: unknown }).theta))
    ? null
    : "must be θ's starting values: an array of numbers or { theta: [...] } (lme4's start = list(theta = …))";
const isFamily: Check = (v) =>
  typeof v === "string" || (typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string")
    ? null
    : 'must be a family name ("binomial", "negative.binomial(2)", …) or { name, theta }';
const isNAGQ: Check = (v) =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 100 ? null : "must be an integer from 0 to 100";

const isLaplace: Check = (v) =>
  v === "expected" || v === "observed" ? null : 'must be "expected" (lme4\'s Laplace, the default) or "observed" (glmmTMB\'s)';

const isThreads: Check = (v) => (v === 1 || v === 2 ? null : "must be 1 or 2");
const isSolver: Check = (v) => (v === "auto" || v === "cholesky" || v === "krylov" ? null : 'must be "auto", "cholesky" or "krylov"');
const KRYLOV_CONTROLS = ["probes", "seed", "lanczosSteps", "lanczosTol", "diagonalProbes", "cgTol", "cgMaxIter"];
const isKrylov: Check = (v) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return `must be an object with any of ${KRYLOV_CONTROLS.join(", ")}`;
  for (const [k, x] of Object.entries(v)) {
    if (!KRYLOV_CONTROLS.includes(k)) return `has an unknown control '${k}' (the controls are ${KRYLOV_CONTROLS.join(", ")})`;
    if (typeof x !== "number" || !(x > 0) || !Number.isFinite(x)) return `control '${k}' must be a positive number`;
    if ((k === "probes" || k === "lanczosSteps" || k === "diagonalProbes" || k === "cgMaxIter") && !Number.isInteger(x)) return `control '${k}' must be a whole number`;
  }
  return null;
};

/** What lme4 arguments we do not take, and what to do instead. */
const NOT_IMPLEMENTED: Record<string, string> = {
  control:
    "lme4's control (lmerControl/glmerControl) is not implemented: the fit uses lme4's default optimisers and checks",
  contrasts: "contrasts is not implemented: factors use R's default contr.treatment (contr.poly when ordered)",
  sigma: "a fixed residual SD (lme4's sigma for glmmTMB-style fits) is not implemented",
  subset: "subset is not implemented: filter the data before the call",
  na_action: "na.action is not implemented: rows with missing values are always omitted (na.omit)",
  verbose: "verbose is not implemented: use onProgress",
  devFunOnly: "devFunOnly is not implemented",
};

const LMER_OPTIONS: Record<string, Check> = {
  REML: isBoolean, weights: isWeights, offset: isOffset, start: isStart, onProgress: isFunction,
  dataName: isString, dataFile: isString, threads: isThreads, solver: isSolver, krylov: isKrylov,
};

const GLMER_OPTIONS: Record<string, Check> = {
  family: isFamily, link: isString, nAGQ: isNAGQ, laplace: isLaplace, weights: isWeights, offset: isOffset, onProgress: isFunction,
  dataName: isString, dataFile: isString, threads: isThreads,
};

function checkOptions(fn: string, options: unknown, known: Record<string, Check>): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ModelError(`${fn}(): options must be an object, e.g. { ${Object.keys(known)[0]}: … }`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const check = known[key];
    if (!check) {
      const why = NOT_IMPLEMENTED[key] ?? NOT_IMPLEMENTED[key.replace(".", "_")];
      throw new ModelError(
        why ? `${fn}(): option '${key}': ${why}` : `${fn}(): unknown option '${key}'; the options are ${Object.keys(known).join(", ")}`,
        key,
      );
    }
    const problem = check(value);
    if (problem) throw new ModelError(`${fn}(): option '${key}' ${problem} (got ${describe(value)})`, key);
  }
}

function checkCall(fn: string, formula: unknown, data: unknown): void {
  if (typeof formula !== "string") {
    throw new ModelError(`${fn}(): the formula must be a string such as "y ~ x + (1 | g)" (got ${describe(formula)})`);
  }
  if (data === null || data === undefined) {
    throw new ModelError(`${fn}(): no data: give a DataFrame, an array of records, or an object of column arrays`);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

export function checkLmerCall(formula: unknown, data: unknown, options: unknown): void {
  checkCall("lmer", formula, data);
  checkOptions("lmer", options, LMER_OPTIONS);
}

export function checkGlmerCall(formula: unknown, data: unknown, options: unknown): void {
  checkCall("glmer", formula, data);
  if (typeof options !== "object" || options === null || (options as { family?: unknown }).family === undefined) {
    throw new ModelError(
      'glmer(): a family is required, e.g. glmer(f, data, { family: "binomial" }) ' +
        "(binomial, poisson, Gamma, inverse.gaussian, gaussian); for a linear mixed model use lmer()",
      "family",
    );
  }
  checkOptions("glmer", options, GLMER_OPTIONS);
}

/** lme4's start: a θ vector or list(theta = …). */
export function startTheta(start: unknown): Float64Array | undefined {
  if (start === undefined) return undefined;
  const t = isNumbers(start) ? start : (start as { theta: ArrayLike<number> }).theta;
  return Float64Array.from(t as ArrayLike<number>);
}
