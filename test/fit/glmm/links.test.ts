import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { FamilyName } from "../../../src/fit/fitted.js";
import { fitGlmm } from "../../../src/fit/glmm/fit.js";
import { compileModel, readCsv } from "../../../src/model/index.js";

const DATA = fileURLToPath(new URL("../../fixtures/data/", import.meta.url));

interface Lme4Fit {
  formula: string;
  data: string;
  family: FamilyName;
  link: string;
  nAGQ: number;
  objective: number;
  theta: number;
  fixef: number[];
  se: number[];
}

// lme4 1.1-31, glmer(formula, data, family(link = link), nAGQ = nAGQ): -2*logLik, θ, fixef, SEs
const CASES: Lme4Fit[] = [
  {
    formula: "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)",
    data: "cbpp.csv",
    family: "binomial",
    link: "probit",
    nAGQ: 1,
    objective: 185.242485142998,
    theta: 0.337989346474154,
    fixef: [-0.835474929635781, -0.528032739719625, -0.616854298165477, -0.799572598138353],
    se: [0.126232825997765, 0.160588410295717, 0.169457736961427, 0.204681243915634],
  },
  {
    formula: "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)",
    data: "cbpp.csv",
    family: "binomial",
    link: "cloglog",
    nAGQ: 1,
    objective: 183.604129325057,
    theta: 0.586726195719325,
    fixef: [-1.52594545681328, -0.91638989969591, -1.0352200825715, -1.48368124682557],
    se: [0.210922612214482, 0.284889760354957, 0.306310508578283, 0.409045645402353],
  },
  {
    formula: "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)",
    data: "cbpp.csv",
    family: "binomial",
    link: "cauchit",
    nAGQ: 1,
    objective: 181.602810474981,
    theta: 1.14044606334151,
    fixef: [-1.66110002933099, -2.29687045691564, -2.37536175829758, -5.10128219063812],
    se: [0.446478569084354, 0.955137083261453, 1.10672387930871, 2.5696167165829],
  },
  {
    formula: "y ~ Days + (0 + Days | Subject)",
    data: "seed_poisson.csv",
    family: "poisson",
    link: "sqrt",
    nAGQ: 1,
    objective: 761.5650601247,
    theta: 0.319980968679265,
    fixef: [0.890810411871615, 0.148164000931045],
    se: [0.0671895617016818, 0.0765475386885349],
  },
  {
    // adaptive quadrature on a scalar term that is not an intercept (z = Days)
    formula: "y ~ Days + (0 + Days | Subject)",
    data: "seed_poisson.csv",
    family: "poisson",
    link: "log",
    nAGQ: 7,
    objective: 274.842259031594,
    theta: 0.294059801497381,
    fixef: [0.249021507938613, -0.00519929211995994],
    se: [0.101946190938729, 0.0751199143401858],
  },
  {
    // an offset in the linear predictor
    formula: "y ~ Days + (1 | Subject) + offset(log(Days + 1))",
    data: "seed_poisson.csv",
    family: "poisson",
    link: "log",
    nAGQ: 1,
    objective: 860.399078530795,
    theta: 1.5919563411803,
    fixef: [-2.60451728304458, 0.193885466961778],
    se: [0.400852495954341, 0.0153961572526497],
  },
];

describe("non-canonical links, AGQ on a slope term, an offset: against lme4", () => {
  for (const c of CASES) {
    it(`${c.family}(${c.link}) nAGQ = ${c.nAGQ}: ${c.formula}`, () => {
      const m = compileModel(c.formula, readCsv(`${DATA}${c.data}`), { family: c.family });
      const fit = fitGlmm(m, { family: c.family, link: c.link, nAGQ: c.nAGQ });
      expect(fit.objective).toBeLessThanOrEqual(c.objective + 1e-3);
      expect(Math.abs(fit.objective - c.objective)).toBeLessThan(1e-3);
      expect(Math.abs(fit.theta[0] / c.theta - 1)).toBeLessThan(0.01);
      c.fixef.forEach((b, j) => {
        expect(Math.abs(fit.beta[j] - b)).toBeLessThanOrEqual(0.01 * c.se[j]);
        expect(Math.abs(Math.sqrt(fit.vcov[j * (m.p + 1)]) / c.se[j] - 1)).toBeLessThanOrEqual(0.01);
      });
    });
  }
});
