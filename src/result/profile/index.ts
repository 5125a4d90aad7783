/**
 * profile(fit): the likelihood profile of every parameter on lme4's scale, as profile.merMod
 * computes it, and confint from it as confint.thpr does (R/profile.R): ζ(x) = sign(x − x̂)·√(dev(x) −
 * dev̂), each point minimising the deviance over the other parameters; the limits are where the
 * inverse interpolating spline of ζ reaches ±z_{(1+level)/2}.
 */
import { fittedModelOf, type ModelInput } from "../predict.js";
import { qchisq, qnorm } from "../confint/distributions.js";
import type { OnProgress } from "../progress.js";
import { minimize } from "./minimize.js";
import { profileProblem, type ProfileProblem } from "./problem.js";
import { inverseAt, linearInverseAt, profileSpline, type ProfileSpline } from "./spline.js";
import { traceProfile, type ProfileRow } from "./trace.js";

export type { ProfileRow } from "./trace.js";
export type { ProfileSpline } from "./spline.js";

export interface ParameterProfile {
  name: string;
  /** Index of the parameter in each row's `pars`. */
  index: number;
  estimate: number;
  /** The parameter's bounds on the profile scale (sd ≥ 0, −1 ≤ cor ≤ 1). */
  lower: number;
  upper: number;
  /** Points of the profile sorted by the parameter. */
  rows: ProfileRow[];
  /** ζ against the parameter; null with fewer than two points. */
  spline: ProfileSpline | null;
}

export interface Profile {
  /** All parameter names in row order (`.sig01`, …, `.sigma`, fixed effects). */
  names: string[];
  /** The ML optimum on the profile scale, and its deviance. */
  estimates: Float64Array;
  deviance: number;
  parameters: ParameterProfile[];
  /** lme4's warnings in its words ("non-monotonic profile for .sig02", …). */
  warnings: string[];
}

export interface ProfileOptions {
  /** Names (or "theta_" / "beta_") of the parameters to profile; all by default. */
  which?: string[];
  /** lme4's defaults: alphamax 0.01, maxpts 100, delta.cutoff 1/8, maxmult 10, devtol 1e-9. */
  alphamax?: number;
  maxpts?: number;
  deltaCutoff?: number;
  maxmult?: number;
  devtol?: number;
  onProgress?: OnProgress;
}

function selected(problem: ProfileProblem, which?: string[]): number[] {
  const all = problem.names.map((_, i) => i);
  if (!which) return all;
  const out = new Set<number>();
  for (const w of which) {
    if (w === "theta_") for (let i = 0; i < problem.nVar; i++) out.add(i);
    else if (w === "beta_") for (let i = problem.nVar; i < problem.names.length; i++) out.add(i);
    else {
      const i = problem.names.indexOf(w);
      if (i < 0) throw new RangeError(`no parameter named '${w}'; the parameters are ${problem.names.join(", ")}`);
      out.add(i);
    }
  }
  return [...out].sort((a, b) => a - b);
}

