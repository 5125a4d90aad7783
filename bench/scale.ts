/**
 * `npm run bench -- --scale [--n 10000000,100000000] [--models slope,crossed]`: mixed models on
 * data generated inside DuckDB from range(n) with hash-based pseudo-random values (nothing is
 * written to disk), fitted through the CLI's `fit --sql … --json` path in a fresh process each:
 *
 *   slope    y ~ x + (x | g)                    n/100 groups g
 *   crossed  y ~ x + (1 | user) + (1 | day)     n/100 users, each seen on all 30 days
 *
 * Reports wall time, CPU seconds (user + system of the whole process: DuckDB's threads and Node;
 * on a shared machine the honest measure), the Node process's peak RSS (VmHWM: DuckDB lives in the
 * process, so its memory counts), seconds in the engine's queries and in the fit, the number of
 * evaluations, the route (direct or count-grouped: src/sql/count-blocks.ts), and the load average.
 * The rows measured are merged into bench/scale-results.json, from which the README's scale table
 * is spliced between `<!-- scale:start -->` and `<!-- scale:end -->` (never typed by hand).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

/** A uniform (0, 1) from the hash of i·1000 + seed: its top 53 bits, never 0 or 1. Not
 *  hash(i, seed): DuckDB combines a tuple's hashes so that two seeds give strongly correlated
 *  streams (correlation −0.6 to −0.97 over range(10⁶)), which biased β and σ of the generated data. In DOUBLE
 *  arithmetic throughout (a DECIMAL literal such as 1048576.0 would make DuckDB compute in DECIMAL,
 *  four times slower, and the generator is re-run by every pass over the data). */
const unif = (i: string, seed: number) => `((CAST(hash(${i} * 1000 + ${seed}) >> 11 AS DOUBLE) + 0.5) * 1.1102230246251565e-16)`;
/** A standard normal by Box–Muller from two such uniforms. */
const normal = (i: string, seed: number) => `(sqrt(-2 * ln(${unif(i, seed)})) * cos(6.283185307179586 * ${unif(i, seed + 1)}))`;

export function scaleQuery(model: string, n: number): { sql: string; formula: string } {
  const groups = Math.max(2, Math.floor(n / 100));
  if (model === "slope") {
    return {
      formula: "y ~ x + (x | g)",
      sql:
        `SELECT g, x, 1 + 2 * x + 0.5 * ${normal("g", 11)} + 0.3 * ${normal("g", 13)} * x + ${normal("i", 15)} AS y ` +
        `FROM (SELECT i, i % ${groups} AS g, 4 * ${unif("i", 1)} - 2 AS x FROM range(${n}) t(i)) s`,
    };
  }
  if (model === "crossed") {
    return {
      formula: "y ~ x + (1 | user) + (1 | day)",
      sql:
        `SELECT user, day, x, 1 + 2 * x + 0.5 * ${normal("user", 21)} + 0.3 * ${normal("day", 23)} + ${normal("i", 25)} AS y ` +
        `FROM (SELECT i, i // 100 AS user, i % 30 AS day, 4 * ${unif("i", 3)} - 2 AS x FROM range(${n}) t(i)) s`,
    };
  }
  throw new Error(`unknown model '${model}' (slope, crossed)`);
}

function peakRssMB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** One fit in this process (the child): the CLI's fit, then its numbers as one JSON line. */
async function one(model: string, n: number): Promise<void> {
  const { sql, formula } = scaleQuery(model, n);
  const { run } = await import("../src/cli/fit.js");
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string | Uint8Array, cb?: () => void) => {
    out += String(s);
    if (typeof cb === "function") cb();
    return true;
  }) as typeof process.stdout.write;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const status = await run(["--sql", sql, formula, "--ml", "--json"]);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  process.stdout.write = write;
  if (status !== 0) throw new Error(`fit failed with status ${status}`);
  const j = JSON.parse(out);
  console.log(JSON.stringify({
    model, n, formula, wall, cpu: (c.user + c.system) / 1e6, peakRssMB: peakRssMB(), engineSeconds: j.engine_seconds,
    fitSeconds: j.fit_seconds, queries: j.queries, evaluations: j.evaluations, route: j.route, load: loadavg()[0],
    fixef: j.fixef, theta: j.theta, sigma: j.sigma,
  }));
}

