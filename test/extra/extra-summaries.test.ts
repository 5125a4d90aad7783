/**
 * summary() of every extra case against lme4's print(summary(m)) (test/fixtures/extra/summaries/
 * make.R), line by line: same lines, numbers equal up to one unit in the last printed digit or
 * 1e-3 relative (our optimum differs from lme4's within test/lme4-reference.ts's tolerances, which moves
 * the last printed digit now and then). Cases whose fit is a known disagreement with lme4
 * (extra-cases.test.ts), or where lme4 stopped short of the optimum, list the lines that differ in
 * known-summary-differences.ts, each named by its section and row (summary-keys.ts). VerbAgg's Hessian-based standard errors differ from lme4's by up
 * to 0.05% (finite differences on a 7584-row deviance; two lme4 runs differ as much, see
 * test/result/reference-fits.test.ts), moving tiny p-values by 1%: there 1% relative.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { glmer, lmer, readCsv } from "../../src/index.js";
import type { MixedModel } from "../../src/index.js";
import { sameUpToLastDigit } from "../result/reference-model.js";
import { EXTRA, lme4ReferenceIds, readLme4Reference, type Lme4Reference } from "../lme4-reference.js";
import { KNOWN_SUMMARY_DIFFERENCES } from "./known-summary-differences.js";
import { summaryLineKeys } from "./summary-keys.js";

function fitNamed(ref: Lme4Reference): MixedModel {
  const data = readCsv(join(EXTRA, "data", ref.data));
  const dataName = ref.data.replace(/\.csv$/, "");
  if (ref.family === "gaussian" && ref.link === "identity") return lmer(ref.formula, data, { REML: ref.REML, dataName, dataFile: ref.data });
  return glmer(ref.formula, data, { family: ref.family, link: ref.link, nAGQ: ref.nAGQ, dataName, dataFile: ref.data });
}

/**
 * The lines that differ, by key (summary-keys.ts): a line of lme4's whose key our summary lacks or
 * prints otherwise, and a line of ours whose key lme4's lacks ("ours only › …"). Keys, unlike line
 * numbers, do not shift when a message line is added or missing above.
 */
function differingKeys(got: string[], want: string[], rel: number): string[] {
  const gotByKey = new Map(summaryLineKeys(got).map((k, i) => [k, got[i]!] as const));
  const wantKeys = summaryLineKeys(want);
  const wantKeySet = new Set(wantKeys);
  const differ = wantKeys.filter((k, i) => {
    if (k === "") return false;
    const g = gotByKey.get(k);
    return g === undefined || !sameUpToLastDigit(g, want[i]!, rel);
  });
  const oursOnly = [...gotByKey.keys()].filter((k) => k !== "" && !wantKeySet.has(k)).map((k) => `ours only › ${k}`);
  return [...differ, ...oursOnly];
}

describe.each(lme4ReferenceIds("extra/reference"))("summary of extra case %s", (id) => {
  const known = KNOWN_SUMMARY_DIFFERENCES[id];
  it(known ? `matches lme4's except: ${known.reason}` : "matches lme4's print(summary(m))", () => {
    const ref = readLme4Reference("extra/reference", id);
    const got = fitNamed(ref).summary().split("\n");
    const want = readFileSync(join(EXTRA, "summaries", `${id}.txt`), "utf8").split("\n");
    const rel = ref.data === "VerbAgg.csv" ? 1e-2 : 1e-3;
    expect(differingKeys(got, want, rel)).toEqual(known ? known.keys : []);
  });
});
