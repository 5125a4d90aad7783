/**
 * The `mixed-models` command: one subcommand a file in src/cli/, each exporting
 * `run(args): Promise<number>` that returns the exit status (0 ok, 1 invalid input, 2 usage).
 * Subcommands are imported on demand so that `check` never pays for the fitting code.
 */
import { readFileSync } from "node:fs";
import { PLOT_KINDS } from "../result/plot/kinds.js";

const subcommands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  check: () => import("./check.js"),
  plan: () => import("./plan.js"),
  fit: () => import("./fit.js"),
  plot: () => import("./plot.js"),
  anova: () => import("./anova.js"),
  emmeans: () => import("./emmeans.js"),
};

const usage = `usage: mixed-models <command> <data.csv> "<formula>" [options]

commands:
  check [<data.csv>] "<formula>" [--data f.csv] [--json]
        validate a formula (and its names against the CSV header) and show its expansion
  plan <data.csv> "<formula>" [--family f] [--weights col] [--json]
        show how the model matrices are built
  fit <data.csv> "<formula>" [--reml|--ml] [--family f] [--link l] [--nagq k] [--weights col] [--json]
        fit a linear or generalized linear mixed model; print lme4's summary (or JSON)
  plot <data.csv> "<formula>" --kind K --out file.svg|file.png [--group g] [fit options] [--json]
        draw a plot; K is one of: ${PLOT_KINDS.join(", ")}
  anova <data.csv> "<formula>" [--type 1|2|3] [--ddf satterthwaite|kenward-roger] [--json]
        F tests of the fixed-effects terms (lmerTest)
  emmeans <data.csv> "<formula>" --specs "A | B" [--ddf m] [--adjust tukey|holm|bonferroni|none] [--json]
        marginal means and pairwise comparisons (emmeans)

fit options:
  --reml | --ml     linear models: REML (default) or maximum likelihood
  --family f        gaussian (default), binomial, poisson, Gamma, inverse.gaussian
  --link l          the link function (default: the family's canonical link)
  --nagq k          generalized models: 1 Laplace (default), k > 1 adaptive Gauss-Hermite, 0 PIRLS-only
  --weights col     a numeric column of prior weights
  --ddf m           denominator df for t/F tests of linear models: satterthwaite or kenward-roger
  --json            machine-readable output; errors as {"ok": false, "errors": [...]}

  mixed-models <command> --help   the command's own options
  mixed-models --version          the package version
`;

/** The version in the package's package.json: the nearest one above this module (dist/src/cli/
 *  in a checkout, dist/pkg/ in the npm package). */
function packageVersion(): string {
  for (let dir = new URL("./", import.meta.url); ; dir = new URL("../", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version: string };
      if (pkg.name === "mixed-models") return pkg.version;
    } catch {
      // no package.json here (or not ours): go up
    }
    if (new URL("../", dir).href === dir.href) return "unknown";
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(usage);
    return command ? 0 : 2;
  }
  if (command === "--version" || command === "-v" || command === "version") {
    process.stdout.write(`mixed-models ${packageVersion()}\n`);
    return 0;
  }
  const load = subcommands[command];
  if (!load) {
    process.stderr.write(`mixed-models: unknown command '${command}'\n\n${usage}`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}
