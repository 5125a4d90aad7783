/**
 * The fit's JSON (json.ts) with what the inference adds for `fit --json`: "coefficients" (when a
 * ddf method is asked for: rows { term, estimate, stderr, df, statistic, p }, df = "Inf" for
 * Wald as jsonlite writes Inf) and, for linear mixed models, Nakagawa's "r2".
 */
import type { MixedModel } from "../model.js";
import { jsonNumber, type JSONNumber, type ModelJSON } from "../json.js";
import { coefficients } from "./coefficients.js";
import type { DdfMethod } from "./ddf.js";
import { r2 } from "./r2.js";

export interface InferenceJSON extends ModelJSON {
  coefficients?: { term: string; estimate: JSONNumber; stderr: JSONNumber; df: JSONNumber; statistic: JSONNumber; p: JSONNumber }[];
  r2?: { marginal: JSONNumber; conditional: JSONNumber };
}

export function fitJSONWithInference(m: MixedModel, ddf?: DdfMethod): InferenceJSON {
  const out: InferenceJSON = m.toJSON();
  if (ddf !== undefined) {
    out.coefficients = coefficients(m, { ddf }).map((c) => ({
      term: c.term, estimate: jsonNumber(c.estimate), stderr: jsonNumber(c.stderr), df: jsonNumber(c.df),
      statistic: jsonNumber(c.statistic), p: jsonNumber(c.p),
    }));
  }
  if (!m.isGLMM) {
    const r = r2(m);
    out.r2 = { marginal: jsonNumber(r.marginal), conditional: jsonNumber(r.conditional) };
  }
  return out;
}
