/**
 * The summary's "Formula:" text: lme4's expandDoubleVerts and R's deparse (expected strings are
 * R's print(lme4:::expandDoubleVerts(f)) output).
 */
import { describe, expect, it } from "vitest";
import { lmeDeparsedFormula } from "../../src/result/formula-text.js";
import { deparseLines } from "../../src/result/rprint.js";

describe("lmeDeparsedFormula", () => {
  it.each([
    ["Reaction~Days+(Days||Subject)", "Reaction ~ Days + ((1 | Subject) + (0 + Days | Subject))"],
    ["y ~ x + (x * z || g) + (0 + x || h)", "y ~ x + ((1 | g) + (0 + x | g) + (0 + z | g) + (0 + x:z | g)) + ((0 + x | h))"],
    ["y ~ (x - 1 || g)", "y ~ ((0 + x | g))"],
    ["y ~ x + (1 | g)", "y ~ x + (1 | g)"],
  ])("%s", (input, want) => expect(lmeDeparsedFormula(input)).toBe(want));
});

describe("deparse line breaks (width.cutoff 60)", () => {
  it("breaks after an operator once the line passes 60 characters", () => {
    expect(deparseLines("y ~ x + ((1 | g) + (0 + x | g) + (0 + z | g) + (0 + x:z | g)) + ((0 + x | h))")).toEqual([
      "y ~ x + ((1 | g) + (0 + x | g) + (0 + z | g) + (0 + x:z | g)) + ",
      "    ((0 + x | h))",
    ]);
    expect(deparseLines("TICKS ~ factor(YEAR) + cHEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)")).toEqual([
      "TICKS ~ factor(YEAR) + cHEIGHT + (1 | BROOD) + (1 | INDEX) + ",
      "    (1 | LOCATION)",
    ]);
  });
});
