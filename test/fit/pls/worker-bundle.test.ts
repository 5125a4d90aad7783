/**
 * The worker runs its kernels from their own source text (src/fit/pls/worker.ts). The npm package
 * is bundled and minified with esbuild's keepNames (scripts/build-package.mjs), which renames
 * functions and wraps named inner functions in a helper the worker does not have — so a kernel
 * that works from tsc's output can fail in the package, silently (the calling thread then does all
 * the work). This bundles a small two-thread factorisation with the package's settings and checks
 * the worker really ran its tasks there.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, it } from "vitest";

it("the minified, keepNames bundle's worker runs the factor's tasks and gives the one-thread bits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mm-worker-bundle-"));
  try {
    const out = join(dir, "entry.mjs");
    await build({
      entryPoints: [fileURLToPath(new URL("./worker-bundle-entry.ts", import.meta.url))], outfile: out,
      bundle: true, platform: "node", target: "node20", format: "esm", minify: true, keepNames: true, logLevel: "silent",
    });
    const result = JSON.parse(execFileSync(process.execPath, [out], { encoding: "utf8", timeout: 120_000 })) as { tasks: number; same: boolean };
    // the rows pass, the column phase and (always) every panel with rows below: many tasks, none failed
    expect(result.tasks).toBeGreaterThan(10);
    expect(result.same).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
