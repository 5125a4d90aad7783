import { describe, expect, it } from "vitest";
import { accumulateCrossProducts, allocateCrossProducts, allocateRowScratch } from "../../../src/fit/pls/cross-products.js";
import { makeLambdaStore, setLambda } from "../../../src/fit/pls/lambda.js";
import { PlsSystem } from "../../../src/fit/pls/pls-system.js";
import { analyzeStructure } from "../../../src/fit/pls/structure.js";
import { allocateFactor, updateL } from "../../../src/fit/pls/update-l.js";
import { lcg, syntheticModel } from "./synthetic.js";

/**
 * setWeightsAndResponseForU (PIRLS with β fixed) forms only L's random-effects columns; what it
 * does form — u for a given β and log|L_θ|² — must be the full factor's bits, and anything reading
 * the [X, y] columns afterwards must get them as a full pass would.
 */
const shapes = {
  "three scalar terms (the all-scalar row pass, several panels)": [
    { levels: 60, p: 1, correlated: true },
    { levels: 35, p: 1, correlated: true },
    { levels: 12, p: 1, correlated: true },
  ],
  "vector-valued terms (the general row pass)": [
    { levels: 40, p: 2, correlated: true },
    { levels: 15, p: 2, correlated: false },
  ],
  "one term (no trailing random effects)": [{ levels: 50, p: 2, correlated: true }],
};

describe("PlsSystem: the u-only factor", () => {
  for (const [name, defs] of Object.entries(shapes)) {
    it(`equals the full factor where it is read: ${name}`, () => {
      const m = syntheticModel(3, 700, defs);
      const rnd = lcg(9);
      const w = Float64Array.from({ length: m.n }, (_, i) => (i % 13 === 0 ? 0 : 0.2 + rnd()));
      const z = Float64Array.from({ length: m.n }, () => rnd() * 3 - 1);
      const beta = Float64Array.from({ length: m.p }, () => rnd() - 0.5);
      const theta = Float64Array.from(m.theta0, (t) => (t === 0 ? 0.3 : 0.7 * t));
      const full = new PlsSystem(m);
      const part = new PlsSystem(m);
      full.setTheta(theta).setWeightsAndResponse(w, z).updateL();
      part.setTheta(theta).setWeightsAndResponseForU(w, z).updateL();
      expect(part.logDetL2()).toBe(full.logDetL2());
      expect(Array.from(part.solveU(beta))).toEqual(Array.from(full.solveU(beta)));
      // readers of the [X, y] columns complete them first, with the same bits
      expect(Array.from(part.unscaledVcov())).toEqual(Array.from(full.unscaledVcov()));
      expect(part.logDetRX2()).toBe(full.logDetRX2());
      expect(part.solve()).toBe(full.solve());
      expect(Array.from(part.beta)).toEqual(Array.from(full.beta));
      // and a full pass after a u-only one is a full pass
      const w2 = w.map((v) => 1.3 * v);
      part.setWeightsAndResponseForU(w2, z).updateL();
      part.setWeightsAndResponse(w2, z).updateL();
      full.setWeightsAndResponse(w2, z).updateL();
      expect(part.pwrss()).toBe(full.pwrss());
    });
  }
});

describe("PlsSystem: saveInputs / restoreInputs", () => {
  it("a restored copy stands for the setWeights…() call it was saved after, bit for bit", () => {
    const m = syntheticModel(4, 500, shapes["three scalar terms (the all-scalar row pass, several panels)"]);
    const rnd = lcg(2);
    const w = Float64Array.from({ length: m.n }, () => 0.1 + rnd());
    const z = Float64Array.from({ length: m.n }, () => rnd() * 2);
    const theta = Float64Array.from(m.theta0, () => 0.4 + rnd());
    const beta = Float64Array.from({ length: m.p }, () => rnd() - 0.5);
    for (const forU of [false, true]) {
      const sys = new PlsSystem(m);
      sys.setTheta(theta);
      if (forU) sys.setWeightsAndResponseForU(w, z);
      else sys.setWeightsAndResponse(w, z);
      const saved = sys.saveInputs();
      sys.updateL();
      const want = { ld: sys.logDetL2(), u: Array.from(sys.solveU(beta)), vcov: Array.from(sys.unscaledVcov()) };
      // other inputs in between, then the saved ones back
      sys.setWeightsAndResponse(w.map((v) => v * 2), z).updateL();
      sys.restoreInputs(saved).updateL();
      expect(sys.logDetL2()).toBe(want.ld);
      expect(Array.from(sys.solveU(beta))).toEqual(want.u);
      expect(Array.from(sys.unscaledVcov())).toEqual(want.vcov);
    }
  });
});

