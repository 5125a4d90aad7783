/**
 * The library is usable from a web page: src/index.ts bundles for the browser platform (no Node
 * built-ins reached), and the bundle fits a model from CSV text in a context without Node's
 * globals (no process, require or Buffer), as a page would run it.
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

it("bundles for the browser and fits Dyestuff from CSV text without Node's globals", async () => {
  const out = await build({
    entryPoints: [join(root, "src", "index.ts")],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "mixedModels",
    write: false,
    logLevel: "silent",
  });
  const code = out.outputFiles[0]!.text;
  const page = vm.createContext({ console, TextDecoder, TextEncoder, WebAssembly, performance, Math, Date });
  vm.runInContext(code, page);
  const csv = readFileSync(join(root, "test", "fixtures", "data", "Dyestuff.csv"), "utf8");
  page.csv = csv;
  const result = vm.runInContext(
    `(() => { const m = mixedModels.lmer("Yield ~ 1 + (1 | Batch)", mixedModels.parseCsv(csv)); return { objective: m.objective, hasProcess: typeof process }; })()`,
    page,
  );
  const ref = JSON.parse(readFileSync(join(root, "test", "fixtures", "reference", "dyestuff_reml.json"), "utf8"));
  expect(result.hasProcess).toBe("undefined");
  expect(Math.abs(result.objective - ref.objective)).toBeLessThan(1e-6);
  expect(() => vm.runInContext(`mixedModels.readCsv("x.csv")`, page)).toThrow(/parseCsv/);
});
