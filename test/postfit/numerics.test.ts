import { expect, test } from "vitest";
import { pchisqUpper, qchisq } from "../../src/result/confint/distributions.js";
import { normInter } from "../../src/result/confint/boot.js";
import { inverseAt, naturalSplineAt, naturalSplineSlopes, profileSpline } from "../../src/result/profile/spline.js";
import { sdCorToTheta, thetaToSdCor } from "../../src/model/covariance/index.js";
import { lmmSystem } from "../../src/result/profile/lmm-deviance.js";
import { lmmDeviance } from "../../src/fit/lmm/profiled-deviance.js";
import { readJson, sleepstudy } from "./matrices.js";

test("χ² tail and quantiles (R: pchisq, qchisq)", () => {
  const ref = readJson("reference-postfit/anova_sleepstudy.json");
  expect(pchisqUpper(ref.rows[2].Chisq, 1) / ref.rows[2].p).toBeCloseTo(1, 10);
  expect(qchisq(0.99, 6)).toBeCloseTo(16.811893829770927, 10); // qchisq(0.99, 6)
  expect(qchisq(0.99, 3)).toBeCloseTo(11.344866730144373, 10); // qchisq(0.99, 3)
  expect(qchisq(0.95, 1)).toBeCloseTo(3.841458820694124, 10);
});

test("a natural cubic spline reproduces a straight line and interpolates its knots", () => {
  const x = [0, 1, 2.5, 4];
  const line = x.map((v) => 2 * v - 1);
  Array.from(naturalSplineSlopes(x, line)).forEach((s) => expect(s).toBeCloseTo(2, 12));
  const y = [0, 1, 0.5, 3];
  const slopes = naturalSplineSlopes(x, y);
  x.forEach((v, i) => expect(naturalSplineAt(x, y, slopes, v)).toBeCloseTo(y[i], 12));
});

test("the inverse spline returns the knots at their ζ and is NaN outside", () => {
  const x = [-2, -1, 0, 1.5, 3];
  const zeta = x.map((v) => v + 0.1 * v * v * v);
  const s = profileSpline(x, zeta);
  x.forEach((v, i) => expect(inverseAt(s, zeta[i])).toBeCloseTo(v, 12));
  expect(inverseAt(s, 100)).toBeNaN();
});

test("θ ↔ sd/cor round trip for a correlated term (lme4's .sig01, .sig02, .sig03)", () => {
  const m = sleepstudy("corr");
  const ref = readJson("reference/sleepstudy_corr_reml.json");
  const sd = thetaToSdCor(m, ref.theta, ref.sigma);
  expect(sd[0]).toBeCloseTo(ref.varcorr[0].sdcor, 10);
  expect(sd[1]).toBeCloseTo(ref.varcorr[1].sdcor, 10);
  expect(sd[2]).toBeCloseTo(ref.varcorr[2].sdcor, 10);
  Array.from(sdCorToTheta(m, sd, ref.sigma)!).forEach((t, i) => expect(t).toBeCloseTo(ref.theta[i], 12));
  expect(sdCorToTheta(m, [1, 1.5, 1], 1)).toBeNull();
});

test("boot's norm.inter percentile: order statistics interpolated on the normal scale", () => {
  const t = Array.from({ length: 19 }, (_, i) => i + 1);
  expect(normInter(t, 0.5)).toBe(10); // (R + 1)·α = 10 is an integer: t(10)
  const v = normInter(t, 0.025); // k = 0: the smallest
  expect(v).toBe(1);
});

test("the profiling system gives lme4's REML criterion and vcov at lme4's θ", () => {
  const ref = readJson("reference/sleepstudy_corr_reml.json");
  const m = sleepstudy("corr");
  const s = lmmSystem(m);
  const state = s.solve(ref.theta)!;
  expect(lmmDeviance(state.ldL2, state.ldRX2, state.prss, s.n, s.p, s.ldW, true)).toBeCloseTo(ref.objective, 8);
  const s2 = ref.sigma * ref.sigma;
  Array.from(s.unscaledVcov()).forEach((v, j) => expect(v * s2).toBeCloseTo(ref.vcov[j % 2][Math.floor(j / 2)], 4));
});
