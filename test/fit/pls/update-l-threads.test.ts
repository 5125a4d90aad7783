/**
 * updateL on two threads (update-l-threads.ts: forming and Schur update split by columns, the
 * trailing Cholesky's panel updates split by column pairs) against one thread. BIT FOR BIT: no
 * entry of L₂₂ is written by both threads, and each sees the operations of the one-thread kernels in
 * their order, so every assertion here is exact equality (Object.is), not a tolerance.
 *
 * Both systems get the very same cross-products (saveInputs/restoreInputs), so the rows pass — which
 * on two threads is only within 1e-12 (cross-products-threads.test.ts) — takes no part. The
 * thresholds are forced low (setThreads(2, { always: true })) so the small CI sizes split every
 * column phase and every panel, and the worker's task count proves it took part.
 */
import { afterAll, describe, expect, it } from "vitest";
import { setSimdKernel } from "../../../src/linalg/cholesky.js";
import { PlsSystem } from "../../../src/fit/pls/pls-system.js";
import { fitLmm } from "../../../src/fit/lmm/fit-lmm.js";
import { setThreads, shutdownWorker, threadCount, workerRunning, workerStats } from "../../../src/fit/pls/worker.js";
import type { Factor } from "../../../src/fit/pls/update-l.js";
import type { ModelMatrices } from "../../../src/model/matrices.js";
import { makeCovariance } from "../../../src/model/covariance/index.js";
import { lcg, syntheticModel } from "./synthetic.js";

afterAll(() => {
  setThreads(null);
  setSimdKernel(true);
  shutdownWorker();
});

/** Terms sorted by decreasing levels with their θ offsets redone (as the model stage does). */
function sorted(m: ModelMatrices): ModelMatrices {
  m.reTerms.sort((a, b) => b.levels.length - a.levels.length);
  let off = 0;
  for (const t of m.reTerms) {
    t.covariance = makeCovariance({ structure: t.covariance.structure, group: t.group, columnNames: t.columnNames, thetaOffset: off });
    off += t.covariance.thetaCount;
  }
  return m;
}

/** Every first-term level meets every level of the second: the dense (l21ByRow) Schur kernel. */
function fullyCrossed(): ModelMatrices {
  const a = 50, b = 90;
  const m = syntheticModel(5, a * b, [{ levels: a * 2, p: 1, correlated: true }, { levels: b, p: 1, correlated: true }]);
  m.reTerms[0].levels = m.reTerms[0].levels.slice(0, a);
  for (let i = 0; i < m.n; i++) {
    m.reTerms[0].refs[i] = i % a;
    m.reTerms[1].refs[i] = Math.floor(i / a);
  }
  return sorted(m);
}

const factorOf = (sys: PlsSystem) => (sys as unknown as { factor: Factor }).factor;

function expectSameBits(a: Float64Array, b: Float64Array, what: string): void {
  let diff = -1;
  for (let i = 0; i < a.length && diff < 0; i++) if (!Object.is(a[i], b[i])) diff = i;
  expect(diff, `${what}: first differing entry`).toBe(-1);
}

const cases: [string, () => ModelMatrices, number[]][] = [
  // 400 × 300 crossed scalar levels: minimum-degree order, supernode panels (one-column panels too)
  ["two crossed scalar terms (sparse Schur kernel, supernodal panels)",
    () => sorted(syntheticModel(11, 5000, [{ levels: 400, p: 1, correlated: true }, { levels: 300, p: 1, correlated: true }])), [0.8, 1.4]],
  ["fully crossed scalar terms (dense Schur kernel)", fullyCrossed, [0.6, 1.1]],
  ["vector-valued terms (general forming pass, p₁ = 2 Schur kernel)",
    () => sorted(syntheticModel(3, 4000, [
      { levels: 150, p: 2, correlated: true }, { levels: 120, p: 2, correlated: true }, { levels: 20, p: 1, correlated: true },
    ])), [0.9, 0.3, 0.7, 1.2, -0.2, 0.5, 0.8]],
];

