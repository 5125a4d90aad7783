/**
 * The cross-products pass on two threads (cross-products-threads.ts) against one thread. NOT bit for
 * bit: each entry becomes (Σ over rows [0, split)) + (Σ over rows [split, n)) instead of one running
 * sum. What is asserted: every entry of a₁₁, a₂₁ and A₂₂ within 1e-12 of the one-thread value,
 * relative to that entry's sum of absolute terms (the same pass over |X|, |Z|, |y|: the scale that
 * bounds any reordering's rounding error); and the profiled ML/REML objective of reference cases,
 * one thread vs two, within 1e-12 relative.
 */
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { lmer, readCsv } from "../../../src/index.js";
import { makeFamily } from "../../../src/fit/family/index.js";
import { GlmmDeviance } from "../../../src/fit/glmm/deviance.js";
import { DEFAULT_PIRLS_OPTIONS } from "../../../src/fit/glmm/options.js";
import { cbppMatrices } from "../glmm/cases.js";
import { boxed, readLme4Reference } from "../../lme4-reference.js";
import {
  accumulateCrossProducts, allocateCrossProducts, allocateRowScratch, type CrossProducts,
} from "../../../src/fit/pls/cross-products.js";
import { parallelRows, setThreads, threadCount, withThreads } from "../../../src/fit/pls/cross-products-threads.js";
import { makeLambdaStore } from "../../../src/fit/pls/lambda.js";
import { analyzeStructure } from "../../../src/fit/pls/structure.js";
import { profiledDeviance } from "../../../src/fit/lmm/profiled-deviance.js";
import { PlsSystem } from "../../../src/fit/pls/pls-system.js";
import type { ModelMatrices } from "../../../src/model/matrices.js";
import { lcg, syntheticModel } from "./synthetic.js";
import { buildMatrices, referenceTheta } from "../lmm/build-matrices.js";

afterAll(() => setThreads(null));

function absModel(m: ModelMatrices): ModelMatrices {
  return { ...m, X: m.X.map(Math.abs), reTerms: m.reTerms.map((t) => ({ ...t, z: t.z.map(Math.abs) })) };
}

function expectClose(one: Float64Array, two: Float64Array, scale: Float64Array, what: string): void {
  let worst = 0;
  for (let i = 0; i < one.length; i++) {
    const err = Math.abs(one[i] - two[i]);
    if (err === 0) continue;
    worst = Math.max(worst, err / scale[i]);
  }
  expect(worst, what).toBeLessThanOrEqual(1e-12);
}

const cases: [string, { levels: number; p: number; correlated: boolean }[]][] = [
  ["vector-valued terms (general pass)", [{ levels: 40, p: 2, correlated: true }, { levels: 25, p: 2, correlated: false }, { levels: 9, p: 1, correlated: true }]],
  ["three scalar terms", [{ levels: 60, p: 1, correlated: true }, { levels: 35, p: 1, correlated: true }, { levels: 12, p: 1, correlated: true }]],
  ["two scalar terms", [{ levels: 80, p: 1, correlated: true }, { levels: 30, p: 1, correlated: true }]],
];

describe("cross-products: two threads vs one", () => {
  for (const [name, defs] of cases) {
    it(`${name}: every entry within 1e-12 of its absolute scale, and the worker really ran`, () => {
      const model = syntheticModel(7, 5000, defs);
      model.reTerms.sort((a, b) => b.levels.length - a.levels.length);
      const lam = makeLambdaStore(model.reTerms);
      const s = analyzeStructure(model, lam.offsets, lam.one);
      const rnd = lcg(3);
      const w = Float64Array.from({ length: model.n }, (_, i) => (i % 13 === 0 ? 0 : 0.2 + rnd()));
      const z = Float64Array.from({ length: model.n }, () => rnd() * 6 - 2);
      const pass = (mm: ModelMatrices, zz: Float64Array, threads: 1 | 2, withFixed: boolean): CrossProducts => {
        setThreads(threads, { always: true });
        const scratch = allocateRowScratch(mm);
        scratch.parallel = parallelRows(mm, s);
        if (threads === 2) expect(scratch.parallel).not.toBeNull();
        else expect(scratch.parallel).toBeNull();
        const out = allocateCrossProducts(s);
        accumulateCrossProducts(mm, s, w, zz, out, scratch, withFixed);
        return out;
      };
      for (const withFixed of [true, false]) {
        const one = pass(model, z, 1, withFixed);
        const two = pass(model, z, 2, withFixed);
        const scale = pass(absModel(model), z.map(Math.abs), 1, withFixed);
        // the split really changed the sums somewhere (else the worker did nothing) …
        expect(one.a22.some((v, i) => v !== two.a22[i]) || one.a21.some((v, i) => v !== two.a21[i])).toBe(true);
        // … and only by rounding
        expectClose(one.a11, two.a11, scale.a11, "a11");
        expectClose(one.a21, two.a21, scale.a21, "a21");
        expectClose(one.a22, two.a22, scale.a22, "a22");
      }
    });
  }

  for (const id of ["sleepstudy_corr_reml", "penicillin_crossed_reml", "insteval_crossed_ml"]) {
    it(`${id}: the profiled objective at lme4's θ, one thread vs two, within 1e-12 relative`, () => {
      const ref = readLme4Reference("reference", id);
      const m = buildMatrices(id);
      const theta = referenceTheta(ref);
      setThreads(1);
      const d1 = profiledDeviance(new PlsSystem(m), theta, ref.REML);
      setThreads(2, { always: true });
      const sys2 = new PlsSystem(m);
      expect((sys2 as unknown as { scratch: { parallel: unknown } }).scratch.parallel).not.toBeNull();
      const d2 = profiledDeviance(sys2, theta, ref.REML);
      expect(Math.abs(d2 - d1) / Math.abs(d1)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(d1 - ref.objective) / Math.abs(ref.objective)).toBeLessThan(1e-6);
    });
  }
});

