/**
 * The count-grouped route (src/fit/pls/count-grouped.ts, src/sql/count-blocks.ts) equals the
 * direct route: the same criterion, β, modes and conditional variances at the same θ, and the same
 * fit on a crossed reference case; and the two-pass exact quantiles equal PERCENTILE_CONT's.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lmer, readCsv } from "../../src/index.js";
import { makeDevfun } from "../../src/fit/lmm/profiled-deviance.js";
import { lmmResults } from "../../src/fit/lmm/results.js";
import { computeBlocks } from "../../src/sql/blocks.js";
import { computeCountGrouped } from "../../src/sql/count-blocks.js";
import { DuckDbEngine } from "../../src/sql/duckdb.js";
import { numbers } from "../../src/sql/engine.js";
import { exactQuantiles, lmerSql, matricesWithoutRows } from "../../src/sql/fit.js";
import { sqlModelFrame, type SqlSource } from "../../src/sql/frame.js";
import { fileSource } from "../../src/sql/source.js";
import { PostgresEngine } from "../../src/sql/postgres.js";
import { startPgCluster } from "./pg-cluster.js";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** Users × days with unequal counts per user (several distinct counts), a covariate and noise. */
const UNBALANCED: SqlSource = {
  relation:
    "(SELECT u AS usr, d AS dy, x, 3 + 0.5 * x + 0.7 * ((hash(u, 1) % 1000) / 1000.0 - 0.5) + 0.4 * ((hash(d, 2) % 1000) / 1000.0 - 0.5) " +
    "+ ((hash(i, 3) % 1000) / 1000.0 - 0.5) AS y FROM (SELECT i, i % 40 AS u, (i * 7) % 9 AS d, " +
    "CAST((hash(i, 4) % 1000) AS DOUBLE) / 250.0 - 2 AS x FROM range(1000) t(i) WHERE hash(i, 5) % 5 <> 0) s)",
};

function relClose(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
}

describe("the count-grouped route equals the direct route", () => {
  let duck: DuckDbEngine;
  beforeAll(async () => {
    duck = await DuckDbEngine.open();
  });
  afterAll(async () => duck.close());

  for (const [name, formula, source] of [
    ["Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", null],
    ["unbalanced users × days", "y ~ x + (1 | usr) + (1 | dy)", UNBALANCED],
  ] as const) {
    it(`${name}: the same criterion, β, modes and conditional sds at the same θ`, async () => {
      const src = source ?? (await fileSource(duck, `${fixtures}data/Penicillin.csv`));
      const f = await sqlModelFrame(duck, formula, src, { family: "gaussian" });
      const direct = await computeBlocks(duck, f);
      const cg = await computeCountGrouped(duck, f, true);
      expect(cg).not.toBeNull();
      expect(cg!.kept).toEqual(direct.kept);
      const m = matricesWithoutRows(f, direct.kept, direct.dropped, direct.n);
      const d1 = makeDevfun(m, { REML: true, blocks: direct.blocks });
      const d2 = makeDevfun(m, { REML: true, countGrouped: cg!.data });
      if (source) expect(cg!.data.counts.length).toBeGreaterThan(1); // several distinct counts
      for (const theta of [[1, 1], [0.3, 2.5], [2, 0.1], [0, 0.8]]) {
        const a = d1(Float64Array.from(theta));
        const b = d2(Float64Array.from(theta));
        relClose(b, a, 1e-11);
      }
      const theta = Float64Array.from([0.8, 0.6]);
      d1.system.setTheta(theta).updateL();
      d2.system.setTheta(theta).updateL();
      const r1 = lmmResults(d1.system, true);
      const r2 = lmmResults(d2.system, true);
      r1.beta.forEach((v, j) => relClose(r2.beta[j], v, 1e-10));
      relClose(r2.sigma, r1.sigma, 1e-10);
      r1.vcov.forEach((v, j) => relClose(r2.vcov[j], v, 1e-9));
      r1.ranef.forEach((t, k) => t.forEach((v, l) => relClose(r2.ranef[k][l], v, 1e-9)));
      r1.condSD.forEach((t, k) => t.forEach((v, l) => relClose(r2.condSD[k][l], v, 1e-9)));
    });
  }

  it("Penicillin: the fitted model is the in-memory fit's (objective 1e-9, β and θ 1e-7)", async () => {
    const src = await fileSource(duck, `${fixtures}data/Penicillin.csv`);
    const formula = "diameter ~ 1 + (1 | plate) + (1 | sample)";
    const sql = await lmerSql(duck, formula, src, { REML: true, route: "count-grouped" });
    const mem = lmer(formula, readCsv(`${fixtures}data/Penicillin.csv`), { REML: true });
    expect(sql.fit.engineRows?.route).toBe("count-grouped");
    relClose(sql.objective, mem.objective, 1e-9);
    for (const [k, v] of Object.entries(mem.fixef)) relClose(sql.fixef[k], v, 1e-7);
    mem.theta.forEach((t, k) => relClose(sql.theta[k], t, 1e-7));
  });

  it("is refused, naming why, when the first term is not scalar", async () => {
    const src = await fileSource(duck, `${fixtures}data/sleepstudy.csv`);
    await expect(lmerSql(duck, "Reaction ~ Days + (Days | Subject)", src, { route: "count-grouped" })).rejects.toThrow(/scalar first random-effects term/);
  });
});

