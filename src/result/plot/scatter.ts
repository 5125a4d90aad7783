/**
 * A scatter layer that stays readable and small at any n: up to POINTS_MAX points are drawn as
 * circles; past that, the panel is cut into square bins and each non-empty bin is one rectangle
 * shaded by its count on a log scale (the binned-density view ggplot2's geom_bin2d / hexbin give
 * for large n), with a legend, so 100,000 residuals are a few thousand rectangles (bounded by the
 * grid, not by n) instead of 100,000 overlapping circles.
 */
import { escapeXml, num, sx, sy, type PanelFrame } from "./svg.js";

export const POINTS_MAX = 3000;
const BIN_PX = 6;

/** Light to dark blue; t in [0, 1]. */
function shade(t: number): string {
  const lo = [198, 219, 239];
  const hi = [8, 48, 107];
  const c = lo.map((l, i) => Math.round(l + (hi[i]! - l) * t));
  return `rgb(${c.join(",")})`;
}

export interface ScatterLayer {
  svg: string;
  /** True when the points were binned (the caller places the legend). */
  binned: boolean;
  maxCount: number;
}

export function scatterLayer(frame: PanelFrame, xs: ArrayLike<number>, ys: ArrayLike<number>): ScatterLayer {
  const n = xs.length;
  if (n <= POINTS_MAX) {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) continue;
      parts.push(`<circle class="point" cx="${num(sx(frame, xs[i]!))}" cy="${num(sy(frame, ys[i]!))}" r="2" fill="none" stroke="#1f77b4"/>`);
    }
    return { svg: parts.join("\n"), binned: false, maxCount: 1 };
  }
  const nx = Math.max(1, Math.floor(frame.width / BIN_PX));
  const ny = Math.max(1, Math.floor(frame.height / BIN_PX));
  const counts = new Uint32Array(nx * ny);
  for (let i = 0; i < n; i++) {
    const px = sx(frame, xs[i]!) - frame.x;
    const py = sy(frame, ys[i]!) - frame.y;
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const bx = Math.min(nx - 1, Math.max(0, Math.floor((px / frame.width) * nx)));
    const by = Math.min(ny - 1, Math.max(0, Math.floor((py / frame.height) * ny)));
    counts[by * nx + bx]!++;
  }
  let maxCount = 1;
  for (const c of counts) maxCount = Math.max(maxCount, c);
  const w = frame.width / nx;
  const h = frame.height / ny;
  const parts: string[] = [];
  for (let by = 0; by < ny; by++) {
    for (let bx = 0; bx < nx; bx++) {
      const c = counts[by * nx + bx]!;
      if (c === 0) continue;
      const t = maxCount > 1 ? Math.log(c) / Math.log(maxCount) : 1;
      parts.push(`<rect class="bin" data-count="${c}" x="${num(frame.x + bx * w)}" y="${num(frame.y + by * h)}" width="${num(w + 0.3)}" height="${num(h + 0.3)}" fill="${shade(t)}"/>`);
    }
  }
  return { svg: parts.join("\n"), binned: true, maxCount };
}

/** The count legend of a binned layer: a log-scaled colour bar to the right of the panel. */
export function countLegend(frame: PanelFrame, maxCount: number): string {
  const x = frame.x + frame.width + 14;
  const h = Math.min(frame.height, 150);
  const steps = 20;
  const parts = [`<g class="legend">`, `<text x="${num(x)}" y="${num(frame.y - 2)}" font-size="10">points</text>`];
  for (let k = 0; k < steps; k++) {
    const t = 1 - k / (steps - 1);
    parts.push(`<rect x="${num(x)}" y="${num(frame.y + 4 + (k * h) / steps)}" width="10" height="${num(h / steps + 0.5)}" fill="${shade(t)}"/>`);
  }
  parts.push(`<text x="${num(x + 14)}" y="${num(frame.y + 12)}" font-size="9">${escapeXml(String(maxCount))}</text>`);
  parts.push(`<text x="${num(x + 14)}" y="${num(frame.y + 4 + h)}" font-size="9">1</text>`);
  parts.push(`<text x="${num(x)}" y="${num(frame.y + h + 18)}" font-size="9">(log scale)</text>`);
  parts.push("</g>");
  return parts.join("\n");
}
