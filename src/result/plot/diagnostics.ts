/**
 * Residuals against fitted values (lme4's plot(m)), and the normal Q–Q plot of the conditional
 * modes (lattice::qqmath(ranef(m))): sorted modes against qnorm(ppoints(n)).
 */
import { familyOfFit } from "../../fit/family/index.js";
import type { FittedModel } from "../../fit/fitted.js";
import { qnorm } from "../confint/distributions.js";
import { computeResiduals } from "../residuals.js";
import { caterpillarData } from "./caterpillar.js";
import { drawAxes, escapeXml, extent, num, svgDocument, sx, sy, type PanelFrame } from "./svg.js";

/** R's ppoints(n): (i − a)/(n + 1 − 2a), a = 3/8 for n ≤ 10, else 1/2. */
export function ppoints(n: number): Float64Array {
  const a = n <= 10 ? 3 / 8 : 1 / 2;
  return Float64Array.from({ length: n }, (_, i) => (i + 1 - a) / (n + 1 - 2 * a));
}

export function residualsSvg(fit: FittedModel): string {
  const m = fit.matrices;
  const glmm = !fit.isLmm;
  const type = glmm ? "pearson" : "response";
  const r = computeResiduals({ family: familyOfFit(fit), y: m.y, mu: fit.mu, eta: fit.eta, weights: m.weights }, type);
  const f = fit.mu;
  const frame: PanelFrame = { x: 70, y: 30, width: 420, height: 320, xDomain: extent(f), yDomain: extent([...r, 0]) };
  const parts = [drawAxes(frame, { title: "Residuals vs fitted", xLabel: "Fitted values", yLabel: glmm ? "Pearson residuals" : "Residuals" })];
  const y0 = sy(frame, 0);
  parts.push(`<line x1="${num(frame.x)}" y1="${num(y0)}" x2="${num(frame.x + frame.width)}" y2="${num(y0)}" stroke="#bbb" stroke-dasharray="3,3"/>`);
  for (let i = 0; i < f.length; i++) parts.push(`<circle class="point" cx="${num(sx(frame, f[i]))}" cy="${num(sy(frame, r[i]))}" r="2" fill="none" stroke="#1f77b4"/>`);
  return svgDocument(540, 400, parts.join("\n"), "Residuals vs fitted values");
}

export function qqSvg(fit: FittedModel, group: string): string {
  const { levels, columns } = caterpillarData(fit, group);
  const q = Float64Array.from(ppoints(levels.length), qnorm);
  const panelW = 240;
  const parts: string[] = [];
  columns.forEach((c, ci) => {
    const sorted = Float64Array.from(c.mode).sort();
    const frame: PanelFrame = { x: 70 + ci * (panelW + 60), y: 30, width: panelW, height: 240, xDomain: extent(q), yDomain: extent(sorted) };
    parts.push(`<g class="qq-panel" data-column="${escapeXml(c.name)}">`);
    parts.push(drawAxes(frame, { title: `${group}: ${c.name}`, xLabel: "Standard normal quantiles", yLabel: ci === 0 ? "Conditional modes" : undefined }));
    sorted.forEach((v, i) => parts.push(`<circle class="point" cx="${num(sx(frame, q[i]))}" cy="${num(sy(frame, v))}" r="2.5" fill="#1f77b4"/>`));
    parts.push("</g>");
  });
  return svgDocument(70 + columns.length * (panelW + 60), 320, parts.join("\n"), `Normal Q-Q plot of the conditional modes: ${group}`);
}
