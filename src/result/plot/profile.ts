/**
 * The profile-ζ plot (lme4's xyplot(profile(m))): one panel per parameter, ζ against the
 * parameter along the interpolating spline, the profiled points, and the ±z_{0.975} lines where
 * confint() reads the 95% limits.
 */
import { qnorm } from "../confint/distributions.js";
import type { Profile } from "../profile/index.js";
import { naturalSplineAt } from "../profile/spline.js";
import { drawAxes, escapeXml, extent, num, svgDocument, sx, sy, type PanelFrame } from "./svg.js";

export function profileSvg(prof: Profile, level = 0.95): string {
  const z = qnorm((1 + level) / 2);
  const panelW = 200;
  const panelH = 160;
  const perRow = 3;
  const parts: string[] = [];
  prof.parameters.forEach((pp, k) => {
    const xs = pp.rows.map((r) => r.pars[pp.index]);
    const zs = pp.rows.map((r) => r.zeta);
    const frame: PanelFrame = {
      x: 60 + (k % perRow) * (panelW + 50),
      y: 48 + Math.floor(k / perRow) * (panelH + 70),
      width: panelW,
      height: panelH,
      xDomain: extent(xs),
      yDomain: extent([...zs, -z, z]),
    };
    parts.push(`<g class="profile-panel" data-parameter="${escapeXml(pp.name)}">`);
    parts.push(drawAxes(frame, { title: pp.name, xLabel: pp.name, yLabel: k % perRow === 0 ? "ζ" : undefined }));
    for (const level of [-z, z]) {
      const y = sy(frame, level);
      parts.push(`<line x1="${num(frame.x)}" y1="${num(y)}" x2="${num(frame.x + frame.width)}" y2="${num(y)}" stroke="#bbb" stroke-dasharray="3,3"/>`);
    }
    if (pp.spline && pp.spline.x.length >= 2) {
      const s = pp.spline;
      const lo = s.x[0];
      const hi = s.x[s.x.length - 1];
      const pts: string[] = [];
      const sampled: [number, number][] = [];
      for (let i = 0; i <= 200; i++) {
        const x = lo + ((hi - lo) * i) / 200;
        const zeta = naturalSplineAt(s.x, s.zeta, s.slopes, x);
        sampled.push([x, zeta]);
        pts.push(`${num(sx(frame, x))},${num(sy(frame, zeta))}`);
      }
      parts.push(`<polyline class="spline" points="${pts.join(" ")}" fill="none" stroke="#1f77b4"/>`);
      // As lme4's xyplot(profile(m)): a vertical drop from where ζ crosses ±z to the axis.
      for (const level of [-z, z]) {
        for (let i = 1; i < sampled.length; i++) {
          const [xa, za] = sampled[i - 1]!;
          const [xb, zb] = sampled[i]!;
          if ((za - level) * (zb - level) > 0 || za === zb) continue;
          const x = xa + ((level - za) / (zb - za)) * (xb - xa);
          parts.push(`<line class="limit" x1="${num(sx(frame, x))}" y1="${num(sy(frame, level))}" x2="${num(sx(frame, x))}" y2="${num(frame.y + frame.height)}" stroke="#999" stroke-dasharray="2,2"/>`);
          break;
        }
      }
    }
    xs.forEach((x, i) => parts.push(`<circle class="point" cx="${num(sx(frame, x))}" cy="${num(sy(frame, zs[i]))}" r="2" fill="#d62728"/>`));
    parts.push("</g>");
  });
  const rows = Math.ceil(prof.parameters.length / perRow);
  const cols = Math.min(perRow, prof.parameters.length);
  parts.push(`<text class="caption" x="10" y="${num(48 + rows * (panelH + 70) - 12)}" font-size="9" fill="#555">dashed: ζ = ±${num(z)}, where the ${Math.round(level * 100)}% profile interval ends; red points: the profiled values, line: the interpolating spline</text>`);
  return svgDocument(Math.max(60 + cols * (panelW + 50), 480), 48 + rows * (panelH + 70), parts.join("\n"), "Profile zeta plot");
}
