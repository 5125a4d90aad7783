/**
 * `mixed-models anova` and `mixed-models emmeans`: the JSON keys scripts read, the printed tables,
 * and usage errors.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { run as runAnova } from "../../../src/cli/anova.js";
import { run as runEmmeans } from "../../../src/cli/emmeans.js";
import { takeOption } from "../../../src/cli/options.js";
import { captureOutput } from "../../cli/capture.js";

const data = (f: string) => fileURLToPath(new URL(`../../fixtures/beyond/data/${f}`, import.meta.url));
const ref = (f: string) => JSON.parse(readFileSync(new URL(`../../fixtures/beyond/reference/${f}`, import.meta.url), "utf8"));

const capture = captureOutput;
afterEach(() => vi.restoreAllMocks());

describe("mixed-models anova", () => {
  it("prints { type, ddf, rows } with the keys of issue 10", async () => {
    const c = capture();
    const want = ref("unbal_aov_t2_satt.json");
    expect(await runAnova([data("unbalanced.csv"), want.formula, "--type", "2", "--ddf", "satterthwaite", "--json"])).toBe(0);
    const j = JSON.parse(c.out());
    expect(Object.keys(j)).toEqual(["type", "ddf", "rows"]);
    expect(j.type).toBe(2);
    expect(j.ddf).toBe("Satterthwaite");
    expect(Object.keys(j.rows[0])).toEqual(["term", "sumsq", "meansq", "numdf", "dendf", "F", "p"]);
    expect(j.rows.map((r: { term: string }) => r.term)).toEqual(want.rows.map((r: { term: string }) => r.term));
    expect(j.rows[0].F).toBeCloseTo(want.rows[0].F, 4);
  });
  it("prints lmerTest's table by default (Type III, Satterthwaite)", async () => {
    const c = capture();
    expect(await runAnova([data("cake.csv"), "angle ~ recipe * temp + (1 | recipe:replicate)"])).toBe(0);
    expect(c.out()).toMatch(/^Type III Analysis of Variance Table with Satterthwaite's method\n {13}Sum Sq Mean Sq NumDF  DenDF F value Pr\(>F\)/);
  });
  it.each([
    [["--type", "4"], /unknown ANOVA type '4'/],
    [["--ddf", "containment"], /unknown ddf method/],
    [["--type"], /--type needs a value/],
  ])("usage error %j", async (extra, msg) => {
    const c = capture();
    expect(await runAnova([data("cake.csv"), "angle ~ recipe + (1 | replicate)", ...extra])).toBe(2);
    expect(c.err()).toMatch(msg);
  });
  it("a GLMM is invalid input for F tables", async () => {
    const c = capture();
    const cbpp = fileURLToPath(new URL("../../fixtures/data/cbpp.csv", import.meta.url));
    expect(await runAnova([cbpp, "cbind(incidence, size - incidence) ~ period + (1 | herd)", "--family", "binomial"])).toBe(1);
    expect(c.err()).toMatch(/linear mixed models/);
  });
});

describe("mixed-models emmeans", () => {
  it("prints { emmeans, contrasts } with factor columns by name and the keys of issue 10", async () => {
    const c = capture();
    const want = ref("unbal_emm_satt.json");
    expect(await runEmmeans([data("unbalanced.csv"), want.formula, "--specs", "a | b", "--ddf", "satterthwaite", "--adjust", "none", "--json"])).toBe(0);
    const j = JSON.parse(c.out());
    expect(Object.keys(j.emmeans[0])).toEqual(["a", "b", "emmean", "SE", "df", "lower", "upper"]);
    expect(Object.keys(j.contrasts[0])).toEqual(["contrast", "b", "estimate", "SE", "df", "t", "p"]);
    expect(j.contrasts[0].contrast).toBe("hi - lo");
    expect(j.contrasts[0].p).toBeCloseTo(want.contrasts[0]["p.value"], 10);
  });
  it("defaults to Kenward-Roger df and Tukey's adjustment, as emmeans", async () => {
    const c = capture();
    expect(await runEmmeans([data("cake.csv"), "angle ~ recipe + temp + (1 | recipe:replicate)", "--specs", "~ recipe"])).toBe(0);
    expect(c.out()).toContain("Degrees-of-freedom method: kenward-roger");
    expect(c.out()).toContain("P value adjustment: tukey method for comparing a family of 3 estimates");
  });
  it.each([
    [[], /--specs is required/],
    [["--specs", "recipe", "--level", "95"], /--level must be a number between 0 and 1/],
    [["--specs", "recipe", "--specs", "temp"], /--specs is given twice/],
  ])("usage error %j", async (extra, msg) => {
    const c = capture();
    expect(await runEmmeans([data("cake.csv"), "angle ~ recipe + (1 | replicate)", ...extra])).toBe(2);
    expect(c.err()).toMatch(msg);
  });
  it("names an unknown specs variable or adjustment", async () => {
    const c = capture();
    expect(await runEmmeans([data("cake.csv"), "angle ~ recipe + (1 | replicate)", "--specs", "temp"])).toBe(1);
    expect(c.err()).toMatch(/'temp' is not a predictor of the fixed effects \(predictors: recipe\)/);
    expect(await runEmmeans([data("cake.csv"), "angle ~ recipe + (1 | replicate)", "--specs", "recipe", "--adjust", "sidak"])).toBe(1);
    expect(c.err()).toMatch(/unknown p-value adjustment 'sidak'/);
  });
});

describe("takeOption", () => {
  it("takes --name value and --name=value", () => {
    const a = ["x", "--specs", "a | b", "--ddf=kr", "y"];
    expect(takeOption(a, "--specs")).toBe("a | b");
    expect(takeOption(a, "--ddf")).toBe("kr");
    expect(takeOption(a, "--adjust")).toBeNull();
    expect(a).toEqual(["x", "y"]);
  });
});
