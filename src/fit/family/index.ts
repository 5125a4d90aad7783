/**
 * Families and links: `makeFamily(name, link?)` returns R's family(link) with lme4's numerics.
 */
import type { FamilyName } from "../fitted.js";
import { binomial } from "./binomial.js";
import { FamilyError } from "./errors.js";
import type { Family, FamilyDefinition } from "./family.js";
import { gamma } from "./gamma.js";
import { gaussian } from "./gaussian.js";
import { inverseGaussian } from "./inverseGaussian.js";
import { makeLink } from "./links.js";
import { poisson } from "./poisson.js";

export { FamilyError } from "./errors.js";
export type { Family, FamilyDefinition } from "./family.js";
export { makeLink, LINK_NAMES, type Link, type LinkName } from "./links.js";

const FAMILIES: Record<FamilyName, FamilyDefinition> = {
  binomial,
  poisson,
  Gamma: gamma,
  "inverse.gaussian": inverseGaussian,
  gaussian,
};

export const FAMILY_NAMES = Object.keys(FAMILIES) as FamilyName[];

/** The family `name` with link `link` (default: the canonical link). Throws FamilyError for an
 *  unknown family or an unknown link. */
export function makeFamily(name: string, link?: string): Family {
  if (!Object.prototype.hasOwnProperty.call(FAMILIES, name)) {
    const hint = name.toLowerCase() === "gamma" ? ' (R spells it "Gamma")' : "";
    throw new FamilyError(
      `unknown family ${JSON.stringify(name)}${hint}; families are ${FAMILY_NAMES.map((f) => `"${f}"`).join(", ")}`,
    );
  }
  const def = FAMILIES[name as FamilyName];
  // R's family constructors take any link make.link() knows when it is given by name (e.g.
  // binomial(link = "log")), and so does lme4; only an unknown name is refused (by makeLink).
  const linkName = link ?? def.canonicalLink;
  return { ...def, link: makeLink(linkName) };
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
