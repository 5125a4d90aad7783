/**
 * `mixed-models fit <data.csv> "<formula>" [--reml | --ml] [--family f] [--link l] [--nagq k] [--weights column] [--json]`:
 * fits a linear (gaussian, identity link) or generalized linear mixed model and prints lme4's
 * summary, or the fit as JSON. Exit status: 0 fitted, 1 invalid input (data, formula, a fit that
 * cannot be done), 2 usage error. Reading the CSV is not part of the reported fit time.
 */
import { basename } from "node:path";
import { readCsv } from "../model/csv.js";
import type { DataTable } from "../model/data.js";
import type { FamilyName, LaplaceKind } from "../fit/fitted.js";
import { isLinearFamily, resolveFamilySpec } from "../fit/family/index.js";
import { lmer } from "../lmer.js";
import { glmer } from "../glmer.js";
import type { MixedModel } from "../result/model.js";
import { progressReporter } from "../result/progress.js";
import { dataAndFormula, fail, UsageError, wantsJson } from "./args.js";
import { parseDdf, type DdfMethod } from "../result/inference/ddf.js";
import { fitJSONWithInference } from "../result/inference/json.js";

export { describeError } from "./args.js";

const usage = `usage: mixed-models fit <data.csv> "<formula>" [--reml | --ml] [--family f] [--link l] [--nagq k]
                         [--laplace expected|observed] [--weights column] [--ddf satterthwaite|kenward-roger|wald]
                         [--solver auto|cholesky|krylov] [--json] [--progress]

  Fits a linear mixed model (lme4's lmer) or, with --family, a generalized linear mixed model
  (lme4's glmer), and prints lme4's summary.
  --reml | --ml   linear models: REML (default) or maximum likelihood
  --family f      gaussian (default), binomial, poisson, Gamma, inverse.gaussian,
                  negative.binomial (θ estimated, as lme4's glmer.nb) or negative.binomial(θ) (θ fixed)
  --link l        the link function (default: the family's canonical link)
  --nagq k        generalized models: 1 = Laplace (default), k > 1 = adaptive Gauss-Hermite,
                  0 = β by PIRLS only (lme4's nAGQ = 0)
  --laplace i     generalized models: the Laplace approximation's information, expected
                  (default: lme4's glmer and glmer.nb) or observed (glmmTMB's; differs for
                  non-canonical links such as the negative binomial's log link or probit)
  --weights col   a numeric column of prior weights (lme4's weights =; binomial: trial counts
                  when the response is a proportion)
  --ddf m         t tests of the fixed effects with denominator df by m: satterthwaite (lmerTest),
                  kenward-roger (pbkrtest; REML fits), or wald (z tests); the summary then shows
                  df and p-values as lmerTest's, and --json adds "coefficients"
  --solver s      linear models: cholesky (exact), krylov (conjugate gradients and stochastic
                  Lanczos quadrature, for two crossed (1 | g) terms) or auto (default: krylov when
                  the exact path's dense block would be large); the summary and --json say which ran
  --json          print the fit as JSON instead of the summary (linear models: with "r2")
  --progress      report the optimiser's progress on stderr, also when it is not a terminal
                  (then one line a second: "fitting: evaluations 40, objective 1751.94")
  --sql "SELECT …"  fit the rows of a query (the formula is then the only argument)
  --engine e      memory, duckdb or postgres://user@host:port/db (default: duckdb for Parquet,
                  gzipped CSV, globs, --sql and CSV files too large for memory; memory otherwise)
`;

export const FAMILIES: readonly FamilyName[] = ["gaussian", "binomial", "poisson", "Gamma", "inverse.gaussian", "negative.binomial"];

export interface FitArgs {
  data: string;
  formula: string;
  REML: boolean | null;
  family: FamilyName;
  /** negative.binomial(θ)'s fixed θ; null to estimate it (glmer.nb) or for other families. */
  nbTheta: number | null;
  link: string | null;
  nAGQ: number;
  /** --laplace; null when not given (lme4's "expected"). */
  laplace: LaplaceKind | null;
  weights: string | null;
  json: boolean;
  ddf: DdfMethod | null;
  /** --progress: report the fit's progress on stderr even off a terminal (one line a second). */
  progress: boolean;
  /** --solver: the LMM's linear algebra (null: auto). */
  solver: "auto" | "cholesky" | "krylov" | null;
}

