/**
 * Tests of linear combinations of the fixed effects, the engine of coefficients(), anova() and
 * emmeans(): contrastT (lmerTest's contest1D), contrastF (contestMD / pbkrtest's KRmodcomp) and
 * vcovBeta (vcov, or pbkrtest's vcovAdj for Kenward–Roger). The expensive per-model pieces
 * (lmerTest's vcov_varpar and Jac_list; pbkrtest's Φ_A, P and W) are computed on first use and
 * kept with the model, so many contrasts on one fit cost little.
 */
import type { MixedModel } from "../model.js";
import type { DdfMethod } from "./ddf.js";
import { pfUpper, pnormTwoSided, ptTwoSided } from "./distributions.js";
import { kenwardRogerParts, krAdjust, type KrParts } from "./kenward-roger.js";
import { qform, rowsToColumnMajor, sandwich, symmetricEigen } from "./linalg.js";
import { fStatDdf, satterthwaiteDf, satterthwaiteParts, type SatterthwaiteParts } from "./satterthwaite.js";
import { MixedModelsError } from "../../errors.js";

/** A t test of one linear combination lᵀβ (statistic = estimate / stderr). For Wald, df = ∞
 *  and p is the normal two-sided p-value (a z test). */
export interface TTest {
  estimate: number;
  stderr: number;
  df: number;
  statistic: number;
  p: number;
}

/** An F test of Lβ = 0. For Kenward–Roger, F is pbkrtest's scaled F (F.scaling × unscaledF),
 *  the one its p-value and lmerTest's "F value" use; unscaledF is the plain Wald F with Φ_A,
 *  what lmerTest's Sum Sq and Mean Sq are made of (Mean Sq = unscaledF·σ²). For Satterthwaite and
 *  Wald the two are equal. For Wald, dendf = ∞ (a χ²/numdf test). */
export interface FTest {
  numdf: number;
  dendf: number;
  F: number;
  p: number;
  unscaledF: number;
}

interface Cache {
  satt?: SatterthwaiteParts;
  kr?: KrParts;
}
const caches = new WeakMap<MixedModel, Cache>();

function cache(m: MixedModel): Cache {
  let c = caches.get(m);
  if (!c) caches.set(m, (c = {}));
  return c;
}

/** lmerTest's vcov_varpar and Jac_list for this model (computed once). */
export function satterthwaiteOf(m: MixedModel): SatterthwaiteParts {
  const c = cache(m);
  return (c.satt ??= satterthwaiteParts(m));
}

/** pbkrtest's vcovAdj for this model (computed once). */
export function kenwardRogerOf(m: MixedModel): KrParts {
  const c = cache(m);
  return (c.kr ??= kenwardRogerParts(m));
}

export class InferenceError extends MixedModelsError {
  constructor(message: string) {
    super(message);
    this.name = "InferenceError";
  }
}

function checkMethod(m: MixedModel, ddf: DdfMethod): void {
  if (m.isGLMM && ddf !== "Wald") {
    throw new InferenceError(
      `${ddf} denominator degrees of freedom are for linear mixed models; a GLMM's tests are Wald z-tests (ddf "Wald")`,
    );
  }
}

function checkLength(m: MixedModel, l: ArrayLike<number>, what: string): void {
  const p = m.matrices.p;
  if (l.length !== p) {
    throw new InferenceError(`${what} has ${l.length} entries; the model has ${p} fixed-effects coefficients (${m.matrices.xNames.join(", ")})`);
  }
  for (let i = 0; i < l.length; i++) if (!Number.isFinite(l[i])) throw new InferenceError(`${what} entry ${i + 1} is not a finite number`);
}

/** p × p column-major covariance of β̂: pbkrtest's Φ_A (vcovAdj) for Kenward–Roger, which is what
 *  emmeans uses for its SEs; lme4's vcov otherwise. A copy. */
export function vcovBeta(m: MixedModel, ddf: DdfMethod): Float64Array {
  checkMethod(m, ddf);
  return ddf === "Kenward-Roger" ? Float64Array.from(kenwardRogerOf(m).PhiA) : Float64Array.from(m.fit.vcov);
}

/** The t test of lᵀβ = 0 (lmerTest's contest1D; Kenward–Roger as its get_KR1D: SE from Φ_A, df
 *  from pbkrtest's Lb_ddf). */
