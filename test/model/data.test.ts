/**
 * Data in: read.csv's column typing, R's labels for numbers, every accepted input shape (including
 * a real danfojs DataFrame) giving the same model, and the caller's data left untouched.
 */
import { join } from "node:path";
import * as dfd from "danfojs";
import { describe, expect, it } from "vitest";
import { compileModel, parseCsv, readCsv, toDataTable } from "../../src/model/index.js";
import { formatRNumber } from "../../src/rformat.js";

describe("formatRNumber prints as R's as.character", () => {
  // Pairs printed by R 4: as.character(x).
  const pairs: [number, string][] = [
    [0.5, "0.5"], [1e5, "1e+05"], [123456, "123456"], [1e-4, "1e-04"], [0.001, "0.001"],
    [0.1 + 0.2, "0.3"], [1e15, "1e+15"], [1e16, "1e+16"], [123456789012, "123456789012"],
    [-2.5, "-2.5"], [1 / 3, "0.333333333333333"], [2 ** 31, "2147483648"], [1234567.1, "1234567.1"],
    [0.00012345, "0.00012345"], [100000.1, "100000.1"], [3e10, "3e+10"], [308, "308"], [0, "0"],
  ];
  for (const [x, s] of pairs) it(`${x} → ${s}`, () => expect(formatRNumber(x)).toBe(s));
});

describe("CSV columns typed as read.csv types them", () => {
  it("quoted numbers are numbers; NA and blanks are missing; other text is a factor in code-point order", () => {
    const t = parseCsv('a,b,c,d\n"1",x,NA,1e3\n2,,3,\n" 3",B,,0x10\n');
    expect(t.names).toEqual(["a", "b", "c", "d"]);
    expect(t.columns.get("a")).toEqual({ kind: "numeric", values: Float64Array.from([1, 2, 3]) });
    expect(t.columns.get("c")).toEqual({ kind: "numeric", values: Float64Array.from([NaN, 3, NaN]) });
    expect(t.columns.get("d")).toEqual({ kind: "numeric", values: Float64Array.from([1000, NaN, 16]) });
    // R keeps "" as a level of a text column; here blank cells are missing everywhere.
    expect(t.columns.get("b")).toEqual({ kind: "factor", codes: Int32Array.from([1, -1, 0]), levels: ["B", "x"] });
  });

  it("T/F and TRUE/FALSE text is logical, coded as R codes a logical (xTRUE)", () => {
    const t = parseCsv("y,b,g\n1,T,a\n2,F,a\n3,TRUE,b\n4,false,b\n5,T,c\n6,F,c\n");
    expect(t.columns.get("b")).toEqual({ kind: "factor", codes: Int32Array.from([1, 0, 1, 0, 1, 0]), levels: ["FALSE", "TRUE"] });
    expect(compileModel("y ~ b + (1 | g)", t).xNames).toEqual(["(Intercept)", "bTRUE"]);
  });

  it("CRLF line ends and a byte-order mark", () => {
    const t = parseCsv('\uFEFFy,g\r\n1,a\r\n2,b\r\n');
    expect(t.n).toBe(2);
    expect(t.names).toEqual(["y", "g"]);
    expect(t.columns.get("g")).toEqual({ kind: "factor", codes: Int32Array.from([0, 1]), levels: ["a", "b"] });
  });

  it("a numeric column used as a grouping factor has levels in numeric order, labelled like R", () => {
    const d = { y: [1, 2, 3, 4, 5, 6, 7], g: [308, 95, 0.5, 1e5, 95, 308, 0.5] };
    const m = compileModel("y ~ 1 + (1 | g)", d);
    expect(m.reTerms[0]!.levels).toEqual(["0.5", "95", "308", "1e+05"]);
    expect(Array.from(m.reTerms[0]!.refs)).toEqual([2, 1, 0, 3, 1, 2, 0]);
    expect(compileModel("y ~ factor(g) + (1 | g)", d).xNames).toEqual([
      "(Intercept)", "factor(g)95", "factor(g)308", "factor(g)1e+05",
    ]);
  });

  it("reads the fixture files with lme4's row counts", () => {
    const t = readCsv(join(__dirname, "../fixtures/data/cbpp.csv"));
    expect(t.n).toBe(56);
    expect(t.columns.get("herd")!.kind).toBe("numeric");
    expect(t.columns.get("incidence")!.kind).toBe("numeric");
  });
});

describe("every input shape gives the same model", () => {
  const columns = {
    y: [3.1, 2.4, 5.6, 4.4, 6.1, 5.9, 7.7, 8.2],
    x: [1, 2, 3, 4, 5, 6, 7, 8],
    f: ["b", "a", "b", "a", "c", "c", "a", "b"],
    g: ["1", "1", "2", "2", "3", "3", "4", "4"],
  };
  const records = columns.y.map((_, i) => ({ y: columns.y[i], x: columns.x[i], f: columns.f[i], g: columns.g[i] }));
  const formula = "y ~ x + f + (1 | g)";
  const reference = compileModel(formula, columns);

  it("records", () => {
    const m = compileModel(formula, records);
    expect(m.xNames).toEqual(reference.xNames);
    expect(m.X).toEqual(reference.X);
    expect(m.y).toEqual(reference.y);
  });

  it("a danfojs DataFrame", () => {
    const df = new dfd.DataFrame(columns);
    const m = compileModel(formula, df);
    expect(m.xNames).toEqual(["(Intercept)", "x", "fb", "fc"]);
    expect(m.X).toEqual(reference.X);
    expect(m.reTerms[0]!.levels).toEqual(["1", "2", "3", "4"]);
    expect(toDataTable(df).names).toEqual(["y", "x", "f", "g"]);
  });

  it("a row-major object with .columns and .values (danfo's shape without .column())", () => {
    const like = { columns: Object.keys(columns), values: records.map((r) => Object.values(r)) };
    expect(compileModel(formula, like).X).toEqual(reference.X);
  });

  it("never modifies the caller's data", () => {
    const copy = JSON.parse(JSON.stringify(columns));
    const recCopy = JSON.parse(JSON.stringify(records));
    compileModel("log(y) ~ scale(x) + factor(g) + (x | f)", columns);
    compileModel("log(y) ~ scale(x) + factor(g) + (x | f)", records);
    expect(columns).toEqual(copy);
    expect(records).toEqual(recCopy);
  });
});
