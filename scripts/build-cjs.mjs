// The CommonJS entry of the package (exports["."].require), built after `tsc` has written the ESM
// build and its declarations to dist/:
//  - dist/cjs/index.cjs: src/index.ts bundled by esbuild as CommonJS. chevrotain is bundled in
//    because it ships only ES modules (require() of it needs Node ≥ 20.19); ml-matrix and
//    papaparse ship CommonJS and stay external dependencies.
//  - dist/cjs/types/: the declarations tsc wrote, copied under a package.json that says
//    "type": "commonjs", so TypeScript (module node16/nodenext) reads them as CommonJS
//    declarations and a CommonJS consumer does not hit TS1479 ("…is an ECMAScript module").
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

rmSync("dist/cjs", { recursive: true, force: true });
await build({
  entryPoints: ["src/index.ts"],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Minified (names kept, for readable errors): the bundle carries chevrotain and its lodash-es.
  minify: true,
  keepNames: true,
  outfile: "dist/cjs/index.cjs",
  external: ["ml-matrix", "papaparse", "@resvg/resvg-js", "@stdlib/*"],
  logLevel: "warning",
});
writeFileSync("dist/cjs/package.json", JSON.stringify({ type: "commonjs" }) + "\n");
for (const dir of ["src", "grammar"]) {
  mkdirSync(`dist/cjs/types/${dir}`, { recursive: true });
  cpSync(`dist/${dir}`, `dist/cjs/types/${dir}`, { recursive: true, filter: (p) => !/\.(js|map)$/.test(p) });
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
walk("dist/cjs/types");
