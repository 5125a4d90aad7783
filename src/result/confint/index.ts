/**
 * confint(): confidence intervals for a mixed model's parameters by lme4's three methods
 * (confint.merMod, R/profile.R and R/bootMer.R): "Wald" (fixed effects only), "profile" (the
 * likelihood profile of every parameter on the sd/cor scale) and "boot" (parametric bootstrap,
 * percentile intervals). Rows follow lme4: `.sig01`, …, `.sigma`, then the fixed effects.
 */
import { fittedModelOf, type ModelInput } from "../predict.js";
import { confintFromProfile, profile, type IntervalRow, type Profile, type ProfileOptions } from "../profile/index.js";
import type { OnProgress } from "../progress.js";
import { formatNumbers } from "../../rformat.js";
import { printCharMatrix } from "../rprint.js";
import { parametricBootstrap, percentileIntervals, type BootResult } from "./boot.js";
import { waldIntervals } from "./wald.js";

export type { IntervalRow } from "../profile/index.js";
export { parametricBootstrap, percentileIntervals, normInter, type BootResult, type BootOptions } from "./boot.js";
export { makeRng, type Rng } from "./rng.js";

export type ConfintMethod = "Wald" | "profile" | "boot";

export interface ConfintOptions {
  method?: ConfintMethod;
  level?: number;
  /** Parameter names, or "theta_" (variance parameters) / "beta_" (fixed effects); all by default. */
  parm?: string | string[];
  /** Bootstrap replicates (default 500) and seed. */
  nsim?: number;
  seed?: number;
  onProgress?: OnProgress;
  /** Options passed on to profile(). */
  profile?: Omit<ProfileOptions, "onProgress">;
}

export interface ConfintResult {
  method: ConfintMethod;
  level: number;
  rows: IntervalRow[];
  /** The profile ("profile"), for plotting. */
  profile?: Profile;
  /** The bootstrap replicates ("boot"). */
  boot?: BootResult;
  warnings: string[];
}

function selectRows(rows: IntervalRow[], parm: string | string[] | undefined, nVar: number): IntervalRow[] {
  if (parm === undefined) return rows;
  const wanted = Array.isArray(parm) ? parm : [parm];
  return rows.filter((r, i) => wanted.includes(r.parm) || (wanted.includes("theta_") && i < nVar) || (wanted.includes("beta_") && i >= nVar));
}

export function confint(model: ModelInput, options: ConfintOptions = {}): ConfintResult {
  const fit = fittedModelOf(model);
  const method = options.method ?? "profile";
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be between 0 and 1, not ${level}`);
  const nVar = (rows: IntervalRow[]) => rows.length - fit.matrices.p;
  switch (method) {
    case "Wald": {
      const rows = waldIntervals(fit, level);
      return { method, level, rows: selectRows(rows, options.parm, nVar(rows)), warnings: [] };
    }
    case "profile": {
      // Profile only what was asked for (lme4 passes parm on as profile's which).
      const which = options.parm === undefined ? options.profile?.which : Array.isArray(options.parm) ? options.parm : [options.parm];
      const prof = profile(fit, { ...options.profile, ...(which ? { which } : {}), onProgress: options.onProgress });
      return { method, level, rows: confintFromProfile(prof, level), profile: prof, warnings: prof.warnings };
    }
    case "boot": {
      const boot = parametricBootstrap(fit, { nsim: options.nsim, seed: options.seed, onProgress: options.onProgress });
      const rows = percentileIntervals(boot, level);
      const warnings = boot.failures.length > 0 ? [`${boot.failures.length} of ${boot.replicates.length} bootstrap refits failed`] : [];
      return { method, level, rows: selectRows(rows, options.parm, nVar(rows)), boot, warnings };
    }
    default:
      throw new RangeError(`unknown confint method '${String(method)}': use "Wald", "profile" or "boot"`);
  }
}

/** The column labels R prints: "2.5 %" and "97.5 %" (format.perc with 3 digits). */
export function percentLabels(level: number): [string, string] {
  const a = (1 - level) / 2;
  const lab = (p: number) => `${Number((100 * p).toPrecision(3))} %`;
  return [lab(a), lab(1 - a)];
}

/** print() of the interval matrix as R shows it (each column formatted on its own, NA for none). */
export function formatConfint(result: ConfintResult): string {
  const col = (vals: (number | null)[]) => {
    const finite = vals.filter((v): v is number => v !== null);
    const f = finite.length ? formatNumbers(finite, 7) : [];
    let k = 0;
    return vals.map((v) => (v === null ? "NA" : f[k++].trim()));
  };
  const lo = col(result.rows.map((r) => r.lower));
  const hi = col(result.rows.map((r) => r.upper));
  return printCharMatrix(
    { rowNames: result.rows.map((r) => r.parm), colNames: percentLabels(result.level), cells: result.rows.map((_, i) => [lo[i], hi[i]]) },
    true,
  );
}