export function contrastT(m: MixedModel, l: ArrayLike<number>, ddf: DdfMethod): TTest {
  checkMethod(m, ddf);
  checkLength(m, l, "the contrast");
  const beta = m.fit.beta;
  const p = m.matrices.p;
  let estimate = 0;
  for (let j = 0; j < p; j++) estimate += l[j] * beta[j];
  if (ddf === "Kenward-Roger") {
    const kr = kenwardRogerOf(m);
    const stderr = Math.sqrt(qform(l, kr.PhiA));
    const { ddf: df } = krAdjust(kr, Float64Array.from(l), 1, beta);
    return tTest(estimate, stderr, df);
  }
  const varCon = qform(l, m.fit.vcov);
  const stderr = Math.sqrt(varCon);
  if (ddf === "Wald") return tTest(estimate, stderr, Infinity);
  return tTest(estimate, stderr, satterthwaiteDf(satterthwaiteOf(m), l, varCon, p));
}

function tTest(estimate: number, stderr: number, df: number): TTest {
  const statistic = estimate / stderr;
  const p = df === Infinity ? pnormTwoSided(statistic) : ptTwoSided(statistic, df);
  return { estimate, stderr, df, statistic, p };
}

/** The F test of Lβ = 0 for the rows of L (lmerTest's contestMD for Satterthwaite; pbkrtest's
 *  KRmodcomp — L reduced to full row rank first, as its force_full_rank — for Kenward–Roger; the
 *  Wald χ²/numdf otherwise). */
export function contrastF(m: MixedModel, L: number[][], ddf: DdfMethod): FTest {
  checkMethod(m, ddf);
  if (L.length === 0) throw new InferenceError("the contrast matrix has no rows");
  L.forEach((row, i) => checkLength(m, row, `row ${i + 1} of the contrast matrix`));
  const p = m.matrices.p;
  const beta = m.fit.beta;
  if (ddf === "Kenward-Roger") {
    const kr = kenwardRogerOf(m);
    const Lf = fullRowRank(L, p);
    const r = Lf.length;
    const a = krAdjust(kr, rowsToColumnMajor(Lf, p), r, beta);
    const F = a.FstatU * a.Fscaling;
    return { numdf: r, dendf: a.ddf, F, p: pfUpper(F, r, a.ddf), unscaledF: a.FstatU };
  }
  const V = m.fit.vcov;
  if (L.length === 1) return fFromT(contrastT(m, L[0], ddf));
  // lmerTest's contestMD: eigen-decompose Var(Lβ) = LVLᵀ, test the q independent directions
  const r = L.length;
  const VL = sandwich(rowsToColumnMajor(L, p), V, r, p);
  const { values: d, vectors: P } = symmetricEigen(VL, r);
  const tol = Math.max(Math.sqrt(2.220446049250313e-16) * d[0], 0);
  const q = d.filter((v) => v > tol).length;
  if (q === 0) throw new InferenceError("the contrast matrix has rank 0 (Var(Lβ) is zero)");
  // rows of PᵀL, the first q
  const PtL = Array.from({ length: q }, (_, e) => {
    const row = new Float64Array(p);
    for (let i = 0; i < r; i++) for (let j = 0; j < p; j++) row[j] += P[e][i] * L[i][j];
    return row;
  });
  if (q === 1) return fFromT(contrastT(m, PtL[0], ddf));
  let t2 = 0;
  for (let e = 0; e < q; e++) {
    let lb = 0;
    for (let j = 0; j < p; j++) lb += PtL[e][j] * beta[j];
    t2 += (lb * lb) / d[e];
  }
  const F = t2 / q;
  if (ddf === "Wald") return { numdf: q, dendf: Infinity, F, p: pfUpper(F, q, Infinity), unscaledF: F };
  const parts = satterthwaiteOf(m);
  const nu = PtL.map((row, e) => satterthwaiteDf(parts, row, d[e], p));
  const dendf = fStatDdf(nu);
  return { numdf: q, dendf, F, p: pfUpper(F, q, dendf), unscaledF: F };
}

function fFromT(t: TTest): FTest {
  const F = t.statistic * t.statistic;
  return { numdf: 1, dendf: t.df, F, p: pfUpper(F, 1, t.df), unscaledF: F };
}

/** pbkrtest's force_full_rank: L itself when of full row rank, else an orthonormal basis of its
 *  row space (from the eigen-decomposition of LLᵀ). */
function fullRowRank(L: number[][], p: number): number[][] {
  const r = L.length;
  const LLt = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) LLt[i + j * r] = L[i].reduce((s, v, k) => s + v * L[j][k], 0);
  const { values, vectors } = symmetricEigen(LLt, r);
  const tol = Math.max(values[0] * r * 2.220446049250313e-16 * 100, 0);
  const rank = values.filter((v) => v > tol).length;
  if (rank === r) return L;
  return Array.from({ length: rank }, (_, e) => {
    const row = new Array<number>(p).fill(0);
    for (let i = 0; i < r; i++) for (let j = 0; j < p; j++) row[j] += (vectors[e][i] * L[i][j]) / Math.sqrt(values[e]);
    return row;
  });
}
