/**
 * Diagnostic plots as SVG text: caterpillar (conditional modes ± 1.96 SD), residuals vs fitted,
 * normal Q–Q of the conditional modes, and the profile-ζ plot.
 */
import { fittedModelOf, type ModelInput } from "../predict.js";
import { profile, type Profile } from "../profile/index.js";
import type { OnProgress } from "../progress.js";
import { caterpillarSvg, groupNames, PlotError } from "./caterpillar.js";
import { qqSvg, residualsSvg } from "./diagnostics.js";
import { profileSvg } from "./profile.js";

export { caterpillarSvg, caterpillarData, groupNames, PlotError } from "./caterpillar.js";
export { qqSvg, residualsSvg, ppoints } from "./diagnostics.js";
export { profileSvg } from "./profile.js";

export type PlotKind = "caterpillar" | "residuals" | "qq" | "profile";
export const PLOT_KINDS: PlotKind[] = ["caterpillar", "residuals", "qq", "profile"];

export interface PlotOptions {
  /** Grouping factor for caterpillar and qq (default: the first). */
  group?: string;
  /** A profile already computed (kind "profile"); computed when omitted. */
  profile?: Profile;
  onProgress?: OnProgress;
}

export function plotSvg(model: ModelInput, kind: PlotKind, options: PlotOptions = {}): string {
  const fit = fittedModelOf(model);
  const group = options.group ?? groupNames(fit)[0];
  switch (kind) {
    case "caterpillar":
      return caterpillarSvg(fit, group);
    case "qq":
      return qqSvg(fit, group);
    case "residuals":
      return residualsSvg(fit);
    case "profile":
      return profileSvg(options.profile ?? profile(fit, { onProgress: options.onProgress }));
    default:
      throw new PlotError(`unknown plot kind '${String(kind)}': use ${PLOT_KINDS.join(", ")}`);
  }
}
