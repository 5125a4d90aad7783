/**
 * Properties: the plan does not depend on the order of the rows (levels are sorted, not taken in
 * order of appearance), the matrices are the same rows permuted, and the input is never modified.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel, type ModelMatrices } from "../../src/model/index.js";

interface Row {
  y: number;
  x: number | null;
  f: string;
  g: string;
  h: number;
}

const rowArb: fc.Arbitrary<Row> = fc.record({
  y: fc.double({ min: -100, max: 100, noNaN: true }),
  x: fc.option(fc.double({ min: 0.1, max: 50, noNaN: true }), { freq: 10 }),
  f: fc.constantFrom("lo", "mid", "Hi"),
  g: fc.constantFrom("s1", "s2", "s3", "s10", "S4"),
  h: fc.constantFrom(95, 308, 0.5, 12),
});

const rowsArb = fc.array(rowArb, { minLength: 12, maxLength: 40 });
const formula = "y ~ log(x) * f + factor(h) + (x | g) + (1 | g:f)";

function compileOrError(rows: Row[]): ModelMatrices | string {
  try {
    return compileModel(formula, rows as unknown as Record<string, unknown>[]);
  } catch (e) {
    return (e as Error).message;
  }
}

/** Row i of the result, keyed by the original row, as plain values. */
function rowsOf(m: ModelMatrices, original: number[]): Map<number, unknown> {
  const out = new Map<number, unknown>();
  for (let i = 0; i < m.n; i++) {
    out.set(original[i]!, {
      y: m.y[i],
      X: Array.from({ length: m.p }, (_, j) => m.X[j * m.n + i]),
      re: m.reTerms.map((t) => [t.levels[t.refs[i]!], Array.from(t.z.subarray(i * t.columnNames.length, (i + 1) * t.columnNames.length))]),
    });
  }
  return out;
}

describe("row order does not matter", () => {
  it("the same plan, and the same rows of y, X and Z", () => {
    fc.assert(
      fc.property(rowsArb, fc.infiniteStream(fc.nat()), (rows, seeds) => {
        // A permutation from the stream (Fisher–Yates).
        const perm = rows.map((_, i) => i);
        for (let i = perm.length - 1; i > 0; i--) {
          const j = seeds.next().value % (i + 1);
          [perm[i], perm[j]] = [perm[j]!, perm[i]!];
        }
        const shuffled = perm.map((k) => rows[k]!);
        const a = compileOrError(rows);
        const b = compileOrError(shuffled);
        if (typeof a === "string" || typeof b === "string") {
          expect(b).toEqual(a);
          return;
        }
        const { droppedRows: _da, ...rowsA } = a.plan.rows;
        const { droppedRows: _db, ...rowsB } = b.plan.rows;
        expect({ ...b.plan, rows: rowsB }).toEqual({ ...a.plan, rows: rowsA });
        expect(b.thetaNames).toEqual(a.thetaNames);
        expect(b.ngroups).toEqual(a.ngroups);
        if (a.droppedX.length === 0 && b.droppedX.length === 0) {
          const keptA = rows.map((_, i) => i).filter((i) => !a.plan.rows.droppedRows.includes(i));
          const keptB = perm.filter((_, i) => !b.plan.rows.droppedRows.includes(i));
          const ra = rowsOf(a, keptA);
          const rb = rowsOf(b, keptB);
          for (const [k, v] of ra) expect(rb.get(k)).toEqual(v);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("input is never modified", () => {
  it("records and column objects come back as they went in", () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const before = structuredClone(rows);
        compileOrError(rows);
        expect(rows).toEqual(before);
        const columns = {
          y: rows.map((r) => r.y),
          x: Float64Array.from(rows, (r) => r.x ?? NaN),
          f: rows.map((r) => r.f),
          g: rows.map((r) => r.g),
          h: rows.map((r) => r.h),
        };
        const colsBefore = structuredClone(columns);
        try {
          compileModel(formula, columns, { weights: columns.y.map(() => 1), offset: columns.y.map(() => 0) });
        } catch {
          // Errors are fine here; only mutation is not.
        }
        expect(columns).toEqual(colsBefore);
      }),
      { numRuns: 40 },
    );
  });
});
