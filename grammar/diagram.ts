/**
 * Writes grammar/diagram.html: railroad diagrams of every parser rule, generated from the parser
 * itself (chevrotain's serialized grammar), so the picture can never drift from the code.
 *
 *   node dist/grammar/diagram.js [out.html]     (default: grammar/diagram.html, from the package root)
 */
import { createSyntaxDiagramsCode } from "chevrotain";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { formulaParser } from "./rules.js";

/** chevrotain's package folder (its "exports" hide package.json, so go up from the entry: lib/src/api.js). */
function chevrotainRoot(): string {
  return resolve(dirname(createRequire(import.meta.url).resolve("chevrotain")), "..", "..");
}

/**
 * The page chevrotain generates loads its diagram scripts and stylesheet from a CDN (unpkg) and is
 * blank offline; every such reference is replaced by the same file's text from the installed
 * chevrotain, so the page is self-contained.
 */
export function syntaxDiagramsHtml(): string {
  const base = join(chevrotainRoot(), "diagrams") + "/";
  const html = createSyntaxDiagramsCode(formulaParser.getSerializedGastProductions(), { resourceBase: "CHEVROTAIN_DIAGRAMS/", css: "CHEVROTAIN_DIAGRAMS/diagrams.css" });
  const file = (rel: string) => readFileSync(join(base, rel), "utf8");
  return html
    .replace(/<script src=['"]CHEVROTAIN_DIAGRAMS\/([^'"]+)['"]><\/script>/g, (_, rel: string) => `<script>\n${file(rel).replace(/<\/script/gi, "<\\/script")}\n</script>`)
    .replace(/<link rel=['"]stylesheet['"] href=['"]CHEVROTAIN_DIAGRAMS\/([^'"]+)['"]>/g, (_, rel: string) => `<style>\n${file(rel)}\n</style>`);
}

function main(): void {
  const out = resolve(process.argv[2] ?? "grammar/diagram.html");
  writeFileSync(out, syntaxDiagramsHtml());
  process.stdout.write(`wrote ${out}\n`);
}

// Run only as a script, not when imported (e.g. by a test).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
