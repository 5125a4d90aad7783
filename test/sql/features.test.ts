/**
 * The SQL path's model frame beyond plain columns, against the in-memory fit on the same rows:
 * prior weights, offset(), scale(), factor() of a number, missing values (na.omit) and a
 * rank-deficient X; poly() refused with a clear error.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lmer, readCsv } from "../../src/index.js";
import type { DataTable } from "../../src/model/data.js";
import type { MixedModel } from "../../src/result/model.js";
import { DuckDbEngine } from "../../src/sql/duckdb.js";
import { lmerSql } from "../../src/sql/fit.js";
import { querySource } from "../../src/sql/source.js";

const csv = fileURLToPath(new URL("../fixtures/data/sleepstudy.csv", import.meta.url));
// the same derived columns in SQL and in memory: a weight, a missing response, a copy of Days
const query = `SELECT Subject, Days, CASE WHEN Subject = 308 AND Days = 3 THEN NULL ELSE Reaction END AS Reaction, ` +
  `1 + (Days % 3) AS w, 2 * Days AS Days2 FROM read_csv('${csv}')`;
function records(): Record<string, unknown>[] {
  const t = readCsv(csv) as DataTable;
  const col = (n: string) => t.columns.get(n) as { values: Float64Array };
  return Array.from({ length: t.n }, (_, i) => {
    const s = col("Subject").values[i], d = col("Days").values[i];
    return { Subject: s, Days: d, Reaction: s === 308 && d === 3 ? null : col("Reaction").values[i], w: 1 + (d % 3), Days2: 2 * d };
  });
}

function expectSame(sql: MixedModel, mem: MixedModel): void {
  expect(Math.abs(sql.objective - mem.objective) / Math.abs(mem.objective)).toBeLessThan(1e-9);
  expect(Object.keys(sql.fixef)).toEqual(Object.keys(mem.fixef));
  for (const [k, v] of Object.entries(mem.fixef)) expect(Math.abs(sql.fixef[k] - v)).toBeLessThan(1e-7 * Math.max(1, Math.abs(v)));
  mem.theta.forEach((t, k) => expect(Math.abs(sql.theta[k] - t)).toBeLessThan(1e-7 * Math.max(1, Math.abs(t))));
  expect(sql.nobs).toBe(mem.nobs);
  expect(sql.summary()).toBe(mem.summary());
  expect(sql.messages).toEqual(mem.messages);
}

describe("the SQL model frame equals the in-memory one", () => {
  let duck: DuckDbEngine;
  beforeAll(async () => {
    duck = await DuckDbEngine.open();
  });
  afterAll(async () => duck.close());
  const cases: [string, string, { weights?: string }][] = [
    ["prior weights", "Reaction ~ Days + (Days | Subject)", { weights: "w" }],
    ["offset()", "Reaction ~ Days + offset(Days / 2) + (1 | Subject)", {}],
    ["scale()", "Reaction ~ scale(Days) + (1 | Subject)", {}],
    ["factor() of a number", "Reaction ~ factor(Days) + (1 | Subject)", {}],
    ["log() and I()", "log(Reaction) ~ I(Days^2) + Days + (1 | Subject)", {}],
    ["a rank-deficient X (Days2 = 2 Days is dropped)", "Reaction ~ Days + Days2 + (1 | Subject)", {}],
  ];
  for (const [name, formula, opts] of cases) {
    it(name, async () => {
      const sql = await lmerSql(duck, formula, querySource(query), { ...opts, dataName: "d" });
      const mem = lmer(formula, records(), { ...opts, dataName: "d" });
      expectSame(sql, mem);
    }, 60_000);
  }
  it("poly() is refused, naming it", async () => {
    await expect(lmerSql(duck, "Reaction ~ poly(Days, 2) + (1 | Subject)", querySource(query))).rejects.toThrow(/poly\(Days, 2\)/);
  });
});
