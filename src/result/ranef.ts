/**
 * Conditional modes as lme4's ranef(m, condVar = TRUE) gives them: one table per grouping factor,
 * several terms on the same factor (as from `(Days || Subject)`) merged into one table.
 */
import type { ReMat } from "../model/matrices.js";

export interface RanefTable {
  levels: string[];
  /** Per column name, the conditional mode of each level. */
  modes: Record<string, number[]>;
  /** Per column name, the conditional standard deviation of each level. */
  condSD: Record<string, number[]>;
}

/** Column j of a level-major (level l, column j at l·p + j) block. */
function column(values: Float64Array, p: number, j: number, nLevels: number): number[] {
  return Array.from({ length: nLevels }, (_, l) => values[l * p + j]);
}

export function ranefTables(
  terms: ReMat[],
  modes: Float64Array[],
  condSD: Float64Array[],
): Record<string, RanefTable> {
  const out: Record<string, RanefTable> = {};
  terms.forEach((term, t) => {
    const table = (out[term.group] ??= { levels: term.levels.slice(), modes: {}, condSD: {} });
    const p = term.columnNames.length;
    term.columnNames.forEach((name, j) => {
      table.modes[name] = column(modes[t], p, j, term.levels.length);
      table.condSD[name] = column(condSD[t], p, j, term.levels.length);
    });
  });
  return out;
}
