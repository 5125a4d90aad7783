/**
 * CSV files at the edges of read.csv (issue 11, item 9), each read as R 4's read.csv reads it
 * (test/fixtures/csv-edges/make.R writes the files and R's answers in expected.json), or — where
 * R errs, or reads the file but shifts or wraps its data without a word — refused with a message
 * that names the row.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModelError, parseCsv } from "../../src/model/index.js";
import type { Column } from "../../src/model/data.js";

interface RColumn {
  name: string;
  class: string;
  values: (number | string | null)[];
}
interface RRead {
  file: string;
  ok: boolean;
  error?: string;
  nrow?: number;
  columns?: RColumn[];
  silently_wrong?: string;
}

const dir = join(__dirname, "../fixtures/csv-edges");
const expected: RRead[] = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));

/** The rows our message must name where R errs or goes silently wrong. */
const namedRow: Record<string, RegExp> = {
  "row-names-duplicated.csv": /data rows 1 and 3 have the same row name 'a'/,
  "row-names-na.csv": /data row 1 has the row name NA/,
  "comma-decimal.csv": /data row 2 has 3 fields, but the header names 2 columns: '2,3,5'/,
  "trailing-comma.csv": /data row 2 has 3 fields, but the header names 2 columns: '2,3,'/,
  "ragged-late.csv": /data row 7 has 4 fields, but the header names 3 columns: '7,8,g,EXTRA'/,
  "ragged-two-extra.csv": /data row 1 has 5 fields, but the header names 3 columns/,
};

/** A column's values by row as R's data frame holds them (missing as null). */
function valuesOf(c: Column): (number | string | null)[] {
  if (c.kind === "numeric") return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]!));
}

describe("CSV files read as read.csv reads them", () => {
  for (const r of expected) {
    const text = readFileSync(join(dir, r.file), "utf8");
    if (r.ok && !r.silently_wrong) {
      it(`${r.file}: R's columns and values`, () => {
        const t = parseCsv(text);
        expect(t.n).toBe(r.nrow);
        expect(t.names).toEqual(r.columns!.map((c) => c.name));
        for (const c of r.columns!) {
          // R keeps a blank text cell as ""; this reader makes blank cells missing in every column
          // (test/model/data.test.ts), so R's "" is our missing value.
          const want = c.class === "character" ? c.values.map((v) => (v === "" ? null : v)) : c.values;
          expect(valuesOf(t.columns.get(c.name)!), c.name).toEqual(want);
        }
      });
    } else {
      it(`${r.file}: refused, naming the row (R: ${r.error ?? r.silently_wrong})`, () => {
        expect(() => parseCsv(text)).toThrow(ModelError);
        expect(() => parseCsv(text)).toThrow(namedRow[r.file]!);
      });
    }
  }
  it("every refusal above is one R makes or one where R's data would be wrong", () => {
    const refused = expected.filter((r) => !r.ok || r.silently_wrong).map((r) => r.file);
    expect(refused.sort()).toEqual(Object.keys(namedRow).sort());
  });
});
