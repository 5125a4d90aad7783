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
      y: 30 + Math.floor(k / perRow) * (panelH + 60),
      width: panelW,
      height: panelH,
      xDomain: extent(xs),
      yDomain: extent([...zs, -z, z]),
    };
    parts.push(`<g class="profile-panel" data-parameter="${escapeXml(pp.name)}">`);
    parts.push(drawAxes(frame, { title: pp.name, yLabel: k % perRow === 0 ? "ζ" : undefined }));
    for (const level of [-z, z]) {
      const y = sy(frame, level);
      parts.push(`<line x1="${num(frame.x)}" y1="${num(y)}" x2="${num(frame.x + frame.width)}" y2="${num(y)}" stroke="#bbb" stroke-dasharray="3,3"/>`);
    }
    if (pp.spline && pp.spline.x.length >= 2) {
      const s = pp.spline;
      const lo = s.x[0];
      const hi = s.x[s.x.length - 1];
      const pts: string[] = [];
      for (let i = 0; i <= 100; i++) {
        const x = lo + ((hi - lo) * i) / 100;
        pts.push(`${num(sx(frame, x))},${num(sy(frame, naturalSplineAt(s.x, s.zeta, s.slopes, x)))}`);
      }
      parts.push(`<polyline class="spline" points="${pts.join(" ")}" fill="none" stroke="#1f77b4"/>`);
    }
    xs.forEach((x, i) => parts.push(`<circle class="point" cx="${num(sx(frame, x))}" cy="${num(sy(frame, zs[i]))}" r="2" fill="#d62728"/>`));
    parts.push("</g>");
  });
  const rows = Math.ceil(prof.parameters.length / perRow);
  const cols = Math.min(perRow, prof.parameters.length);
  return svgDocument(60 + cols * (panelW + 50), 30 + rows * (panelH + 60), parts.join("\n"), "Profile zeta plot");
}
