/**
 * Column names from a CSV header as read.csv makes them (check.names = TRUE: R's make.names, then
 * make.unique), so that a formula written for R's data frame finds its columns. The expected
 * names are R 4's `names(read.csv(text = ...))` of the same header.
 */
import { describe, expect, it } from "vitest";
import { lmer, parseCsv } from "../../src/index.js";

describe("CSV header names", () => {
  it("are made syntactic and unique as read.csv does", () => {
    const t = parseCsv(",a,1b,my y,x-val,if,a,.2x,TRUE,Größe,_u\n1,2,3,4,5,6,7,8,9,10,11\n");
    expect(t.names).toEqual(["X", "a", "X1b", "my.y", "x.val", "if.", "a.1", "X.2x", "TRUE.", "Größe", "X_u"]);
  });
  it("are what a formula names (my.y, not `my y`)", () => {
    const rows = ["\"my y\",\"x-val\",\"grp id\""];
    for (let g = 0; g < 6; g++) for (let i = 0; i < 4; i++) rows.push(`${(g * 7 + i * 3) % 5 + i},${i},g${g}`);
    const m = lmer("my.y ~ x.val + (1 | grp.id)", parseCsv(rows.join("\n")));
    expect(Object.keys(m.fixef)).toEqual(["(Intercept)", "x.val"]);
    expect(m.ngroups).toEqual({ "grp.id": 6 });
    expect(() => lmer("`my y` ~ x.val + (1 | grp.id)", parseCsv(rows.join("\n")))).toThrow(/my\.y/);
  });
});
