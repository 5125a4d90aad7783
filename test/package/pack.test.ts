/**
 * The published package, as a user gets it: `npm pack` (from the dist/ that `npm ci` built), the
 * tarball's contents and size, then a scratch project that installs the tarball (its dependencies
 * from npm's cache or registry) and uses it from an ES module, from CommonJS require(), from
 * TypeScript compiled as `module: node16` (a .cts CommonJS file and a .mts ES module file, with
 * skipLibCheck off so our declarations are checked too), and through its `mixed-models` bin.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string };

interface PackEntry {
  path: string;
  size: number;
}

const dir = mkdtempSync(join(tmpdir(), "mm-pack-"));
let files: PackEntry[] = [];
let tarball = "";
let packedSize = 0;

const DATA = "y,g\n1,a\n2,a\n3,b\n4,b\n5,c\n7,c\n";

/** Run a program without blocking the test worker (a blocked worker misses vitest's RPC deadlines). */
async function run(cmd: string, args: string[], cwd = dir): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(cmd, args, { cwd, encoding: "utf8" });
    return { status: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { status: typeof err.code === "number" ? err.code : 1, stdout: err.stdout ?? "", stderr: err.stderr ?? String(e) };
  }
}

beforeAll(async () => {
  // --ignore-scripts: dist/ is already built; "prepare" would rebuild it.
  const packed = await run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], root);
  const out = packed.stdout;
  const info = JSON.parse(out)[0] as { filename: string; size: number; files: PackEntry[] };
  files = info.files;
  packedSize = info.size;
  tarball = join(dir, info.filename);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch-consumer", version: "1.0.0", private: true }));
  // --ignore-scripts: a tarball's "prepare" would otherwise ask for approval; nothing we install needs a script.
  const installed = await run(npm, ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]);
  if (installed.status !== 0) throw new Error(`npm install of the tarball failed:\n${installed.stderr}`);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the tarball", () => {
  test("is under 400 KB and holds no tests, fixtures, sources or source maps", () => {
    expect(packedSize).toBeLessThan(400_000);
    const bad = files.filter((f) => /(^|\/)test\/|fixtures|\.map$|^examples\/|^bench\/|^dist\/src\//.test(f.path) || (f.path.endsWith(".ts") && !f.path.endsWith(".d.ts")));
    expect(bad.map((f) => f.path)).toEqual([]);
  });
  test("has the README, the LICENSE, both entries and their declarations", () => {
    const paths = new Set(files.map((f) => f.path));
    for (const p of ["README.md", "LICENSE", "package.json", "bin/mixed-models.js", "dist/pkg/index.js", "dist/pkg/cli.js", "dist/cjs/index.cjs", "dist/types/src/index.d.ts"]) {
      expect(paths.has(p), p).toBe(true);
    }
  });
});

const node = (args: string[]) => run(process.execPath, args);

describe("a scratch project that installed it", () => {
  test("import (ES module)", async () => {
    writeFileSync(join(dir, "esm.mjs"), `import { lmer, parseCsv } from "mixed-models";\nconsole.log(JSON.stringify(lmer("y ~ 1 + (1 | g)", parseCsv(${JSON.stringify(DATA)})).fixef));\n`);
    const r = await node(["esm.mjs"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)["(Intercept)"]).toBeCloseTo(11 / 3, 8);
  });
  test("require (CommonJS), readCsv included", async () => {
    writeFileSync(join(dir, "data.csv"), DATA);
    writeFileSync(join(dir, "cjs.cjs"), `const { lmer, readCsv } = require("mixed-models");\nconsole.log(JSON.stringify(lmer("y ~ 1 + (1 | g)", readCsv("data.csv")).fixef));\n`);
    const r = await node(["cjs.cjs"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)["(Intercept)"]).toBeCloseTo(11 / 3, 8);
  });
  test("TypeScript, module node16: a CommonJS .cts and an ES module .mts both type-check and run", async () => {
    const body = `const m: MixedModel = lmer("y ~ 1 + (1 | g)", parseCsv(${JSON.stringify(DATA)}));\nconsole.log(m.summary().split("\\n")[0]);\n`;
    writeFileSync(join(dir, "a.cts"), `import { lmer, parseCsv, type MixedModel } from "mixed-models";\n${body}`);
    writeFileSync(join(dir, "b.mts"), `import { lmer, parseCsv, type MixedModel } from "mixed-models";\n${body}`);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "node16", moduleResolution: "node16", target: "ES2022", strict: true, skipLibCheck: false, types: [], outDir: "out" }, files: ["a.cts", "b.mts"] }),
    );
    const tsc = await node([join(root, "node_modules/typescript/bin/tsc"), "-p", "."]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    for (const f of ["out/a.cjs", "out/b.mjs"]) expect((await node([f])).stdout).toMatch(/^Linear mixed model fit by REML/);
  });
  test("the bin: --version and a fit", async () => {
    const bin = join(dir, "node_modules/.bin/mixed-models");
    expect((await run(bin, ["--version"])).stdout.trim()).toBe(`mixed-models ${pkg.version}`);
    const r = await run(bin, ["fit", "data.csv", "y ~ 1 + (1 | g)", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).fixef["(Intercept)"]).toBeCloseTo(11 / 3, 8);
  });
});
