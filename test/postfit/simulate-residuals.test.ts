import { expect, test } from "vitest";
import { makeFamily } from "../../src/fit/family/index.js";
import { makeRng } from "../../src/result/confint/rng.js";
import { familyOfFit } from "../../src/fit/family/index.js";
import { computeResiduals } from "../../src/result/residuals.js";
import { simulate } from "../../src/result/simulate.js";
import { cbppFit, sleepstudyFit } from "./fits.js";

test("simulate is reproducible for a seed and differs between seeds", () => {
  const a = simulate(sleepstudyFit(), { nsim: 2, seed: 7 });
  const b = simulate(sleepstudyFit(), { nsim: 2, seed: 7 });
  const c = simulate(sleepstudyFit(), { nsim: 1, seed: 8 });
  expect(a).toEqual(b);
  expect(a[0]).not.toEqual(a[1]);
  expect(a[0]).not.toEqual(c[0]);
  expect(a[0].length).toBe(180);
});

test("binomial simulations are proportions of the trial counts", () => {
  const fit = cbppFit().fit;
  const [y] = simulate(fit, { seed: 3 });
  y.forEach((v, i) => {
    const w = fit.matrices.weights[i];
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
    expect(Math.abs(v * w - Math.round(v * w))).toBeLessThan(1e-9);
  });
});

test("the generator's draws have the moments of their distributions", () => {
  const rng = makeRng(123);
  const n = 20000;
  let s = 0;
  let ss = 0;
  let ps = 0;
  let bs = 0;
  let gs = 0;
  let gsmall = 0;
  let ig = 0;
  let ig2 = 0;
  for (let i = 0; i < n; i++) {
    gs += rng.gamma(2.5, 0.5);
    gsmall += rng.gamma(0.5, 1);
    const v = rng.inverseGaussian(2, 3);
    ig += v;
    ig2 += v * v;
    const z = rng.normal();
    s += z;
    ss += z * z;
    ps += rng.poisson(3.5);
    bs += rng.binomial(10, 0.3);
  }
  // means within 4 standard errors
  expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
  expect(Math.abs(ss / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  expect(Math.abs(ps / n - 3.5)).toBeLessThan(4 * Math.sqrt(3.5 / n));
  expect(Math.abs(bs / n - 3)).toBeLessThan(4 * Math.sqrt(2.1 / n));
  expect(rng.poisson(250)).toBeGreaterThan(150);
  expect(Math.abs(gs / n - 5)).toBeLessThan(4 * Math.sqrt(10 / n)); // mean shape/rate, variance shape/rate²
  expect(Math.abs(gsmall / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.5 / n));
  expect(Math.abs(ig / n - 2)).toBeLessThan(4 * Math.sqrt(8 / 3 / n)); // mean μ, variance μ³/λ
  expect(Math.abs(ig2 / n - 4 - 8 / 3)).toBeLessThan(0.5);
});

test("residuals: response = y − μ; Σ deviance residuals² = the GLMM's deviance; Pearson² sums to Σ w(y−μ)²/V(μ)", () => {
  const ss = sleepstudyFit();
  const r = ss.residuals("response");
  r.forEach((v, i) => expect(v).toBeCloseTo(ss.matrices.y[i] - ss.fitted[i], 10));
  const cb = cbppFit();
  const m = cb.matrices;
  const input = { family: familyOfFit(cb.fit), y: m.y, mu: cb.fit.mu, eta: cb.fit.eta, weights: m.weights };
  const d = computeResiduals(input, "deviance");
  expect(d.reduce((a, v) => a + v * v, 0)).toBeCloseTo(cb.fit.deviance, 6);
  const fam = makeFamily("binomial");
  const p = computeResiduals(input, "pearson");
  p.forEach((v, i) => expect(v * v).toBeCloseTo((m.weights[i] * (m.y[i] - cb.fit.mu[i]) ** 2) / fam.variance(cb.fit.mu[i]), 10));
});