/** The arguments, or a usage error message (a UsageError is thrown for misplaced positional arguments). */
export function parseFitArgs(args: string[], command = "fit"): FitArgs | string {
  const positional: string[] = [];
  let REML: boolean | null = null;
  let family: FamilyName = "gaussian";
  let nbTheta: number | null = null;
  let link: string | null = null;
  let nAGQ = 1;
  let laplace: LaplaceKind | null = null;
  let weights: string | null = null;
  let json = false;
  let ddf: DdfMethod | null = null;
  let progress = false;
  let solver: FitArgs["solver"] = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string | null => (inline !== undefined ? inline : (args[++i] ?? null));
    if (flag === "--json") json = true;
    else if (flag === "--progress") progress = true;
    else if (flag === "--reml" || flag === "--ml") {
      if (REML !== null && REML !== (flag === "--reml")) return "give only one of --reml and --ml";
      REML = flag === "--reml";
    } else if (flag === "--family") {
      const f = value();
      if (f === null) return "--family needs a value";
      const known = FAMILIES.find((x) => x.toLowerCase() === f.toLowerCase());
      if (known) family = known;
      else if (/^\s*negative\.binomial\s*\(/i.test(f)) {
        try {
          const spec = resolveFamilySpec(f);
          family = spec.name;
          nbTheta = spec.theta ?? null;
        } catch (e) {
          return (e as Error).message;
        }
      } else return `unknown family '${f}' (one of ${FAMILIES.join(", ")}, or negative.binomial(theta))`;
    } else if (flag === "--link") {
      link = value();
      if (link === null) return "--link needs a value";
    } else if (flag === "--nagq") {
      const k = value();
      if (k === null || !/^\d+$/.test(k)) return "--nagq needs a whole number (0: PIRLS-only β, 1: Laplace, k > 1: k-point quadrature)";
      nAGQ = Number(k);
    } else if (flag === "--laplace") {
      const l = value();
      if (l !== "expected" && l !== "observed") {
        return `--laplace needs expected (lme4's Laplace approximation, the default) or observed (glmmTMB's), not ${l === null ? "nothing" : `'${l}'`}`;
      }
      laplace = l;
    } else if (flag === "--weights") {
      weights = value();
      if (weights === null) return "--weights needs a column name";
    } else if (flag === "--ddf") {
      const d = value();
      if (d === null) return "--ddf needs a method: satterthwaite, kenward-roger or wald";
      try {
        ddf = parseDdf(d);
      } catch (e) {
        return (e as Error).message;
      }
    } else if (flag === "--solver") {
      const s = value();
      if (s !== "auto" && s !== "cholesky" && s !== "krylov") return "--solver needs one of auto, cholesky, krylov";
      solver = s;
    } else if (a.startsWith("--")) return `unknown option '${a}'`;
    else positional.push(a);
  }
  const { data, formula } = dataAndFormula(command, positional);
  const linear = isLinearFamily(family, link);
  if (!linear && REML !== null) return "--reml/--ml apply to linear mixed models only (generalized models are fitted by maximum likelihood)";
  if (!linear && solver !== null) return "--solver applies to linear mixed models only";
  if (linear && nAGQ !== 1) return "--nagq applies to generalized linear mixed models only";
  if (linear && laplace !== null) return "--laplace applies to generalized linear mixed models only (a linear mixed model's likelihood is exact)";
  if (laplace === "observed" && nAGQ !== 1) return "--laplace observed is a Laplace approximation: it needs --nagq 1";
  if (!linear && ddf !== null && ddf !== "Wald") return "--ddf satterthwaite/kenward-roger apply to linear mixed models (generalized models have Wald z tests: --ddf wald)";
  return { data, formula, REML, family, nbTheta, link, nAGQ, laplace, weights, json, ddf, progress, solver };
}

/** For a command that fits before it reports (anova, emmeans): its data, formula and fit options
 *  from the arguments left after its own, or the exit status of the error already reported. */
export function parseModelCommand(command: string, args: string[], json: boolean, usage: string): FitArgs | number {
  let parsed: FitArgs | string;
  try {
    parsed = parseFitArgs(args, command);
  } catch (e) {
    return fail(command, e, { json, usage });
  }
  return typeof parsed === "string" ? fail(command, new UsageError(parsed), { json, usage }) : parsed;
}

type FitProgress = (evaluations: number, objective: number) => void;

/** Fit the model the arguments describe (the CSV already read). */
export function fitFromArgs(a: FitArgs, data: DataTable, onProgress?: FitProgress): MixedModel {
  const dataFile = basename(a.data);
  const dataName = dataFile.replace(/\.[^.]*$/, "");
  const linear = isLinearFamily(a.family, a.link);
  const extras = { ...(onProgress ? { onProgress } : {}), ...(a.weights !== null ? { weights: a.weights } : {}) };
  if (linear) return lmer(a.formula, data, { REML: a.REML ?? true, dataName, dataFile, ...extras, ...(a.solver ? { solver: a.solver } : {}) });
  return glmer(a.formula, data, {
    family: a.nbTheta !== null ? { name: a.family, theta: a.nbTheta } : a.family,
    nAGQ: a.nAGQ,
    ...(a.laplace !== null ? { laplace: a.laplace } : {}),
    ...(a.link !== null ? { link: a.link } : {}),
    dataName,
    dataFile,
    ...extras,
  });
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  // data where they live (Parquet, --sql, --engine, CSV too large for memory): fit-sql.ts
  if ((await import("./engine-args.js")).wantsEngine(args)) return (await import("./fit-sql.js")).run(args);
  const json = wantsJson(args);
  let parsed: FitArgs | string;
  try {
    parsed = parseFitArgs(args);
  } catch (e) {
    return fail("fit", e, { json, usage });
  }
  if (typeof parsed === "string") return fail("fit", new UsageError(parsed), { json, usage });
  let model: MixedModel;
  // A status line on stderr for fits longer than about a second, only on a terminal and never with --json.
  // With --progress: always, as lines when stderr is not a terminal, from the first second.
  const progress = progressReporter(
    parsed.progress ? { enabled: true, label: "fitting", delayMs: 0, intervalMs: 1000 } : { json: parsed.json, label: "fitting" },
  );
  try {
    const data = readCsv(parsed.data);
    model = fitFromArgs(parsed, data, (evaluations, objective) => progress.onProgress({ kind: "fit", evaluations, objective }));
  } catch (e) {
    progress.done();
    return fail("fit", e, { json });
  }
  progress.done();
  let text: string;
  try {
    const ddf = parsed.ddf ?? undefined;
    text = parsed.json ? JSON.stringify(fitJSONWithInference(model, ddf), null, 2) + "\n" : model.summary({ ddf });
  } catch (e) {
    return fail("fit", e, { json });
  }
  await writeOut(text);
  return 0;
}

/** Write to stdout and wait until it is flushed: the bin exits right after, and a large JSON
 *  written to a full pipe would otherwise be cut off at 64 KiB. */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}
