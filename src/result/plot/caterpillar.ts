/**
 * The caterpillar plot (lme4's dotplot(ranef(m, condVar = TRUE))): for one grouping factor, one
 * panel per random-effects column; each level's conditional mode with the interval
 * mode ± 1.96·(conditional SD), levels sorted by the first column's mode.
 */
import type { FittedModel } from "../../fit/fitted.js";
import { drawAxes, escapeXml, extent, num, svgDocument, sx, type PanelFrame } from "./svg.js";
import { MixedModelsError } from "../../errors.js";

export class PlotError extends MixedModelsError {
  constructor(message: string) {
    super(message);
    this.name = "PlotError";
  }
}

/** The distinct grouping factors with random effects, in the fit's order. */
export function groupNames(fit: FittedModel): string[] {
  return [...new Set(fit.matrices.reTerms.map((t) => t.group))];
}

export interface CaterpillarColumn {
  name: string;
  mode: Float64Array;
  sd: Float64Array;
}

/** Every column of every term on the group (e.g. `(Days || Subject)` has two terms). */
export function caterpillarData(fit: FittedModel, group: string): { levels: string[]; columns: CaterpillarColumn[] } {
  const terms = fit.matrices.reTerms.map((t, k) => ({ t, k })).filter(({ t }) => t.group === group);
  if (terms.length === 0) throw new PlotError(`no random effects for grouping factor '${group}'; the groups are ${groupNames(fit).join(", ")}`);
  const levels = terms[0].t.levels;
  const columns: CaterpillarColumn[] = [];
  for (const { t, k } of terms) {
    const p = t.columnNames.length;
    t.columnNames.forEach((name, j) => {
      columns.push({
        name,
        mode: Float64Array.from(levels, (_, l) => fit.ranef[k][l * p + j]),
        sd: Float64Array.from(levels, (_, l) => fit.condSD[k][l * p + j]),
      });
    });
  }
  return { levels, columns };
}

export function caterpillarSvg(fit: FittedModel, group: string, z = 1.96): string {
  const { levels, columns } = caterpillarData(fit, group);
  // Largest mode at the top, as lattice's dotplot draws sorted levels upwards.
  const order = levels.map((_, i) => i).sort((a, b) => columns[0].mode[b] - columns[0].mode[a]);
  const rowH = 14;
  const panelW = 240;
  const left = 70;
  const top = 30;
  const height = top + levels.length * rowH + 50;
  const parts: string[] = [];
  columns.forEach((c, ci) => {
    const lo = Array.from(c.mode, (m, i) => m - z * c.sd[i]);
    const hi = Array.from(c.mode, (m, i) => m + z * c.sd[i]);
    const frame: PanelFrame = { x: left + ci * (panelW + 30), y: top, width: panelW, height: levels.length * rowH, xDomain: extent([...lo, ...hi, 0]), yDomain: [0, 1] };
    parts.push(`<g class="caterpillar-panel" data-column="${escapeXml(c.name)}">`);
    parts.push(drawAxes(frame, { title: c.name, yCategories: ci === 0 ? order.map((i) => levels[i]) : order.map(() => "") }));
    const x0 = sx(frame, 0);
    parts.push(`<line x1="${num(x0)}" y1="${num(frame.y)}" x2="${num(x0)}" y2="${num(frame.y + frame.height)}" stroke="#bbb" stroke-dasharray="3,3"/>`);
    order.forEach((i, r) => {
      const y = frame.y + (r + 0.5) * rowH;
      parts.push(
        `<g class="interval" data-level="${escapeXml(levels[i])}"><line x1="${num(sx(frame, lo[i]))}" y1="${num(y)}" x2="${num(sx(frame, hi[i]))}" y2="${num(y)}" stroke="#1f77b4" stroke-width="1.5"/>` +
          `<circle cx="${num(sx(frame, c.mode[i]))}" cy="${num(y)}" r="2.5" fill="#1f77b4"/></g>`,
      );
    });
    parts.push("</g>");
  });
  const width = left + columns.length * (panelW + 30) + 10;
  return svgDocument(width, height, parts.join("\n"), `Conditional modes ± ${z}·SD: ${group}`);
}
