// The files the npm package ships, built after `tsc` has written dist/ (the development build the
// tests, examples and `node bin/mixed-models.js` use):
//  - dist/pkg/: src/index.ts (exports["."].import) and the CLI (src/cli/main.ts, which bin/ loads
//    when dist/src/ is absent, as in the package) bundled by esbuild as minified ES modules with
//    shared chunks; the dependencies stay external.
//  - dist/cjs/index.cjs: src/index.ts bundled as CommonJS (exports["."].require), the dependencies
//    external. chevrotain ships only ES modules; Node ≥ 20.19 require()s those (require(esm),
//    unflagged since 20.19.0), so it is not bundled in again: that kept the tarball under 400 KB.
//  - dist/types/: the declarations tsc wrote, copied under a package.json that says
//    "type": "commonjs". One set serves both entries: TypeScript reads them as CommonJS
//    declarations, which a CommonJS consumer (module node16) needs to avoid TS1479, and which an
//    ES module consumer imports by name as well (the package has named exports only).
// Bundling and minifying keeps the tarball small (issue 15: under 400 KB) without shipping the
// unminified dist/src tree.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
const common = { bundle: true, platform: "node", target: "node20", minify: true, keepNames: true, logLevel: "warning", legalComments: "none" };

for (const dir of ["dist/pkg", "dist/cjs", "dist/types"]) rmSync(dir, { recursive: true, force: true });

await build({ ...common, entryPoints: { index: "src/index.ts", cli: "src/cli/main.ts" }, format: "esm", splitting: true, outdir: "dist/pkg", external: deps });
await build({ ...common, entryPoints: ["src/index.ts"], format: "cjs", outfile: "dist/cjs/index.cjs", external: deps });
writeFileSync("dist/cjs/package.json", JSON.stringify({ type: "commonjs" }) + "\n");

mkdirSync("dist/types", { recursive: true });
writeFileSync("dist/types/package.json", JSON.stringify({ type: "commonjs" }) + "\n");
for (const dir of ["src", "grammar"]) {
  mkdirSync(`dist/types/${dir}`, { recursive: true });
  cpSync(`dist/${dir}`, `dist/types/${dir}`, { recursive: true, filter: (p) => !/\.(js|map)$/.test(p) && !p.includes("/cli") });
}

// chevrotain is an ES module package: from CommonJS declarations its types must be imported
// type-only with resolution-mode "import" (TS1479/TS1542 otherwise; TypeScript ≥ 5.3). Our
// declarations use chevrotain only in types (the parser class is not a public value).
function esmTypeImports(text) {
  return text
    .replace(/import (?:type )?\{([^}]*)\} from "chevrotain";/g, (_, names) =>
      `import type {${names.replace(/\btype /g, "")}} from "chevrotain" with { "resolution-mode": "import" };`)
    .replace(/import\("chevrotain"\)/g, 'import("chevrotain", { with: { "resolution-mode": "import" } })');
}
function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (p.endsWith(".d.ts")) {
      const text = readFileSync(p, "utf8");
      const out = esmTypeImports(text);
      if (out !== text) writeFileSync(p, out);
    }
  }
}
walk("dist/types");
// Doc comments stay on the public surface (the entry and the fit object); the internal modules'
// declarations lose theirs, which keeps the tarball under 400 KB (issue 15) as the library grows.
const KEEP_DOCS = new Set(["dist/types/src/index.d.ts", "dist/types/src/lmer.d.ts", "dist/types/src/glmer.d.ts", "dist/types/src/result/model.d.ts"]);
const stripDocs = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) stripDocs(p);
    else if (p.endsWith(".d.ts") && !KEEP_DOCS.has(p)) writeFileSync(p, readFileSync(p, "utf8").replace(/^\s*\/\*\*[\s\S]*?\*\/\n/gm, ""));
  }
};
stripDocs("dist/types");
