/**
 * Plots as SVG text: caterpillar (conditional modes ± 1.96 SD), residuals vs fitted, normal Q–Q of
 * the residuals, scale–location, normal Q–Q of the conditional modes, the fixed effects with
 * their Wald intervals, and the profile-ζ plot.
 */
import { fittedModelOf, type ModelInput } from "../predict.js";
import { profile, type Profile } from "../profile/index.js";
import type { OnProgress } from "../progress.js";
import { caterpillarSvg, groupNames, PlotError } from "./caterpillar.js";
import { ranefQqSvg, residualQqSvg, residualsSvg, scaleLocationSvg } from "./diagnostics.js";
import { effectsSvg } from "./effects.js";
import { PLOT_KINDS, type PlotKind } from "./kinds.js";
import { profileSvg } from "./profile.js";
import { stackSvgs } from "./svg.js";

export { caterpillarSvg, caterpillarData, groupNames, PlotError } from "./caterpillar.js";
export { ranefQqSvg, residualQqSvg, residualsSvg, scaleLocationSvg, ppoints } from "./diagnostics.js";
export { effectsSvg, effectRows, type EffectRow } from "./effects.js";
export { PLOT_KINDS, type PlotKind } from "./kinds.js";
export { profileSvg } from "./profile.js";


export interface PlotOptions {
  /** Grouping factor for caterpillar and ranef-qq (default: every grouping factor, one under another). */
  group?: string;
  /** A profile already computed (kind "profile"); computed when omitted. */
  profile?: Profile;
  onProgress?: OnProgress;
}

export function plotSvg(model: ModelInput, kind: PlotKind, options: PlotOptions = {}): string {
  const fit = fittedModelOf(model);
  const groups = options.group !== undefined ? [options.group] : groupNames(fit);
  const perGroup = (draw: (group: string) => string, title: string) =>
    groups.length === 1 ? draw(groups[0]) : stackSvgs(groups.map(draw), title);
  switch (kind) {
    case "caterpillar":
      return perGroup((g) => caterpillarSvg(fit, g), "Conditional modes ± 1.96·SD");
    case "ranef-qq":
      return perGroup((g) => ranefQqSvg(fit, g), "Normal Q-Q plots of the conditional modes");
    case "residuals":
      return residualsSvg(fit);
    case "qq":
      return residualQqSvg(fit);
    case "scale-location":
      return scaleLocationSvg(fit);
    case "effects":
      return effectsSvg(fit);
    case "profile":
      return profileSvg(options.profile ?? profile(fit, { onProgress: options.onProgress }));
    default:
      throw new PlotError(`unknown plot kind '${String(kind)}': use ${PLOT_KINDS.join(", ")}`);
  }
}
