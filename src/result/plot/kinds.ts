/**
 * The plot kinds, in a file with no imports so that the CLI's top-level usage can list them
 * without loading the plotting code.
 */
export const PLOT_KINDS = ["caterpillar", "residuals", "qq", "scale-location", "ranef-qq", "effects", "profile"] as const;
export type PlotKind = (typeof PLOT_KINDS)[number];
