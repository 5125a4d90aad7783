/**
 * `mixed-models fit`: argument parsing, exit statuses, the summary and the JSON it prints.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { join } from "node:path";
import { parseFitArgs, run } from "../../src/cli/fit.js";
import { FIXTURES, readSummary, sameUpToLastDigit } from "./reference-model.js";
import { readLme4Reference } from "../lme4-reference.js";
import { captureOutput } from "../cli/capture.js";

const sleepstudy = join(FIXTURES, "data", "sleepstudy.csv");

const capture = captureOutput;

afterEach(() => vi.restoreAllMocks());

describe("parseFitArgs", () => {
  it("reads data, formula and options", () => {
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--family", "poisson", "--nagq", "5", "--json"])).toEqual({
      data: "d.csv", formula: "y ~ x + (1 | g)", REML: null, family: "poisson", nbTheta: null, link: null, nAGQ: 5, laplace: null, weights: null, json: true, ddf: null, progress: false, solver: null,
    });
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--solver", "krylov"])).toMatchObject({ solver: "krylov" });
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--family", "negative.binomial"])).toMatchObject({ family: "negative.binomial", nbTheta: null });
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--family=negative.binomial(2.5)"])).toMatchObject({ family: "negative.binomial", nbTheta: 2.5 });
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--ml"])).toMatchObject({ REML: false, family: "gaussian" });
  });
  it.each([
    [["d.csv"], /missing formula/],
    [["d.csv", "y ~ x", "--family", "weird"], /unknown family/],
    [["d.csv", "y ~ x", "--reml", "--ml"], /only one/],
    [["d.csv", "y ~ x", "--family", "binomial", "--reml"], /linear mixed models only/],
    [["d.csv", "y ~ x", "--family", "poisson", "--nagq", "-1"], /whole number/],
    [["d.csv", "y ~ x", "--frobnicate"], /unknown option/],
    [["d.csv", "y ~ x", "--solver", "lu"], /--solver needs one of auto, cholesky, krylov/],
    [["d.csv", "y ~ x", "--family", "binomial", "--solver", "krylov"], /--solver applies to linear mixed models only/],
    [["d.csv", "y ~ x", "--family", "negative.binomial(0)"], /positive number/],
  ])("usage error for %j", (args, message) => {
    // Option errors come back as a message; misplaced positional arguments throw a UsageError (with a hint).
    const problem = (() => {
      try {
        return parseFitArgs(args);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(problem).toMatch(message);
  });
});

describe("run", () => {
  it("prints lme4's summary (exit 0)", async () => {
    const io = capture();
    const code = await run([sleepstudy, "Reaction ~ Days + (Days | Subject)"]);
    expect(code).toBe(0);
    const got = io.out().split("\n");
    const want = readSummary("sleepstudy_corr_reml").split("\n");
    expect(got.length).toBe(want.length);
    want.forEach((line, i) => expect([i, sameUpToLastDigit(got[i], line, 1e-4)]).toEqual([i, true]));
  });

  it("prints JSON with --json, the file name as `data`", async () => {
    const io = capture();
    expect(await run([sleepstudy, "Reaction ~ Days + (Days | Subject)", "--ml", "--json"])).toBe(0);
    const json = JSON.parse(io.out());
    const ref = readLme4Reference("reference", "sleepstudy_corr_ml");
    expect(json.data).toBe("sleepstudy.csv");
    expect(json.REML).toBe(false);
    expect(json.objective).toBeLessThanOrEqual(ref.objective + 1e-3);
    expect(typeof json.fit_seconds).toBe("number");
  });

  it("--weights: a proportion response with its trial counts is lme4's cbind fit", async () => {
    // lme4: glmer(incidence/size ~ factor(period) + (1 | herd), cbpp, binomial, weights = size)
    // gives the same fit as cbind(incidence, size - incidence), -2 log L 184.0531.
    const io = capture();
    const args = [join(FIXTURES, "data", "cbpp.csv"), "incidence/size ~ factor(period) + (1 | herd)", "--family", "binomial", "--weights", "size", "--json"];
    expect(await run(args)).toBe(0);
    const json = JSON.parse(io.out());
    const ref = readLme4Reference("reference", "cbpp_binomial");
    expect(Math.abs(json.objective - ref.objective)).toBeLessThan(1e-3);
    for (const k of Object.keys(ref.fixef)) expect(Math.abs(json.fixef[k] - ref.fixef[k])).toBeLessThan(0.01 * ref.stderr[k]);
  });

  it("exit 1 with the caret rendering for a formula error", async () => {
    const io = capture();
    expect(await run([sleepstudy, "Reaction ~ Days + (Days | Subjct)"])).toBe(1);
    expect(io.err()).toContain("^^^^^^");
    expect(io.err()).toContain("Subjct");
  });

  it("exit 1 for a missing data file, 2 for usage", async () => {
    const io = capture();
    expect(await run(["no-such-file.csv", "y ~ x + (1 | g)"])).toBe(1);
    expect(io.err()).toMatch(/cannot read/);
    expect(await run([sleepstudy])).toBe(2);
  });
});
