/**
 * What a newcomer and a script see of a structured term: `check` names the structure and its
 * parameters, `plan` shows how θ makes the Λ block, print()/summary() lay VarCorr out as lme4 2.0
 * (reformulas::formatVC) does, and toJSON's `varcorr` keeps as.data.frame(VarCorr)'s rows.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { run as check } from "../../../src/cli/check.js";
import { run as plan } from "../../../src/cli/plan.js";
import { lmer, readCsv } from "../../../src/index.js";
import { captureOutput } from "../../cli/capture.js";

const BEYOND = join(import.meta.dirname, "..", "..", "fixtures", "beyond");
const visitsCsv = join(BEYOND, "data", "visits.csv");

const capture = () => captureOutput().out;
afterEach(() => vi.restoreAllMocks());

describe("check and plan explain a structured term", () => {
  it("check: the structure, hom, and what its parameters are", async () => {
    const out = capture();
    expect(await check(["y ~ vf * arm + ar1(0 + vf | id)"])).toBe(0);
    expect(out()).toContain("id: vf  ar1(…, hom = TRUE)");
    expect(out()).toContain("ρ^|i−j|");
    expect(out()).toContain("θ: id.rho");
    expect(out()).toContain("the order of the factor's levels");
  });
  it("check --json gives each term's structure", async () => {
    const out = capture();
    expect(await check(["y ~ x + cs(x | g, hom = TRUE) + diag(x | h) + (1 | k)", "--json"])).toBe(0);
    const j = JSON.parse(out());
    expect(j.random.map((r: { covariance?: unknown }) => r.covariance ?? null)).toEqual([
      { structure: "cs", hom: true }, { structure: "diag", hom: false }, null,
    ]);
  });
  it("check reports a misuse with a caret and a hint", async () => {
    const out = capture();
    expect(await check(["y ~ us(x | g, hom = TRUE)"])).toBe(1);
    expect(out()).toContain("us() has no argument named 'hom'");
  });
  it("plan: the Λ block's entries as functions of θ, and θ's box", async () => {
    const out = capture();
    expect(await plan([visitsCsv, "y ~ vf * arm + ar1(0 + vf | id)"])).toBe(0);
    expect(out()).toContain("1. ar1(0 + vf | id)");
    expect(out()).toContain("θ1·ρ^3");
    expect(out()).toMatch(/θ2\s+id\.rho\s+0\s+-1\s+1/);
  });
  it("plan --json: the term's covariance and θ's upper bounds", async () => {
    const out = capture();
    expect(await plan([visitsCsv, "y ~ vf * arm + cs(0 + vf | id)", "--json"])).toBe(0);
    const j = JSON.parse(out());
    expect(j.plan.random[0].covariance).toEqual({ structure: "cs", hom: false, parameterNames: ["id.vft1", "id.vft2", "id.vft3", "id.vft4", "id.rho"] });
    expect(j.plan.theta.upper).toEqual(["Inf", "Inf", "Inf", "Inf", 1]);
    expect(j.plan.theta.lower[4]).toBeCloseTo(-1 / 3, 15);
  });
});

describe("VarCorr of a structured term", () => {
  const visits = readCsv(visitsCsv);
  const ar1 = lmer("y ~ vf * arm + ar1(0 + vf | id)", visits, { REML: false });
  it("print shows one sd and ρ as '0.45 (ar1)' (reformulas::formatVC's vcmat_ar1)", () => {
    const text = ar1.summary();
    expect(text).toMatch(/ id +vft1 3\.072 +1\.753 +0\.45 \(ar1\)\n Residual/);
  });
  it("as.data.frame(VarCorr): a row per variance, a row per covariance with sdcor the correlation", () => {
    const rows = ar1.toJSON().varcorr;
    expect(rows.filter((r) => r.var2 === null && r.group === "id").map((r) => r.var1)).toEqual(["vft1", "vft2", "vft3", "vft4"]);
    const c13 = rows.find((r) => r.var1 === "vft1" && r.var2 === "vft3")!;
    const rho = ar1.theta[1]!;
    expect(c13.sdcor).toBeCloseTo(rho * rho, 12);
    expect(rows.length).toBe(4 + 6 + 1);
  });
  it("a cs term prints every sd and '0.35 (cs)'; a diag term no correlations", () => {
    const cs = lmer("y ~ vf * arm + cs(0 + vf | id)", visits);
    expect(cs.summary()).toMatch(/ id +vft1 2\.444 +1\.563 +0\.35 \(cs\)\n +vft2 3\.235 +1\.799 *\n/);
    const diag = lmer("Reaction ~ Days + diag(Days | Subject)", readCsv(join(BEYOND, "data", "sleepstudy.csv")));
    expect(diag.summary()).toContain(" Groups   Name        Variance Std.Dev.\n Subject  (Intercept) 627.57   25.051  \n");
  });
});
