/**
 * `mixed-models fit … --ddf satterthwaite|kenward-roger [--json]`: the summary shows lmerTest's df
 * and p columns; --json adds "coefficients" (issue 10's keys) and, for linear models, "r2".
 */
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseFitArgs, run } from "../../../src/cli/fit.js";
import { BEYOND, ROOT, expectCoefRow, readJSON, type CoefRef } from "./helpers.js";
import { captureOutput } from "../../cli/capture.js";

const capture = captureOutput;

afterEach(() => vi.restoreAllMocks());

describe("fit --ddf", () => {
  it("parses the method and its aliases", () => {
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--ddf", "satterthwaite"])).toMatchObject({ ddf: "Satterthwaite" });
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--ddf=kenward-roger"])).toMatchObject({ ddf: "Kenward-Roger" });
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)"])).toMatchObject({ ddf: null });
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--ddf", "bogus"])).toMatch(/unknown ddf method 'bogus'/);
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--ddf"])).toMatch(/--ddf needs a method/);
    expect(parseFitArgs(["d.csv", "y ~ x + (1 | g)", "--family", "poisson", "--ddf", "kr"])).toMatch(/apply to linear mixed models/);
  });

  it("--json: coefficients as lmerTest's and r2 as performance's", async () => {
    const ref = readJSON<{ data: string; formula: string; coefficients: CoefRef[] }>(join(BEYOND, "reference", "unbal_coef_satt.json"));
    const r2ref = readJSON<{ r2_marginal: number; r2_conditional: number }>(join(BEYOND, "reference", "unbal_r2.json"));
    const io = capture();
    const code = await run([join(BEYOND, "data", ref.data), ref.formula, "--ddf", "satterthwaite", "--json"]);
    expect(code).toBe(0);
    const j = JSON.parse(io.out());
    expect(Object.keys(j.coefficients[0])).toEqual(["term", "estimate", "stderr", "df", "statistic", "p"]);
    j.coefficients.forEach((c: CoefRef, i: number) => expectCoefRow(c, ref.coefficients[i], "cli"));
    expect(Math.abs(j.r2.marginal - r2ref.r2_marginal)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(j.r2.conditional - r2ref.r2_conditional)).toBeLessThanOrEqual(1e-4);
    expect(j.fixef).toBeDefined(); // the fit's own keys stay
  });

  it("--json without --ddf: r2 but no coefficients; Wald's df is \"Inf\" as jsonlite writes it", async () => {
    let io = capture();
    await run([join(ROOT, "data", "sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)", "--json"]);
    let j = JSON.parse(io.out());
    expect(j.coefficients).toBeUndefined();
    expect(typeof j.r2.marginal).toBe("number");
    vi.restoreAllMocks();
    io = capture();
    await run([join(ROOT, "data", "sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)", "--ddf", "wald", "--json"]);
    j = JSON.parse(io.out());
    expect(j.coefficients[0].df).toBe("Inf");
  });

  it("the summary shows lmerTest's columns; a Kenward-Roger request on an ML fit fails clearly", async () => {
    let io = capture();
    expect(await run([join(ROOT, "data", "sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)", "--ddf", "kenward-roger"])).toBe(0);
    expect(io.out()).toMatch(/t-tests use Kenward-Roger's method \[\nlmerModLmerTest\]/);
    expect(io.out()).toMatch(/Estimate Std\. Error {6}df t value Pr\(>\|t\|\)/);
    vi.restoreAllMocks();
    io = capture();
    expect(await run([join(ROOT, "data", "sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)", "--ml", "--ddf", "kr"])).toBe(1);
    expect(io.err()).toMatch(/only available for REML model fits/);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });
});
