/**
 * R's model.matrix coding rules: which columns a term contributes and what they are called.
 *
 * A factor F in term T is coded by treatment contrasts when T without F is "in the model" and by
 * indicators of all its levels otherwise. Exactly as R's TermCode (src/library/stats/src/model.c):
 * T \ F counts as present when it is empty (the intercept's place) or contained in a PRECEDING
 * term. Without an intercept, model.matrix then switches the first factor of the first term that
 * has one to indicators, so `0 + Machine` gets one column per level. Columns of an interaction are
 * the products of its variables' columns with the first variable varying fastest.
 */
import { ModelError } from "./errors.js";
import { orthogonalPolynomial } from "./poly.js";
import type { ColumnPiece, ColumnPlan } from "./plan.js";

/** What coding needs to know about a variable. */
export type VariableShape =
  | { type: "numeric" }
  | { type: "matrix"; columns: string[] }
  | { type: "factor"; levels: string[]; ordered?: boolean };

/** A term as a list of variable names in R's variable order, with its label. */
export interface CodedTerm {
  label: string;
  variables: string[];
}

type Code = "contrast" | "indicator";

/** Contrast/indicator code of each factor variable of each term (R's TermCode, then the no-intercept fix). */
export function factorCodes(
  terms: CodedTerm[],
  intercept: boolean,
  shapeOf: (v: string) => VariableShape,
): Map<string, Code>[] {
  const codes = terms.map((term, t) => {
    const m = new Map<string, Code>();
    for (const v of term.variables) {
      if (shapeOf(v).type !== "factor") continue;
      const rest = term.variables.filter((w) => w !== v);
      const present = rest.length === 0 || terms.slice(0, t).some((prev) => rest.every((w) => prev.variables.includes(w)));
      m.set(v, present ? "contrast" : "indicator");
    }
    return m;
  });
  if (!intercept) {
    for (let t = 0; t < terms.length; t++) {
      const first = terms[t]!.variables.find((v) => shapeOf(v).type === "factor");
      if (first !== undefined) {
        codes[t]!.set(first, "indicator");
        break;
      }
    }
  }
  return codes;
}

function piecesOf(v: string, shape: VariableShape, code: Code | undefined): { piece: ColumnPiece; name: string }[] {
  switch (shape.type) {
    case "numeric":
      return [{ piece: { coding: "numeric", variable: v }, name: v }];
    case "matrix":
      return shape.columns.map((suffix, column) => ({
        piece: { coding: "matrix", variable: v, column, suffix },
        name: v + suffix,
      }));
    case "factor": {
      const levels = shape.levels;
      if (code === "indicator") {
        return levels.map((level, levelIndex) => ({
          piece: { coding: "indicator", variable: v, level, levelIndex },
          name: v + level,
        }));
      }
      if (shape.ordered) return polyContrastPieces(v, levels);
      return levels.slice(1).map((level, k) => ({
        piece: { coding: "contrast", variable: v, level, levelIndex: k + 1, baseline: levels[0]! },
        name: v + level,
      }));
    }
  }
}

/** contr.poly's column names: .L, .Q, .C, then ^4, ^5, … */
function polySuffix(degree: number): string {
  return degree <= 3 ? [".L", ".Q", ".C"][degree - 1]! : `^${degree}`;
}

/**
 * R's contr.poly(k): the orthonormal polynomials of degrees 1 … k−1 in the scores 1 … k — exactly
 * poly(1:k, k − 1), whose three-term recurrence (Kennedy & Gentle 1980 §7.2) poly.ts implements.
 */
function polyContrastPieces(v: string, levels: string[]): { piece: ColumnPiece; name: string }[] {
  const k = levels.length;
  const { values } = orthogonalPolynomial(Float64Array.from({ length: k }, (_, i) => i + 1), k - 1, v);
  return Array.from({ length: k - 1 }, (_, d) => {
    const suffix = polySuffix(d + 1);
    const column = Array.from(values.subarray(d * k, (d + 1) * k));
    return { piece: { coding: "poly-contrast", variable: v, degree: d + 1, suffix, levels, values: column }, name: v + suffix };
  });
}

/** The columns of a model matrix `~ terms` (with or without intercept), in R's order and names. */
export function modelColumns(
  terms: CodedTerm[],
  intercept: boolean,
  shapeOf: (v: string) => VariableShape,
): ColumnPlan[] {
  for (const v of new Set(terms.flatMap((t) => t.variables))) {
    const shape = shapeOf(v);
    // R's model.matrix gives every factor contrasts first, which fails below two levels.
    if (shape.type === "factor" && shape.levels.length < 2) {
      throw new ModelError(
        `contrasts can be applied only to factors with 2 or more levels: '${v}' has only ${shape.levels.length === 1 ? `level '${shape.levels[0]}'` : "missing values"} in the rows used`,
        v,
      );
    }
  }
  const codes = factorCodes(terms, intercept, shapeOf);
  const columns: ColumnPlan[] = intercept ? [{ name: "(Intercept)", term: "(Intercept)", coding: "intercept", pieces: [] }] : [];
  terms.forEach((term, t) => {
    // Cartesian product, first variable fastest.
    let combos: { pieces: ColumnPiece[]; names: string[] }[] = [{ pieces: [], names: [] }];
    for (const v of term.variables) {
      const options = piecesOf(v, shapeOf(v), codes[t]!.get(v));
      const next: typeof combos = [];
      for (const o of options) for (const c of combos) next.push({ pieces: [...c.pieces, o.piece], names: [...c.names, o.name] });
      combos = next;
    }
    for (const c of combos) {
      const coding = c.pieces.length === 1 ? c.pieces[0]!.coding : "interaction";
      columns.push({ name: c.names.join(":"), term: term.label, coding, pieces: c.pieces });
    }
  });
  return columns;
}
