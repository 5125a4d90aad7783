import { describe, expect, it } from "vitest";
import { makeFamily, makeLink } from "../../../src/fit/family/index.js";

/** The hot-path forms the PIRLS loop uses must be the reference forms' numbers, bit for bit:
 *  the fit's answers (lme4's, to the printed digit) were established with the reference forms. */
const f64 = (a: number[]): Float64Array => Float64Array.from(a);

describe("family fast paths equal the reference forms exactly", () => {
  it("logit linkinvMuEta is linkinv and muEta with one exp", () => {
    const logit = makeLink("logit");
    const dmu = new Float64Array(1);
    for (const eta of [-800, -40, -36.5, -3.2, -1e-9, -0, 0, 1e-12, 0.7, 2.5, 19, 37, 40, 745, 800]) {
      const mu = logit.linkinvMuEta!(eta, dmu, 0);
      expect(mu).toBe(logit.linkinv(eta));
      expect(dmu[0]).toBe(logit.muEta(eta));
    }
  });

  it("binomial aicForResponse equals aic (trial counts, 0/1 response, zero weights)", () => {
    const fam = makeFamily("binomial");
    const cases = [
      { y: [0.25, 0.5, 1, 0, 0.2], wt: [4, 2, 3, 5, 0] },
      { y: [0, 1, 1, 0, 1], wt: [1, 1, 1, 1, 1] },
    ];
    for (const { y, wt } of cases) {
      const mu = f64(y.map((v, i) => 0.05 + 0.9 * ((v + i * 0.37) % 1)));
      const fast = fam.aicForResponse!(f64(y), f64(wt), f64(wt));
      expect(fast(mu, NaN)).toBe(fam.aic(f64(y), f64(wt), mu, f64(wt), NaN));
    }
  });

  it("poisson aicForResponse equals aic (zero and large counts, weights)", () => {
    const fam = makeFamily("poisson");
    const y = f64([0, 1, 3, 17, 250, 0, 6]);
    const wt = f64([1, 2, 1, 0.5, 1, 3, 1]);
    const mu = f64([0.3, 1.7, 2.2, 15.1, 240.5, 1e-6, 9]);
    expect(fam.aicForResponse!(y, wt, wt)(mu, NaN)).toBe(fam.aic(y, wt, mu, wt, NaN));
  });
});
