/**
 * Issue 11, item 8: output piped to another program arrived cut at the pipe's buffer (64 KiB)
 * because the CLI called process.exit() before stdout drained. Each command runs here as the
 * built CLI (dist/, built by `npm install` / `npx tsc`) writing into a real pipe read by `cat`,
 * and its output must be as long as the same command's output written to a file (file writes
 * are synchronous in Node, so that copy is never cut).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(__dirname, "../..");
const bin = join(root, "bin/mixed-models.js");
const dir = mkdtempSync(join(tmpdir(), "mm-pipe-"));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const sh = promisify(execFile);

/** The command's stdout through `| cat` and redirected to a file (asynchronously: a blocked
 *  worker would miss the test runner's heartbeats). */
async function throughPipeAndFile(args: string[]): Promise<{ piped: Buffer; file: Buffer }> {
  const cmd = [process.execPath, bin, ...args].map(quote).join(" ");
  const out = join(dir, `out-${args.length}-${args[0]}.txt`);
  const { stdout } = await sh("sh", ["-c", `${cmd} | cat`], { maxBuffer: 1 << 28, encoding: "buffer" });
  // `; true`: `check` exits 1 on an invalid formula; the bytes are what is compared.
  await sh("sh", ["-c", `${cmd} > ${quote(out)}; true`]);
  return { piped: stdout, file: readFileSync(out) };
}

const bigFormula = `y ~ ${Array.from({ length: 10_000 }, (_, i) => `x${i + 1}`).join(" + ")} + (1 | g)`;
const csv = join(dir, "groups.csv");
// 700 random intercepts on 20 rows: the plan describes each term, so it runs to several pipe buffers.
const K = 700;
const manyTerms = `y ~ ${Array.from({ length: K }, (_, k) => `(1 | g${k})`).join(" + ")}`;

beforeAll(() => {
  expect(existsSync(join(root, "dist/src/cli/main.js")), "build the CLI first: npx tsc -p tsconfig.json").toBe(true);
  const rows = [["y", ...Array.from({ length: K }, (_, k) => `g${k}`)].join(",")];
  for (let i = 0; i < 20; i++) rows.push([(i % 7) + 0.5, ...Array.from({ length: K }, (_, k) => `L${(i >> k % 4) & 1}`)].join(","));
  writeFileSync(csv, rows.join("\n") + "\n");
});

describe("the CLI writes all of its output into a pipe", () => {
  const cases: [string, string[]][] = [
    ["check", [ "check", bigFormula]],
    ["check --json", ["check", bigFormula, "--json"]],
    ["check with an error", ["check", bigFormula.replace("x5 ", "x5^1.5 ").replace("x9000 ", "x9000^-1 ")]],
    ["plan", ["plan", csv, manyTerms]],
    ["plan --json", ["plan", csv, manyTerms, "--json"]],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const { piped, file } = await throughPipeAndFile(args);
      expect(file.length).toBeGreaterThan(2 * 65536);
      expect(piped.length).toBe(file.length);
      expect(piped.equals(file)).toBe(true);
    });
  }
});
