/**
 * Responses no mixed model can be fitted to, named before the optimiser runs into their symptom
 * (a zero Cholesky pivot, or estimates running off to ±∞):
 *
 *  - LMM: a response that does not vary (after the offset) has r² = 0 at every θ, so the
 *    profiled deviance is −∞. lme4 1.1-31 "fits" it at σ̂ ≈ 1e-17 with a REML criterion of −13215
 *    (sleepstudy with y = 5; test/fixtures/edges/make.R): a meaningless number, so we refuse.
 *  - binomial with every proportion 0 or every one 1, Poisson with every count 0: the likelihood
 *    increases without bound as the intercept goes to ∓∞ (complete separation of the response
 *    from 0.5), so there is no maximum to find.
 */
import type { ModelMatrices } from "../model/matrices.js";
import { GlmmError } from "./glmm/errors.js";
import { LmmError } from "./lmm/fit-lmm.js";

/** The response's value on every row with positive weight, or null when it varies. */
function constantValue(m: ModelMatrices, subtractOffset: boolean): number | null {
  let first: number | null = null;
  for (let i = 0; i < m.n; i++) {
    if (!(m.weights[i] > 0)) continue;
    const v = subtractOffset ? m.y[i] - m.offset[i] : m.y[i];
    if (first === null) first = v;
    else if (v !== first) return null;
  }
  return first;
}

const responseName = (m: ModelMatrices): string => m.plan?.response?.expression ?? "the response";

export function checkLmmResponse(m: ModelMatrices): void {
  const c = constantValue(m, true);
  if (c === null) return;
  const offset = m.offset.some((v) => v !== 0) ? " minus the offset" : "";
  throw new LmmError(
    `Response '${responseName(m)}' is constant (every value${offset} is ${c}): there is no variation for ` +
      "a linear mixed model to describe (σ̂ would be 0 and the criterion −∞)",
  );
}

export function checkGlmmResponse(m: ModelMatrices, family: string): void {
  const c = constantValue(m, false);
  if (c === null) return;
  const name = responseName(m);
  if (family === "binomial" && (c === 0 || c === 1)) {
    throw new GlmmError(
      `Response '${name}' is constant: every observation is a ${c === 1 ? "success" : "failure"}, so the ` +
        `binomial estimates diverge (the intercept goes to ${c === 1 ? "+" : "−"}∞) and there is no maximum likelihood fit`,
    );
  }
  if (family === "poisson" && c === 0) {
    throw new GlmmError(
      `Response '${name}' is constant: every count is 0, so the Poisson estimates diverge (the intercept goes to −∞) ` +
        "and there is no maximum likelihood fit",
    );
  }
}
