import { describe, expect, it } from "vitest";
import { fitLmm } from "../../../src/fit/lmm/fit-lmm.js";
import { buildMatrices } from "./build-matrices.js";
import { expectAgreesWithLme4, readLme4Reference } from "../../lme4-reference.js";

// InstEval (73 421 rows, 4 128 random effects) is the one slow fit: run it with LMM_INSTEVAL=1.
// Its objective at lme4's θ is checked in the normal suite (objective.test.ts).
describe.skipIf(!process.env.LMM_INSTEVAL)("fitLmm on InstEval", () => {
  it("insteval_crossed_ml matches lme4", () => {
    const ref = readLme4Reference("reference", "insteval_crossed_ml");
    const fit = fitLmm(buildMatrices("insteval_crossed_ml"), { REML: false });
    expectAgreesWithLme4(fit, ref);
    expect(fit.converged).toBe(true);
    // lme4 1.1 (nloptwrap, mkLmerDevfun's moment start): m@optinfo$feval is 79
    expect(fit.evaluations).toBe(79);
    console.log(`InstEval: ${fit.evaluations} evaluations, ${fit.fitSeconds.toFixed(2)} s`);
  });
});
