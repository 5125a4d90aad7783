import { afterEach, describe, expect, it, vi } from "vitest";
import { join } from "node:path";
import { run } from "../../../src/cli/fit.js";
import { captureOutput } from "../../cli/capture.js";
import { crossedData } from "../../../bench/crossed-data.js";
import { compileModel } from "../../../src/model/index.js";
import { fitLmm } from "../../../src/fit/lmm/fit-lmm.js";
import { makeDevfun } from "../../../src/fit/lmm/profiled-deviance.js";
import { lme4StartTheta } from "../../../src/fit/lmm/start.js";
import { CrossedKrylovSystem } from "../../../src/fit/krylov/crossed-system.js";
import { chooseSolver, KRYLOV_CROSSOVER, KrylovError, trailingOrder } from "../../../src/fit/krylov/fit-krylov.js";
import { lmer } from "../../../src/index.js";
import type { DataTable } from "../../../src/index.js";
import type { FittedModel } from "../../../src/fit/fitted.js";

/**
 * The Krylov path against the exact (Cholesky) path on crossed designs small enough for both:
 * the issue's criteria — fixed effects within 1% of their SE, the objective within 1e-3 of the
 * decrease the fit makes from lme4's start — plus θ, σ and the conditional modes.
 */
const FORMULA = "y ~ x + (1 | g1) + (1 | g2)";

function compare(exact: FittedModel, krylov: FittedModel, start: number): void {
  expect(krylov.solver?.path).toBe("krylov");
  expect(exact.solver?.path).toBe("cholesky");
  const decrease = start - exact.objective;
  expect(decrease).toBeGreaterThan(0);
  expect(Math.abs(krylov.objective - exact.objective)).toBeLessThanOrEqual(1e-3 * decrease);
  for (let j = 0; j < exact.beta.length; j++) {
    const se = Math.sqrt(exact.vcov[j * exact.beta.length + j]);
    expect(Math.abs(krylov.beta[j] - exact.beta[j])).toBeLessThanOrEqual(0.01 * se);
    expect(Math.abs(Math.sqrt(krylov.vcov[j * exact.beta.length + j]) / se - 1)).toBeLessThan(0.01);
  }
  for (let t = 0; t < exact.theta.length; t++) expect(Math.abs(krylov.theta[t] / exact.theta[t] - 1)).toBeLessThan(0.01);
  expect(Math.abs(krylov.sigma / exact.sigma - 1)).toBeLessThan(1e-3);
  // conditional modes within 2% of their conditional SD (the reference corpus' tolerance), and the
  // conditional SDs (estimated on the Krylov path: probe correction of P⁻¹) within 3%
  for (let k = 0; k < 2; k++) {
    for (let l = 0; l < exact.ranef[k].length; l++) {
      expect(Math.abs(krylov.ranef[k][l] - exact.ranef[k][l])).toBeLessThanOrEqual(0.02 * exact.condSD[k][l]);
      expect(Math.abs(krylov.condSD[k][l] / exact.condSD[k][l] - 1)).toBeLessThan(0.03);
    }
  }
}

function startCriterion(m: ReturnType<typeof compileModel>, REML: boolean): number {
  return makeDevfun(m, { REML })(lme4StartTheta(m));
}

describe("Krylov path vs the exact path", () => {
  const cases: { name: string; l1: number; l2: number; n: number; REML: boolean; weighted?: boolean }[] = [
    { name: "1,500 × 300 levels, 15,000 rows, ML", l1: 1500, l2: 300, n: 15_000, REML: false },
    { name: "1,500 × 300 levels, 15,000 rows, REML", l1: 1500, l2: 300, n: 15_000, REML: true },
    { name: "sparse: 3,000 × 400 levels, 6,000 rows (2 per g1 level), ML", l1: 3000, l2: 400, n: 6000, REML: false },
    { name: "prior weights, 800 × 200 levels, 8,000 rows, REML", l1: 800, l2: 200, n: 8000, REML: true, weighted: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const data = crossedData({ l1: c.l1, l2: c.l2, n: c.n, seed: 7 + c.n });
      const weights = c.weighted ? Array.from({ length: c.n }, (_, i) => 0.5 + (i % 4) * 0.5) : undefined;
      const m = compileModel(FORMULA, data, weights ? { weights } : {});
      const exact = fitLmm(m, { REML: c.REML, solver: "cholesky" });
      const krylov = fitLmm(m, { REML: c.REML, solver: "krylov" });
      compare(exact, krylov, startCriterion(m, c.REML));
    });
  }

  it("the criterion is a deterministic function of θ (fixed probes), close to the exact one everywhere", () => {
    const m = compileModel(FORMULA, crossedData({ l1: 1000, l2: 250, n: 10_000, seed: 3 }));
    const exact = makeDevfun(m, { REML: false });
    const sys = new CrossedKrylovSystem(m);
    for (const theta of [[0.2, 0.1], [0.6, 0.4], [2, 1.5], [0, 0.5], [0.5, 0]]) {
      const a = sys.evaluate(theta, false);
      expect(sys.evaluate(theta, false)).toBe(a);
      expect(Math.abs(a - exact(theta))).toBeLessThan(0.05);
    }
  });

  it("more probes bring the log-determinant closer (the control that trades time for accuracy)", () => {
    const m = compileModel(FORMULA, crossedData({ l1: 1000, l2: 400, n: 8000, seed: 11 }));
    const exact = makeDevfun(m, { REML: false })([0.9, 0.7]);
    const err = (probes: number) => {
      // the error over several seeds, so that one lucky draw does not decide
      let s = 0;
      for (const seed of [1, 2, 3, 4]) s += Math.abs(new CrossedKrylovSystem(m, { probes, seed }).evaluate([0.9, 0.7], false) - exact);
      return s / 4;
    };
    expect(err(64)).toBeLessThan(err(2));
  });
});

