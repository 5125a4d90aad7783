/**
 * `mixed-models emmeans <data.csv> "<formula>" --specs "A | B" [--ddf kenward-roger|satterthwaite]
 * [--adjust tukey|holm|bonferroni|none] [--level 0.95] [--reml | --ml] [--json]`: fits the model and
 * prints emmeans' marginal means and their pairwise comparisons, or as JSON
 * `{ "emmeans": [{ <factor columns>, "emmean", "SE", "df", "lower", "upper" }],
 *    "contrasts": [{ "contrast", <by columns>, "estimate", "SE", "df", "t", "p" }] }`.
 * Exit status: 0 done, 1 invalid input, 2 usage error.
 */
import { readCsv } from "../model/csv.js";
import { emmeans, formatContrasts, formatEmmeans, pairs } from "../result/inference/emmeans.js";
import { describeError, fitFromArgs, parseFitArgs } from "./fit.js";
import { takeOption, writeOut } from "./options.js";

const usage = `usage: mixed-models emmeans <data.csv> "<formula>" --specs "A | B" [--ddf kenward-roger|satterthwaite]
                             [--adjust tukey|holm|bonferroni|none] [--level 0.95] [--reml | --ml] [--json]

  Fits the model and prints the estimated marginal means of the specs' factors (averaged with
  equal weights over the other factors, covariates at their means) and their pairwise
  comparisons within each group after '|', as emmeans(m, ~ specs) and pairs().
  --specs s       "A", "A | B", "A * B" (a leading "~" is allowed)
  --ddf m         denominator df: kenward-roger (default, as emmeans) or satterthwaite
  --adjust a      p-value adjustment of the comparisons: tukey (default), holm, bonferroni, none
  --level x       confidence level of the intervals (default 0.95)
  --json          print { "emmeans": [...], "contrasts": [...] }
`;

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const rest = [...args];
  let specs: string | null;
  let ddf: string | null;
  let adjust: string | null;
  let level: number | undefined;
  try {
    specs = takeOption(rest, "--specs");
    ddf = takeOption(rest, "--ddf");
    adjust = takeOption(rest, "--adjust");
    const l = takeOption(rest, "--level");
    if (l !== null && !(Number(l) > 0 && Number(l) < 1)) throw new Error(`--level must be a number between 0 and 1 (got '${l}')`);
    level = l === null ? undefined : Number(l);
    if (specs === null) throw new Error('--specs is required, e.g. --specs "A | B"');
  } catch (e) {
    process.stderr.write(`mixed-models emmeans: ${e instanceof Error ? e.message : String(e)}\n\n${usage}`);
    return 2;
  }
  const parsed = parseFitArgs(rest);
  if (typeof parsed === "string") {
    process.stderr.write(`mixed-models emmeans: ${parsed}\n\n${usage}`);
    return 2;
  }
  let text: string;
  try {
    const model = fitFromArgs(parsed, readCsv(parsed.data));
    const e = emmeans(model, specs, { ...(ddf !== null ? { ddf } : {}), ...(level !== undefined ? { level } : {}) });
    const c = pairs(e, adjust !== null ? { adjust } : {});
    if (parsed.json) {
      const out = {
        ddf: e.ddf,
        adjust: c.adjust,
        emmeans: e.rows.map((r) => ({ ...r.levels, emmean: r.emmean, SE: r.SE, df: r.df, lower: r.lower, upper: r.upper })),
        contrasts: c.rows.map((r) => ({ contrast: r.contrast, ...r.by, estimate: r.estimate, SE: r.SE, df: r.df, t: r.t, p: r.p })),
      };
      text = JSON.stringify(out, null, 2) + "\n";
    } else text = formatEmmeans(e) + "\n" + formatContrasts(c);
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
  await writeOut(text);
  return 0;
}