describe("fits on two threads (every pass split) vs one", () => {
  const data = (name: string) => readCsv(fileURLToPath(new URL(`../../fixtures/data/${name}`, import.meta.url)));
  const fitBoth = <T>(fit: () => T): [T, T] => {
    setThreads(1);
    const one = fit();
    setThreads(2, { always: true });
    const two = fit();
    setThreads(null);
    return [one, two];
  };

  it("lmer ML on sleepstudy: the fitted objective within 1e-12 relative, the estimates within 1e-8", () => {
    const d = data("sleepstudy.csv");
    const [one, two] = fitBoth(() => lmer("Reaction ~ Days + (Days | Subject)", d, { REML: false }));
    const dev1 = one.fit.deviance, dev2 = two.fit.deviance;
    expect(Math.abs(dev2 - dev1) / dev1).toBeLessThanOrEqual(1e-12);
    for (let j = 0; j < one.fit.beta.length; j++) expect(two.fit.beta[j]).toBeCloseTo(one.fit.beta[j], 8);
  });

  // A whole GLMM fit is NOT within 1e-12: PIRLS and BOBYQA stop on tolerances, so last-bit
  // differences in the cross-products move where they stop (cbpp: 4.9e-9 relative in the final
  // deviance). What is deterministic is the Laplace deviance at fixed (θ, β) with PIRLS run to 1e-12:
  it("cbpp binomial: the Laplace deviance at lme4's (θ, β), a split pass every PIRLS iteration, within 1e-12 relative", () => {
    const ref = readLme4Reference("reference", "cbpp_binomial");
    const m = cbppMatrices();
    const pars = Float64Array.from([...boxed(ref.theta), ...m.xNames.map((n) => ref.fixef[n])]);
    const [one, two] = fitBoth(() => new GlmmDeviance(m, makeFamily("binomial"), { ...DEFAULT_PIRLS_OPTIONS, tol: 1e-12 }).stage2(pars));
    expect(Math.abs(two - one) / one).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(one - ref.objective)).toBeLessThan(1e-3);
  });
});

describe("thread configuration", () => {
  it("rejects a thread count other than 1 or 2, naming it", () => {
    expect(() => setThreads(3 as 1)).toThrow(/threads must be 1 or 2, got 3/);
    expect(() => withThreads(0 as 1, () => 0)).toThrow(/got 0/);
  });

  it("withThreads forces the count for one call and restores it", () => {
    setThreads(null);
    const outside = threadCount();
    expect(withThreads(2, () => threadCount())).toBe(2);
    expect(withThreads(1, () => threadCount())).toBe(1);
    expect(threadCount()).toBe(outside);
  });

  it("a pass too small to pay stays on one thread unless forced", () => {
    const m = buildMatrices("sleepstudy_corr_reml");
    setThreads(2);
    expect((new PlsSystem(m) as unknown as { scratch: { parallel: unknown } }).scratch.parallel).toBeNull();
    setThreads(2, { always: true });
    expect((new PlsSystem(m) as unknown as { scratch: { parallel: unknown } }).scratch.parallel).not.toBeNull();
    setThreads(null);
  });
});
