/**
 * describePlan: the construction plan in words, for someone meeting mixed models for the first
 * time: what y is, how each column of X is made, what each random term adds to Z, and which θ
 * entry fills which place of each Λ block.
 */
import { explainCovariance } from "./covariance/index.js";
import type { ColumnPiece, ColumnPlan, ConstructionPlan, RandomTermPlan, VariablePlan } from "./plan.js";

function list(items: string[], max = 8): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max - 2).join(", ")}, …, ${items.slice(-2).join(", ")}`;
}

function pieceText(p: ColumnPiece): string {
  switch (p.coding) {
    case "numeric":
      return p.variable;
    case "matrix":
      return `column ${p.column + 1} of ${p.variable}`;
    case "contrast":
      return `[${p.variable} = ${p.level}]`;
    case "indicator":
      return `[${p.variable} = ${p.level}]`;
    case "poly-contrast":
      return `${p.variable}${p.suffix}`;
  }
}

function columnText(c: ColumnPlan): string {
  if (c.pieces.length === 0) return "1 in every row";
  const coding = c.pieces.flatMap((p) =>
    p.coding === "contrast"
      ? [`treatment contrast of ${p.variable}: ${p.level} vs baseline ${p.baseline}`]
      : p.coding === "indicator"
        ? [`indicator of ${p.variable} level ${p.level}`]
        : p.coding === "poly-contrast"
          ? [`polynomial contrast of degree ${p.degree} over the ordered levels of ${p.variable}, as contr.poly`]
          : [],
  );
  return c.pieces.map(pieceText).join(" × ") + (coding.length ? `   (${coding.join("; ")})` : "");
}

function table(rows: string[][], indent = "  "): string[] {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows.map((r) => indent + r.map((cell, j) => (j === r.length - 1 ? cell : cell.padEnd(widths[j]!))).join("  ").trimEnd());
}

function variableLine(v: VariablePlan): string[] {
  const what =
    v.type === "factor"
      ? `factor, ${v.levels!.length} level${v.levels!.length === 1 ? "" : "s"}: ${list(v.levels!)}`
      : v.type === "matrix"
        ? `matrix, ${v.columns!.length} columns`
        : "numeric";
  const roles = v.roles.join(", ") + (v.interactionOf ? ` (interaction of ${v.interactionOf.join(", ")})` : "");
  return [v.name, what, roles];
}

function responseText(plan: ConstructionPlan): string {
  const r = plan.response;
  switch (r.kind) {
    case "counts":
      return `${r.expression}: y = successes / (successes + failures); the number of trials becomes the prior weight`;
    case "binary-factor":
      return `${r.expression}: a factor; y = 0 for level ${r.failureLevel} (failure), 1 otherwise`;
    case "proportion":
      return `${r.expression}: proportions, with the prior weights as numbers of trials`;
    default:
      return `${r.expression} (numeric)`;
  }
}

/** A θ name written as its θk (`id.*·ρ` → `θ1·ρ`, `id.rho` read as ρ). */
function thetaText(t: RandomTermPlan, text: string): string {
  const [sd, ...rest] = text.split("·");
  const k = t.thetaOffset + t.covariance.parameterNames.indexOf(sd!);
  return [k >= t.thetaOffset ? `θ${k + 1}` : sd, ...rest].join("·");
}

function lambdaLines(t: RandomTermPlan): string[] {
  const p = t.lambda.size;
  const cell: string[][] = Array.from({ length: p }, () => Array<string>(p).fill("0"));
  // a nonlinear entry (cs, ar1) shows what it is: the sd's θ times the correlation factor's entry
  for (const e of t.lambda.entries) cell[e.row]![e.col] = e.thetaIndex >= 0 ? `θ${e.thetaIndex + 1}` : thetaText(t, e.thetaName);
  const w = Math.max(...cell.flat().map((s) => s.length));
  return cell.map((row) => `      [ ${row.map((s) => s.padStart(w)).join("  ")} ]`);
}

function randomLines(t: RandomTermPlan, k: number): string[] {
  const p = t.columns.length;
  const out = [
    `  ${k + 1}. ${t.expanded}${t.expanded.replace(/ /g, "") === t.source.replace(/ /g, "") ? "" : `   (from ${t.source})`}   grouping factor ${t.group}, ${t.levels.length} levels`,
    `     columns per level: ${t.columns.map((c) => c.name).join(", ")}  → adds ${t.levels.length} × ${p} = ${t.levels.length * p} columns to Z`,
  ];
  for (const c of t.columns) {
    const text = columnText(c);
    if (c.pieces.length > 0 && text !== c.name) out.push(`       ${c.name} = ${text}`);
  }
  const structured = t.covariance.structure === "cs" || t.covariance.structure === "ar1";
  if (t.source.replace(/ /g, "").match(/^(us|diag|cs|ar1)\(/)) {
    out.push(...explainCovariance(t.covariance.structure, t.covariance.hom, t.group).map((l) => `     ${l}`));
  }
  out.push(
    `     Λ block ${p} × ${p}, ${p === 1 ? "a single θ" : t.correlated ? "lower-triangular (correlated effects)" : "diagonal (independent effects)"}, repeated for each level; θ${t.thetaOffset + 1}${t.thetaCount > 1 ? `..θ${t.thetaOffset + t.thetaCount}` : ""}:`,
    ...lambdaLines(t),
  );
  if (structured && p > 1) {
    out.push(
      `     ρ = θ${t.thetaOffset + t.thetaCount}; row i of Λ is the column's sd θ times row i of the Cholesky factor of the correlation matrix` +
        (t.covariance.structure === "cs" ? " (S_j = Σ_{k<j} c_k², c_j = (ρ − S_j)/√(1 − S_j))" : ""),
    );
  }
  if (t.varCorrName !== t.group) out.push(`     (VarCorr calls this term ${t.varCorrName})`);
  return out;
}

