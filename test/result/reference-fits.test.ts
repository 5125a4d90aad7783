/**
 * End to end through the public API: every reference case fitted by lmer()/glmer() from its CSV,
 * compared with lme4's answer by test/lme4-reference.ts (the README's tolerances: objective ≤
 * lme4's, β within 1% of its SE, SEs within 1%, SDs within 2%, conditional modes within 2% of their
 * conditional SDs, the same singular verdict); and summary() line by line against lme4's printed
 * summary, numbers allowed to differ by one unit in the last printed digit or by 1e-3 relative
 * (the optimum differs slightly from lme4's, well within the tolerances above: sleepstudy ML's
 * variance prints 565.52 vs 565.48; grouseticks' intercept 0.372788 vs 0.372798, 5e-5 of its SE,
 * moves its p-value 0.057639 vs 0.057632). summary.test.ts checks the layout digit for digit. VerbAgg's Hessian-based standard errors and tiny p-values differ
 * by up to 1% even between two lme4 runs (see summary.test.ts), so there 1% relative.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { glmer, lmer, readCsv } from "../../src/index.js";
import type { MixedModel } from "../../src/index.js";
import { FIXTURES, readSummary, referenceIds, sameUpToLastDigit } from "./reference-model.js";
import { expectAgreesWithLme4, readLme4Reference, type Lme4Reference } from "../lme4-reference.js";


/** Relative tolerance of the printed-summary comparison where lme4's own digits are not stable:
 *  VerbAgg's Hessian-based SEs differ by up to 1% between two lme4 runs; seed_poisson is a
 *  singular fit on a ridge of the deviance, where the Hessian-based SE depends on where the
 *  optimiser stops along the ridge (lme4 itself gives SE(Intercept) 0.1017–0.1342 with different
 *  optimisers; we print 0.1018 against its 0.1020, within the 1% checked above, and the p-value
 *  amplifies that 0.2% to 2%: 0.0144 against 0.0147). */
const SUMMARY_TOLERANCE: Record<string, number> = { verbagg_bernoulli: 1e-2, seed_poisson: 2.5e-2 };

function fitReference(ref: Lme4Reference): MixedModel {
  const data = readCsv(join(FIXTURES, "data", ref.data));
  const dataName = ref.data.replace(/\.csv$/, "");
  if (ref.family === "gaussian" && ref.link === "identity") return lmer(ref.formula, data, { REML: ref.REML, dataName, dataFile: ref.data });
  return glmer(ref.formula, data, { family: ref.family, link: ref.link, nAGQ: ref.nAGQ, dataName, dataFile: ref.data });
}

describe.each(referenceIds())("lmer/glmer on %s", (id) => {
  const ref = readLme4Reference("reference", id);
  it("agrees with lme4", () => {
    const m = fitReference(ref);
    expectAgreesWithLme4(m, ref);
    expect(m.ngroups).toEqual(ref.ngroups);
    // disagreements() leaves out nAGQ > 1 objectives (the extra corpus's lme4 reports them without
    // a constant); these references' AGQ objective is comparable, so it is checked here.
    expect(m.objective).toBeLessThanOrEqual(ref.objective + 1e-3);
    const got = m.summary().split("\n");
    const text = readSummary(id).split("\n");
    expect(got.length).toBe(text.length);
    const bad = text.map((line, i) => [i, got[i], line]).filter(([, g, w]) => !sameUpToLastDigit(g as string, w as string, SUMMARY_TOLERANCE[id] ?? 1e-3));
    expect(bad).toEqual([]);
  });
});
