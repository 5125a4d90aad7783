/**
 * readData (DuckDB's reader) types a CSV as readCsv (read.csv) does: numeric columns are numbers,
 * everything else a factor with levels in code-point order, NA and empty cells missing — also when
 * a column looks numeric in DuckDB's sample and holds text further down (the full typing's
 * fallback).
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readCsv } from "../../src/index.js";
import type { DataTable } from "../../src/model/data.js";
import { readData } from "../../src/sql/read.js";

const data = fileURLToPath(new URL("../fixtures/data/", import.meta.url));

function expectSameTable(a: DataTable, b: DataTable): void {
  expect(a.n).toBe(b.n);
  expect(a.names).toEqual(b.names);
  for (const name of b.names) {
    const x = a.columns.get(name)!;
    const y = b.columns.get(name)!;
    expect(x.kind, name).toBe(y.kind);
    if (x.kind === "numeric" && y.kind === "numeric") expect(Array.from(x.values), name).toEqual(Array.from(y.values));
    if (x.kind === "factor" && y.kind === "factor") {
      expect(x.levels, name).toEqual(y.levels);
      expect(Array.from(x.codes), name).toEqual(Array.from(y.codes));
    }
  }
}

describe("readData reads as read.csv", () => {
  const files = readdirSync(data).filter((f) => f.endsWith(".csv")).slice(0, 12);
  for (const f of files) {
    it(f, async () => expectSameTable(await readData(join(data, f)), readCsv(join(data, f))), 60_000);
  }

  it("a column numeric in DuckDB's sample with text past it is a factor; NA and empty cells are missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mm-read-"));
    const file = join(dir, "late-text.csv");
    const rows = ["a,b,c"];
    for (let i = 0; i < 30000; i++) rows.push(`${i % 7},${i % 3 === 0 ? "NA" : i / 4},${i % 5 === 0 ? "" : `k${i % 11}`}`);
    rows.push("oops,1.5,k1");
    writeFileSync(file, rows.join("\n") + "\n");
    const d = await readData(file);
    expectSameTable(d, readCsv(file));
    expect(d.columns.get("a")!.kind).toBe("factor");
    expect(d.columns.get("b")!.kind).toBe("numeric");
  }, 60_000);
});
