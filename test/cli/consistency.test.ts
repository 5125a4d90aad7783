/**
 * The CLI's consistency (issue 15): one argument order `<data.csv> "<formula>"` for every command
 * (check too), a hint when the two are swapped, errors as `{"ok": false, "errors": [...]}` with
 * --json for every command, plan validating --family, the usage listing every option and plot
 * kind, --version, and --out x.png writing a real PNG (or refusing another extension).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { PLOT_KINDS } from "../../src/result/plot/kinds.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const sleep = join(root, "test/fixtures/data/sleepstudy.csv");
const F = "Reaction ~ Days + (Days | Subject)";

function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, "bin/mixed-models.js"), ...args], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe.concurrent("one argument order, and a hint when swapped", () => {
  test("check takes <data.csv> \"<formula>\" like the others", async () => {
    const r = await cli("check", sleep, "Reaction ~ Days + (Days | Subjct)");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/did you mean 'Subject'\?/);
    expect((await cli("check", sleep, F)).status).toBe(0);
  });
  const extra: Record<string, string[]> = { plot: ["--kind", "qq", "--out", "x.svg"], emmeans: ["--specs", "~ Days"] };
  for (const command of ["check", "plan", "fit", "plot", "anova", "emmeans"]) {
    test(`${command}: swapped`, async () => {
      const r = await cli(command, F, sleep, ...(extra[command] ?? []));
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("the formula and the data file are swapped");
      expect(r.stderr).toContain(`hint: the data file comes first: mixed-models ${command} ${sleep} "${F}"`);
    });
  }
});

describe.concurrent("--json errors for every command", () => {
  const cases: [string, string[], number][] = [
    ["check", [sleep, "Reaction ~ Dayz", "--json"], 1],
    ["check", ["--bogus", "--json"], 2],
    ["plan", [sleep, "Reaction ~ Dayz + (1 | Subject)", "--json"], 1],
    ["plan", [sleep, F, "--family", "binomal", "--json"], 2],
    ["fit", [sleep, "Reaction ~ Days + (1 | Subjct)", "--json"], 1],
    ["fit", [F, sleep, "--json"], 2],
    ["plot", [sleep, F, "--kind", "pie", "--out", "x.svg", "--json"], 2],
    ["plot", [sleep, "Reaction ~ Dayz + (1 | Subject)", "--kind", "qq", "--out", "x.svg", "--json"], 1],
    ["anova", [sleep, "Reaction ~ Dayz + (1 | Subject)", "--json"], 1],
    ["anova", [sleep, F, "--type", "4", "--json"], 2],
    ["emmeans", [sleep, F, "--json"], 2],
    ["emmeans", [sleep, "Reaction ~ Dayz + (1 | Subject)", "--specs", "~ Days", "--json"], 1],
  ];
  for (const [command, args, status] of cases) {
    test(`${command} ${args.join(" ")}`, async () => {
      const r = await cli(command, ...args);
      expect(r.status).toBe(status);
      const out = JSON.parse(r.stdout);
      expect(out.ok).toBe(false);
      expect(out.errors.length).toBeGreaterThan(0);
      for (const e of out.errors) expect(typeof e.message).toBe("string");
    });
  }
  test("a formula error carries its span and hint", async () => {
    const out = JSON.parse((await cli("fit", sleep, "Reaction ~ Days + (1 | Subjct)", "--json")).stdout);
    const start = "Reaction ~ Days + (1 | Subjct)".indexOf("Subjct");
    expect(out.errors[0]).toMatchObject({ start, end: start + 6, hint: "did you mean 'Subject'?" });
  });
  test("plan names the families it knows", async () => {
    const out = JSON.parse((await cli("plan", sleep, F, "--family", "binomal", "--json")).stdout);
    expect(out.errors[0].message).toBe("unknown family 'binomal'");
    expect(out.errors[0].hint).toMatch(/binomial, poisson, Gamma/);
  });
});

describe.concurrent("usage, version, PNG", () => {
  test("the top-level usage lists every command, option and plot kind", async () => {
    const r = await cli("--help");
    for (const word of ["check", "plan", "fit", "plot", "--reml", "--ml", "--family", "--link", "--nagq", "--weights", "--json", "--kind", "--out", "--group", "--version", ...PLOT_KINDS]) {
      expect(r.stdout, word).toContain(word);
    }
  });
  test("--version", async () => {
    const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
    expect((await cli("--version")).stdout).toBe(`mixed-models ${version}\n`);
  });
  test("--out x.png writes a PNG", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "mm-png-")), "cat.png");
    const r = await cli("plot", sleep, F, "--kind", "caterpillar", "--out", out, "--json");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, format: "png", out });
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBeGreaterThan(500); // IHDR width: drawn at 2×
  });
  test("--out with another extension is refused", async () => {
    const r = await cli("plot", sleep, F, "--kind", "caterpillar", "--out", "x.jpg");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("must end in .svg or .png");
  });
});