/** A multi-line description of the plan. */
export function describePlan(plan: ConstructionPlan, droppedX: string[] = []): string {
  const L: string[] = [];
  L.push(`Model: ${plan.formula}`);
  L.push(`Family: ${plan.family}`);
  const gaussian = plan.family.toLowerCase() === "gaussian";
  L.push(
    gaussian
      ? "Structure: y = offset + Xβ + Zb + ε, b = Λ(θ)u, u ~ N(0, σ²I), ε ~ N(0, σ²W⁻¹), W = weights  (JSS 2015 eqs. 1–4)"
      : "Structure: link(E[y | b]) = offset + Xβ + Zb, b = Λ(θ)u, u ~ N(0, I)  (lme4 glmer; b = Λu as JSS 2015 eq. 4)",
  );
  const r = plan.rows;
  L.push(
    `Rows: ${r.used} of ${r.total} used` +
      (r.dropped - (r.zeroWeight ?? 0) > 0
        ? `; ${r.dropped - (r.zeroWeight ?? 0)} dropped for missing values (${Object.entries(r.missingBy).map(([v, n]) => `${v}: ${n}`).join(", ")})`
        : "") +
      (r.zeroWeight ? `; ${r.zeroWeight} left out for prior weight 0` : ""),
  );
  L.push("", `Response: ${responseText(plan)}`);
  L.push(`Prior weights: ${plan.weights.source === "none" ? "none (all 1)" : plan.weights.source === "column" ? `column ${plan.weights.column}` : "given vector"}`);
  const offs = [...plan.offset.terms, ...(plan.offset.vector ? ["given vector"] : [])];
  L.push(`Offset: ${offs.length ? offs.join(" + ") : "none"}`);

  L.push("", "Variables (model frame):");
  L.push(...table([["name", "type", "used as"], ...plan.variables.map(variableLine)]));

  const cols = plan.fixed.columns;
  L.push("", `Fixed effects: X is ${r.used} × ${cols.length - droppedX.length}${plan.fixed.intercept ? "" : " (no intercept)"}`);
  L.push(
    ...table([
      ["#", "column", "term", "value in each row"],
      ...cols.map((c, j) => [String(j + 1), c.name + (droppedX.includes(c.name) ? " (dropped: rank deficient)" : ""), c.term, columnText(c)]),
    ]),
  );

  if (plan.random.length > 0) {
    const q = plan.random.reduce((s, t) => s + t.levels.length * t.columns.length, 0);
    L.push("", `Random effects: Z is ${r.used} × ${q}, in lme4's order (most levels first)`);
    plan.random.forEach((t, k) => L.push(...randomLines(t, k)));
    const bounded = plan.theta.upper.some(Number.isFinite);
    L.push("", `Covariance parameters θ (${plan.theta.names.length}; start 1 on diagonals, 0 elsewhere; lower bound 0 on diagonals${bounded ? "; correlations ρ within their bounds" : ""}):`);
    L.push(
      ...table([
        ["θ", "name", "start", "lower", ...(bounded ? ["upper"] : [])],
        ...plan.theta.names.map((nm, k) => [
          `θ${k + 1}`, nm, String(plan.theta.start[k]), String(plan.theta.lower[k]), ...(bounded ? [String(plan.theta.upper[k])] : []),
        ]),
      ]),
    );
    L.push("", `Groups: ${Object.entries(plan.ngroups).map(([g, n]) => `${g} ${n}`).join(", ")}`);
  } else {
    L.push("", "Random effects: none");
  }
  return L.join("\n");
}
