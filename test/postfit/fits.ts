/** Fits shared by the post-fit tests (each made once per test file). */
import { glmer } from "../../src/glmer.js";
import { lmer } from "../../src/lmer.js";
import { readCsv } from "../../src/model/csv.js";
import type { MixedModel } from "../../src/result/model.js";
import { fixtures } from "./matrices.js";

const cache = new Map<string, MixedModel>();

function once(key: string, make: () => MixedModel): MixedModel {
  let m = cache.get(key);
  if (!m) cache.set(key, (m = make()));
  return m;
}

const data = (name: string) => readCsv(`${fixtures}data/${name}`);

export const sleepstudyFit = (formula = "Reaction ~ Days + (Days | Subject)") =>
  once(formula, () => lmer(formula, data("sleepstudy.csv"), { dataName: "sleepstudy" }));
export const dyestuffFit = () => once("dyestuff", () => lmer("Yield ~ 1 + (1 | Batch)", data("Dyestuff.csv"), { dataName: "Dyestuff" }));
export const cbppFit = () =>
  once("cbpp", () =>
    glmer("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", data("cbpp.csv"), { family: "binomial", dataName: "cbpp" }),
  );
