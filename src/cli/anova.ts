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
import { fail, UsageError, wantsJson } from "./args.js";
import { fitFromArgs, parseModelCommand } from "./fit.js";
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
  const json = wantsJson(args);
  const rest = [...args];
  let type: 1 | 2 | 3;
  let ddf: ReturnType<typeof parseDdf>;
  try {
    const t = takeOption(rest, "--type");
    const d = takeOption(rest, "--ddf");
    type = parseAnovaType(t ?? undefined);
    ddf = d === null ? "Satterthwaite" : parseDdf(d);
  } catch (e) {
    return fail("anova", new UsageError(e instanceof Error ? e.message : String(e)), { json, usage });
  }
  const parsed = parseModelCommand("anova", rest, json, usage);
  if (typeof parsed === "number") return parsed;
  let text: string;
  try {
    const model = fitFromArgs(parsed, readCsv(parsed.data));
    const table = anovaTable(model, { type, ddf });
    text = parsed.json ? JSON.stringify({ type: table.type, ddf: table.ddf, rows: table.rows }, null, 2) + "\n" : formatAnovaTable(table);
  } catch (e) {
    return fail("anova", e, { json: parsed.json });
  }
  await writeOut(text);
  return 0;
}
