/**
 * The `mixed-models` command: one subcommand a file in src/cli/, each exporting
 * `run(args): Promise<number>` that returns the exit status (0 ok, 1 invalid input, 2 usage).
 * Subcommands are imported on demand so that `check` never pays for the fitting code.
 */
const subcommands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  check: () => import("./check.js"),
  plan: () => import("./plan.js"),
  fit: () => import("./fit.js"),
  plot: () => import("./plot.js"),
  anova: () => import("./anova.js"),
  emmeans: () => import("./emmeans.js"),
};

const usage = `usage: mixed-models <command> [options]

commands:
  check "<formula>" [--data file.csv] [--json]      validate a formula and show its expansion
  plan <data.csv> "<formula>" [--json]               show how the model matrices are built
  fit <data.csv> "<formula>" [--reml|--ml] [--family f] [--link l] [--nagq k] [--ddf m] [--json]
                                                     fit a linear or generalized linear mixed model
  plot <data.csv> "<formula>" --kind caterpillar --out file.svg
                                                     draw a diagnostic plot as SVG
  anova <data.csv> "<formula>" [--type 1|2|3] [--ddf satterthwaite|kenward-roger] [--json]
                                                     F tests of the fixed-effects terms (lmerTest)
  emmeans <data.csv> "<formula>" --specs "A | B" [--ddf m] [--adjust tukey|holm|bonferroni|none] [--json]
                                                     marginal means and pairwise comparisons (emmeans)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(usage);
    return command ? 0 : 2;
  }
  const load = subcommands[command];
  if (!load) {
    process.stderr.write(`mixed-models: unknown command '${command}'\n\n${usage}`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}
