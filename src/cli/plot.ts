/**
 * `mixed-models plot <data.csv> "<formula>" --kind caterpillar|residuals|qq|profile --out file.svg
 *  [--group g] [--family f] [--link l] [--nagq k] [--reml | --ml]`: fits the model as `fit` does
 * and writes one diagnostic plot as SVG. Progress (fit, profile) shows on stderr when it is a TTY
 * and the work takes more than about a second. Exit status: 0 written, 1 invalid input or a
 * failed fit, 2 usage error.
 */
import { writeFileSync } from "node:fs";
import { readCsv } from "../model/csv.js";
import { plotSvg, PLOT_KINDS, type PlotKind } from "../result/plot/index.js";
import { progressReporter } from "../result/progress.js";
import { describeError, fitFromArgs, parseFitArgs, type FitArgs } from "./fit.js";

const usage = `usage: mixed-models plot <data.csv> "<formula>" --kind caterpillar|residuals|qq|profile --out file.svg
                         [--group g] [--reml | --ml] [--family f] [--link l] [--nagq k]

  Fits the model (as 'mixed-models fit' does) and writes a diagnostic plot as SVG:
  caterpillar  conditional modes ± 1.96 conditional SD per level, sorted
  residuals    residuals against fitted values
  qq           normal Q-Q plot of the conditional modes
  profile      profile zeta plot of every parameter (as lme4's xyplot(profile(m)))
  --group g    the grouping factor for caterpillar and qq (default: all, one under another)
`;

export interface PlotArgs {
  fit: FitArgs;
  kind: PlotKind;
  out: string;
  group: string | null;
}

/** The arguments, or a usage error message. */
export function parsePlotArgs(args: string[]): PlotArgs | string {
  const rest: string[] = [];
  let kind: string | null = null;
  let out: string | null = null;
  let group: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | null => (eq > 0 ? a.slice(eq + 1) : (args[++i] ?? null));
    if (flag === "--kind") kind = value();
    else if (flag === "--out") out = value();
    else if (flag === "--group") group = value();
    else rest.push(a);
  }
  if (rest.includes("--json")) return "plot writes SVG; --json does not apply";
  const fit = parseFitArgs(rest);
  if (typeof fit === "string") return fit;
  if (kind === null) return `--kind is required (${PLOT_KINDS.join(", ")})`;
  if (!PLOT_KINDS.includes(kind as PlotKind)) return `unknown --kind '${kind}' (one of ${PLOT_KINDS.join(", ")})`;
  if (out === null || out === "") return "--out file.svg is required";
  return { fit, kind: kind as PlotKind, out, group };
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const parsed = parsePlotArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`mixed-models plot: ${parsed}\n\n${usage}`);
    return 2;
  }
  const a = parsed.fit;
  const reporter = progressReporter({ label: "fitting" });
  const onFit = (evaluations: number, objective: number) => reporter.onProgress({ kind: "fit", evaluations, objective });
  let svg: string;
  try {
    const model = fitFromArgs(a, readCsv(a.data), onFit);
    reporter.done();
    const profiling = progressReporter();
    svg = plotSvg(model, parsed.kind, { ...(parsed.group !== null ? { group: parsed.group } : {}), onProgress: profiling.onProgress });
    profiling.done();
  } catch (e) {
    reporter.done();
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
  try {
    writeFileSync(parsed.out, svg);
  } catch (e) {
    process.stderr.write(`error: cannot write '${parsed.out}': ${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}
