/**
 * Deterministic crossed data for the Krylov bench (issue 16): `y ~ x + (1 | g1) + (1 | g2)` with
 * ℓ₁ × ℓ₂ crossed levels and n rows, each row's two levels drawn uniformly, from a seeded
 * generator (mulberry32, Tommy Ettinger's 32-bit generator; normals by Box–Muller):
 *
 *   y = 1 + 0.5·x + b₁[g1] + b₂[g2] + ε,   x ~ N(0, 1), b₁ ~ N(0, 0.6²), b₂ ~ N(0, 0.4²), ε ~ N(0, 1)
 *
 * Levels are named u000001 … and i00001 … (zero-padded: code-point and R's factor order agree).
 * Generated inside the bench, never committed; `node dist/bench/crossed-data.js L1 L2 N out.csv`
 * writes the same rows as CSV for lme4 (bench/crossed-lme4.R).
 */
import { mulberry32 } from "../src/random.js";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DataTable } from "../src/index.js";

export interface CrossedSpec {
  l1: number;
  l2: number;
  n: number;
  seed?: number;
}

/** A uniform in (0, 1) per call, from the seeded mulberry32 stream. */
function generator(seed: number): () => number {
  const next = mulberry32(seed);
  return () => (next() + 0.5) / 4294967296;
}

function normals(u: () => number, len: number, sd: number): Float64Array {
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

function levelNames(prefix: string, count: number): string[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => prefix + String(i + 1).padStart(width, "0"));
}

/** The rows as a DataTable (factor codes, no per-row strings). Every level is used when n is
 *  large against ℓ₁ and ℓ₂; a level no row draws is dropped by the model stage as R drops it. */
export function crossedData(spec: CrossedSpec): DataTable {
  const { l1, l2, n } = spec;
  const u = generator(spec.seed ?? 20250612);
  const b1 = normals(u, l1, 0.6);
  const b2 = normals(u, l2, 0.4);
  const g1 = new Int32Array(n);
  const g2 = new Int32Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    g1[i] = Math.min(l1 - 1, Math.floor(u() * l1));
    g2[i] = Math.min(l2 - 1, Math.floor(u() * l2));
    const r = Math.sqrt(-2 * Math.log(u()));
    const a = 2 * Math.PI * u();
    x[i] = r * Math.cos(a);
    y[i] = 1 + 0.5 * x[i] + b1[g1[i]] + b2[g2[i]] + r * Math.sin(a); // ε: Box–Muller's second normal
  }
  return {
    n,
    names: ["y", "x", "g1", "g2"],
    columns: new Map([
      ["y", { kind: "numeric", values: y }],
      ["x", { kind: "numeric", values: x }],
      ["g1", { kind: "factor", codes: g1, levels: levelNames("u", l1) }],
      ["g2", { kind: "factor", codes: g2, levels: levelNames("i", l2) }],
    ]),
  };
}

/** Write the table as CSV (y, x with 17 significant digits, so R reads the same doubles). */
export async function writeCrossedCsv(t: DataTable, path: string): Promise<void> {
  const out = createWriteStream(path);
  const col = (name: string) => t.columns.get(name)!;
  const y = (col("y") as { values: Float64Array }).values;
  const x = (col("x") as { values: Float64Array }).values;
  const g1 = col("g1") as { codes: Int32Array; levels: string[] };
  const g2 = col("g2") as { codes: Int32Array; levels: string[] };
  const write = (s: string) => new Promise<void>((res) => (out.write(s) ? res() : out.once("drain", res)));
  await write("y,x,g1,g2\n");
  const chunk = 100_000;
  for (let i0 = 0; i0 < t.n; i0 += chunk) {
    let s = "";
    for (let i = i0; i < Math.min(t.n, i0 + chunk); i++)
      s += `${y[i].toPrecision(17)},${x[i].toPrecision(17)},${g1.levels[g1.codes[i]]},${g2.levels[g2.codes[i]]}\n`;
    await write(s);
  }
  await new Promise<void>((res) => out.end(res));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [l1, l2, n] = process.argv.slice(2, 5).map(Number);
  const path = process.argv[5];
  if (!(l1 > 0 && l2 > 0 && n > 0) || !path) {
    process.stderr.write("usage: node dist/bench/crossed-data.js L1 L2 N out.csv\n");
    process.exit(2);
  }
  void writeCrossedCsv(crossedData({ l1, l2, n }), path);
}
