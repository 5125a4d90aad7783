/**
 * Link functions g(μ) = η as R's make.link() defines them, with the inverse links and dμ/dη bounded
 * away from 0 and 1 exactly as lme4's C++ (src/glmFamily.cpp) does, so PIRLS sees the same numbers
 * lme4 does. All functions are scalar so the PIRLS loops stay allocation-free.
 */
import { FamilyError } from "./errors.js";
import { DBL_EPSILON, dcauchy, dnorm, pcauchy, pnorm, qcauchy, qnorm } from "./special.js";

export type LinkName =
  | "logit"
  | "probit"
  | "cauchit"
  | "cloglog"
  | "identity"
  | "log"
  | "sqrt"
  | "inverse"
  | "1/mu^2";

export interface Link {
  name: LinkName;
  /** η = g(μ). */
  linkfun(mu: number): number;
  /** μ = g⁻¹(η). */
  linkinv(eta: number): number;
  /** dμ/dη at η. */
  muEta(eta: number): number;
  /** d²μ/dη² at η, unbounded (the analytic derivative of g⁻¹; muEta's bounds away from 0 are for
   *  PIRLS's weights and do not apply). Only the observed information needs it (Family.observedWeight). */
  muEtaDeriv(eta: number): number;
  /** dμ/dη from μ = g⁻¹(η) when that is exact without another exp (log: μ),
   *  equal to muEta(η) to rounding; PIRLS uses it on its hot path. */
  muEtaFromMu?(mu: number): number;
  /** μ = g⁻¹(η) returned and dμ/dη written to dmu[i], from one shared transcendental (logit: one
   *  exp where linkinv and muEta take one each), each bit for bit linkinv(η) and muEta(η). */
  linkinvMuEta?(eta: number, dmu: Float64Array, i: number): number;
  /** Whether η is in the link's domain (R's valideta, elementwise). */
  valideta(eta: number): boolean;
}

const EPS = DBL_EPSILON;
const ONE_MINUS_EPS = 1 - DBL_EPSILON;
const always = (): boolean => true;
const clampUnit = (p: number): number => Math.max(EPS, Math.min(ONE_MINUS_EPS, p));

const logit: Link = {
  name: "logit",
  linkfun: (mu) => Math.log(mu / (1 - mu)),
  // plogis, computed on the side that does not overflow
  linkinv: (eta) => clampUnit(eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta))),
  muEta: (eta) => {
    const e = Math.exp(-Math.abs(eta));
    const opE = 1 + e;
    return Math.max(EPS, e / (opE * opE));
  },
  // (no muEtaFromMu: 1 − μ loses precision as μ → 1; lme4 computes dlogis from η)
  // exp(−|η|) is the exp both of the above take (for η < 0, exp(η) is that very number)
  linkinvMuEta: (eta, dmu, i) => {
    const e = Math.exp(-Math.abs(eta));
    const opE = 1 + e;
    dmu[i] = Math.max(EPS, e / (opE * opE));
    return clampUnit(eta >= 0 ? 1 / opE : e / opE);
  },
  // μ'' = μ'(1 − 2μ), 1 − 2μ = −tanh(η/2) written with e = exp(−|η|) as above
  muEtaDeriv: (eta) => {
    const e = Math.exp(-Math.abs(eta));
    const opE = 1 + e;
    return ((e / (opE * opE)) * (eta >= 0 ? e - 1 : 1 - e)) / opE;
  },
  valideta: always,
};

const probit: Link = {
  name: "probit",
  linkfun: (mu) => qnorm(mu),
  linkinv: (eta) => Math.min(ONE_MINUS_EPS, pnorm(eta)),
  // R's probit mu.eta: pmax(dnorm(eta), .Machine$double.eps)
  muEta: (eta) => Math.max(EPS, dnorm(eta)),
  // φ'(η) = −η φ(η)
  muEtaDeriv: (eta) => -eta * dnorm(eta),
  valideta: always,
};