export function profile(model: ModelInput, options: ProfileOptions = {}): Profile {
  const problem = profileProblem(fittedModelOf(model));
  const nptot = problem.names.length;
  const cutoff = Math.sqrt(qchisq(1 - (options.alphamax ?? 0.01), nptot));
  const delta = cutoff * (options.deltaCutoff ?? 1 / 8);
  const devtol = options.devtol ?? 1e-9;
  const warnings = new Set<string>();
  const { opt, base } = problem;
  const optimumRow: ProfileRow = { zeta: 0, pars: Float64Array.from(opt) };
  const which = selected(problem, options.which);
  const parameters: ParameterProfile[] = [];

  const zetaOf = (name: string, x: number, est: number, dev: number): number => {
    let diff = dev - base;
    if (diff < -devtol) warnings.add(`profiling detected new, lower deviance for ${name} (deviance diff = ${(-diff).toPrecision(3)})`);
    if (diff <= 0) diff = devtol;
    return Math.sign(x - est) * Math.sqrt(diff);
  };

  which.forEach((w, k) => {
    const name = problem.names[w];
    options.onProgress?.({ kind: "profile", parameter: name, index: k + 1, count: which.length, evaluations: problem.evaluations() });
    const est = opt[w];
    let zetaAt: (x: number, start: Float64Array) => ProfileRow | null;
    let shift: number;
    if (w < problem.nJoint) {
      const nj = problem.nJoint;
      const innerLower = Float64Array.from(problem.lower.subarray(0, nj).filter((_, i) => i !== w));
      const innerUpper = Float64Array.from(problem.upper.subarray(0, nj).filter((_, i) => i !== w));
      const full = new Float64Array(nj);
      zetaAt = (x, start) => {
        const f = (inner: Float64Array) => {
          for (let i = 0, c = 0; i < nj; i++) full[i] = i === w ? x : inner[c++];
          return problem.deviance(full);
        };
        const s0 = Float64Array.from(start.subarray(0, nj).filter((_, i) => i !== w));
        const r = minimize(f, s0, { lower: innerLower, upper: innerUpper, ftol: 1e-12 });
        if (!Number.isFinite(r.fx)) return null;
        f(r.x); // leave the system at the optimum so `complete` reads its β
        const pars = problem.complete(full);
        options.onProgress?.({ kind: "profile", parameter: name, index: k + 1, count: which.length, evaluations: problem.evaluations() });
        return { zeta: zetaOf(name, x, est, r.fx), pars };
      };
      shift = est === 0 ? 1e-3 : est * 1.01;
    } else {
      const j = w - problem.nVar;
      zetaAt = (x) => {
        const r = problem.fixedEffect!(j, x);
        if (!r || !Number.isFinite(r.deviance)) return null;
        options.onProgress?.({ kind: "profile", parameter: name, index: k + 1, count: which.length, evaluations: problem.evaluations() });
        return { zeta: zetaOf(name, x, est, r.deviance), pars: r.pars };
      };
      shift = est + delta * problem.stderr[j];
    }
    const rows = traceProfile(
      {
        index: w,
        estimate: est,
        lower: problem.lower[w],
        upper: problem.upper[w],
        shift,
        cutoff,
        delta,
        maxpts: options.maxpts ?? 100,
        maxmult: options.maxmult ?? 10,
        optimumRow,
        zetaAt,
      },
      warnings,
    );
    const spline = rows.length >= 2 ? profileSpline(rows.map((r) => r.pars[w]), rows.map((r) => r.zeta)) : null;
    if (spline && !spline.monotone) warnings.add(`non-monotonic profile for ${name}`);
    parameters.push({ name, index: w, estimate: est, lower: problem.lower[w], upper: problem.upper[w], rows, spline });
  });

  return { names: problem.names, estimates: Float64Array.from(opt), deviance: base, parameters, warnings: [...warnings] };
}

/** One row of a confidence-interval table; null where lme4 prints NA. */
export interface IntervalRow {
  parm: string;
  lower: number | null;
  upper: number | null;
}

/** confint.thpr: the limits at ζ = ±z_{(1+level)/2} by the inverse spline, the bound where the
 *  profile stops short of it, linear interpolation for a non-monotone profile. */
export function confintFromProfile(prof: Profile, level = 0.95): IntervalRow[] {
  const a = (1 - level) / 2;
  const zeta = [qnorm(a), qnorm(1 - a)];
  return prof.parameters.map((pp) => {
    const lim = zeta.map((z) => {
      let v = pp.spline ? inverseAt(pp.spline, z) : Number.NaN;
      if (Number.isNaN(v) && pp.spline && !pp.spline.monotone) {
        const sorted = [...pp.rows].sort((r, s) => r.zeta - s.zeta);
        v = linearInverseAt(sorted.map((r) => r.zeta), sorted.map((r) => r.pars[pp.index]), z);
      }
      return v;
    });
    if (Number.isNaN(lim[0])) lim[0] = pp.lower;
    if (Number.isNaN(lim[1])) lim[1] = pp.upper;
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    return { parm: pp.name, lower: finite(lim[0]), upper: finite(lim[1]) };
  });
}
