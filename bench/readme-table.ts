/**
 * The README's benchmark table, made from bench/results.json (which `npm run bench` writes) and
 * spliced between the `<!-- bench:start -->` and `<!-- bench:end -->` markers, so the numbers in
 * the README are always ones the benchmark printed, never typed by hand.
 *
 *   node dist/bench/readme-table.js      (`npm run bench` does this after measuring)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface BenchResult {
  id: string;
  nobs: number;
  /** Median seconds of the whole lmer()/glmer() call. */
  call_seconds: number;
  /** null: lme4 did not finish within the cap (bench/crossed-lme4.R: 30 minutes). */
  lme4_seconds: number | null;
  /** When lme4's time was measured once by hand (bench/crossed-lme4.R) rather than taken from a
   *  reference fixture's median: the date. */
  lme4_measured?: string;
  evaluations: number;
  /** CPU seconds of our run (user + system), where recorded (bench/crossed-large.ts). */
  cpu_seconds?: number;
  /** The linear algebra that ran, where not the exact path's (bench/crossed-large.ts). */
  solver?: string;
  /** lme4's count of objective evaluations, where the reference records it. */
  lme4_evaluations?: number;
}

export interface BenchResults {
  /** Where and how the numbers were measured (shown above the table). */
  machine: string;
  results: BenchResult[];
}

export const START = "<!-- bench:start -->";
export const END = "<!-- bench:end -->";

/** Seconds as the table shows them: 4 decimals below 0.1 s, 3 significant digits above. */
function seconds(s: number): string {
  return s < 0.1 ? s.toFixed(4) : s.toPrecision(3);
}

export function benchTable(b: BenchResults): string {
  const rows = [...b.results].sort((x, y) => x.id.localeCompare(y.id));
  const lines = [
    `${b.machine}, lme4 1.1-31's recorded medians beside ours:`,
    "",
    "| case | rows | our median s (whole call) | lme4 s | ratio | evaluations (lme4's) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  const ratios: number[] = [];
  for (const r of rows) {
    const evals = r.lme4_evaluations !== undefined ? `${r.evaluations} (${r.lme4_evaluations})` : String(r.evaluations);
    const id = r.solver && r.solver !== "cholesky" ? `${r.id} (${r.solver})` : r.id;
    const ours = seconds(r.call_seconds) + (r.cpu_seconds !== undefined ? ` (CPU ${seconds(r.cpu_seconds)})` : "");
    if (r.lme4_seconds === null) {
      lines.push(`| ${id} | ${r.nobs.toLocaleString("en-US")} | ${ours} | not finished in 30 min${r.lme4_measured ? ` (${r.lme4_measured})` : ""} | — | ${evals} |`);
      continue;
    }
    const ratio = r.call_seconds / r.lme4_seconds;
    ratios.push(ratio);
    const lme4 = seconds(r.lme4_seconds) + (r.lme4_measured ? ` (once, ${r.lme4_measured})` : "");
    lines.push(`| ${id} | ${r.nobs.toLocaleString("en-US")} | ${ours} | ${lme4} | ${ratio.toFixed(2)} | ${evals} |`);
  }
  const g = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
  lines.push("", `Geometric mean ratio ${g.toFixed(2)}, worst ${Math.max(...ratios).toFixed(2)}.`);
  return lines.join("\n");
}

/** The README with the text between the markers replaced by `table`. */
export function spliceReadme(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

/** Rewrite README.md's table from bench/results.json. */
export function updateReadme(): void {
  const root = new URL("../../", import.meta.url);
  const results = JSON.parse(readFileSync(new URL("bench/results.json", root), "utf8")) as BenchResults;
  const readmePath = fileURLToPath(new URL("README.md", root));
  writeFileSync(readmePath, spliceReadme(readFileSync(readmePath, "utf8"), benchTable(results)));
  process.stdout.write(`README.md: benchmark table of ${results.results.length} cases updated from bench/results.json\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) updateReadme();
