/**
 * The published package, as a user gets it: `npm pack` (from the dist/ that `npm ci` built), the
 * tarball's contents and size, then a scratch project that installs the tarball (its dependencies
 * from npm's cache or registry) and uses it from an ES module, from CommonJS require(), from
 * TypeScript compiled as `module: node16` (a .cts CommonJS file and a .mts ES module file, with
 * skipLibCheck off so our declarations are checked too), and through its `mixed-models` bin.
 */
import { execFileSync, spawnSync } from "node:child_process";
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

beforeAll(() => {
  // --ignore-scripts: dist/ is already built; "prepare" would rebuild it.
  const out = execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: root, encoding: "utf8" });
  const info = JSON.parse(out)[0] as { filename: string; size: number; files: PackEntry[] };
  files = info.files;
  packedSize = info.size;
  tarball = join(dir, info.filename);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch-consumer", version: "1.0.0", private: true }));
  // --ignore-scripts: a tarball's "prepare" would otherwise ask for approval; nothing we install needs a script.
  execFileSync(npm, ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: dir, encoding: "utf8" });
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the tarball", () => {
  test("is under 400 KB and holds no tests, fixtures, sources or source maps", () => {
    expect(packedSize).toBeLessThan(400_000);
    const bad = files.filter((f) => /(^|\/)test\/|fixtures|\.map$|(^|\/)src\/.*\.ts$(?<!\.d\.ts)|^examples\/|^bench\//.test(f.path));
    expect(bad.map((f) => f.path)).toEqual([]);
  });
  test("has the README, the LICENSE, both entries and their declarations", () => {
    const paths = new Set(files.map((f) => f.path));
    for (const p of ["README.md", "LICENSE", "package.json", "bin/mixed-models.js", "dist/src/index.js", "dist/src/index.d.ts", "dist/cjs/index.cjs", "dist/cjs/types/src/index.d.ts"]) {
      expect(paths.has(p), p).toBe(true);
    }
  });
});

const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8" });

describe("a scratch project that installed it", () => {
  test("import (ES module)", () => {
    writeFileSync(join(dir, "esm.mjs"), `import { lmer, parseCsv } from "mixed-models";\nconsole.log(JSON.stringify(lmer("y ~ 1 + (1 | g)", parseCsv(${JSON.stringify(DATA)})).fixef));\n`);
    const r = node(["esm.mjs"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)["(Intercept)"]).toBeCloseTo(11 / 3, 8);
  });
  test("require (CommonJS), readCsv included", () => {
    writeFileSync(join(dir, "data.csv"), DATA);
    writeFileSync(join(dir, "cjs.cjs"), `const { lmer, readCsv } = require("mixed-models");\nconsole.log(JSON.stringify(lmer("y ~ 1 + (1 | g)", readCsv("data.csv")).fixef));\n`);
    const r = node(["cjs.cjs"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)["(Intercept)"]).toBeCloseTo(11 / 3, 8);
  });
  test("TypeScript, module node16: a CommonJS .cts and an ES module .mts both type-check and run", () => {
    const body = `const m: MixedModel = lmer("y ~ 1 + (1 | g)", parseCsv(${JSON.stringify(DATA)}));\nconsole.log(m.summary().split("\\n")[0]);\n`;
    writeFileSync(join(dir, "a.cts"), `import { lmer, parseCsv, type MixedModel } from "mixed-models";\n${body}`);
    writeFileSync(join(dir, "b.mts"), `import { lmer, parseCsv, type MixedModel } from "mixed-models";\n${body}`);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "node16", moduleResolution: "node16", target: "ES2022", strict: true, skipLibCheck: false, types: [], outDir: "out" }, files: ["a.cts", "b.mts"] }),
    );
    const tsc = node([join(root, "node_modules/typescript/bin/tsc"), "-p", "."]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    for (const f of ["out/a.cjs", "out/b.mjs"]) expect(node([f]).stdout).toMatch(/^Linear mixed model fit by REML/);
  });
  test("the bin: --version and a fit", () => {
    const bin = join(dir, "node_modules/.bin/mixed-models");
    expect(spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim()).toBe(`mixed-models ${pkg.version}`);
    const r = spawnSync(bin, ["fit", "data.csv", "y ~ 1 + (1 | g)", "--json"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).fixef["(Intercept)"]).toBeCloseTo(11 / 3, 8);
  });
});
