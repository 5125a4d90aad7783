/**
 * `mixed-models plot <data.csv> "<formula>" --kind K --out file.svg|file.png [--group g]
 *  [--family f] [--link l] [--nagq k] [--reml | --ml] [--json]`: fits the model as `fit` does
 * and writes one plot as SVG, or as PNG rendered by resvg (src/cli/render.ts). Progress (fit, profile) shows on stderr when it is a TTY
 * and the work takes more than about a second. Exit status: 0 written, 1 invalid input or a
 * failed fit, 2 usage error.
 */
import { writeFileSync } from "node:fs";
import { readCsv } from "../model/csv.js";
import { plotSvg, PLOT_KINDS, type PlotKind } from "../result/plot/index.js";
import { progressReporter } from "../result/progress.js";
import { fail, UsageError, wantsJson } from "./args.js";
import { fitFromArgs, parseFitArgs, type FitArgs } from "./fit.js";
import { svgToPng } from "./render.js";

const usage = `usage: mixed-models plot <data.csv> "<formula>" --kind K --out file.svg|file.png
                         [--group g] [--reml | --ml] [--family f] [--link l] [--nagq k] [--weights col] [--json]

  Fits the model (as 'mixed-models fit' does) and draws a plot, as SVG or (file.png) as PNG:
  caterpillar     conditional modes ± 1.96 conditional SD per level, sorted (lattice's dotplot(ranef(m, condVar = TRUE)))
  residuals       residuals against fitted values (binned past a few thousand points)
  qq              normal Q-Q plot of the standardized residuals
  scale-location  √|standardized residuals| against fitted values
  ranef-qq        normal Q-Q plot of the conditional modes
  effects         fixed effects with 95% Wald intervals
  profile         profile zeta plot of every parameter (as lme4's xyplot(profile(m)))
  --group g       the grouping factor for caterpillar and ranef-qq (default: all, one under another)
  --json          report the result (or the errors) as JSON on stdout
`;

export interface PlotArgs {
  fit: FitArgs;
  kind: PlotKind;
  out: string;
  format: "svg" | "png";
  group: string | null;
}

/** The arguments, or a usage error message. */
export function parsePlotArgs(args: string[]): PlotArgs | string {
  const rest: string[] = [];
  let kind: string | null = null;
  let out: string | null = null;
  let group: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | null => (eq > 0 ? a.slice(eq + 1) : (args[++i] ?? null));
    if (flag === "--kind") kind = value();
    else if (flag === "--out") out = value();
    else if (flag === "--group") group = value();
    else if (flag !== "--json") rest.push(a);
  }
  const fit = parseFitArgs(rest, "plot");
  if (typeof fit === "string") return fit;
  if (kind === null) return `--kind is required (${PLOT_KINDS.join(", ")})`;
  if (!PLOT_KINDS.includes(kind as PlotKind)) return `unknown --kind '${kind}' (one of ${PLOT_KINDS.join(", ")})`;
  if (out === null || out === "") return "--out file.svg (or file.png) is required";
  const format = /\.png$/i.test(out) ? "png" : /\.svg$/i.test(out) ? "svg" : null;
  if (format === null) return `--out '${out}': the file name must end in .svg or .png`;
  return { fit, kind: kind as PlotKind, out, format, group };
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const json = wantsJson(args);
  let parsed: PlotArgs | string;
  try {
    parsed = parsePlotArgs(args);
  } catch (e) {
    return fail("plot", e, { json, usage });
  }
  if (typeof parsed === "string") return fail("plot", new UsageError(parsed), { json, usage });
  const a = parsed.fit;
  const reporter = progressReporter({ json, label: "fitting" });
  const onFit = (evaluations: number, objective: number) => reporter.onProgress({ kind: "fit", evaluations, objective });
  let bytes: string | Uint8Array;
  try {
    const model = fitFromArgs(a, readCsv(a.data), onFit);
    reporter.done();
    const profiling = progressReporter({ json });
    const svg = plotSvg(model, parsed.kind, { ...(parsed.group !== null ? { group: parsed.group } : {}), onProgress: profiling.onProgress });
    profiling.done();
    bytes = parsed.format === "png" ? svgToPng(svg) : svg;
  } catch (e) {
    reporter.done();
    return fail("plot", e, { json });
  }
  try {
    writeFileSync(parsed.out, bytes);
  } catch (e) {
    return fail("plot", new Error(`cannot write '${parsed.out}': ${(e as Error).message}`), { json });
  }
  if (json) process.stdout.write(JSON.stringify({ ok: true, kind: parsed.kind, out: parsed.out, format: parsed.format, bytes: bytes.length }) + "\n");
  return 0;
}
