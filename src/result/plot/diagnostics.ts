/**
 * Residual diagnostics, as lme4's plot methods and base R's plot.lm draw them:
 *  - residuals against fitted values (lme4's plot(m));
 *  - the normal Q–Q plot of the standardized residuals (lattice's qqmath(m)) with R's qqline
 *    through the quartiles;
 *  - scale–location: √|standardized residual| against fitted values (plot.lm's third panel);
 *  - the normal Q–Q plot of the conditional modes (lattice's qqmath(ranef(m))).
 * Standardized residuals are Pearson residuals over σ (lme4's residuals(m, "pearson") / sigma(m)).
 * Every scatter goes through scatterLayer, which bins past a few thousand points.
 */
import { familyOfFit } from "../../fit/family/index.js";
import type { FittedModel } from "../../fit/fitted.js";
import { qnorm } from "../confint/distributions.js";
import { computeResiduals } from "../residuals.js";
import { caterpillarData } from "./caterpillar.js";
import { countLegend, POINTS_MAX, scatterLayer } from "./scatter.js";
import { drawAxes, escapeXml, extent, num, svgDocument, sx, sy, type PanelFrame } from "./svg.js";

/** R's ppoints(n): (i − a)/(n + 1 − 2a), a = 3/8 for n ≤ 10, else 1/2. */
export function ppoints(n: number): Float64Array {
  const a = n <= 10 ? 3 / 8 : 1 / 2;
  return Float64Array.from({ length: n }, (_, i) => (i + 1 - a) / (n + 1 - 2 * a));
}

const isLinear = (fit: FittedModel) => fit.isLmm;

function residualsOf(fit: FittedModel, type: "response" | "pearson"): Float64Array {
  const m = fit.matrices;
  return computeResiduals({ family: familyOfFit(fit), y: m.y, mu: fit.mu, eta: fit.eta, weights: m.weights }, type);
}

/** Pearson residuals / σ. */
function standardized(fit: FittedModel): Float64Array {
  const r = residualsOf(fit, "pearson");
  return r.map((v) => v / fit.sigma);
}

function horizontalLine(frame: PanelFrame, y: number): string {
  const py = sy(frame, y);
  return `<line x1="${num(frame.x)}" y1="${num(py)}" x2="${num(frame.x + frame.width)}" y2="${num(py)}" stroke="#999" stroke-dasharray="3,3"/>`;
}

/** One panel of a scatter against the fitted values, binned past POINTS_MAX points. */
function fittedScatter(fit: FittedModel, ys: Float64Array, title: string, yLabel: string, zeroLine: boolean): string {
  const f = fit.mu;
  const frame: PanelFrame = { x: 70, y: 40, width: 420, height: 320, xDomain: extent(f), yDomain: extent(zeroLine ? [...ys, 0] : [...ys, 0]) };
  const layer = scatterLayer(frame, f, ys);
  const n = f.length;
  const parts = [layer.svg, drawAxes(frame, { xLabel: "Fitted values", yLabel })];
  if (zeroLine) parts.push(horizontalLine(frame, 0));
  if (layer.binned) parts.push(countLegend(frame, layer.maxCount));
  parts.push(caption(frame, `n = ${n}${layer.binned ? `, binned (more than ${POINTS_MAX} points)` : ""}`));
  return svgDocument(layer.binned ? 600 : 520, 410, parts.join("\n"), title);
}

function caption(frame: PanelFrame, text: string): string {
  return `<text class="caption" x="${num(frame.x + frame.width)}" y="${num(frame.y + frame.height + 44)}" font-size="9" text-anchor="end" fill="#555">${escapeXml(text)}</text>`;
}

export function residualsSvg(fit: FittedModel): string {
  const glmm = !isLinear(fit);
  const r = residualsOf(fit, glmm ? "pearson" : "response");
  return fittedScatter(fit, r, "Residuals vs fitted", glmm ? "Pearson residuals" : "Residuals", true);
}

export function scaleLocationSvg(fit: FittedModel): string {
  const s = standardized(fit).map((v) => Math.sqrt(Math.abs(v)));
  return fittedScatter(fit, s, "Scale-location", "√|standardized residuals|", false);
}

