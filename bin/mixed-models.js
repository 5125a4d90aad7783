#!/usr/bin/env node
// The CLI entry: the compiled dispatcher lives in dist/ (built by `npm install` through "prepare").
import { main } from "../dist/src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`mixed-models: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
