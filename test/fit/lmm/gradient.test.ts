/**
 * The analytic gradient of the profiled criterion (src/fit/pls/gradient.ts) against central finite
 * differences of the criterion itself, on every Gaussian reference case (lme4's θ and a point
 * inside the parameter space), REML and ML, plus a weighted and a several-term synthetic model.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeDevfun } from "../../../src/fit/lmm/profiled-deviance.js";
import { compileModel, readCsv } from "../../../src/model/index.js";
import type { ModelMatrices } from "../../../src/model/matrices.js";
import { gaussianReferenceIds, referenceTheta } from "./build-matrices.js";
import { readLme4Reference } from "../../lme4-reference.js";

const dataDir = fileURLToPath(new URL("../../fixtures/data/", import.meta.url));

/** Central differences with a step relative to each entry; θ on a bound gets a one-sided
 *  second-order difference. */
function numericGradient(f: (t: Float64Array) => number, theta: Float64Array, lower: Float64Array): Float64Array {
  const g = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[i]));
    const up = Float64Array.from(theta);
    const dn = Float64Array.from(theta);
    up[i] += h;
    if (theta[i] - h < lower[i]) {
      const up2 = Float64Array.from(theta);
      up2[i] += 2 * h;
      g[i] = (-3 * f(theta) + 4 * f(up) - f(up2)) / (2 * h); // second order, one-sided
      continue;
    }
    dn[i] -= h;
    g[i] = (f(up) - f(dn)) / (2 * h);
  }
  return g;
}

function expectGradientMatches(m: ModelMatrices, REML: boolean, theta: Float64Array): void {
  const devfun = makeDevfun(m, { REML });
  devfun(theta);
  const analytic = devfun.system.criterionGradient(REML);
  const numeric = numericGradient((t) => devfun(t), theta, m.lower);
  const scale = Math.max(1, ...Array.from(numeric, Math.abs));
  for (let i = 0; i < theta.length; i++) expect(Math.abs(analytic[i] - numeric[i]) / scale, `θ[${i}] = ${theta[i]}: analytic ${analytic[i]}, numeric ${numeric[i]}`).toBeLessThan(2e-5);
}

/** A point strictly inside: lme4's θ with every entry moved off its bound. */
function interior(theta: Float64Array, lower: Float64Array): Float64Array {
  return theta.map((t, i) => (Number.isFinite(lower[i]) ? Math.max(t, 0.05) * 1.3 : t * 0.8 + 0.07));
}

describe("analytic gradient of the profiled criterion = finite differences", () => {
  for (const id of gaussianReferenceIds) {
    it(id, () => {
      const ref = readLme4Reference("reference", id);
      const m = compileModel(ref.formula, readCsv(dataDir + ref.data));
      const theta = Float64Array.from(referenceTheta(ref));
      for (const REML of [true, false]) {
        expectGradientMatches(m, REML, interior(theta, m.lower));
        if (id !== "insteval_crossed_ml") expectGradientMatches(m, REML, theta);
      }
    });
  }

  it("prior weights, a correlated later term and crossed factors", () => {
    const lines = readFileSync(dataDir + "sleepstudy.csv", "utf8").trim().split(/\r?\n/).slice(1);
    const rows = lines.map((line, i) => {
      const [reaction, days, subject] = line.split(",").map((v) => v.replace(/"/g, ""));
      return { Reaction: +reaction, Days: +days, Subject: subject, Block: `b${i % 7}`, w: 1 + (i % 3) };
    });
    const m = compileModel("Reaction ~ Days + (1 | Block) + (Days | Subject)", rows, { weights: "w" });
    const theta = Float64Array.from({ length: m.theta0.length }, (_, i) => 0.3 + 0.2 * i);
    expectGradientMatches(m, true, theta);
    expectGradientMatches(m, false, theta);
  });

  it("structured terms (lme4 2.0's cs, ar1, homogeneous diag): the chain rule through the term", () => {
    const visits = readCsv(fileURLToPath(new URL("../../fixtures/beyond/data/visits.csv", import.meta.url)));
    for (const f of ["y ~ vf * arm + ar1(0 + vf | id)", "y ~ vf * arm + cs(0 + vf | id)", "y ~ vf + diag(0 + vf | id, hom = TRUE)", "y ~ vf + cs(0 + vf | id, hom = TRUE)"]) {
      const m = compileModel(f, visits);
      const theta = Float64Array.from(m.theta0, (v, i) => (m.upper[i] < Infinity ? 0.3 : 0.7 + 0.1 * i));
      expectGradientMatches(m, true, theta);
      expectGradientMatches(m, false, theta);
    }
  });
});
