/**
 * GLMMs with the rows in a SQL engine, fitted exactly on the compressed frame (compress.ts): every
 * binomial and Poisson reference case, on DuckDB and on a real PostgreSQL server, within the
 * corpus' lme4 tolerances (test/lme4-reference.ts), with the full data's nobs and an objective
 * (lme4's constants included) within 10⁻⁶ of the in-memory fit's.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { glmer, readCsv } from "../../src/index.js";
import type { FamilyName } from "../../src/fit/fitted.js";
import type { MixedModel } from "../../src/result/model.js";
import { glmerSql, TooManyPatternsError } from "../../src/sql/compress.js";
import { DuckDbEngine } from "../../src/sql/duckdb.js";
import type { SqlEngine } from "../../src/sql/engine.js";
import { PostgresEngine } from "../../src/sql/postgres.js";
import { fileSource } from "../../src/sql/source.js";
import type { SqlSource } from "../../src/sql/frame.js";
import { expectAgreesWithLme4 } from "../lme4-reference.js";
import { loadCsvTable } from "./load.js";
import { startPgCluster, type PgCluster } from "./pg-cluster.js";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ref = any;
const cases: Ref[] = readdirSync(`${fixtures}reference`)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(`${fixtures}reference/${f}`, "utf8")))
  .filter((c) => c.family !== "gaussian");

const memory = new Map<string, MixedModel>();
function inMemory(c: Ref): MixedModel {
  if (!memory.has(c.id)) memory.set(c.id, glmer(c.formula, readCsv(`${fixtures}data/${c.data}`), { family: c.family as FamilyName, nAGQ: c.nAGQ }));
  return memory.get(c.id)!;
}

async function check(engine: SqlEngine, c: Ref, source: SqlSource): Promise<void> {
  const m = await glmerSql(engine, c.formula, source, { family: c.family, nAGQ: c.nAGQ });
  expect(m.nobs).toBe(c.nobs);
  // the corpus' comparison reads fitted values: the engine's first ones stand for them
  expectAgreesWithLme4({ ...m.fit, mu: Float64Array.from(m.fit.engineRows!.fittedHead), engineRows: undefined }, c, { stderr: c.id !== "seed_poisson" });
  const mem = inMemory(c);
  expect(Math.abs(m.objective - mem.objective)).toBeLessThan(1e-6 * Math.abs(mem.objective));
  expect(Math.abs(m.AIC - mem.AIC)).toBeLessThan(1e-6 * Math.abs(mem.AIC));
}

describe("glmerSql on DuckDB: the compressed fit is lme4's", () => {
  let duck: DuckDbEngine;
  beforeAll(async () => {
    duck = await DuckDbEngine.open();
  });
  afterAll(async () => duck.close());
  for (const c of cases) {
    it(c.id, async () => check(duck, c, await fileSource(duck, `${fixtures}data/${c.data}`)), 120_000);
  }
  it("stops at once when the frame does not compress enough, saying how many patterns", async () => {
    const src = await fileSource(duck, `${fixtures}data/VerbAgg.csv`);
    const run = glmerSql(duck, "r2 ~ Anger + Gender + (1 | id)", src, { family: "binomial", maxPatterns: 100 });
    await expect(run).rejects.toBeInstanceOf(TooManyPatternsError);
    await expect(run).rejects.toThrow(/compresses to \d+ distinct patterns/);
  });
});

describe("glmerSql on PostgreSQL: the compressed fit is lme4's", () => {
  let cluster: PgCluster | null = null;
  let pg: PostgresEngine;
  beforeAll(async () => {
    cluster = await startPgCluster();
    if (!cluster) throw new Error("no PostgreSQL server installed (apt-get install postgresql): the PostgreSQL tests cannot run");
    pg = await PostgresEngine.open(cluster.url);
  }, 120_000);
  afterAll(async () => {
    await pg?.close();
    cluster?.stop();
  });
  for (const c of cases) {
    it(c.id, async () => {
      const table = `t_${c.id}`;
      await loadCsvTable(pg, table, `${fixtures}data/${c.data}`);
      await check(pg, c, { relation: table });
    }, 300_000);
  }
});