const cauchit: Link = {
  name: "cauchit",
  linkfun: (mu) => qcauchy(mu),
  linkinv: (eta) => clampUnit(pcauchy(eta)),
  muEta: (eta) => Math.max(EPS, dcauchy(eta)),
  // d/dη 1/(π(1 + η²)) = −2η / (π(1 + η²)²)
  muEtaDeriv: (eta) => (-2 * eta) / (Math.PI * (1 + eta * eta) ** 2),
  valideta: always,
};

const cloglog: Link = {
  name: "cloglog",
  linkfun: (mu) => Math.log(-Math.log1p(-mu)),
  // μ = 1 − exp(−exp(η)), dμ/dη = exp(η − exp(η)) (lme4's pgumbel2 / dgumbel2)
  linkinv: (eta) => clampUnit(-Math.expm1(-Math.exp(eta))),
  muEta: (eta) => Math.max(EPS, Math.exp(eta - Math.exp(eta))),
  // d/dη exp(η − exp(η)) = exp(η − exp(η))(1 − exp(η))
  muEtaDeriv: (eta) => Math.exp(eta - Math.exp(eta)) * (1 - Math.exp(eta)),
  valideta: always,
};

const identity: Link = {
  name: "identity",
  linkfun: (mu) => mu,
  linkinv: (eta) => eta,
  muEta: () => 1,
  muEtaDeriv: () => 0,
  valideta: always,
};

const log: Link = {
  name: "log",
  linkfun: (mu) => Math.log(mu),
  linkinv: (eta) => Math.max(EPS, Math.exp(eta)),
  muEta: (eta) => Math.max(EPS, Math.exp(eta)),
  muEtaFromMu: (mu) => mu,
  muEtaDeriv: (eta) => Math.exp(eta),
  valideta: always,
};

const sqrt: Link = {
  name: "sqrt",
  linkfun: (mu) => Math.sqrt(mu),
  linkinv: (eta) => eta * eta,
  muEta: (eta) => 2 * eta,
  // μ = η²
  muEtaDeriv: () => 2,
  valideta: (eta) => Number.isFinite(eta) && eta > 0,
};

const inverse: Link = {
  name: "inverse",
  linkfun: (mu) => 1 / mu,
  linkinv: (eta) => 1 / eta,
  muEta: (eta) => -1 / (eta * eta),
  // μ = 1/η: μ'' = 2/η³
  muEtaDeriv: (eta) => 2 / (eta * eta * eta),
  valideta: (eta) => Number.isFinite(eta) && eta !== 0,
};

const inverseSquare: Link = {
  name: "1/mu^2",
  linkfun: (mu) => 1 / (mu * mu),
  linkinv: (eta) => 1 / Math.sqrt(eta),
  muEta: (eta) => -1 / (2 * Math.pow(eta, 1.5)),
  // μ = η^(−1/2): μ'' = (3/4) η^(−5/2)
  muEtaDeriv: (eta) => 0.75 / Math.pow(eta, 2.5),
  valideta: (eta) => Number.isFinite(eta) && eta > 0,
};

const LINKS: Record<LinkName, Link> = {
  logit,
  probit,
  cauchit,
  cloglog,
  identity,
  log,
  sqrt,
  inverse,
  "1/mu^2": inverseSquare,
};

export const LINK_NAMES = Object.keys(LINKS) as LinkName[];

export function isLinkName(name: string): name is LinkName {
  return Object.prototype.hasOwnProperty.call(LINKS, name);
}

/** The link called `name` (R's make.link); throws FamilyError for a name R does not know. */
export function makeLink(name: string): Link {
  if (!isLinkName(name)) {
    throw new FamilyError(
      `${JSON.stringify(name)} link not recognised; known links are ${LINK_NAMES.map((l) => `"${l}"`).join(", ")}`,
    );
  }
  return LINKS[name];
}
