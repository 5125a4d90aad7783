/** The CLI on data where they live: --sql (DuckDB), a Parquet file, --engine postgres://…, plan --sql, check --data. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { run as check } from "../../src/cli/check.js";
import { run as fit } from "../../src/cli/fit.js";
import { run as plan } from "../../src/cli/plan.js";
import { DuckDbEngine } from "../../src/sql/duckdb.js";
import { PostgresEngine } from "../../src/sql/postgres.js";
import { loadCsvTable } from "./load.js";
import { startPgCluster, type PgCluster } from "./pg-cluster.js";
import { captureOutput } from "../cli/capture.js";

const file = (name: string) => join(__dirname, "../fixtures/data", name);
const reference = (id: string) => require(join(__dirname, "../fixtures/reference", `${id}.json`));

const capture = captureOutput;

afterEach(() => vi.restoreAllMocks());

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mixed-models-cli-"));
  const duck = await DuckDbEngine.open();
  await duck.run(`COPY (SELECT * FROM read_csv('${file("cbpp.csv")}')) TO '${join(dir, "cbpp.parquet")}' (FORMAT parquet)`);
  await duck.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mixed-models fit with the data in an engine", () => {
  it("--sql on DuckDB: the in-memory fit's answer and summary", async () => {
    const io = capture();
    const sql = `SELECT * FROM read_csv('${file("sleepstudy.csv")}')`;
    expect(await fit(["--sql", sql, "Reaction ~ Days + (Days | Subject)", "--json"])).toBe(0);
    const j = JSON.parse(io.out());
    const ref = reference("sleepstudy_corr_reml");
    expect(j.engine).toBe("duckdb");
    expect(j.queries).toBeGreaterThan(3);
    expect(j.nobs).toBe(180);
    expect(Math.abs(j.objective - ref.objective)).toBeLessThan(1e-6);
    vi.restoreAllMocks();
    const io2 = capture();
    expect(await fit(["--sql", sql, "Reaction ~ Days + (Days | Subject)"])).toBe(0);
    const viaSql = io2.out();
    vi.restoreAllMocks();
    const io3 = capture();
    expect(await fit([file("sleepstudy.csv"), "Reaction ~ Days + (Days | Subject)"])).toBe(0);
    // the same summary but for the Data: line (a query has no file name)
    expect(viaSql.replace(/Data: .*\n/, "")).toBe(io3.out().replace(/Data: .*\n/, ""));
  }, 120_000);

  it("a Parquet file (binomial, compressed): lme4's answer", async () => {
    const io = capture();
    expect(await fit([join(dir, "cbpp.parquet"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "--family", "binomial", "--json"])).toBe(0);
    const j = JSON.parse(io.out());
    const ref = reference("cbpp_binomial");
    expect(j.engine).toBe("duckdb");
    expect(j.data).toBe("cbpp.parquet");
    expect(Math.abs(j.objective - ref.objective)).toBeLessThan(1e-3);
    for (const [k, v] of Object.entries(ref.fixef as Record<string, number>)) expect(Math.abs(j.fixef[k] - v)).toBeLessThan(0.01 * ref.stderr[k]);
  }, 120_000);

  it("--engine memory reads the Parquet file into memory and fits there", async () => {
    const io = capture();
    expect(await fit([join(dir, "cbpp.parquet"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "--family", "binomial", "--engine", "memory", "--json"])).toBe(0);
    const j = JSON.parse(io.out());
    expect(j.engine).toBe("memory");
    expect(Math.abs(j.objective - reference("cbpp_binomial").objective)).toBeLessThan(1e-3);
  }, 120_000);

  it("usage errors: an unknown engine, postgres without a query", async () => {
    const io = capture();
    expect(await fit(["--engine", "oracle", "--sql", "SELECT 1", "y ~ x + (1 | g)"])).toBe(2);
    expect(io.err()).toContain("unknown engine 'oracle'");
    expect(await fit([file("sleepstudy.csv"), "Reaction ~ Days + (1 | Subject)", "--engine", "postgres://nobody@127.0.0.1:1/x"])).toBe(1);
    expect(io.err()).toContain("needs --sql");
  });
});

describe("mixed-models plan and check with the data in an engine", () => {
  it("plan --sql prints the frame and the GROUP BY queries", async () => {
    const io = capture();
    expect(await plan([file("Penicillin.csv"), "diameter ~ 1 + (1 | plate) + (1 | sample)", "--engine", "duckdb", "--sql"])).toBe(0);
    const out = io.out();
    expect(out).toContain("-- the model frame");
    expect(out).toMatch(/GROUP BY g\d+, g\d+;/);
    // the frame, X'X, level₁, level₁ × level₂, level₂
    expect(out.match(/^SELECT /gm)!.length).toBe(5);
  }, 60_000);

  it("plan of a Parquet file describes the same plan as in memory", async () => {
    const io = capture();
    expect(await plan([join(dir, "cbpp.parquet"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "--family", "binomial"])).toBe(0);
    const viaEngine = io.out();
    vi.restoreAllMocks();
    const io2 = capture();
    expect(await plan([file("cbpp.csv"), "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "--family", "binomial"])).toBe(0);
    expect(viaEngine).toBe(io2.out());
  }, 60_000);

  it("check --data on a Parquet file names the unknown column", async () => {
    const io = capture();
    expect(await check(["incidense ~ period + (1 | herd)", "--data", join(dir, "cbpp.parquet")])).toBe(1);
    expect(io.out()).toContain("unknown column 'incidense'");
  }, 60_000);
});

describe("mixed-models fit --engine postgres://…", () => {
  let cluster: PgCluster | null = null;
  beforeAll(async () => {
    cluster = await startPgCluster();
    if (!cluster) throw new Error("no PostgreSQL server installed (apt-get install postgresql): the PostgreSQL tests cannot run");
    const pg = await PostgresEngine.open(cluster.url);
    await loadCsvTable(pg, "penicillin", file("Penicillin.csv"));
    await pg.close();
  }, 120_000);
  afterAll(() => cluster?.stop());
  it("fits the rows of a query on the server", async () => {
    const io = capture();
    expect(await fit(["--engine", cluster!.url, "--sql", "SELECT * FROM penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", "--json"])).toBe(0);
    const j = JSON.parse(io.out());
    expect(j.engine).toBe("postgres");
    expect(Math.abs(j.objective - reference("penicillin_crossed_reml").objective)).toBeLessThan(1e-6);
  }, 120_000);
});

describe("lmer(formula, { sql }) and glmer(formula, { sql, family })", () => {
  it("return a Promise of the same MixedModel", async () => {
    const { lmer, glmer } = await import("../../src/index.js");
    const m = await lmer("Reaction ~ Days + (Days | Subject)", { sql: `SELECT * FROM read_csv('${file("sleepstudy.csv")}')` });
    expect(Math.abs(m.objective - reference("sleepstudy_corr_reml").objective)).toBeLessThan(1e-6);
    expect(() => m.fitted).toThrow(/stayed in duckdb/);
    const g = await glmer("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", {
      sql: `SELECT * FROM '${join(dir, "cbpp.parquet")}'`, family: "binomial",
    });
    expect(Math.abs(g.objective - reference("cbpp_binomial").objective)).toBeLessThan(1e-3);
  }, 120_000);
});
