/**
 * Minimal SVG drawing for the diagnostic plots: panels with linear scales, "nice" axis ticks
 * (Heckbert 1990, "Nice numbers for graph labels"), and text escaped for XML. Hand-written SVG
 * keeps the plots dependency-free and deterministic (same input, same bytes).
 */

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Numbers in SVG attributes: at most 2 decimals, no "-0". */
export function num(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

function niceNumber(x: number, round: boolean): number {
  const e = Math.floor(Math.log10(x));
  const f = x / 10 ** e;
  const nf = round ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * 10 ** e;
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  const range = niceNumber(hi - lo, false);
  const step = niceNumber(range / Math.max(1, count - 1), true);
  const start = Math.ceil(lo / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** [lo, hi] of finite values, padded by 4% each side (R's default axis extension). */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  const pad = 0.04 * (hi - lo);
  return [lo - pad, hi + pad];
}

export interface PanelFrame {
  x: number;
  y: number;
  width: number;
  height: number;
  xDomain: [number, number];
  yDomain: [number, number];
}

export const sx = (p: PanelFrame, v: number) => p.x + ((v - p.xDomain[0]) / (p.xDomain[1] - p.xDomain[0])) * p.width;
export const sy = (p: PanelFrame, v: number) => p.y + p.height - ((v - p.yDomain[0]) / (p.yDomain[1] - p.yDomain[0])) * p.height;

function tickLabel(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** Frame, ticks and labels of a panel; `yLabels` replaces the numeric y axis by category labels. */
export function drawAxes(p: PanelFrame, options: { title?: string; xLabel?: string; yLabel?: string; yCategories?: string[] } = {}): string {
  const parts: string[] = [];
  parts.push(`<rect class="panel" x="${num(p.x)}" y="${num(p.y)}" width="${num(p.width)}" height="${num(p.height)}" fill="none" stroke="#444"/>`);
  for (const t of niceTicks(p.xDomain[0], p.xDomain[1])) {
    if (t < p.xDomain[0] || t > p.xDomain[1]) continue;
    const x = sx(p, t);
    parts.push(`<line x1="${num(x)}" y1="${num(p.y + p.height)}" x2="${num(x)}" y2="${num(p.y + p.height + 4)}" stroke="#444"/>`);
    parts.push(`<text x="${num(x)}" y="${num(p.y + p.height + 15)}" font-size="10" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  if (options.yCategories) {
    const k = options.yCategories.length;
    options.yCategories.forEach((label, i) => {
      const y = p.y + ((i + 0.5) / k) * p.height;
      parts.push(`<text x="${num(p.x - 4)}" y="${num(y + 3)}" font-size="9" text-anchor="end">${escapeXml(label)}</text>`);
    });
  } else {
    for (const t of niceTicks(p.yDomain[0], p.yDomain[1])) {
      if (t < p.yDomain[0] || t > p.yDomain[1]) continue;
      const y = sy(p, t);
      parts.push(`<line x1="${num(p.x - 4)}" y1="${num(y)}" x2="${num(p.x)}" y2="${num(y)}" stroke="#444"/>`);
      parts.push(`<text x="${num(p.x - 6)}" y="${num(y + 3)}" font-size="10" text-anchor="end">${tickLabel(t)}</text>`);
    }
  }
  if (options.title) parts.push(`<text class="title" x="${num(p.x + p.width / 2)}" y="${num(p.y - 6)}" font-size="12" text-anchor="middle">${escapeXml(options.title)}</text>`);
  if (options.xLabel) parts.push(`<text x="${num(p.x + p.width / 2)}" y="${num(p.y + p.height + 30)}" font-size="11" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    const x = p.x - 40;
    const y = p.y + p.height / 2;
    parts.push(`<text x="${num(x)}" y="${num(y)}" font-size="11" text-anchor="middle" transform="rotate(-90 ${num(x)} ${num(y)})">${escapeXml(options.yLabel)}</text>`);
  }
  return parts.join("\n");
}

/** A whole plot: white background, the title as <title> (for screen readers) and drawn at the top. */
export function svgDocument(width: number, height: number, body: string, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="sans-serif">\n` +
    `<title>${escapeXml(title)}</title>\n<rect width="100%" height="100%" fill="white"/>\n` +
    `<text class="plot-title" x="${num(width / 2)}" y="16" font-size="13" font-weight="bold" text-anchor="middle">${escapeXml(title)}</text>\n${body}\n</svg>\n`
  );
}

/** Several SVG documents one above the other in one document (nested <svg> elements). */
export function stackSvgs(docs: string[], title: string): string {
  let y = 24;
  let width = 0;
  const body: string[] = [];
  for (const doc of docs) {
    const open = /^<svg [^>]*width="([\d.]+)" height="([\d.]+)"[^>]*>/.exec(doc);
    if (!open) throw new Error("stackSvgs: not one of our SVG documents");
    const w = Number(open[1]);
    const h = Number(open[2]);
    body.push(`<svg x="0" y="${num(y)}" width="${num(w)}" height="${num(h)}"${doc.slice(open[0].indexOf(" viewBox"), open[0].length)}${doc.slice(open[0].length).replace(/<\/svg>\s*$/, "")}</svg>`);
    y += h;
    width = Math.max(width, w);
  }
  return svgDocument(width, y, body.join("\n"), title);
}
