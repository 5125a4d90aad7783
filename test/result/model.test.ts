import { describe, expect, it } from "vitest";
import { MixedModel } from "../../src/result/model.js";
import { boxed, num, readScaledResiduals, referenceFit, referenceIds } from "./reference-model.js";
import { readLme4Reference } from "../lme4-reference.js";

const close = (a: number, b: number, rel = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe.each(referenceIds())("fit object from lme4's numbers: %s", (id) => {
  const ref = readLme4Reference("reference", id);
  const model = new MixedModel(referenceFit(ref), { formula: ref.formula, dataFile: ref.data });

  it("varCorr reproduces as.data.frame(VarCorr(m)) from θ and σ", () => {
    const rows = model.varCorr;
    expect(rows.map((r) => [r.group, r.var1, r.var2])).toEqual(ref.varcorr.map((r: any) => [r.group, r.var1, r.var2]));
    rows.forEach((r, i) => {
      const want = ref.varcorr[i];
      close(r.vcov, num(want.vcov), 1e-8);
      if (want.sdcor === "NaN") expect(r.sdcor).toBeNaN();
      else close(r.sdcor, num(want.sdcor), 1e-8);
    });
  });

  it("df, logLik, AIC, BIC as lme4", () => {
    expect(model.df).toBe(ref.df);
    close(model.logLik, ref.logLik);
    close(model.AIC, ref.AIC);
    close(model.BIC, ref.BIC);
    expect(model.objectiveKind).toBe(ref.objective_kind);
  });

  it("isSingular rule", () => {
    expect(model.singular).toBe(ref.singular);
  });

  it("ranef tables per grouping factor", () => {
    const ranef = model.ranef;
    expect(Object.keys(ranef).sort()).toEqual(Object.keys(ref.ranef).sort());
    for (const [g, table] of Object.entries(ranef)) {
      expect(table.levels).toEqual(boxed(ref.ranef[g].levels));
      expect(Object.keys(table.modes)).toEqual(Object.keys(ref.ranef[g].modes));
      for (const c of Object.keys(table.modes)) expect(table.modes[c]).toEqual(boxed(ref.ranef[g].modes[c]).map(num));
    }
  });

  it("toJSON has the reference's keys and shapes (minus id and lme4_*, plus our own)", () => {
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    const want = Object.keys(ref).filter((k) => k !== "id" && !k.startsWith("lme4_"));
    // GLMMs fitted by the Laplace approximation say which one ("expected": lme4's)
    const laplace = model.laplace !== null ? ["laplace"] : [];
    expect(Object.keys(json)).toEqual([...want, ...laplace, "fit_seconds", "evaluations", "messages", "converged"]);
    if (model.laplace !== null) expect(json.laplace).toBe("expected");
    const shape = (v: unknown): unknown =>
      Array.isArray(v) ? ["array", v.length, shape(v[0])] :
      v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)])) :
      typeof v === "string" && v === "NaN" ? "number" : typeof v;
    for (const k of want) {
      if (k === "data") continue;
      expect([k, shape(json[k])]).toEqual([k, shape(ref[k as keyof typeof ref])]);
    }
    expect(json.data).toBe(ref.data);
  });
});

describe("coef", () => {
  it("is fixef + ranef per level (sleepstudy, both columns random)", () => {
    const ref = readLme4Reference("reference", "sleepstudy_corr_reml");
    const m = new MixedModel(referenceFit(ref), { formula: ref.formula });
    const c = m.coef.Subject;
    expect(c.levels).toEqual(ref.ranef.Subject.levels);
    for (const name of ["(Intercept)", "Days"]) {
      c.coefficients[name].forEach((v, l) => close(v, ref.fixef[name] + boxed(ref.ranef.Subject.modes[name]!)[l]!, 1e-12));
    }
  });
  it("leaves fixed-only columns at β (cake: random intercept only)", () => {
    const ref = readLme4Reference("reference", "cake_factors_reml");
    const m = new MixedModel(referenceFit(ref), { formula: ref.formula });
    const c = m.coef["recipe:replicate"];
    expect(Object.keys(c.coefficients)).toEqual(Object.keys(ref.fixef));
    c.coefficients.temp.forEach((v) => expect(v).toBe(ref.fixef.temp));
  });
});

describe("residuals", () => {
  it("Pearson residuals / σ for an LMM are (y − μ)/σ", () => {
    const ref = readLme4Reference("reference", "dyestuff_reml");
    const r = readScaledResiduals("dyestuff_reml")!;
    const model = new MixedModel(referenceFit(ref, r), { formula: ref.formula });
    Array.from(model.scaledResiduals()).forEach((x, i) => close(x, r[i], 1e-12));
    expect(model.residuals().length).toBe(ref.nobs);
  });
});
