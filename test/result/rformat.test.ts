/**
 * R's formatting rules, checked against what R 4 prints (the expected strings are R's output for
 * the same calls: format(x, digits), format.pval, abbreviate, strwrap, quantile, round).
 */
import { describe, expect, it } from "vitest";
import { formatNumbers, formatPval, quantile7, roundR } from "../../src/rformat.js";
import { abbreviate, catFill, strwrap } from "../../src/result/rprint.js";
import { normalUpperTail } from "../../src/result/summary.js";

describe("format(x, digits)", () => {
  it.each([
    [[1764.2, 2451.3], 4, ["1764", "2451"]],
    [[1764.2, 2451.3], 7, ["1764.2", "2451.3"]],
    [[42.0004, 49.51], 4, ["42.00", "49.51"]],
    [[42.0004, 49.51], 7, ["42.0004", "49.5100"]],
    [[0, 13.8063], 4, [" 0.00", "13.81"]],
    [[123456789, 1], 4, ["123456789", "        1"]],
    [[1e-10, 1], 4, ["1e-10", "1e+00"]],
    [[0.0001234, 12], 4, ["1.234e-04", "1.200e+01"]],
    [[9996], 4, ["9996"]],
    [[-2.4599, 0.0967, 2.6578], 4, ["-2.4599", " 0.0967", " 2.6578"]],
    [[1e15, 1], 4, ["1e+15", "1e+00"]],
    [[NaN, 1.5], 4, ["NaN", "1.5"]],
    [[3.14159e-5], 4, ["3.142e-05"]],
    [[3.14159e-5], 7, ["3.14159e-05"]],
    [[100000], 4, ["1e+05"]],
    [[123456.7], 4, ["123457"]],
    [[123456.7], 7, ["123456.7"]],
    [[-0.5, 0.25], 4, ["-0.50", " 0.25"]],
  ])("format(%j, digits = %i)", (x, digits, want) => {
    expect(formatNumbers(x as number[], digits as number)).toEqual(want);
  });

  it("nsmall pads decimals (format(c(1, NaN, 0.07), nsmall = 2))", () => {
    expect(formatNumbers([1, NaN, 0.07], 7, 2)).toEqual(["1.00", " NaN", "0.07"]);
  });
});

describe("format.pval", () => {
  it("fixed and scientific groups, digits = 3", () => {
    expect(formatPval([0.623232, 0.000627, 0.094196, 3.8e-5, 4.35e-16], 3)).toEqual(
      ["0.623232", "0.000627", "0.094196", "3.80e-05", "4.35e-16"]);
  });
  it("below machine epsilon", () => {
    expect(formatPval([1e-20, 0.5], 3)).toEqual(["<2e-16", "0.5"]);
  });
});

describe("abbreviate", () => {
  const names = ["(Intercept)", "Anger", "GenderM", "btypescold", "btypeshout", "situself"];
  it("minlength 6", () => expect(abbreviate(names, 6)).toEqual(["(Intr)", "Anger", "GendrM", "btypsc", "btypsh", "sitslf"]));
  it("minlength 11", () => expect(abbreviate(names, 11)).toEqual(names));
  it("words", () => expect(abbreviate(["a very long name", "another long one", "x y z w"], 6)).toEqual(["avryln", "anthlo", "xyzw"]));
  it("lengthens colliding abbreviations", () =>
    expect(abbreviate(["factor(YEAR)96", "factor(YEAR)97", "(Intercept)", "cHEIGHT"], 6)).toEqual(["f(YEAR)96", "f(YEAR)97", "(Intr)", "cHEIGH"]));
});

describe("layout", () => {
  it("strwrap(width = 78, exdent = 2)", () => {
    expect(strwrap("Generalized linear mixed model fit by maximum likelihood (Adaptive Gauss-Hermite Quadrature, nAGQ = 25)", 78, 2))
      .toEqual(["Generalized linear mixed model fit by maximum likelihood (Adaptive", "  Gauss-Hermite Quadrature, nAGQ = 25)"]);
  });
  it("cat(fill = 10) breaks after the separator", () => {
    expect(catFill(["aaaa", "bbbbb", "cc"], " ", 10)).toBe("aaaa \nbbbbb cc\n");
    expect(catFill(["aaaa", "bbbbb", "cc"], "", 9)).toBe("aaaabbbbb\ncc\n");
  });
});

describe("numbers", () => {
  it("quantile(type = 7)", () => expect(quantile7([3, 1, 4, 1, 5, 9, 2, 6], [0, 0.25, 0.5, 0.75, 1])).toEqual([1, 1.75, 3.5, 5.25, 9]));
  it("round() of the exact binary value", () => {
    expect(roundR(0.15, 1)).toBe(0.1);
    expect(roundR(2.675, 2)).toBe(2.67);
    expect(roundR(-1.005, 2)).toBe(-1);
  });
});

describe("normal tail for Pr(>|z|)", () => {
  it.each([
    [0.5, 3.0853753872598694e-1], [1.96, 2.4997895148220428e-2], [3, 1.3498980316300946e-3],
    [4.2, 1.3345749015906329e-5], [8.128, 2.1821560912215534e-16], [20, 2.7536241186062337e-89],
  ])("pnorm(-%s) as R computes it, to 1e-8 relative", (z, want) => {
    expect(Math.abs(normalUpperTail(z) - want) / want).toBeLessThan(1e-8);
  });
});
