/**
 * Summaries of fits beyond the reference corpus, against lme4's print(summary(m)) from
 * test/fixtures/summaries/make.R: a rank-deficient X ("fit warnings:"), an intercept-only ML fit.
 * Numbers may differ by one unit in the last printed digit or 1e-4 relative (see reference-fits).
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { lmer, readCsv } from "../../src/index.js";
import { FIXTURES, readSummary, sameUpToLastDigit } from "./reference-model.js";

const cases = [
  { id: "extra_rank_deficient", data: "sleepstudy", formula: "Reaction ~ Days + I(2 * Days) + (1 | Subject)", REML: true },
  { id: "extra_intercept_only_ml", data: "Penicillin", formula: "diameter ~ 1 + (1 | plate) + (1 | sample)", REML: false },
];

describe.each(cases)("summary of $id", (c) => {
  it("matches lme4's", () => {
    const m = lmer(c.formula, readCsv(join(FIXTURES, "data", `${c.data}.csv`)), { REML: c.REML, dataName: c.data });
    const got = m.summary().split("\n");
    const want = readSummary(c.id).split("\n");
    expect(got.length).toBe(want.length);
    want.forEach((line, i) => expect([i, sameUpToLastDigit(got[i], line, 1e-4) ? line : got[i]]).toEqual([i, line]));
  });
});
