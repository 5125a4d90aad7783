/**
 * Wald intervals β̂ ± z_{(1+level)/2}·se(β̂), with se from vcov (lme4's confint(method = "Wald"));
 * the variance parameters get no Wald interval, so their rows are NA (null) as in lme4 — σ's row
 * (`.sigma`) among them exactly when the family has a scale (fit.hasScale).
 */
import type { FittedModel } from "../../fit/fitted.js";
import type { IntervalRow } from "../profile/index.js";
import { sdCorNames } from "../profile/re-layout.js";
import { qnorm } from "./distributions.js";

export function waldIntervals(fit: FittedModel, level: number): IntervalRow[] {
  const m = fit.matrices;
  const z = qnorm((1 + level) / 2);
  const rows: IntervalRow[] = sdCorNames(m, fit.hasScale).map((parm) => ({
    parm,
    lower: null,
    upper: null,
  }));
  m.xNames.forEach((parm, j) => {
    const se = Math.sqrt(fit.vcov[j * m.p + j]);
    rows.push({ parm, lower: fit.beta[j] - z * se, upper: fit.beta[j] + z * se });
  });
  return rows;
}
