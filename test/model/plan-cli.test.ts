/** The `plan` command: its output for a real data set, its JSON, and its exit statuses. */
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/plan.js";
import { captureOutput } from "../cli/capture.js";

const file = (name: string) => join(__dirname, "../fixtures/data", name);

const capture = captureOutput;

afterEach(() => vi.restoreAllMocks());

describe("mixed-models plan", () => {
  it("describes sleepstudy's model: columns, Λ block and θ names", async () => {
    const io = capture();
    expect(await run([file("sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)"])).toBe(0);
    const out = io.out();
    expect(out).toContain("Rows: 180 of 180 used");
    expect(out).toContain("X is 180 × 2");
    expect(out).toContain("Z is 180 × 36");
    for (const name of ["Subject.(Intercept)", "Subject.Days.(Intercept)", "Subject.Days"]) expect(out).toContain(name);
  });

  it("--json gives the plan and shapes (cbpp, binomial)", async () => {
    const io = capture();
    const code = await run([file("cbpp.csv"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "--family", "binomial", "--json"]);
    expect(code).toBe(0);
    const j = JSON.parse(io.out());
    expect(j.n).toBe(56);
    expect(j.xNames).toEqual(["(Intercept)", "factor(period)2", "factor(period)3", "factor(period)4"]);
    expect(j.plan.response.kind).toBe("counts");
    expect(j.plan.theta.lower).toEqual([0]);
    expect(j.ngroups).toEqual({ herd: 15 });
  });

  it("a bad formula exits 1 with the caret rendering", async () => {
    const io = capture();
    expect(await run([file("sleepstudy.csv"), "Reaction ~ Dayz + (Days | Subject)"])).toBe(1);
    expect(io.err()).toContain("^^^^");
    expect(io.err()).toContain("did you mean 'Days'?");
  });

  it("a model that cannot be built exits 1; a missing file too", async () => {
    const io = capture();
    expect(await run([file("grouseticks.csv"), "TICKS ~ 1 + (1 | INDEX)"])).toBe(1);
    expect(io.err()).toContain("problems: INDEX");
    expect(await run([file("nope.csv"), "y ~ 1 + (1 | g)"])).toBe(1);
    expect(io.err()).toContain("cannot read");
  });

  it("usage errors exit 2", async () => {
    capture();
    expect(await run([])).toBe(2);
    expect(await run([file("sleepstudy.csv")])).toBe(2);
    expect(await run([file("sleepstudy.csv"), "y ~ x", "--bogus"])).toBe(2);
  });
});
