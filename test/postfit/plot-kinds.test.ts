/**
 * The structure of every plot kind: a visible title, axis labels, panels titled by grouping factor
 * and term, a legend where colour carries meaning (binned density), and an SVG whose size is
 * bounded by the picture, not by n.
 */
import { describe, expect, test } from "vitest";
import { lmer } from "../../src/lmer.js";
import { readCsv } from "../../src/model/csv.js";
import { caterpillarData, effectRows, plotSvg, PLOT_KINDS } from "../../src/result/plot/index.js";
import { POINTS_MAX } from "../../src/result/plot/scatter.js";
import { confint } from "../../src/result/confint/index.js";
import { sleepstudyFit } from "./fits.js";
import { fixtures } from "./matrices.js";
import { parseXml, type XmlElement } from "./svg-check.js";

/** The text content of each <text> element (parseXml keeps only tags, so read them with a regex). */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
const byClass = (els: XmlElement[], cls: string) => els.filter((e) => e.attributes.class === cls);

describe("every kind has a visible title and axis labels", () => {
  const m = sleepstudyFit();
  const prof = confint(m, { method: "profile" }).profile!;
  for (const kind of PLOT_KINDS) {
    test(kind, () => {
      const svg = plotSvg(m, kind, { profile: prof });
      const els = parseXml(svg);
      expect(byClass(els, "plot-title").length).toBeGreaterThanOrEqual(1);
      const t = texts(svg);
      const axisWords = /Fitted values|quantiles|Conditional mode|Estimate|ζ/;
      expect(t.some((s) => axisWords.test(s))).toBe(true);
    });
  }
});

test("caterpillar: panels titled 'group: term', ordered by the first column, with an x label", () => {
  const pen = lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", readCsv(`${fixtures}data/Penicillin.csv`));
  const svg = plotSvg(pen, "caterpillar");
  const t = texts(svg);
  expect(t).toContain("plate: (Intercept)");
  expect(t).toContain("sample: (Intercept)");
  expect(t.filter((s) => s === "Conditional mode ± 1.96·SD").length).toBe(2);
  // Sorted: the modes down the page decrease.
  const data = caterpillarData(pen.fit, "sample");
  const levelsDown = parseXml(plotSvg(pen, "caterpillar", { group: "sample" }))
    .filter((e) => e.attributes.class === "interval")
    .map((e) => e.attributes["data-level"]!);
  const modes = levelsDown.map((l) => data.columns[0]!.mode[data.levels.indexOf(l)]!);
  for (let i = 1; i < modes.length; i++) expect(modes[i]!).toBeLessThanOrEqual(modes[i - 1]!);
});

test("effects: one interval per fixed effect, the Wald interval β ± 1.96 SE", () => {
  const m = sleepstudyFit();
  const rows = effectRows(m.fit);
  expect(rows.map((r) => r.name)).toEqual(["(Intercept)", "Days"]);
  const se = Math.sqrt(m.fit.vcov[3]!);
  expect(rows[1]!.upper - rows[1]!.estimate).toBeCloseTo(1.959964 * se, 5);
  expect(byClass(parseXml(plotSvg(m, "effects")), "effect").length).toBe(2);
});

describe("100,000 observations: binned, with a legend, and a bounded SVG", () => {
  // A synthetic random-intercept data set (deterministic LCG), large enough to need binning.
  const n = 100_000;
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const g = Array.from({ length: n }, (_, i) => `g${i % 200}`);
  const x = Array.from({ length: n }, () => rand() * 10);
  const u = Array.from({ length: 200 }, () => rand() * 2 - 1);
  const y = x.map((xi, i) => 1 + 0.5 * xi + u[i % 200]! + (rand() + rand() + rand() - 1.5));
  const m = lmer("y ~ x + (1 | g)", { y, x, g });
  for (const kind of ["residuals", "scale-location", "qq"] as const) {
    test(kind, () => {
      const svg = plotSvg(m, kind);
      expect(svg.length).toBeLessThan(400_000);
      const els = parseXml(svg);
      expect(byClass(els, "point").length).toBeLessThanOrEqual(POINTS_MAX);
      if (kind !== "qq") {
        const bins = byClass(els, "bin");
        expect(bins.length).toBeGreaterThan(10);
        expect(bins.reduce((s, b) => s + Number(b.attributes["data-count"]), 0)).toBe(n);
        expect(byClass(els, "legend").length).toBe(1);
      }
    });
  }
});
