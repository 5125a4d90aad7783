/**
 * The `check` command, run in-process through its `run(args)`: exit status 0 valid, 1 invalid,
 * 2 usage error, and what it prints (text and --json).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { run, splitCsvHeader } from "../../src/cli/check.js";

const sleepstudy = join(__dirname, "../fixtures/data/sleepstudy.csv");

let out = "";
let err = "";
beforeEach(() => {
  out = "";
  err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe("mixed-models check", () => {
  it("exits 0 and shows the expansion of a valid formula", async () => {
    expect(await run(["Reaction ~ Days + (Days || Subject)", "--data", sleepstudy])).toBe(0);
    expect(out).toContain("response:  Reaction");
    expect(out).toContain("fixed:     (Intercept), Days");
    expect(out).toContain("Subject: (Intercept)  (uncorrelated)");
    expect(out).toContain("Subject: Days  (uncorrelated)");
  });

  it("exits 1 and shows each error with its caret line", async () => {
    expect(await run(["Reaction ~ days + (1 | Subject)", "--data", sleepstudy])).toBe(1);
    expect(out).toContain("Reaction ~ days + (1 | Subject)\n           ^^^^\nerror: unknown column 'days'\nhint: did you mean 'Days'?");
  });

  it("--json gives the expansion lme4 gives strength ~ 1 + (1 | batch/cask)", async () => {
    expect(await run(["strength ~ 1 + (1 | batch/cask)", "--json"])).toBe(0);
    const j = JSON.parse(out);
    expect(j).toMatchObject({
      ok: true,
      response: "strength",
      fixed: { intercept: true, terms: [] },
      random: [
        { group: "cask:batch", terms: [], intercept: true, correlated: true },
        { group: "batch", terms: [], intercept: true, correlated: true },
      ],
      errors: [],
    });
  });

  it("--json lists errors with offsets", async () => {
    expect(await run(["y ~ (1 || g)", "--json"])).toBe(1);
    const j = JSON.parse(out);
    expect(j.ok).toBe(false);
    expect(j.errors).toEqual([
      {
        message: "'||' needs at least one term besides the intercept on its left",
        start: 5,
        end: 6,
        hint: "for a random intercept write (1 | g); '||' makes the intercept and the slopes uncorrelated, e.g. (1 + x || g)",
      },
    ]);
  });

  it("a bar at the top of the right-hand side is lme4's one random term (Yield ~ 1 | Batch)", async () => {
    expect(await run(["y ~ x | g", "--json"])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, fixed: { intercept: true, terms: [] }, random: [{ group: "g", terms: ["x"], intercept: true, correlated: true }] });
  });

  it("exits 2 on usage errors", async () => {
    expect(await run([])).toBe(2);
    expect(err).toContain("missing formula");
    expect(await run(["y ~ x", "--bogus"])).toBe(2);
    expect(await run(["y ~ x", "--data"])).toBe(2);
    expect(await run(["y", "~", "x"])).toBe(2);
    expect(await run(["y ~ x", "--data", join(tmpdir(), "no-such-file-mixed-models.csv")])).toBe(2);
  });
});

describe("CSV header", () => {
  // The names R 4's names(read.csv(...)) gives these headers (make.names after stripping blanks and quotes).
  it("reads quoted and unquoted names as read.csv names them", () => {
    expect(splitCsvHeader('"Reaction","Days", Subject ,"say ""hi""","a,b"')).toEqual(["Reaction", "Days", "Subject", "say..hi.", "a.b"]);
  });
  it("names columns as the model stage does: empty → X, repeats x, x.1", () => {
    expect(splitCsvHeader('x,"",x, " y "')).toEqual(["x", "X", "x.1", "X.y."]);
  });
  it("reads only the first line of a file, with a BOM and CRLF", async () => {
    const dir = mkdtempSync(join(tmpdir(), "check-"));
    const file = join(dir, "d.csv");
    writeFileSync(file, '\uFEFF"y","reaction time"\r\n1,2\r\n');
    expect(await run(["y ~ reaction.time", "--data", file])).toBe(0);
    // the model stage reads the column as reaction.time (check.names), so check says so
    expect(await run(["y ~ `reaction time`", "--data", file])).toBe(1);
    expect(out).toContain("did you mean 'reaction.time'?");
  });
});
