#!/usr/bin/env node
// The CLI entry: the compiled dispatcher lives in dist/ (built by `npm install` through "prepare").
import { main } from "../dist/src/cli/main.js";

// The process ends by itself once stdout and stderr have drained: calling process.exit() here
// would cut output written to a pipe, which Node writes asynchronously, at the pipe's buffer
// (64 KiB). Hence exitCode, never exit().
process.exitCode = 0;

// A reader that stops early (`mixed-models plan … | head`) closes the pipe: that is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err && err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`mixed-models: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
