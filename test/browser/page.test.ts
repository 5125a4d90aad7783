/**
 * The web page in a real browser: builds the page's script (as `npm run build:web` does), serves
 * the repository from 127.0.0.1, and drives Chromium with puppeteer-core: the live formula check
 * (caret, hint, column suggestions), fits of sleepstudy (lmer) and cbpp (glmer, binomial) whose
 * printed summaries carry lme4's numbers (test/fixtures/reference/), the coefficient table, the
 * plots, and the JSON download's content.
 * Chromium: $CHROMIUM, else /usr/bin/chromium (Debian's package; .ci/run installs it). Where none
 * exists the suite is skipped and says why.
 */
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveStatic } from "../../examples/web/serve.js";
import { coefficients, lmer, readCsv } from "../../src/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const chromium = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => !!p && existsSync(p));
if (!chromium) console.warn("test/browser/page.test.ts skipped: no Chromium at $CHROMIUM, /usr/bin/chromium or /usr/bin/chromium-browser (apt-get install chromium)");

const reference = (id: string) => JSON.parse(readFileSync(join(root, "test/fixtures/reference", `${id}.json`), "utf8"));

/** The Fixed effects rows of an lme4-style summary: name → estimate. */
function fixedEffects(summary: string): Record<string, number> {
  const block = summary.split("Fixed effects:\n")[1]!.split("\n---")[0]!.split("\n\n")[0]!;
  const out: Record<string, number> = {};
  for (const line of block.split("\n").slice(1)) {
    const m = /^(\S+)\s+(-?[\d.]+(?:e[-+]?\d+)?)/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

describe.skipIf(!chromium)("the web page in Chromium", () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await build({
      entryPoints: [join(root, "examples/web/app.ts")],
      bundle: true,
      minify: true,
      platform: "browser",
      format: "iife",
      outfile: join(root, "dist/web/app.js"),
      logLevel: "silent",
    });
    ({ server, url } = await serveStatic(root));
    const puppeteer = (await import("puppeteer-core")).default;
    browser = await puppeteer.launch({ executablePath: chromium!, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${url}examples/web/?data=sleepstudy`, { waitUntil: "load" });
    await page.waitForFunction(() => document.getElementById("data-info")!.textContent!.startsWith("sleepstudy: 180 rows"));
    expect(errors).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  const text = (id: string) => page.$eval(`#${id}`, (e) => e.textContent ?? "");

  test("live checking: the caret and hint under the input as you type, column suggestions", async () => {
    await page.click("#formula", { clickCount: 3 });
    await page.type("#formula", "Reaction ~ Dayz + (Days | Subject)");
    const check = await text("check");
    expect(check).toContain("Reaction ~ Dayz + (Days | Subject)\n           ^^^^");
    expect(check).toMatch(/did you mean 'Days'\?/);
    // The word at the caret is "Su": the page offers Subject.
    await page.click("#formula", { clickCount: 3 });
    await page.type("#formula", "Reaction ~ Days + (Days | Su");
    expect(await page.$$eval("#suggest button", (bs) => bs.map((b) => b.textContent))).toEqual(["Subject"]);
    await page.click("#suggest button");
    await page.type("#formula", ")");
    expect(await page.$eval("#formula", (e) => (e as HTMLInputElement).value)).toBe("Reaction ~ Days + (Days | Subject)");
    expect(await text("check")).toContain("formula ok");
  });

  test("sleepstudy (lmer): lme4's summary, the coefficient table, the plots, the JSON", async () => {
    await page.click("#fit");
    await page.waitForFunction(() => document.getElementById("summary")!.textContent!.startsWith("Linear mixed model fit by REML"));
    const summary = await text("summary");
    const ref = reference("sleepstudy_corr_reml");
    expect(summary).toContain(`REML criterion at convergence: ${ref.objective.toFixed(1)}`);
    const fe = fixedEffects(summary);
    for (const [name, b] of Object.entries(ref.fixef as Record<string, number>)) expect(Math.abs(fe[name]! - b)).toBeLessThan(1e-3 * Math.abs(b) + 1e-3);
    // The coefficient table: lmerTest's Satterthwaite df and p-values, as coefficients() gives them
    // (test/result/inference checks those against lmerTest); lme4's own table on "none".
    const coef = await page.$$eval("#coef tr", (rows) => rows.map((r) => Array.from(r.children).map((c) => c.textContent)));
    expect(coef[0]).toEqual(["", "Estimate", "Std. Error", "df", "t value", "Pr(>|t|)"]);
    const expected = coefficients(lmer(ref.formula, readCsv(join(root, "test/fixtures/data/sleepstudy.csv"))), { ddf: "Satterthwaite" });
    expect(Number(coef[2]![1])).toBeCloseTo(ref.fixef.Days, 2);
    expect(Number(coef[2]![2])).toBeCloseTo(ref.stderr.Days, 2);
    expect(Number(coef[2]![3])).toBeCloseTo(expected[1]!.df, 2);
    expect(Number(coef[2]![5])).toBeCloseTo(expected[1]!.p, 8);
    await page.select("#ddf", "none");
    expect(await page.$$eval("#coef th", (c) => c.map((x) => x.textContent))).toEqual(["", "Estimate", "Std. Error", "t value"]);
    await page.select("#ddf", "Satterthwaite");
    // Plots: 18 subjects × 2 columns of intervals; 180 residual points.
    expect(await page.$$eval("#plot-caterpillar svg g.interval", (e) => e.length)).toBe(36);
    expect(await page.$$eval("#plot-residuals svg circle.point", (e) => e.length)).toBe(180);
    const box = await page.$eval("#plot-caterpillar svg", (e) => e.getBoundingClientRect().height);
    expect(box).toBeGreaterThan(100);
    // The download: the same JSON as toJSON().
    const json = await page.evaluate(async () => {
      let href = "";
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        href = this.href;
      };
      document.getElementById("download")!.click();
      HTMLAnchorElement.prototype.click = click;
      return (await fetch(href)).text();
    });
    expect(JSON.parse(json).fixef.Days).toBeCloseTo(ref.fixef.Days, 4);
  });

  test("cbpp (glmer, binomial): lme4's summary with z values and p-values", async () => {
    await page.select("#dataset", "cbpp");
    await page.waitForFunction(() => document.getElementById("data-info")!.textContent!.startsWith("cbpp: 56 rows"));
    expect(await page.$eval("#fn", (e) => (e as HTMLSelectElement).value)).toBe("glmer");
    await page.click("#fit");
    await page.waitForFunction(() => document.getElementById("summary")!.textContent!.startsWith("Generalized linear mixed model fit by maximum likelihood"));
    const summary = await text("summary");
    const ref = reference("cbpp_binomial");
    expect(summary).toContain("Family: binomial  ( logit )");
    const fe = fixedEffects(summary);
    for (const [name, b] of Object.entries(ref.fixef as Record<string, number>)) expect(Math.abs(fe[name]! - b)).toBeLessThan(1e-3 * Math.abs(b) + 1e-3);
    const coef = await page.$$eval("#coef tr", (rows) => rows.map((r) => Array.from(r.children).map((c) => c.textContent)));
    expect(coef[0]).toEqual(["", "Estimate", "Std. Error", "z value", "Pr(>|z|)"]);
    expect(await page.$$eval("#plot-caterpillar svg g.interval", (e) => e.length)).toBe(15);
  });

  test("a formula error shows the caret, not a fit", async () => {
    await page.click("#formula", { clickCount: 3 });
    await page.type("#formula", "cbind(incidence, size - incidence) ~ period + (1 | hrd)");
    await page.click("#fit");
    const summary = await text("summary");
    expect(summary).toMatch(/\^\^\^/);
    expect(summary).toMatch(/herd/);
    expect(await page.$eval("#summary", (e) => e.className)).toBe("error");
  });
});
