/**
 * Issue 12: for a Gamma(log) fit the bootstrap's `.sig01` was θ (0.72) where VarCorr reports σθ
 * (0.076). The statistic now reads the term's own θ → sd conversion at the family's scale, as lme4's
 * confint(method = "boot")'s bootFun does (convParToProfPar with sc = sigma when the family has a
 * scale), and carries `.sigma`, as the Wald table does.
 */
import { join } from "node:path";
import { expect, test } from "vitest";
import { glmer, readCsv } from "../../src/index.js";
import { bootStatistic, parametricBootstrap } from "../../src/result/confint/boot.js";
import { FIXTURES } from "../result/reference-model.js";

test("a Gamma(log) fit's bootstrap statistic is VarCorr's standard deviation, then σ", () => {
  const m = glmer("angle ~ temp + (1 | recipe:replicate)", readCsv(join(FIXTURES, "data", "cake.csv")), { family: "Gamma", link: "log" });
  const t = bootStatistic(m.fit);
  const sd = m.varCorr[0]!.sdcor;
  expect(sd).toBeLessThan(0.2); // σθ, not θ
  expect(t[0]).toBeCloseTo(sd, 12);
  expect(t[1]).toBeCloseTo(m.sigma, 12);
  expect(t.length).toBe(2 + m.matrices.p);
  const boot = parametricBootstrap(m.fit, { nsim: 2, seed: 1 });
  expect(boot.names.slice(0, 2)).toEqual([".sig01", ".sigma"]);
  expect(boot.t0[0]).toBeCloseTo(sd, 12);
});
