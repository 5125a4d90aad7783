/**
 * `mixed-models emmeans <data.csv> "<formula>" --specs "A | B" [--ddf kenward-roger|satterthwaite]
 * [--adjust tukey|holm|bonferroni|none] [--level 0.95] [--at "x=1,2; A=a1,a2"] [--reml | --ml] [--json]`: fits the model and
 * prints emmeans' marginal means and their pairwise comparisons, or as JSON
 * `{ "emmeans": [{ <factor columns>, "emmean", "SE", "df", "lower", "upper" }],
 *    "contrasts": [{ "contrast", <by columns>, "estimate", "SE", "df", "t", "p" }] }`.
 * Exit status: 0 done, 1 invalid input, 2 usage error.
 */
import { readCsv } from "../model/csv.js";
import { emmeans, formatContrasts, formatEmmeans, pairs } from "../result/inference/emmeans.js";
import { fail, UsageError, wantsJson } from "./args.js";
import { fitFromArgs, parseModelCommand } from "./fit.js";
import { takeOption, writeOut } from "./options.js";
import type { GridAt } from "../result/inference/ref-grid.js";

const usage = `usage: mixed-models emmeans <data.csv> "<formula>" --specs "A | B" [--ddf kenward-roger|satterthwaite]
                             [--adjust tukey|holm|bonferroni|none] [--level 0.95] [--at "x=1,2; A=a1"]
                             [--reml | --ml] [--json]

  Fits the model and prints the estimated marginal means of the specs' factors (averaged with
  equal weights over the other factors, covariates at their means) and their pairwise
  comparisons within each group after '|', as emmeans(m, ~ specs) and pairs().
  --specs s       "A", "A | B", "A * B" (a leading "~" is allowed)
  --ddf m         denominator df: kenward-roger (default, as emmeans) or satterthwaite
  --adjust a      p-value adjustment of the comparisons: tukey (default), holm, bonferroni, none
  --level x       confidence level of the intervals (default 0.95)
  --at "x=1,2"    the reference grid at these values (emmeans' at): a covariate at each number
                  given instead of its mean, a factor at the levels given (in that order);
                  several variables separated by ';': --at "x=0.5,1.5; A=a1,a3"
  --json          print { "emmeans": [...], "contrasts": [...] }
`;

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const json = wantsJson(args);
  const rest = [...args];
  let specs: string | null;
  let ddf: string | null;
  let adjust: string | null;
  let level: number | undefined;
  let at: GridAt | undefined;
  try {
    specs = takeOption(rest, "--specs");
    ddf = takeOption(rest, "--ddf");
    adjust = takeOption(rest, "--adjust");
    const l = takeOption(rest, "--level");
    if (l !== null && !(Number(l) > 0 && Number(l) < 1)) throw new Error(`--level must be a number between 0 and 1 (got '${l}')`);
    level = l === null ? undefined : Number(l);
    if (specs === null) throw new Error('--specs is required, e.g. --specs "A | B"');
    const a = takeOption(rest, "--at");
    if (a !== null) at = parseAt(a);
  } catch (e) {
    return fail("emmeans", new UsageError(e instanceof Error ? e.message : String(e)), { json, usage });
  }
  const parsed = parseModelCommand("emmeans", rest, json, usage);
  if (typeof parsed === "number") return parsed;
  let text: string;
  try {
    const model = fitFromArgs(parsed, readCsv(parsed.data));
    const e = emmeans(model, specs, { ...(ddf !== null ? { ddf } : {}), ...(level !== undefined ? { level } : {}), ...(at ? { at } : {}) });
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
    return fail("emmeans", e, { json: parsed.json });
  }
  await writeOut(text);
  return 0;
}

/** --at "x=1,2; A=a1,a2": each variable's values as strings (the reference grid reads a
 *  covariate's as numbers and checks a factor's against its levels). Throws on a malformed part. */
export function parseAt(text: string): GridAt {
  const at: GridAt = {};
  for (const part of text.split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const name = eq < 0 ? "" : part.slice(0, eq).trim();
    const values = eq < 0 ? [] : part.slice(eq + 1).split(",").map((v) => v.trim());
    if (name === "" || values.length === 0 || values.some((v) => v === "")) {
      throw new Error(`--at '${part.trim()}': write variable=value1,value2 (several variables separated by ';'), e.g. --at "x=1,2"`);
    }
    if (Object.prototype.hasOwnProperty.call(at, name)) throw new Error(`--at names '${name}' twice`);
    at[name] = values;
  }
  if (Object.keys(at).length === 0) throw new Error('--at needs variable=values, e.g. --at "x=1,2"');
  return at;
}
