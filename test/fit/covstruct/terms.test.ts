/**
 * The term types of src/model/covariance/ checked by identities: ΛΛᵀ is the structure's own Σ/σ²
 * (lme4 2.0 vignette "Covariance Structures"), θ ↔ sd/cor round-trips, and the plan's Λ entries
 * are the term type's own.
 */
import { describe, expect, it } from "vitest";
import { covarianceMatrix, lambdaBlock, makeCovariance } from "../../../src/model/covariance/index.js";

const labels = { group: "g", columnNames: ["t1", "t2", "t3", "t4", "t5"] };

function expectMatrix(got: number[][], want: (i: number, j: number) => number, tol = 1e-12): void {
  got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want(i, j))).toBeLessThanOrEqual(tol * (1 + Math.abs(want(i, j))))));
}

describe("Λ of each structure gives the structure's Σ", () => {
  const sd = [0.5, 1.2, 2, 0.8, 1.5];
  it("us: θ is the column-major lower triangle of Λ", () => {
    const c = makeCovariance({ ...labels, structure: "us", thetaOffset: 2 });
    expect(c.thetaCount).toBe(15);
    const theta = [9, 9, ...Array.from({ length: 15 }, (_, k) => 0.1 * (k + 1))];
    const L = lambdaBlock(c, theta);
    expect(L[0]).toBe(0.1); // (0,0)
    expect(L[1]).toBe(0.2); // (1,0)
    expect(L[5 + 1]).toBeCloseTo(0.6, 15); // (1,1): the column-major 6th θ
    expect(L[5]).toBe(0); // (0,1) above the diagonal
  });
  it("diag: independent effects, one θ each or one shared (hom)", () => {
    const c = makeCovariance({ ...labels, structure: "diag", thetaOffset: 0 });
    expectMatrix(covarianceMatrix(c, sd, 2), (i, j) => (i === j ? 4 * sd[i] ** 2 : 0));
    const h = makeCovariance({ ...labels, structure: "diag", hom: true, thetaOffset: 0 });
    expect(h.names).toEqual(["g.*"]);
    expectMatrix(covarianceMatrix(h, [0.7], 1), (i, j) => (i === j ? 0.49 : 0));
  });
  it.each([0.6, -0.2, 0, 0.999])("cs: s_i s_j ρ off the diagonal (ρ = %s)", (rho) => {
    const c = makeCovariance({ ...labels, structure: "cs", thetaOffset: 0 });
    expect(c.names).toEqual(["g.t1", "g.t2", "g.t3", "g.t4", "g.t5", "g.rho"]);
    expect(c.lower[5]).toBe(-0.25);
    expectMatrix(covarianceMatrix(c, [...sd, rho], 1), (i, j) => sd[i] * sd[j] * (i === j ? 1 : rho));
  });
  it.each([0.7, -0.5, 0, 0.95])("ar1: s_i s_j ρ^|i−j| (ρ = %s)", (rho) => {
    const c = makeCovariance({ ...labels, structure: "ar1", hom: false, thetaOffset: 0 });
    expectMatrix(covarianceMatrix(c, [...sd, rho], 1), (i, j) => sd[i] * sd[j] * rho ** Math.abs(i - j));
    const h = makeCovariance({ ...labels, structure: "ar1", thetaOffset: 0 });
    expect(h.names).toEqual(["g.*", "g.rho"]);
    expectMatrix(covarianceMatrix(h, [1.5, rho], 2), (i, j) => 9 * rho ** Math.abs(i - j));
  });
  it("cs at ρ's bounds: Λ stays finite (a singular Σ)", () => {
    const c = makeCovariance({ ...labels, structure: "cs", thetaOffset: 0 });
    for (const rho of [1, -0.25]) {
      const L = lambdaBlock(c, [...sd, rho]);
      expect(L.every(Number.isFinite)).toBe(true);
      expectMatrix(covarianceMatrix(c, [...sd, rho], 1), (i, j) => sd[i] * sd[j] * (i === j ? 1 : rho), 1e-9);
    }
  });
});

describe("θ ↔ lme4's profile scale (sd, ρ)", () => {
  it.each(["us", "diag", "cs", "ar1"] as const)("%s round-trips", (structure) => {
    const c = makeCovariance({ group: "g", columnNames: ["a", "b", "c"], structure, thetaOffset: 1 });
    const theta = new Float64Array(1 + c.thetaCount);
    theta.set(structure === "us" ? [0.8, 0.3, -0.2, 1.1, 0.4, 0.6] : c.names.map((n, k) => (n.endsWith(".rho") ? 0.4 : 0.5 + k)), 1);
    const sdcor = new Float64Array(theta.length);
    c.toSdCor(theta, 2, sdcor);
    const S = covarianceMatrix(c, theta, 2);
    expect(sdcor[1]).toBeCloseTo(Math.sqrt(S[0][0]), 12);
    const back = new Float64Array(theta.length);
    expect(c.fromSdCor(sdcor, 2, back)).toBe(true);
    Array.from(back.subarray(1)).forEach((v, k) => expect(v).toBeCloseTo(theta[1 + k], 12));
  });
  it("a cs correlation outside its positive-definite range is refused", () => {
    const c = makeCovariance({ group: "g", columnNames: ["a", "b", "c"], structure: "cs", thetaOffset: 0 });
    expect(c.fromSdCor([1, 1, 1, -0.6], 1, new Float64Array(4))).toBe(false);
  });
  it("the plan's Λ entries name θ where Λ is linear in it, and say what the entry is otherwise", () => {
    const us = makeCovariance({ group: "g", columnNames: ["a", "b"], structure: "us", thetaOffset: 0 }).planEntries();
    expect(us.map((e) => [e.row, e.col, e.thetaIndex])).toEqual([[0, 0, 0], [1, 0, 1], [1, 1, 2]]);
    const ar1 = makeCovariance({ group: "g", columnNames: ["a", "b", "c"], structure: "ar1", thetaOffset: 0 }).planEntries();
    expect(ar1.every((e) => e.thetaIndex === -1)).toBe(true);
    expect(ar1.map((e) => e.thetaName)).toEqual(["g.*", "g.*·ρ", "g.*·ρ^2", "g.*·√(1 − ρ²)", "g.*·ρ·√(1 − ρ²)", "g.*·√(1 − ρ²)"]);
  });
});
