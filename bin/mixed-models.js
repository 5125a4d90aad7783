#!/usr/bin/env node
// The CLI entry. In a checkout, the dispatcher tsc compiled (dist/src/, built by `npm install`
// through "prepare", or `npx tsc`); in the npm package, which ships no dist/src/, its bundle
// (dist/pkg/cli.js, scripts/build-package.mjs).
import { existsSync } from "node:fs";

const dev = new URL("../dist/src/cli/main.js", import.meta.url);
const { main } = await import(existsSync(dev) ? dev.href : new URL("../dist/pkg/cli.js", import.meta.url).href);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`mixed-models: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
