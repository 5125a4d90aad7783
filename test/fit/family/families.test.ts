import { describe, expect, it } from "vitest";
import { FamilyError, makeFamily } from "../../../src/fit/family/index.js";
import { lgamma, pnorm } from "../../../src/fit/family/special.js";

const f64 = (a: number[]): Float64Array => Float64Array.from(a);
function expectClose(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);
}
function devResids(name: string, y: number[], mu: number[], wt: number[]): number[] {
  const fam = makeFamily(name);
  return y.map((yi, i) => fam.devResid(yi, mu[i], wt[i]));
}

// R 4.x family()$dev.resids and family()$aic at the points below (%.17g)
describe("families against R", () => {
  it("binomial with trial counts: dev.resids and aic (binomial coefficient included)", () => {
    const y = [0, 2 / 14, 5 / 9, 1];
    const wt = [10, 14, 9, 3];
    const mu = [0.1, 0.2, 0.45, 0.8];
    const d = devResids("binomial", y, mu, wt);
    [2.1072103131565272, 0.30993996920198208, 0.40246458947085784, 1.3388613078852587].forEach((r, i) =>
      expectClose(d[i], r),
    );
    expectClose(makeFamily("binomial").aic(f64(y), f64(wt), f64(mu), f64(wt), 0), 9.3127586436052425);
  });
  it("binomial with 0/1 response: aic", () => {
    const ones = f64([1, 1, 1, 1]);
    expectClose(makeFamily("binomial").aic(f64([0, 1, 1, 0]), ones, f64([0.1, 0.2, 0.45, 0.8]), ones, 0), 8.2454880734875982);
  });
  it("poisson: dev.resids and aic (log y! included)", () => {
    const y = [0, 3, 7, 12];
    const mu = [0.4, 2.5, 9.1, 11];
    const wt = [1, 1, 2, 1];
    const d = devResids("poisson", y, mu, wt);
    [0.8, 0.093929340763727609, 1.0538005949102507, 0.088273047751112887].forEach((r, i) => expectClose(d[i], r));
    expectClose(makeFamily("poisson").aic(f64(y), f64(wt), f64(mu), f64(wt), 0), 16.979678856997193);
  });
  const yg = [0.5, 1.3, 2.2, 4.1];
  const mug = [0.8, 1.1, 2.9, 3.5];
  const wg = [1, 1, 1, 2];
  const cases: [string, number[], number][] = [
    ["Gamma", [0.19000725849147104, 0.029528194310031397, 0.069748132566661125, 0.052818264854709307], 9.1952667500175114],
    ["inverse.gaussian", [0.28125, 0.025429116338207228, 0.026483623392065697, 0.014335490293678433], 12.396162407720663],
    ["gaussian", [0.09, 0.04, 0.49, 0.72], 8.2838620964491501],
  ];
  for (const [name, dev, aic] of cases) {
    it(`${name}: dev.resids and aic with the dispersion from the deviance`, () => {
      const d = devResids(name, yg, mug, wg);
      dev.forEach((r, i) => expectClose(d[i], r, 1e-10));
      const total = d.reduce((a, b) => a + b, 0);
      expectClose(makeFamily(name).aic(f64(yg), f64(wg), f64(mug), f64(wg), total), aic);
    });
  }
  it("canonical links, and σ estimated only for Gamma, inverse.gaussian, gaussian", () => {
    expect(makeFamily("binomial").link.name).toBe("logit");
    expect(makeFamily("poisson").link.name).toBe("log");
    expect(makeFamily("Gamma").link.name).toBe("inverse");
    expect(makeFamily("inverse.gaussian").link.name).toBe("1/mu^2");
    expect(makeFamily("gaussian").link.name).toBe("identity");
    expect(["binomial", "poisson", "Gamma", "inverse.gaussian", "gaussian"].map((f) => makeFamily(f).estimatesScale)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });
  it("special functions: lgamma and pnorm as R's", () => {
    [1.0957979948180756, -0.12078223763524518, 7.0521854507385395, 108.4730750690654, 7550.5509010778942].forEach((v, i) =>
      expectClose(lgamma([0.3, 1.5, 7.25, 40.5, 1234.5][i]), v, 1e-13),
    );
    [1.1285884059538408e-19, 0.00048342414238377744, 0.34457825838967582, 0.53982783727702899, 0.99653302619695938, 0.9999999990134123].forEach(
      (v, i) => expectClose(pnorm([-9, -3.3, -0.4, 0.1, 2.7, 6][i]), v, 1e-13),
    );
  });
});

describe("errors a user can act on", () => {
  it("unknown family and link", () => {
    expect(() => makeFamily("gamma")).toThrow(/unknown family "gamma" \(R spells it "Gamma"\)/);
    expect(() => makeFamily("poisson", "foo")).toThrow(FamilyError);
  });
  it("responses outside the support", () => {
    expect(() => makeFamily("poisson").checkResponse(f64([1, -1]), f64([1, 1]))).toThrow(
      /negative values not allowed for the 'Poisson' family: row 2/,
    );
    expect(() => makeFamily("binomial").checkResponse(f64([0.5, 1.2]), f64([2, 1]))).toThrow(/\[0, 1\].*row 2 has 1.2/);
    expect(() => makeFamily("binomial").checkResponse(f64([0.3]), f64([5]))).toThrow(/non-integer number of successes/);
    expect(() => makeFamily("Gamma").checkResponse(f64([0]), f64([1]))).toThrow(/non-positive values not allowed/);
    expect(() => makeFamily("inverse.gaussian").checkResponse(f64([-2]), f64([1]))).toThrow(/positive values only/);
    expect(() => makeFamily("binomial").checkResponse(f64([0.4]), f64([5]))).not.toThrow();
  });
});
