import { describe, expect, it } from "vitest";
import { accumulateCrossProducts, allocateCrossProducts, allocateRowScratch } from "../../../src/fit/pls/cross-products.js";
import { makeLambdaStore } from "../../../src/fit/pls/lambda.js";
import { analyzeStructure } from "../../../src/fit/pls/structure.js";
import { lcg, syntheticModel } from "./synthetic.js";

describe("accumulateCrossProducts: the all-scalar pass equals the general row pass bit for bit", () => {
  // three crossed scalar terms (the later two reordered by minimum degree), weights with zeros
  const model = syntheticModel(11, 900, [
    { levels: 60, p: 1, correlated: true },
    { levels: 35, p: 1, correlated: true },
    { levels: 12, p: 1, correlated: true },
  ]);
  model.reTerms.sort((a, b) => b.levels.length - a.levels.length);
  const lam = makeLambdaStore(model.reTerms);
  const s = analyzeStructure(model, lam.offsets, lam.one);
  const rnd = lcg(5);
  const w = Float64Array.from({ length: model.n }, (_, i) => (i % 17 === 0 ? 0 : 0.3 + rnd()));
  const z = Float64Array.from({ length: model.n }, () => rnd() * 4);

  it("a11, a21 and a22 agree exactly", () => {
    const fast = allocateCrossProducts(s);
    const general = allocateCrossProducts(s);
    const fastScratch = allocateRowScratch(model);
    const generalScratch = { ...allocateRowScratch(model), scalar: null };
    accumulateCrossProducts(model, s, w, z, fast, fastScratch);
    accumulateCrossProducts(model, s, w, z, general, generalScratch);
    expect(fastScratch.scalar).toBeTruthy(); // the scalar pass really ran
    expect(Array.from(fast.a11)).toEqual(Array.from(general.a11));
    expect(Array.from(fast.a21)).toEqual(Array.from(general.a21));
    expect(Array.from(fast.a22)).toEqual(Array.from(general.a22));
    expect(fast.a22.some((v) => v !== 0)).toBe(true);
    // a second pass (the layout reused) with other weights
    const w2 = w.map((v) => v * 1.5);
    accumulateCrossProducts(model, s, w2, z, fast, fastScratch);
    accumulateCrossProducts(model, s, w2, z, general, generalScratch);
    expect(Array.from(fast.a22)).toEqual(Array.from(general.a22));
  });

  it("the [X, y] block is Σᵢ (wᵢuᵢ)vᵢ summed in row order, exactly", () => {
    const a = allocateCrossProducts(s);
    accumulateCrossProducts(model, s, w, z, a, allocateRowScratch(model));
    const { n, p, m, qRest } = s;
    const column = (c: number) => (c < p ? model.X.subarray(c * n, c * n + n) : z);
    for (let ca = 0; ca <= p; ca++)
      for (let cb = ca; cb <= p; cb++) {
        const u = column(ca), v = column(cb);
        let acc = 0;
        for (let i = 0; i < n; i++) if (w[i] !== 0) acc += w[i] * u[i] * v[i];
        expect(a.a22[qRest + cb + (qRest + ca) * m]).toBe(acc);
      }
  });
});