export interface ScaleRow {
  model: string;
  n: number;
  formula: string;
  wall: number;
  cpu: number;
  peakRssMB: number;
  engineSeconds: number;
  fitSeconds: number;
  evaluations: number;
  route: string;
  load: number;
  /** When it was measured (ISO date). */
  date: string;
}

const RESULTS = fileURLToPath(new URL("../../bench/scale-results.json", import.meta.url));
const README = fileURLToPath(new URL("../../README.md", import.meta.url));
export const SCALE_START = "<!-- scale:start -->";
export const SCALE_END = "<!-- scale:end -->";

export function scaleTable(rows: ScaleRow[]): string {
  const sorted = [...rows].sort((a, b) => a.model.localeCompare(b.model) || a.n - b.n);
  return [
    "| model | rows | wall s | CPU s | engine s | fit s | evaluations | route | peak RSS MB | load avg |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ...sorted.map((x) =>
      `| ${x.formula.replace(/\|/g, "\\|")} | ${x.n.toLocaleString("en")} | ${x.wall.toFixed(1)} | ${x.cpu.toFixed(1)} | ` +
      `${x.engineSeconds.toFixed(1)} | ${x.fitSeconds.toFixed(1)} | ${x.evaluations} | ${x.route} | ${x.peakRssMB.toFixed(0)} | ${x.load.toFixed(1)} |`),
  ].join("\n");
}

/** Merge measured rows into bench/scale-results.json and splice the README's scale table. */
export function recordScale(measured: ScaleRow[]): void {
  const old: ScaleRow[] = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : [];
  const rows = [...old.filter((o) => !measured.some((m) => m.model === o.model && m.n === o.n)), ...measured];
  writeFileSync(RESULTS, JSON.stringify(rows, null, 2) + "\n");
  const readme = readFileSync(README, "utf8");
  const a = readme.indexOf(SCALE_START);
  const b = readme.indexOf(SCALE_END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${SCALE_START} … ${SCALE_END} markers`);
  writeFileSync(README, `${readme.slice(0, a + SCALE_START.length)}\n${scaleTable(rows)}\n${readme.slice(b)}`);
}

export async function runScale(args: string[]): Promise<void> {
  const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  if (args.includes("--one")) return one(at("--model")!, Number(at("--n")));
  const ns = (at("--n") ?? "10000000,100000000").split(",").map(Number);
  const models = (at("--models") ?? "slope,crossed").split(",");
  const self = fileURLToPath(new URL("./bench.js", import.meta.url));
  const measured: ScaleRow[] = [];
  console.log("| model | rows | wall s | CPU s | engine s | fit s | evaluations | route | peak RSS MB | load avg |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
  for (const n of ns) {
    for (const model of models) {
      const r = spawnSync(process.execPath, [self, "--scale", "--one", "--model", model, "--n", String(n)], { encoding: "utf8", maxBuffer: 1 << 26 });
      const line = r.stdout.trim().split("\n").pop() ?? "";
      if (r.status !== 0 || !line.startsWith("{")) {
        console.log(`| ${model} | ${n} | failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-2).join(" ")} |`);
        continue;
      }
      const x = JSON.parse(line);
      const row: ScaleRow = {
        model, n, formula: x.formula, wall: x.wall, cpu: x.cpu, peakRssMB: x.peakRssMB, engineSeconds: x.engineSeconds,
        fitSeconds: x.fitSeconds, evaluations: x.evaluations, route: x.route ?? "direct", load: x.load, date: new Date().toISOString().slice(0, 10),
      };
      measured.push(row);
      console.log(scaleTable([row]).split("\n")[2]);
      console.error(line);
      // recorded row by row: a long run cut short keeps what it measured
      if (!args.includes("--no-record")) recordScale([row]);
    }
  }
}
