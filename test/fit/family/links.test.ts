import { describe, expect, it } from "vitest";
import { makeLink, FamilyError } from "../../../src/fit/family/index.js";

// R 4.x: make.link(l)$linkinv(eta), $mu.eta(eta), printed with %.17g
const ETA = [-2.5, -0.3, 0.7, 1.9];
const R_LINKS: Record<string, { linkinv: number[]; muEta: number[] }> = {
  logit: {
    linkinv: [0.07585818002124356, 0.42555748318834102, 0.66818777216816616, 0.86989152563700212],
    muEta: [0.070103716545108177, 0.24445831169074589, 0.22171287329310907, 0.113180259261931],
  },
  probit: {
    linkinv: [0.0062096653257761349, 0.38208857781104733, 0.75803634777692697, 0.97128344018399815],
    muEta: [0.01752830049356854, 0.38138781546052414, 0.31225393336676127, 0.065615814774676595],
  },
  cauchit: {
    linkinv: [0.12111894159084341, 0.40722642092225764, 0.69440011221421472, 0.84578588554966649],
    muEta: [0.043904811887419404, 0.29202741851723912, 0.21363079609650382, 0.069047697653750698],
  },
  cloglog: {
    linkinv: [0.07880634482448419, 0.52327630928540592, 0.86651320334191617, 0.99875160236535576],
    muEta: [0.075616179917426515, 0.35316559631200717, 0.26880939818177735, 0.0083466548072226154],
  },
  log: {
    linkinv: [0.0820849986238988, 0.74081822068171788, 2.0137527074704766, 6.6858944422792685],
    muEta: [0.0820849986238988, 0.74081822068171788, 2.0137527074704766, 6.6858944422792685],
  },
  identity: { linkinv: ETA, muEta: [1, 1, 1, 1] },
};

const ETA_POS = [0.3, 1.1, 2.4];
const MU_POS = [0.2, 1.7, 3.1];
const R_POS_LINKS: Record<string, { linkinv: number[]; muEta: number[]; linkfun: number[] }> = {
  sqrt: {
    linkinv: [0.09, 1.2100000000000002, 5.76],
    muEta: [0.6, 2.2, 4.8],
    linkfun: [0.44721359549995793, 1.3038404810405297, 1.7606816861659009],
  },
  inverse: {
    linkinv: [3.3333333333333335, 0.90909090909090906, 0.41666666666666669],
    muEta: [-11.111111111111111, -0.82644628099173545, -0.1736111111111111],
    linkfun: [5, 0.58823529411764708, 0.32258064516129031],
  },
  "1/mu^2": {
    linkinv: [1.8257418583505538, 0.95346258924559224, 0.6454972243679028],
    muEta: [-3.0429030972509232, -0.43339208602072371, -0.13447858840997975],
    linkfun: [24.999999999999996, 0.34602076124567477, 0.10405827263267428],
  },
};

function expectClose(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(expected)) + 1e-300);
}

describe("links against R's make.link", () => {
  for (const [name, ref] of Object.entries(R_LINKS)) {
    it(`${name}: linkinv, mu.eta, and linkfun inverts linkinv`, () => {
      const link = makeLink(name);
      ETA.forEach((eta, i) => {
        expectClose(link.linkinv(eta), ref.linkinv[i]);
        expectClose(link.muEta(eta), ref.muEta[i]);
        expectClose(link.linkfun(link.linkinv(eta)), eta, 1e-9);
        expect(link.valideta(eta)).toBe(true);
      });
    });
  }
  for (const [name, ref] of Object.entries(R_POS_LINKS)) {
    it(`${name}: linkinv, mu.eta, linkfun`, () => {
      const link = makeLink(name);
      ETA_POS.forEach((eta, i) => {
        expectClose(link.linkinv(eta), ref.linkinv[i]);
        expectClose(link.muEta(eta), ref.muEta[i]);
        expectClose(link.linkfun(MU_POS[i]), ref.linkfun[i]);
      });
    });
  }
  it("probit linkfun is R's qnorm", () => {
    const q = [-3.0902323061678132, -0.84162123357291418, 0.25334710313579978, 1.8807936081512504];
    [0.001, 0.2, 0.6, 0.97].forEach((p, i) => expectClose(makeLink("probit").linkfun(p), q[i], 1e-13));
  });
  it("valideta: sqrt and 1/mu^2 need η > 0, inverse η ≠ 0", () => {
    expect(makeLink("sqrt").valideta(-0.1)).toBe(false);
    expect(makeLink("1/mu^2").valideta(0)).toBe(false);
    expect(makeLink("inverse").valideta(0)).toBe(false);
    expect(makeLink("inverse").valideta(-2)).toBe(true);
  });
  it("logit and log stay inside (0, 1) and above 0 far out, as lme4 clamps them", () => {
    const logit = makeLink("logit");
    expect(logit.linkinv(-800)).toBeGreaterThan(0);
    expect(logit.linkinv(800)).toBeLessThan(1);
    expect(logit.muEta(800)).toBeGreaterThan(0);
    expect(makeLink("log").linkinv(-1000)).toBeGreaterThan(0);
  });
  it("muEtaFromMu (the hot-path shortcut) equals mu.eta to rounding", () => {
    for (const name of ["log"]) {
      const link = makeLink(name);
      [-30, -2.5, -0.3, 0.7, 1.9, 30].forEach((eta) => expectClose(link.muEtaFromMu!(link.linkinv(eta)), link.muEta(eta), 1e-12));
    }
  });
  it("an unknown link is a FamilyError naming the known ones", () => {
    expect(() => makeLink("foo")).toThrow(FamilyError);
    expect(() => makeLink("foo")).toThrow(/"foo" link not recognised; known links are "logit"/);
  });
});
