/**
 * Tracing one parameter's profile as lme4's profile.merMod does (R/profile.R): start at the
 * optimum and one small shift away from it, then step outward in each direction so that ζ changes
 * by about δ = cutoff/8 per step (the step in x is δ·Δx/Δζ from the last two points, capped at 10×
 * the last step), until |ζ| passes the cutoff √χ²_{1−α, npar} or the parameter reaches its bound.
 */

export interface ProfileRow {
  /** Signed square root of the deviance increase: sign(x − x̂)·√(dev(x) − dev̂). */
  zeta: number;
  /** All parameters at this point, the profiled one included (profile scale). */
  pars: Float64Array;
}

export interface TraceSettings {
  /** Index of the profiled parameter in the row's `pars`. */
  index: number;
  estimate: number;
  lower: number;
  upper: number;
  /** The first point away from the optimum. */
  shift: number;
  cutoff: number;
  delta: number;
  maxpts: number;
  maxmult: number;
  optimumRow: ProfileRow;
  /** Evaluate the profile at x starting the inner optimisation from `start` (the previous row);
   *  null when it fails (lme4 records NA and stops that direction). */
  zetaAt(x: number, start: Float64Array): ProfileRow | null;
}

/** lme4's nextpar: the next parameter value from the last two rows. */
function nextPar(a: ProfileRow, b: ProfileRow, s: TraceSettings, warnings: Set<string>): number {
  const minstep = 1e-6;
  const num = b.pars[s.index] - a.pars[s.index];
  const denom = b.zeta - a.zeta;
  let step: number;
  if (!Number.isFinite(denom) || denom === 0) {
    warnings.add("Last two rows have identical or NA .zeta values: using minstep");
    step = minstep;
  } else {
    step = (s.delta * num) / denom;
    if (step < 0) {
      warnings.add("unexpected decrease in profile: using minstep");
      step = minstep;
    } else {
      const maxstep = Math.abs(s.maxmult * num);
      if (Math.abs(step) > maxstep) step = maxstep;
    }
  }
  return Math.min(s.upper, Math.max(s.lower, b.pars[s.index] + Math.sign(num) * step));
}

/** lme4's fillmat: extend rows [r₀, r₁] outward until the cutoff or a bound. */
function fill(rows: ProfileRow[], s: TraceSettings, warnings: Set<string>): ProfileRow[] {
  while (rows.length < s.maxpts) {
    const last = rows[rows.length - 1];
    const x = last.pars[s.index];
    if (!(x > s.lower && x < s.upper) || !(Math.abs(last.zeta) <= s.cutoff)) break;
    const next = nextPar(rows[rows.length - 2], last, s, warnings);
    const row = s.zetaAt(next, last.pars);
    if (!row) {
      warnings.add("NAs detected in profiling");
      break;
    }
    rows.push(row);
  }
  return rows;
}

/** All rows for one parameter, sorted by the parameter, duplicates removed. */
export function traceProfile(s: TraceSettings, warnings: Set<string>): ProfileRow[] {
  const shifted = s.zetaAt(s.shift, s.optimumRow.pars);
  const rows: ProfileRow[] = [s.optimumRow];
  if (shifted) {
    const up = fill([s.optimumRow, shifted], s, warnings);
    const down = s.estimate > s.lower ? fill([shifted, s.optimumRow], s, warnings) : [];
    rows.push(...up, ...down);
  }
  const seen = new Set<number>();
  return rows
    .filter((r) => {
      const x = r.pars[s.index];
      if (seen.has(x)) return false;
      seen.add(x);
      return true;
    })
    .sort((a, b) => a.pars[s.index] - b.pars[s.index]);
}
