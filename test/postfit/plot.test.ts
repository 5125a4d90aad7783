import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { run } from "../../src/cli/plot.js";
import { lmer } from "../../src/lmer.js";
import { readCsv } from "../../src/model/csv.js";
import { caterpillarData, plotSvg, ppoints } from "../../src/result/plot/index.js";
import { confint } from "../../src/result/confint/index.js";
import { cbppFit, dyestuffFit, sleepstudyFit } from "./fits.js";
import { fixtures, readJson } from "./matrices.js";
import { parseXml } from "./svg-check.js";

const intervals = (svg: string) => parseXml(svg).filter((e) => e.name === "g" && e.attributes.class === "interval");

describe("caterpillar plots", () => {
  test("sleepstudy: one interval per subject in each of the two columns", () => {
    const svg = plotSvg(sleepstudyFit(), "caterpillar");
    const els = intervals(svg);
    expect(els.length).toBe(2 * 18);
    expect(new Set(els.map((e) => e.attributes["data-level"])).size).toBe(18);
  });
  test("cbpp: one interval per herd", () => {
    expect(intervals(plotSvg(cbppFit(), "caterpillar")).length).toBe(15);
  });
  test("(Days || Subject): both uncorrelated terms on the Subject plot", () => {
    const data = caterpillarData(sleepstudyFit("Reaction ~ Days + (Days || Subject)").fit, "Subject");
    expect(data.columns.map((c) => c.name)).toEqual(["(Intercept)", "Days"]);
  });
  test("the intervals are the modes ± 1.96 conditional SD of lme4's ranef", () => {
    const ref = readJson("reference/sleepstudy_corr_reml.json").ranef.Subject;
    const data = caterpillarData(sleepstudyFit().fit, "Subject");
    expect(data.levels).toEqual(ref.levels);
    data.columns.forEach((c) => {
      c.mode.forEach((v, i) => expect(v).toBeCloseTo(ref.modes[c.name][i], 3));
      c.sd.forEach((v, i) => expect(v).toBeCloseTo(ref.condsd[c.name][i], 3));
    });
  });
  test("an unknown group is a clear error", () => {
    expect(() => plotSvg(sleepstudyFit(), "caterpillar", { group: "Days" })).toThrow(/no random effects for grouping factor 'Days'/);
  });
});

test("residuals vs fitted: one point per observation", () => {
  const els = parseXml(plotSvg(sleepstudyFit(), "residuals")).filter((e) => e.attributes.class === "point");
  expect(els.length).toBe(180);
});

test("normal Q-Q of the conditional modes: one point per level and column", () => {
  const els = parseXml(plotSvg(sleepstudyFit(), "ranef-qq")).filter((e) => e.attributes.class === "point");
  expect(els.length).toBe(36);
});

test("R's ppoints", () => {
  // a = 3/8 for n ≤ 10: (i − 3/8)/(n + 1/4)
  Array.from(ppoints(5)).forEach((v, i) => expect(v).toBeCloseTo((i + 1 - 0.375) / 5.25, 12));
  expect(ppoints(18)[0]).toBeCloseTo(0.5 / 18, 12);
});

test("profile zeta plot: one panel per parameter", () => {
  const prof = confint(dyestuffFit(), { method: "profile" }).profile!;
  const els = parseXml(plotSvg(dyestuffFit(), "profile", { profile: prof }));
  expect(els.filter((e) => e.attributes.class === "profile-panel").map((e) => e.attributes["data-parameter"])).toEqual([".sig01", ".sigma", "(Intercept)"]);
});

describe("the plot command", () => {
  const dir = mkdtempSync(join(tmpdir(), "mm-plot-"));
  test("writes the caterpillar SVG", async () => {
    const out = join(dir, "cbpp.svg");
    const code = await run([`${fixtures}data/cbpp.csv`, "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "--family", "binomial", "--kind", "caterpillar", "--out", out]);
    expect(code).toBe(0);
    expect(intervals(readFileSync(out, "utf8")).length).toBe(15);
  });
  test("usage errors exit with 2", async () => {
    expect(await run([`${fixtures}data/sleepstudy.csv`, "Reaction ~ Days + (1 | Subject)", "--kind", "pie", "--out", join(dir, "x.svg")])).toBe(2);
    expect(await run([`${fixtures}data/sleepstudy.csv`, "Reaction ~ Days + (1 | Subject)", "--kind", "qq"])).toBe(2);
  });
  test("a bad formula exits with 1", async () => {
    expect(await run([`${fixtures}data/sleepstudy.csv`, "Reaction ~ Dayz + (1 | Subject)", "--kind", "qq", "--out", join(dir, "y.svg")])).toBe(1);
  });
});

test("crossed random effects: one caterpillar per grouping factor in one document", () => {
  const m = lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", readCsv(`${fixtures}data/Penicillin.csv`));
  const els = parseXml(plotSvg(m, "caterpillar"));
  const levels = els.filter((e) => e.name === "g" && e.attributes.class === "interval");
  expect(levels.length).toBe(24 + 6);
  expect(els.filter((e) => e.name === "svg").length).toBe(3);
  expect(intervals(plotSvg(m, "caterpillar", { group: "sample" })).length).toBe(6);
});
