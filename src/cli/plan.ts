/**
 * `mixed-models plan <data.csv> "<formula>" [--family f] [--weights column] [--json]`: reads the
 * data, builds the model matrices and prints how every block was made (describePlan), or the
 * construction plan and the matrices' shapes as JSON. Exit status: 0 ok, 1 invalid input (bad
 * formula, unreadable data, a model that cannot be built), 2 usage error.
 */
import { FormulaError } from "../../grammar/errors.js";
import { compileModel, describePlan, ModelError, readCsv } from "../model/index.js";
import type { ModelMatrices } from "../model/index.js";

const usage = `usage: mixed-models plan <data.csv> "<formula>" [--family f] [--weights column] [--json]
       mixed-models plan <data.parquet> | --sql "SELECT …" "<formula>" [--engine duckdb|postgres://…] [--sql]
         (a bare --sql prints the SQL the plan compiles to)

  Shows how the model matrices for a formula are built from a CSV file: the response, every
  fixed-effects column, every random-effects term with its grouping factor and covariance
  parameters, and the rows used.
  --family f        gaussian (default), binomial or poisson: decides how the response is read
  --weights column  a numeric column of prior weights
  --json            print the construction plan as JSON
`;

interface PlanArgs {
  data: string;
  formula: string;
  family: string | undefined;
  weights: string | undefined;
  json: boolean;
}

function parseArgs(args: string[]): PlanArgs | string {
  const positional: string[] = [];
  let family: string | undefined;
  let weights: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--family" || a === "--weights") {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === "--family") family = v;
      else weights = v;
    } else if (a.startsWith("--family=")) family = a.slice("--family=".length);
    else if (a.startsWith("--weights=")) weights = a.slice("--weights=".length);
    else if (a === "-h" || a === "--help") return "";
    else if (a.startsWith("--")) return `unknown option '${a}'`;
    else positional.push(a);
  }
  if (positional.length < 2) return positional.length === 0 ? "missing data file and formula" : "missing formula";
  if (positional.length > 2) return `unexpected argument '${positional[2]}' (quote the formula: plan data.csv "y ~ x + (1 | g)")`;
  return { data: positional[0]!, formula: positional[1]!, family, weights, json };
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

function reportError(e: unknown): number {
  if (e instanceof FormulaError) {
    process.stderr.write(`${e.errors.map((x) => x.render()).join("\n\n")}\n`);
    return 1;
  }
  if (e instanceof ModelError) {
    if (e.formulaError) process.stderr.write(`${e.formulaError.errors.map((x) => x.render()).join("\n\n")}\n`);
    else process.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  throw e;
}

export async function run(args: string[]): Promise<number> {
  // data in an engine (Parquet, --sql, --engine) or the generated SQL (a bare --sql): plan-sql.ts
  if (args.includes("--sql") || (await import("./engine-args.js")).wantsEngine(args)) return (await import("./plan-sql.js")).run(args);
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    if (parsed === "") {
      process.stdout.write(usage);
      return 0;
    }
    process.stderr.write(`mixed-models plan: ${parsed}\n\n${usage}`);
    return 2;
  }
  let m: ModelMatrices;
  try {
    const data = readCsv(parsed.data);
    m = compileModel(parsed.formula, data, {
      ...(parsed.family ? { family: parsed.family } : {}),
      ...(parsed.weights ? { weights: parsed.weights } : {}),
    });
  } catch (e) {
    return reportError(e);
  }
  if (parsed.json) {
    process.stdout.write(`${JSON.stringify(summaryJson(m), jsonReplacer, 2)}\n`);
  } else {
    process.stdout.write(`${describePlan(m.plan, m.droppedX)}\n`);
    for (const msg of m.messages) process.stdout.write(`\nnote: ${msg}\n`);
  }
  return 0;
}