describe("which path runs", () => {
  const big = compileModel(FORMULA, crossedData({ l1: 4000, l2: KRYLOV_CROSSOVER + 10, n: 40_000, seed: 5 }));
  const small = compileModel(FORMULA, crossedData({ l1: 400, l2: 50, n: 2000, seed: 5 }));

  it("auto: Krylov above the crossover, Cholesky below; either on request", () => {
    expect(trailingOrder(big)).toBeGreaterThan(KRYLOV_CROSSOVER);
    expect(chooseSolver(big, undefined, true)).toBe("krylov");
    expect(chooseSolver(big, "cholesky", true)).toBe("cholesky");
    expect(chooseSolver(small, undefined, true)).toBe("cholesky");
    expect(chooseSolver(small, "krylov", true)).toBe("krylov");
    // an engine's blocks carry no rows for the Krylov path: auto keeps the exact path
    expect(chooseSolver(big, undefined, false)).toBe("cholesky");
  });

  it("refuses models it does not support, saying why", () => {
    const data: DataTable = crossedData({ l1: 50, l2: 20, n: 1000, seed: 1 });
    const slope = compileModel("y ~ x + (x | g1) + (1 | g2)", data);
    expect(() => chooseSolver(slope, "krylov", true)).toThrow(KrylovError);
    expect(() => chooseSolver(slope, "krylov", true)).toThrow(/scalar terms only/);
    const one = compileModel("y ~ x + (1 | g1)", data);
    expect(() => chooseSolver(one, "krylov", true)).toThrow(/exactly two random-effects terms/);
    expect(chooseSolver(slope, "auto", true)).toBe("cholesky");
  });

  it("lmer's solver option, the summary line and toJSON's key", () => {
    const data = crossedData({ l1: 300, l2: 60, n: 3000, seed: 9 });
    const k = lmer(FORMULA, data, { solver: "krylov", krylov: { probes: 8 } });
    expect(k.solver).toBe("krylov");
    expect(k.summary()).toMatch(/^Solver: krylov \(preconditioned CG, tol 1e-10; stochastic Lanczos quadrature, 8 fixed probes/m);
    const json = k.toJSON() as unknown as Record<string, unknown>;
    expect(json.solver).toBe("krylov");
    expect((json.krylov as Record<string, number>).probes).toBe(8);
    const c = lmer(FORMULA, data);
    expect(c.solver).toBe("cholesky");
    expect(c.summary()).not.toMatch(/Solver:/);
    expect(() => lmer(FORMULA, data, { solver: "lu" as "krylov" })).toThrow(/option 'solver' must be "auto", "cholesky" or "krylov"/);
    expect(() => lmer(FORMULA, data, { krylov: { probs: 3 } as object })).toThrow(/unknown control 'probs'/);
  });

  it("the CLI's --solver: the summary line and the JSON key, and a clear refusal", async () => {
    const penicillin = join("test", "fixtures", "data", "Penicillin.csv");
    let io = captureOutput();
    expect(await run([penicillin, "diameter ~ 1 + (1 | plate) + (1 | sample)", "--solver", "krylov", "--json"])).toBe(0);
    const json = JSON.parse(io.out());
    vi.restoreAllMocks();
    expect(json.solver).toBe("krylov");
    expect(json.krylov.probes).toBe(4);
    // sample has 6 levels: the Lanczos quadrature is exact there, so is the criterion (lme4: 330.8606)
    expect(json.objective).toBeCloseTo(330.8606, 3);
    io = captureOutput();
    expect(await run([penicillin, "diameter ~ 1 + (1 | plate) + (1 | sample)", "--json"])).toBe(0);
    expect(JSON.parse(io.out()).solver).toBe("cholesky");
    vi.restoreAllMocks();
    io = captureOutput();
    expect(await run([join("test", "fixtures", "data", "sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)", "--solver", "krylov"])).not.toBe(0);
    expect(io.err() + io.out()).toMatch(/solver "krylov" cannot fit this model: it supports exactly two random-effects terms/);
  });
});

afterEach(() => vi.restoreAllMocks());
