/**
 * `mixed-models plan <data.csv> "<formula>" [--family f] [--weights column] [--json]`: reads the
 * data, builds the model matrices and prints how every block was made (describePlan), or the
 * construction plan and the matrices' shapes as JSON. Exit status: 0 ok, 1 invalid input (bad
 * formula, unreadable data, a model that cannot be built), 2 usage error.
 */
import { FormulaError } from "../../grammar/errors.js";
import { compileModel, describePlan, ModelError, readCsv } from "../model/index.js";
import type { ModelMatrices } from "../model/index.js";
import type { FamilyName } from "../fit/fitted.js";
import { dataAndFormula, fail, optionParser, UsageError, wantsJson } from "./args.js";
import { FAMILIES } from "./fit.js";

const usage = `usage: mixed-models plan <data.csv> "<formula>" [--family f] [--weights column] [--json]
       mixed-models plan <data.parquet> | --sql "SELECT …" "<formula>" [--engine duckdb|postgres://…] [--sql]
         (a bare --sql prints the SQL the plan compiles to)

  Shows how the model matrices for a formula are built from a CSV file: the response, every
  fixed-effects column, every random-effects term with its grouping factor and covariance
  parameters, and the rows used.
  --family f        gaussian (default), binomial, poisson, Gamma, inverse.gaussian: decides how
                    the response is read
  --weights column  a numeric column of prior weights
  --json            print the construction plan as JSON
`;

interface PlanArgs {
  data: string;
  formula: string;
  family: FamilyName | undefined;
  weights: string | undefined;
  json: boolean;
}

const parseOptions = optionParser({ json: "switch", family: "value", weights: "value", help: "switch" });

function parseArgs(args: string[]): PlanArgs {
  const { positional, options } = parseOptions(args);
  const { data, formula } = dataAndFormula("plan", positional);
  const f = options.get("family") as string | undefined;
  const family = f === undefined ? undefined : FAMILIES.find((x) => x.toLowerCase() === f.toLowerCase());
  if (f !== undefined && family === undefined) throw new UsageError(`unknown family '${f}'`, `one of ${FAMILIES.join(", ")}`);
  return { data, formula, family, weights: options.get("weights") as string | undefined, json: options.has("json") };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value === Infinity) return "Inf";
  if (value === -Infinity) return "-Inf";
  return value;
}

function summaryJson(m: ModelMatrices): object {
  return {
    n: m.n,
    p: m.p,
    xNames: m.xNames,
    droppedX: m.droppedX,
    q: m.reTerms.reduce((s, t) => s + t.levels.length * t.columnNames.length, 0),
    thetaNames: m.thetaNames,
    ngroups: m.ngroups,
    messages: m.messages,
    plan: m.plan,
  };
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  // data in an engine (Parquet, --sql, --engine) or the generated SQL (a bare --sql): plan-sql.ts
  if (args.includes("--sql") || (await import("./engine-args.js")).wantsEngine(args)) return (await import("./plan-sql.js")).run(args);
  const json = wantsJson(args);
  let m: ModelMatrices;
  let parsed: PlanArgs;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    return fail("plan", e, { json, usage });
  }
  try {
    const data = readCsv(parsed.data);
    m = compileModel(parsed.formula, data, {
      ...(parsed.family ? { family: parsed.family } : {}),
      ...(parsed.weights ? { weights: parsed.weights } : {}),
    });
  } catch (e) {
    if (e instanceof ModelError || e instanceof FormulaError) return fail("plan", e, { json });
    throw e;
  }
  if (parsed.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, ...summaryJson(m) }, jsonReplacer, 2)}\n`);
  } else {
    process.stdout.write(`${describePlan(m.plan, m.droppedX)}\n`);
    for (const msg of m.messages) process.stdout.write(`\nnote: ${msg}\n`);
  }
  return 0;
}
