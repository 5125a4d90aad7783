/**
 * Families and links: `makeFamily(name, link?)` returns R's family(link) with lme4's numerics.
 */
import type { FamilyName } from "../fitted.js";
import { binomial } from "./binomial.js";
import { FamilyError } from "./errors.js";
import { withLink, type Family, type FamilyDefinition } from "./family.js";
import { gamma } from "./gamma.js";
import { gaussian } from "./gaussian.js";
import { inverseGaussian } from "./inverseGaussian.js";
import { makeLink } from "./links.js";
import { negativeBinomial } from "./negative-binomial.js";
import { poisson } from "./poisson.js";

export { FamilyError } from "./errors.js";
export type { Family, FamilyDefinition } from "./family.js";
export { makeLink, LINK_NAMES, type Link, type LinkName } from "./links.js";
export { negativeBinomial, negativeBinomialLabel, thetaMl } from "./negative-binomial.js";

/** The families without a parameter of their own; negative.binomial takes θ (negativeBinomial). */
const FAMILIES: Record<Exclude<FamilyName, "negative.binomial">, FamilyDefinition> = {
  binomial,
  poisson,
  Gamma: gamma,
  "inverse.gaussian": inverseGaussian,
  gaussian,
};

export const FAMILY_NAMES: FamilyName[] = [...(Object.keys(FAMILIES) as FamilyName[]), "negative.binomial"];

/** A family as a user names it: "poisson", "negative.binomial" (θ estimated, lme4's glmer.nb),
 *  "negative.binomial(2)" or { name: "negative.binomial", theta: 2 } (θ fixed, MASS's
 *  negative.binomial(2)). */
export type FamilySpec = FamilyName | string | { name: FamilyName | string; theta?: number };

/** A FamilySpec read: the family's name and, for negative.binomial, θ when it is fixed. */
export interface ResolvedFamily {
  name: FamilyName;
  /** negative.binomial's fixed θ; undefined when θ is to be estimated. */
  theta?: number;
}

/** Reads a FamilySpec; throws FamilyError for an unknown family, a θ on another family or a bad θ. */
export function resolveFamilySpec(spec: FamilySpec): ResolvedFamily {
  let name: string;
  let theta: number | undefined;
  if (typeof spec === "string") {
    const m = /^\s*(?:MASS::)?negative\.binomial\s*\(\s*(?:theta\s*=\s*)?([^)]*?)\s*\)\s*$/.exec(spec);
    if (m) {
      name = "negative.binomial";
      theta = Number(m[1]);
      if (m[1] === "" || !Number.isFinite(theta)) {
        throw new FamilyError(`negative.binomial(theta) needs a number for theta, not ${JSON.stringify(m[1])} in ${JSON.stringify(spec)}`);
      }
    } else name = spec;
  } else if (spec !== null && typeof spec === "object" && typeof spec.name === "string") {
    name = spec.name;
    theta = spec.theta;
  } else {
    throw new FamilyError(`family must be a name such as "poisson" or { name, theta }, not ${JSON.stringify(spec)}`);
  }
  if (name !== "negative.binomial" && !Object.prototype.hasOwnProperty.call(FAMILIES, name)) makeFamily(name);
  if (theta !== undefined) {
    if (name !== "negative.binomial") throw new FamilyError(`only the negative.binomial family takes a theta (family ${JSON.stringify(name)})`);
    if (!(Number.isFinite(theta) && theta > 0)) throw new FamilyError(`the negative binomial theta must be a positive number, not ${theta}`);
  }
  return theta === undefined ? { name: name as FamilyName } : { name: name as FamilyName, theta };
}

/** The family `name` with link `link` (default: the canonical link). Throws FamilyError for an
 *  unknown family or an unknown link. */
export function makeFamily(name: string, link?: string, params: { theta?: number } = {}): Family {
  if (name === "negative.binomial") {
    if (params.theta === undefined) {
      throw new FamilyError("the negative.binomial family needs its theta here: negative.binomial(theta), or let glmer estimate it");
    }
    const def = negativeBinomial(params.theta);
    return withLink(def, makeLink(link ?? def.canonicalLink));
  }
  if (!Object.prototype.hasOwnProperty.call(FAMILIES, name)) {
    const hint = name.toLowerCase() === "gamma" ? ' (R spells it "Gamma")' : "";
    throw new FamilyError(
      `unknown family ${JSON.stringify(name)}${hint}; families are ${FAMILY_NAMES.map((f) => `"${f}"`).join(", ")}`,
    );
  }
  const def = FAMILIES[name as keyof typeof FAMILIES];
  // R's family constructors take any link make.link() knows when it is given by name (e.g.
  // binomial(link = "log")), and so does lme4; only an unknown name is refused (by makeLink).
  const linkName = link ?? def.canonicalLink;
  return withLink(def, makeLink(linkName));
}

/** The family a fit used, with its link and (negative binomial) θ: the one place result code gets
 *  link math, variance and deviance residuals from. */
export function familyOfFit(fit: { family: FamilyName; link: string; nbTheta?: number }): Family {
  return makeFamily(fit.family, fit.link, fit.nbTheta !== undefined ? { theta: fit.nbTheta } : {});
}

/** Whether a family and link make a linear mixed model (gaussian, identity link: lme4's isLMM),
 *  fitted by lmer's PLS — the one test the API, the CLI and the GLMM fit apply before fitting;
 *  after it the fit carries the answer as FittedModel.isLmm. */
export function isLinearFamily(name: string, link?: string | null): boolean {
  return name === "gaussian" && (link === undefined || link === null || link === "identity");
}

/** R's family()$family: the name, or "Negative Binomial(θ)". */
export function familyLabel(f: FamilyDefinition): string {
  return f.label ?? f.name;
}

/** Starting μ and η from the response (R's `initialize`), checking that the link can take them. */
export function initialEta(family: Family, y: Float64Array, wt: Float64Array, eta: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const mu = family.initialMu(y[i], wt[i]);
    const e = family.link.linkfun(mu);
    if (!Number.isFinite(e) || !family.link.valideta(e)) {
      throw new FamilyError(
        `cannot find valid starting values for the ${family.name} family with the ${family.link.name} link: ` +
          `row ${i + 1} (y = ${y[i]}) gives a starting mean outside the link's domain`,
      );
    }
    eta[i] = e;
  }
}