/** Sorted values at `k` evenly spaced ranks (first and last included): the Q–Q curve's shape at any n. */
function thinnedRanks(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, j) => Math.round((j * (n - 1)) / (k - 1)));
}

/** R's quantile(x, p, type = 7) of sorted x. */
function quantile7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

/** Normal Q–Q of the standardized residuals; past POINTS_MAX, 1000 evenly spaced order statistics. */
export function residualQqSvg(fit: FittedModel): string {
  const sorted = standardized(fit).filter(Number.isFinite).sort();
  const n = sorted.length;
  const p = ppoints(n);
  const ranks = thinnedRanks(n, n > POINTS_MAX ? 1000 : n);
  const q = ranks.map((i) => qnorm(p[i]!));
  const v = ranks.map((i) => sorted[i]!);
  const frame: PanelFrame = { x: 70, y: 40, width: 420, height: 320, xDomain: extent(q), yDomain: extent(v) };
  const parts = [drawAxes(frame, { xLabel: "Standard normal quantiles", yLabel: "Standardized residuals" })];
  // qqline: through the first and third quartiles of sample and normal.
  const [q1, q3] = [qnorm(0.25), qnorm(0.75)];
  const slope = (quantile7(sorted, 0.75) - quantile7(sorted, 0.25)) / (q3 - q1);
  const intercept = quantile7(sorted, 0.25) - slope * q1;
  const [x0, x1] = frame.xDomain;
  parts.push(clippedLine(frame, x0, intercept + slope * x0, x1, intercept + slope * x1));
  q.forEach((x, i) => parts.push(`<circle class="point" cx="${num(sx(frame, x))}" cy="${num(sy(frame, v[i]!))}" r="2" fill="none" stroke="#1f77b4"/>`));
  parts.push(caption(frame, `n = ${n}${ranks.length < n ? `, ${ranks.length} evenly spaced order statistics drawn` : ""}; line through the quartiles`));
  return svgDocument(520, 410, parts.join("\n"), "Normal Q-Q plot of the residuals");
}

/** A line clipped to the panel's y range (so a steep qqline does not leave the frame). */
function clippedLine(frame: PanelFrame, xa: number, ya: number, xb: number, yb: number): string {
  const [lo, hi] = frame.yDomain;
  const clip = (x: number, y: number, xo: number, yo: number): [number, number] => {
    if (y >= lo && y <= hi) return [x, y];
    const target = y < lo ? lo : hi;
    return [x + ((target - y) / (yo - y)) * (xo - x), target];
  };
  const [cxa, cya] = clip(xa, ya, xb, yb);
  const [cxb, cyb] = clip(xb, yb, xa, ya);
  return `<line class="reference" x1="${num(sx(frame, cxa))}" y1="${num(sy(frame, cya))}" x2="${num(sx(frame, cxb))}" y2="${num(sy(frame, cyb))}" stroke="#d62728"/>`;
}

/** Normal Q–Q of the conditional modes of one grouping factor: one panel per column. */
export function ranefQqSvg(fit: FittedModel, group: string): string {
  const { levels, columns } = caterpillarData(fit, group);
  const q = Float64Array.from(ppoints(levels.length), qnorm);
  const panelW = 240;
  const parts: string[] = [];
  columns.forEach((c, ci) => {
    const sorted = Float64Array.from(c.mode).sort();
    const frame: PanelFrame = { x: 70 + ci * (panelW + 60), y: 50, width: panelW, height: 240, xDomain: extent(q), yDomain: extent(sorted) };
    parts.push(`<g class="qq-panel" data-column="${escapeXml(c.name)}">`);
    parts.push(drawAxes(frame, { title: `${group}: ${c.name}`, xLabel: "Standard normal quantiles", yLabel: ci === 0 ? "Conditional modes" : undefined }));
    sorted.forEach((v, i) => parts.push(`<circle class="point" cx="${num(sx(frame, q[i]!))}" cy="${num(sy(frame, v))}" r="2.5" fill="#1f77b4"/>`));
    parts.push("</g>");
  });
  return svgDocument(70 + columns.length * (panelW + 60), 344, parts.join("\n"), `Normal Q-Q plot of the conditional modes: ${group}`);
}
