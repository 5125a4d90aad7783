/**
 * `mixed-models anova <data.csv> "<formula>" [--type 1|2|3] [--ddf satterthwaite|kenward-roger]
 * [--reml | --ml] [--json]`: fits a linear mixed model and prints lmerTest's ANOVA table of its
 * fixed-effects terms (Type III with Satterthwaite's method by default), or as JSON
 * `{ "type", "ddf", "rows": [{ "term", "sumsq", "meansq", "numdf", "dendf", "F", "p" }] }`.
 * Exit status: 0 done, 1 invalid input, 2 usage error.
 */
import { readCsv } from "../model/csv.js";
import { anovaTable, formatAnovaTable, parseAnovaType } from "../result/inference/anova-table.js";
import { parseDdf } from "../result/inference/ddf.js";
import { describeError, fitFromArgs, parseFitArgs } from "./fit.js";
import { takeOption, writeOut } from "./options.js";

const usage = `usage: mixed-models anova <data.csv> "<formula>" [--type 1|2|3] [--ddf satterthwaite|kenward-roger]
                           [--reml | --ml] [--weights column] [--json]

  Fits a linear mixed model and prints the F tests of its fixed-effects terms, as
  lmerTest's anova(m, type, ddf).
  --type t        1, 2 or 3 (default 3; also I, II, III)
  --ddf m         denominator df: satterthwaite (default) or kenward-roger
  --reml | --ml   REML (default) or maximum likelihood
  --json          print { "type", "ddf", "rows": [...] }
`;

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const rest = [...args];
  let type: 1 | 2 | 3;
  let ddf: ReturnType<typeof parseDdf>;
  try {
    const t = takeOption(rest, "--type");
    const d = takeOption(rest, "--ddf");
    type = parseAnovaType(t ?? undefined);
    ddf = d === null ? "Satterthwaite" : parseDdf(d);
  } catch (e) {
    process.stderr.write(`mixed-models anova: ${e instanceof Error ? e.message : String(e)}\n\n${usage}`);
    return 2;
  }
  const parsed = parseFitArgs(rest);
  if (typeof parsed === "string") {
    process.stderr.write(`mixed-models anova: ${parsed}\n\n${usage}`);
    return 2;
  }
  let text: string;
  try {
    const model = fitFromArgs(parsed, readCsv(parsed.data));
    const table = anovaTable(model, { type, ddf });
    text = parsed.json ? JSON.stringify({ type: table.type, ddf: table.ddf, rows: table.rows }, null, 2) + "\n" : formatAnovaTable(table);
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
  await writeOut(text);
  return 0;
}
