import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";

// Issue 12, item 5: one base class for every error thrown on purpose, each stage's subclass exported.
describe("MixedModelsError hierarchy", () => {
  const stageErrors = [
    "FormulaError", "ModelError", "FitError", "LmmError", "GlmmError", "FamilyError", "OptimizerError",
    "NoRandomEffectsError", "TrailingBlockTooLargeError", "NotPositiveDefiniteError",
    "AnovaError", "PredictError", "SimulateError", "PlotError", "InferenceError", "KenwardRogerError",
  ] as const;

  it.each(stageErrors)("%s is exported and extends MixedModelsError", (name) => {
    const cls = (api as unknown as Record<string, unknown>)[name] as { prototype: object } | undefined;
    expect(cls, name).toBeTypeOf("function");
    expect(cls!.prototype instanceof api.MixedModelsError).toBe(true);
  });

  it("errors thrown by each stage are MixedModelsErrors", () => {
    const rows = [{ y: 1, g: "a" }, { y: 2, g: "b" }, { y: 3, g: "a" }];
    expect(() => api.parseFormula("y ~ (1 | )")).toThrow(api.MixedModelsError);
    expect(() => api.lmer("y ~ nope + (1 | g)", rows)).toThrow(api.MixedModelsError);
    expect(() => api.lmer("y ~ 1", rows)).toThrow(api.MixedModelsError);
  });
});
