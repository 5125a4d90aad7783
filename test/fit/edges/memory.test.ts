import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { lmer, ModelError, simulate, SimulateError } from "../../../src/index.js";
import { dataCsv } from "./edges-data.js";

// Issue 11 item 11: a model too big for memory fails at once with the size it would need; so does
// simulate() with an absurd nsim; the CLI's --progress reports off a terminal, as lines on stderr.
describe("memory limits and progress off a terminal", () => {
  it("a 10,000-level factor among the fixed effects of 60,000 rows: the size, the factor, the remedy", () => {
    const n = 60_000;
    const f = Array.from({ length: n }, (_, i) => `L${i % 10_000}`);
    const g = Array.from({ length: n }, (_, i) => `g${i % 50}`);
    const y = Array.from({ length: n }, (_, i) => Math.sin(i) + (i % 7));
    const t0 = performance.now();
    let err: unknown;
    try {
      lmer("y ~ f + (1 | g)", { y, f, g });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).column).toBe("f");
    expect((err as Error).message).toBe(
      "the fixed-effects model matrix (60,000 rows × 10,000 columns) would need 4.80 GB, more than the 4.29 GB one " +
        "array can hold: 'f' alone makes 9,999 columns; a factor with this many levels belongs in a random-effects term, e.g. (1 | f)",
    );
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it("simulate() with an absurd nsim", () => {
    const m = lmer("Reaction ~ Days + (1 | Subject)", dataCsv("sleepstudy.csv"));
    expect(() => simulate(m, { nsim: 1e9 })).toThrow(SimulateError);
    expect(() => simulate(m, { nsim: 1e9 })).toThrow(
      "simulate(nsim = 1,000,000,000) on 180 rows would need 1.44 TB, more than the 4.29 GB one array can hold: ask for fewer simulations at a time",
    );
    expect(simulate(m, { nsim: 2, seed: 1 })).toHaveLength(2);
  });

  const bin = fileURLToPath(new URL("../../../bin/mixed-models.js", import.meta.url));
  const built = existsSync(fileURLToPath(new URL("../../../dist/src/cli/main.js", import.meta.url)));
  it.skipIf(!built)("fit --progress with stderr a pipe: whole lines, no carriage returns", () => {
    const data = fileURLToPath(new URL("../../fixtures/data/sleepstudy.csv", import.meta.url));
    const r = spawnSync(process.execPath, [bin, "fit", data, "Reaction ~ Days + (Days | Subject)", "--progress", "--json"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).theta).toHaveLength(3);
    expect(r.stderr).not.toContain("\r");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^fitting: evaluations \d+, objective [0-9.]+$/);
    // without --progress nothing is written off a terminal
    const quiet = spawnSync(process.execPath, [bin, "fit", data, "Reaction ~ Days + (Days | Subject)", "--json"], { encoding: "utf8" });
    expect(quiet.stderr).toBe("");
  });
});
