/**
 * The denominator-degrees-of-freedom methods for tests on the fixed effects of a linear mixed
 * model: lmerTest's Satterthwaite (its default), pbkrtest's Kenward–Roger, or none ("Wald": the
 * asymptotic normal reference, df = ∞, which is what lme4's z-tests for GLMMs use).
 */
export type DdfMethod = "Satterthwaite" | "Kenward-Roger" | "Wald";

/** The method a user or a CLI flag names, case-insensitively: "satterthwaite", "kenward-roger"
 *  (also "KR", "kenwardroger", "kenward_roger"), "wald" (also "asymptotic", "normal"). */
export function parseDdf(s: string): DdfMethod {
  const k = s.trim().toLowerCase().replace(/[\s_-]+/g, "");
  if (k === "satterthwaite" || k === "satt") return "Satterthwaite";
  if (k === "kenwardroger" || k === "kr") return "Kenward-Roger";
  if (k === "wald" || k === "asymptotic" || k === "normal" || k === "z") return "Wald";
  throw new Error(`unknown ddf method '${s}': use "Satterthwaite", "Kenward-Roger" or "Wald"`);
}
