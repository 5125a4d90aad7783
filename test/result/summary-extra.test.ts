/**
 * Summaries of fits beyond the reference corpus, against lme4's print(summary(m)) from
 * test/fixtures/summaries/make.R: a rank-deficient X ("fit warnings:"), an intercept-only ML fit,
 * prior weights from a column ("Weights:"), 12 fixed effects (the correlation matrix wraps at 80
 * columns, abbreviations lengthened to stay unique), a Gamma GLMM (t value with Pr(>|z|), a Residual row).
 * lme4's Gamma fit ends with convergence warnings whose wording depends on its optimiser's path,
 * so the lines after "optimizer (...) convergence code: 0 (OK)" are not compared there.
 * Numbers may differ by one unit in the last printed digit or 1e-4 relative (see reference-fits).
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { glmer, lmer, readCsv } from "../../src/index.js";
import { FIXTURES, readSummary, sameUpToLastDigit } from "./reference-model.js";

const cases = [
  { id: "extra_rank_deficient", data: "sleepstudy", formula: "Reaction ~ Days + I(2 * Days) + (1 | Subject)", REML: true },
  { id: "extra_intercept_only_ml", data: "Penicillin", formula: "diameter ~ 1 + (1 | plate) + (1 | sample)", REML: false },
  { id: "extra_weights", data: "cbpp", formula: "incidence ~ period + (1 | herd)", REML: true, weights: "size" },
  { id: "extra_wide_correlation", data: "cake", formula: "angle ~ recipe * poly(temp, 3) + (1 | recipe:replicate)", REML: true },
  { id: "extra_gamma_log", data: "cake", formula: "angle ~ temp + (1 | recipe:replicate)", family: "Gamma" as const, link: "log" },
];

describe.each(cases)("summary of $id", (c) => {
  it("matches lme4's", () => {
    const data = readCsv(join(FIXTURES, "data", `${c.data}.csv`));
    const m = c.family
      ? glmer(c.formula, data, { family: c.family, link: c.link, dataName: c.data })
      : lmer(c.formula, data, { REML: c.REML, dataName: c.data, ...(c.weights ? { weights: c.weights } : {}) });
    let got = m.summary().split("\n");
    let want = readSummary(c.id).split("\n");
    if (c.family) {
      want = want.slice(0, want.findIndex((l) => l.startsWith("optimizer (")) + 1);
      got = got.slice(0, want.length);
    }
    expect(got.length).toBe(want.length);
    want.forEach((line, i) => expect([i, sameUpToLastDigit(got[i], line, 1e-4) ? line : got[i]]).toEqual([i, line]));
  });
});
