/**
 * `npm run diagram`'s page is self-contained: no script, stylesheet or image is fetched from
 * elsewhere (chevrotain's CDN links are replaced by the installed files' text), and in Chromium
 * with every network request refused it still draws a railroad diagram for each parser rule.
 */
import { existsSync } from "node:fs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "vitest";
import { syntaxDiagramsHtml } from "../../grammar/diagram.js";
import { formulaParser } from "../../grammar/rules.js";

const html = syntaxDiagramsHtml();
const chromium = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => !!p && existsSync(p));

test("no external resources", () => {
  expect(html).not.toMatch(/<(script|link|img)\b[^>]*\b(src|href)=/i);
  expect(html).toContain("railroad");
});

test.skipIf(!chromium)("draws every rule's diagram offline in Chromium", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "mm-diagram-")), "diagram.html");
  writeFileSync(file, html);
  const puppeteer = (await import("puppeteer-core")).default;
  const browser = await puppeteer.launch({ executablePath: chromium!, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    const refused: string[] = [];
    page.on("request", (r) => (r.url().startsWith("file:") ? r.continue() : (refused.push(r.url()), r.abort())));
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const diagrams = await page.$$eval("svg.railroad-diagram", (e) => e.length);
    expect(refused).toEqual([]);
    expect(diagrams).toBe(Object.keys(formulaParser.getGAstProductions()).length);
  } finally {
    await browser.close();
  }
}, 60_000);