describe("exact quantiles in two passes", () => {
  it("equal PERCENTILE_CONT's (R's type 7), ties and all", async () => {
    const duck = await DuckDbEngine.open();
    try {
      // 200 001 values on a coarse grid (many ties, so a quantile falls inside a bin), skewed
      const rows = "SELECT POWER(CAST(hash(i, 9) % 2000 AS DOUBLE) / 400.0, 1.5) - 3 AS r FROM range(200001) t(i)";
      const probs = [0, 0.25, 0.5, 0.75, 1];
      const ref = await duck.query(`SELECT ${probs.map((p, j) => `PERCENTILE_CONT(${p}) WITHIN GROUP (ORDER BY r) AS q${j}`).join(", ")} FROM (${rows}) s`);
      const got = await exactQuantiles(duck, rows, 200001, probs);
      probs.forEach((_, j) => expect(got[j]).toBe(numbers(ref, `q${j}`)[0]));
      // and between order statistics (n − 1 not divisible by 4)
      const rows2 = "SELECT CAST(hash(i, 11) % 100003 AS DOUBLE) / 7.0 AS r FROM range(150002) t(i)";
      const ref2 = await duck.query(`SELECT ${probs.map((p, j) => `PERCENTILE_CONT(${p}) WITHIN GROUP (ORDER BY r) AS q${j}`).join(", ")} FROM (${rows2}) s`);
      const got2 = await exactQuantiles(duck, rows2, 150002, probs);
      probs.forEach((_, j) => relClose(got2[j], numbers(ref2, `q${j}`)[0], 1e-15));
    } finally {
      await duck.close();
    }
  });
});

describe("exact quantiles in two passes on PostgreSQL", () => {
  it("equal its PERCENTILE_CONT's", async () => {
    const cluster = await startPgCluster();
    if (!cluster) throw new Error("no PostgreSQL server installed (apt-get install postgresql): the PostgreSQL tests cannot run");
    const pg = await PostgresEngine.open(cluster.url);
    try {
      // generate_series is PostgreSQL's range(); values with ties on a coarse grid
      const rows = "SELECT POWER(CAST((i * 7919) % 2000 AS DOUBLE PRECISION) / 400.0, 1.5) - 3 AS r FROM generate_series(0, 120000) AS t(i)";
      const probs = [0, 0.25, 0.5, 0.75, 1];
      const ref = await pg.query(`SELECT ${probs.map((p, j) => `PERCENTILE_CONT(${p}) WITHIN GROUP (ORDER BY r) AS q${j}`).join(", ")} FROM (${rows}) s`);
      const got = await exactQuantiles(pg, rows, 120001, probs);
      probs.forEach((_, j) => expect(got[j]).toBe(numbers(ref, `q${j}`)[0]));
    } finally {
      await pg.close();
      cluster.stop();
    }
  }, 120_000);
});
