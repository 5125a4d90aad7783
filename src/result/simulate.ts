/**
 * simulate(): new responses from the fitted model, as lme4's simulate.merMod does with
 * use.u = FALSE: fresh random effects b = σΛ(θ̂)u with u ~ N(0, I) (JSS 2015 eq. 2–4; σ = 1 for
 * families without a scale), η = Xβ̂ + Zb + offset, μ = g⁻¹(η), then a response drawn from the
 * family: Gaussian μ + σε/√w, Poisson(μ), binomial(w trials, μ)/w (the proportion, as the fit
 * reads cbind responses), Gamma(shape w/σ², mean μ), inverse Gaussian(μ, shape w/σ²), negative binomial(θ, μ) as
 * lme4's simfunList. A seed makes the draws reproducible.
 */
import { familyOfFit } from "../fit/family/index.js";
import type { FittedModel } from "../fit/fitted.js";
import { makeRng, type Rng } from "./confint/rng.js";
import { fittedModelOf, type ModelInput } from "./predict.js";
import { linearPredictor } from "../fit/linear-predictor.js";
import { lambdaTimes, reOffsets } from "./profile/re-layout.js";
import { MixedModelsError } from "../errors.js";
import { formatCount, tooLarge } from "../memory.js";

export class SimulateError extends MixedModelsError {
  constructor(message: string) {
    super(message);
    this.name = "SimulateError";
  }
}

export interface SimulateOptions {
  /** Number of simulated responses (default 1). */
  nsim?: number;
  /** Seed for reproducible draws; a random seed when omitted. */
  seed?: number;
  /** Generator to draw from instead of a seed (the bootstrap passes its own). */
  rng?: Rng;
}

/** One simulated response vector from a generator. */
export function simulateOnce(fit: FittedModel, rng: Rng): Float64Array {
  const m = fit.matrices;
  const { n } = m;
  const { q } = reOffsets(m);
  const family = familyOfFit(fit);
  const scale = fit.hasScale ? fit.sigma : 1;
  const u = new Float64Array(q);
  for (let i = 0; i < q; i++) u[i] = scale * rng.normal();
  const b = lambdaTimes(m, fit.theta, u);
  const eta = linearPredictor(m, fit.beta, b);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mu = family.link.linkinv(eta[i]);
    const w = m.weights[i];
    switch (fit.family) {
      case "gaussian":
        y[i] = mu + (fit.sigma * rng.normal()) / Math.sqrt(w);
        break;
      case "poisson":
        y[i] = rng.poisson(mu);
        break;
      case "binomial": {
        const trials = Math.round(w);
        y[i] = trials > 0 ? rng.binomial(trials, mu) / trials : 0;
        break;
      }
      case "Gamma": {
        // lme4's simfunList$Gamma: shape = w/σ², rate = shape/μ
        const shape = w / (fit.sigma * fit.sigma);
        y[i] = rng.gamma(shape, shape / mu);
        break;
      }
      case "inverse.gaussian":
        // lme4's simfunList$inverse.gaussian: mean μ, shape w/σ²
        y[i] = rng.inverseGaussian(mu, w / (fit.sigma * fit.sigma));
        break;
      case "negative.binomial": {
        // lme4's simfunList$negative.binomial: rnbinom(size = θ, mu = μ), drawn as the
        // gamma–Poisson mixture λ ~ Gamma(θ, rate θ/μ), y ~ Poisson(λ)
        const theta = family.theta!;
        y[i] = rng.poisson(rng.gamma(theta, theta / mu));
        break;
      }
      default:
        throw new SimulateError(`simulate() does not support the ${String(fit.family)} family`);
    }
  }
  return y;
}

export function simulate(model: ModelInput, options: SimulateOptions = {}): Float64Array[] {
  const fit = fittedModelOf(model);
  const nsim = options.nsim ?? 1;
  if (!Number.isInteger(nsim) || nsim < 1) throw new SimulateError(`nsim must be a positive whole number, not ${nsim}`);
  // nsim arrays of n doubles, checked as one: their total is what the process must hold
  const size = tooLarge(`simulate(nsim = ${formatCount(nsim)}) on ${formatCount(fit.matrices.n)} rows`, nsim * fit.matrices.n);
  if (size) throw new SimulateError(`${size}: ask for fewer simulations at a time`);
  const rng = options.rng ?? makeRng(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  return Array.from({ length: nsim }, () => simulateOnce(fit, rng));
}
