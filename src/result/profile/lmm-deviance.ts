/**
 * The linear mixed model's penalized least-squares solution at a given θ, for profiling and
 * refitting (JSS 2015, Bates et al., §3.4–3.6), computed by the fit stage's blocked PlsSystem:
 *
 *   L Lᵀ = Λᵀ Zᵀ W Z Λ + I                          (eq. 18)
 *   L R_ZX = Λᵀ Zᵀ W X,  R_Xᵀ R_X = Xᵀ W X − R_ZXᵀ R_ZX   (eq. 19–20, the blocked Cholesky factor)
 *   β̂ and û from the two triangular solves, r²(θ) = ‖W^½(y − Xβ̂ − ZΛû)‖² + ‖û‖²
 *
 * with X, the offset or y replaced where profiling a fixed effect or bootstrapping needs it. The
 * criteria computed from these pieces are the fit's own (src/fit/lmm/profiled-deviance.ts
 * lmmDeviance): σ profiled out, or at a fixed σ as lme4's devfun2 profiles it.
 */
import type { ModelMatrices } from "../../model/matrices.js";
import { PlsSystem } from "../../fit/pls/index.js";

/** The pieces of the solution at one θ. Views into the system's buffers: copy to keep. */
export interface LmmState {
  /** log det(L Lᵀ), log det(R_Xᵀ R_X). */
  ldL2: number;
  ldRX2: number;
  /** Penalized weighted residual sum of squares r²(θ). */
  prss: number;
  beta: Float64Array;
  u: Float64Array;
}

export interface LmmSystem {
  n: number;
  p: number;
  q: number;
  /** Σ log wᵢ (lme4's ldW). */
  ldW: number;
  /** Solve at θ; null when L L' is not positive definite. */
  solve(theta: ArrayLike<number>): LmmState | null;
  /** (R_Xᵀ R_X)⁻¹ at the last solve (p × p, symmetric): Var(β̂) = σ² times it. */
  unscaledVcov(): Float64Array;
}

/** Optional replacements: X without a column and an offset that carries it (profiling a fixed
 *  effect, lme4's fe.zeta), or a new response (bootstrap). */
export interface LmmSystemOptions {
  X?: Float64Array;
  p?: number;
  offset?: Float64Array;
  y?: Float64Array;
}

/** The solution through the fit stage's PlsSystem (src/fit/pls/): the blocked Cholesky. */
export function lmmSystem(m: ModelMatrices, options: LmmSystemOptions = {}): LmmSystem {
  const mm: ModelMatrices = {
    ...m,
    X: options.X ?? m.X,
    p: options.p ?? m.p,
    offset: options.offset ?? m.offset,
    y: options.y ?? m.y,
  };
  const sys = new PlsSystem(mm);
  const state: LmmState = { ldL2: 0, ldRX2: 0, prss: 0, beta: sys.beta, u: sys.u };
  return {
    n: sys.n,
    p: sys.p,
    q: sys.q,
    ldW: sys.sumLogWeights(),
    solve(theta) {
      sys.setTheta(theta).updateL();
      state.ldL2 = sys.logDetL2();
      state.ldRX2 = sys.logDetRX2();
      state.prss = sys.solve();
      return Number.isFinite(state.ldL2) && Number.isFinite(state.ldRX2) && Number.isFinite(state.prss) ? state : null;
    },
    unscaledVcov: () => sys.unscaledVcov(),
  };
}
