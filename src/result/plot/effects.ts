/**
 * The fixed-effects plot: each coefficient β̂_j with its Wald interval β̂_j ± z·SE_j (SE from the
 * diagonal of vcov, as lme4's confint(m, method = "Wald")), one row per term, a dashed line at
 * zero (the "coefficient plot" of sjPlot::plot_model / dotwhisker). The intercept is shown in a
 * panel of its own when there are other terms, because its scale usually differs from theirs.
 */
import type { FittedModel } from "../../fit/fitted.js";
import { qnorm } from "../confint/distributions.js";
import { drawAxes, escapeXml, extent, num, svgDocument, sx, type PanelFrame } from "./svg.js";

export interface EffectRow {
  name: string;
  estimate: number;
  lower: number;
  upper: number;
}

export function effectRows(fit: FittedModel, level = 0.95): EffectRow[] {
  const z = qnorm((1 + level) / 2);
  const p = fit.beta.length;
  return fit.matrices.xNames.map((name, j) => {
    const se = Math.sqrt(fit.vcov[j * p + j]!);
    return { name, estimate: fit.beta[j]!, lower: fit.beta[j]! - z * se, upper: fit.beta[j]! + z * se };
  });
}

function panel(rows: EffectRow[], frame: PanelFrame, title: string | undefined, xLabel: string): string {
  const parts = [`<g class="effects-panel">`, drawAxes(frame, { title, xLabel, yCategories: rows.map((r) => r.name) })];
  if (frame.xDomain[0] < 0 && frame.xDomain[1] > 0) {
    const x0 = sx(frame, 0);
    parts.push(`<line x1="${num(x0)}" y1="${num(frame.y)}" x2="${num(x0)}" y2="${num(frame.y + frame.height)}" stroke="#999" stroke-dasharray="3,3"/>`);
  }
  const rowH = frame.height / rows.length;
  rows.forEach((r, i) => {
    const y = frame.y + (i + 0.5) * rowH;
    parts.push(
      `<g class="effect" data-term="${escapeXml(r.name)}"><line x1="${num(sx(frame, r.lower))}" y1="${num(y)}" x2="${num(sx(frame, r.upper))}" y2="${num(y)}" stroke="#1f77b4" stroke-width="2"/>` +
        `<circle cx="${num(sx(frame, r.estimate))}" cy="${num(y)}" r="3.5" fill="#1f77b4"/></g>`,
    );
  });
  parts.push("</g>");
  return parts.join("\n");
}

export function effectsSvg(fit: FittedModel, level = 0.95): string {
  const rows = effectRows(fit, level);
  const intercept = rows.filter((r) => r.name === "(Intercept)");
  const others = rows.filter((r) => r.name !== "(Intercept)");
  const groups = others.length > 0 && intercept.length > 0 ? [intercept, others] : [rows];
  const left = 20 + 6.2 * Math.max(8, ...rows.map((r) => Math.min(r.name.length, 30)));
  const scale = fit.family === "gaussian" && fit.link === "identity" ? "Estimate" : `Estimate (${fit.link} scale)`;
  const xLabel = `${scale} with ${Math.round(level * 100)}% Wald interval`;
  let y = 44;
  const parts: string[] = [];
  for (const g of groups) {
    const height = Math.max(24, g.length * 22);
    const frame: PanelFrame = { x: left, y, width: 380, height, xDomain: extent([...g.flatMap((r) => [r.lower, r.upper]), ...(groups.length > 1 && g !== intercept ? [0] : [])]), yDomain: [0, 1] };
    parts.push(panel(g, frame, undefined, xLabel));
    y += height + 58;
  }
  return svgDocument(left + 400, y - 10, parts.join("\n"), "Fixed effects");
}