describe("updateL: the Schur complement of a full pattern (fully crossed factors)", () => {
  it("the dense transposed pass gives the general pass's bits", () => {
    // 40 × 12 fully crossed, every cell once: each first-term level meets every later level
    const m = syntheticModel(6, 480, [
      { levels: 40, p: 1, correlated: true },
      { levels: 12, p: 1, correlated: true },
    ]);
    for (let i = 0; i < m.n; i++) {
      m.reTerms[0].refs[i] = i % 40;
      m.reTerms[1].refs[i] = Math.floor(i / 40);
    }
    const lam = makeLambdaStore(m.reTerms);
    const s = analyzeStructure(m, lam.offsets, lam.one);
    const rnd = lcg(8);
    const w = Float64Array.from({ length: m.n }, (_, i) => (i % 29 === 0 ? 0 : 0.2 + rnd()));
    const z = Float64Array.from({ length: m.n }, () => rnd() * 3);
    const cross = allocateCrossProducts(s);
    accumulateCrossProducts(m, s, w, z, cross, allocateRowScratch(m));
    setLambda(lam, m.reTerms, Float64Array.from([0.8, 1.7]));
    const dense = allocateFactor(s);
    const general = { ...allocateFactor(s), l21ByRow: null };
    expect(dense.l21ByRow).not.toBeNull();
    updateL(s, cross, lam, dense);
    updateL(s, cross, lam, general);
    expect(Array.from(dense.l22)).toEqual(Array.from(general.l22));
    expect(dense.l22.some((v, i) => v !== 0 && i % s.m > i / s.m + 1)).toBe(true);
  });
});

describe("accumulateCrossProducts: two scalar terms", () => {
  it("the two-term pass equals the general row pass bit for bit", () => {
    const m = syntheticModel(12, 800, [
      { levels: 70, p: 1, correlated: true },
      { levels: 25, p: 1, correlated: true },
    ], 4);
    const lam = makeLambdaStore(m.reTerms);
    const s = analyzeStructure(m, lam.offsets, lam.one);
    const rnd = lcg(3);
    const w = Float64Array.from({ length: m.n }, (_, i) => (i % 11 === 0 ? 0 : 0.3 + rnd()));
    const z = Float64Array.from({ length: m.n }, () => rnd() * 5 - 2);
    const fast = allocateCrossProducts(s);
    const general = allocateCrossProducts(s);
    const fastScratch = allocateRowScratch(m);
    accumulateCrossProducts(m, s, w, z, fast, fastScratch);
    accumulateCrossProducts(m, s, w, z, general, { ...allocateRowScratch(m), scalar: null });
    expect(fastScratch.scalar).toBeTruthy();
    expect(Array.from(fast.a11)).toEqual(Array.from(general.a11));
    expect(Array.from(fast.a21)).toEqual(Array.from(general.a21));
    expect(Array.from(fast.a22)).toEqual(Array.from(general.a22));
  });
});

describe("updateL: the trailing pattern of nested later terms", () => {
  it("covers every nonzero of L₂₂, and the patterned pass gives the dense pass's bits", () => {
    // 400 units in 90 broods in 30 locations (nested), as grouseticks: a sparse trailing block
    const m = syntheticModel(21, 400, [
      { levels: 400, p: 1, correlated: true },
      { levels: 90, p: 1, correlated: true },
      { levels: 30, p: 1, correlated: true },
    ]);
    for (let i = 0; i < m.n; i++) {
      m.reTerms[0].refs[i] = i;
      m.reTerms[1].refs[i] = i % 90;
      m.reTerms[2].refs[i] = (i % 90) % 30;
    }
    const rnd = lcg(4);
    const w = Float64Array.from({ length: m.n }, () => 0.2 + rnd());
    const z = Float64Array.from({ length: m.n }, () => rnd() * 3);
    const withPattern = new PlsSystem(m);
    const dense = new PlsSystem(m);
    // the pattern is internal: reach it to compare against the dense pass
    const fp = (withPattern as unknown as { factor: { trailing: { ptr: Int32Array; idx: Int32Array } | null; l22: Float64Array } }).factor;
    const fd = (dense as unknown as { factor: { trailing: unknown; l22: Float64Array } }).factor;
    expect(fp.trailing).not.toBeNull();
    fd.trailing = null;
    for (const theta of [[1, 1, 1], [0.3, 1.9, 0.7], [2, 0, 0.5], [0.8, 0.6, 0]]) {
      withPattern.setTheta(theta).setWeightsAndResponse(w, z).updateL();
      dense.setTheta(theta).setWeightsAndResponse(w, z).updateL();
      expect(Array.from(fp.l22)).toEqual(Array.from(fd.l22));
      // u over the pattern (signed zeros included: θ = 0 gives zero effects)
      const beta = Float64Array.from({ length: m.p }, (_, j) => 0.5 - j);
      const got = Array.from(withPattern.solveU(beta), (v) => (Object.is(v, -0) ? "-0" : v));
      const want = Array.from(dense.solveU(beta), (v) => (Object.is(v, -0) ? "-0" : v));
      expect(got).toEqual(want);
      // every nonzero of the dense pass's factor is inside the pattern
      const s = withPattern.structure;
      const inside = new Uint8Array(s.m * s.m);
      const { ptr, idx } = fp.trailing!;
      for (let j = 0; j < s.m; j++) for (let t = ptr[j]; t < ptr[j + 1]; t++) inside[idx[t] + j * s.m] = 1;
      for (let j = 0; j < s.m; j++) for (let i = j; i < s.m; i++) if (fd.l22[i + j * s.m] !== 0) expect(inside[i + j * s.m]).toBe(1);
    }
  });
});
