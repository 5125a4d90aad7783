/**
 * Writes grammar/diagram.html: railroad diagrams of every parser rule, generated from the parser
 * itself (chevrotain's serialized grammar), so the picture can never drift from the code.
 *
 *   node dist/grammar/diagram.js [out.html]     (default: grammar/diagram.html, from the package root)
 */
import { createSyntaxDiagramsCode } from "chevrotain";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { formulaParser } from "./rules.js";

export function syntaxDiagramsHtml(): string {
  return createSyntaxDiagramsCode(formulaParser.getSerializedGastProductions());
}

function main(): void {
  const out = resolve(process.argv[2] ?? "grammar/diagram.html");
  writeFileSync(out, syntaxDiagramsHtml());
  process.stdout.write(`wrote ${out}\n`);
}

// Run only as a script, not when imported (e.g. by a test).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