describe("updateL: two threads give the one-thread factor bit for bit", () => {
  for (const [name, make, theta] of cases) {
    for (const simd of [true, false]) {
      it(`${name}, ${simd ? "SIMD" : "JavaScript"} update kernel`, () => {
        setSimdKernel(simd);
        const model = make();
        const rnd = lcg(17);
        const w = Float64Array.from({ length: model.n }, () => 0.3 + rnd());
        setThreads(1);
        const one = new PlsSystem(model).setWeights(w);
        expect(factorOf(one).threads).toBeNull();
        setThreads(2, { always: true });
        const two = new PlsSystem(model).restoreInputs(one.saveInputs());
        expect(factorOf(two).threads).not.toBeNull();
        for (const t of [theta, theta.map((v) => v * 0.5)]) {
          one.setTheta(t).updateL();
          const before = workerStats().tasks;
          two.setTheta(t).updateL();
          // one column task, then one per panel large enough (here: every panel with ≥ 4 rows below)
          expect(workerStats().tasks - before).toBeGreaterThan(1);
          const f1 = factorOf(one), f2 = factorOf(two);
          expectSameBits(f1.l11, f2.l11, "L11");
          expectSameBits(f1.l21, f2.l21, "L21");
          expectSameBits(f1.l22, f2.l22, "L22");
          expect(Object.is(two.logDetL2(), one.logDetL2())).toBe(true);
          expect(Object.is(two.pwrss(), one.pwrss())).toBe(true);
          expect(Object.is(two.logDetRX2(), one.logDetRX2())).toBe(true);
        }
        // the u-only factor (PIRLS with β fixed): the random-effects columns only
        const z = Float64Array.from(model.y, (v) => v * 0.5 + 1);
        one.setWeightsAndResponseForU(w, z).setTheta(theta).updateL();
        two.restoreInputs(one.saveInputs()).setTheta(theta).updateL();
        expectSameBits(factorOf(one).l22, factorOf(two).l22, "L22 (random-effects columns)");
        expectSameBits(one.solveU(new Float64Array(model.p)), two.solveU(new Float64Array(model.p)), "u");
        setSimdKernel(true);
      });
    }
  }
});

describe("a fit on two threads (factor split, thresholds as shipped) is the one-thread fit", () => {
  it("REML fit of 400 × 300 crossed levels: θ, β and the objective bit for bit", () => {
    const make = () => sorted(syntheticModel(23, 5000, [{ levels: 400, p: 1, correlated: true }, { levels: 300, p: 1, correlated: true }]));
    setThreads(1);
    const one = fitLmm(make(), { REML: true });
    // start the worker and wait for it, then fit with the shipped thresholds (m = 304 ≥ MIN_ORDER;
    // the 5,000-row pass stays on one thread, so the cross-products are the same bits)
    setThreads(2, { always: true });
    new PlsSystem(make()).setTheta([1, 1]).updateL();
    setThreads(2);
    const before = workerStats().tasks;
    const two = fitLmm(make(), { REML: true });
    // the worker took part (in every evaluation on an idle machine; on a loaded one the back-off
    // may set it aside for some — which must not change a bit either)
    expect(workerStats().tasks - before).toBeGreaterThan(0);
    expect(Object.is(two.objective, one.objective)).toBe(true);
    expectSameBits(Float64Array.from(one.theta), Float64Array.from(two.theta), "θ");
    expectSameBits(Float64Array.from(one.beta), Float64Array.from(two.beta), "β");
    expect(two.evaluations).toBe(one.evaluations);
  });
});

describe("when the factor uses the worker", () => {
  const big = () => sorted(syntheticModel(11, 3000, [{ levels: 400, p: 1, correlated: true }, { levels: 300, p: 1, correlated: true }]));
  const small = () => sorted(syntheticModel(11, 2000, [{ levels: 200, p: 1, correlated: true }, { levels: 100, p: 1, correlated: true }]));

  it("by default: two threads for the factor on a multi-core machine, the rows pass on one", async () => {
    const { availableParallelism } = await import("node:os");
    const env = process.env.MIXED_MODELS_THREADS;
    delete process.env.MIXED_MODELS_THREADS;
    try {
      setThreads(null);
      expect(threadCount()).toBe(availableParallelism() > 1 ? 2 : 1);
      const sys = new PlsSystem(big());
      expect(factorOf(sys).threads === null).toBe(availableParallelism() < 2);
      expect((sys as unknown as { scratch: { parallel: unknown } }).scratch.parallel ?? null).toBeNull();
    } finally {
      if (env !== undefined) process.env.MIXED_MODELS_THREADS = env;
    }
  });

  it("threads: 1 forces one thread; 2 splits a trailing block from MIN_ORDER (256) on, not below", () => {
    setThreads(1);
    expect(factorOf(new PlsSystem(big())).threads).toBeNull();
    setThreads(2);
    expect(new PlsSystem(big()).structure.m).toBeGreaterThanOrEqual(256);
    expect(factorOf(new PlsSystem(big())).threads).not.toBeNull();
    expect(new PlsSystem(small()).structure.m).toBeLessThan(256);
    expect(factorOf(new PlsSystem(small())).threads).toBeNull();
    setThreads(null);
  });

  it("lmer shuts the worker down when the fit returns", async () => {
    const { lmer } = await import("../../../src/index.js");
    const m = big();
    const rows = Array.from({ length: m.n }, (_, i) => ({ y: m.y[i], x1: m.X[i + m.n], g0: m.reTerms[0].refs[i], g1: m.reTerms[1].refs[i] }));
    shutdownWorker();
    let seen = false;
    const fit = lmer("y ~ x1 + (1 | g0) + (1 | g1)", rows, { threads: 2, onProgress: () => { seen ||= workerRunning(); } });
    expect(Number.isFinite(fit.logLik)).toBe(true);
    expect(seen).toBe(true); // started for the fit …
    expect(workerRunning()).toBe(false); // … and terminated when it returned
    expect(workerStats()).toEqual({ tasks: 0, waitMs: 0 });
  });
});
