/** Test helper: a CSV fixture copied into a PostgreSQL table (typed as read.csv types it). */
import { readCsv } from "../../src/model/index.js";
import type { SqlEngine } from "../../src/sql/engine.js";
import { quoteIdent, quoteString } from "../../src/sql/engine.js";
import { sqlNumber } from "../../src/sql/expr.js";

export async function loadCsvTable(engine: SqlEngine, table: string, file: string): Promise<void> {
  const t = readCsv(file);
  const cols = t.names.map((n) => ({ n, c: t.columns.get(n)! }));
  await engine.query(`DROP TABLE IF EXISTS ${table}`);
  await engine.query(
    `CREATE TABLE ${table} (${cols.map(({ n, c }) => `${quoteIdent(n)} ${c.kind === "numeric" ? "DOUBLE PRECISION" : "VARCHAR"}`).join(", ")})`,
  );
  const cell = (c: (typeof cols)[number]["c"], i: number) => {
    if (c.kind === "numeric") return Number.isNaN(c.values[i]) ? "NULL" : sqlNumber(c.values[i]);
    return c.codes[i] < 0 ? "NULL" : quoteString(c.levels[c.codes[i]]);
  };
  for (let i0 = 0; i0 < t.n; i0 += 2000) {
    const rows: string[] = [];
    for (let i = i0; i < Math.min(t.n, i0 + 2000); i++) rows.push(`(${cols.map(({ c }) => cell(c, i)).join(", ")})`);
    await engine.query(`INSERT INTO ${table} VALUES ${rows.join(", ")}`);
  }
}
