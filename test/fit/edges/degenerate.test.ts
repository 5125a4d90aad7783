import { describe, expect, it } from "vitest";
import { glmer, lmer, FitError, LmmError, GlmmError, ModelError, MixedModelsError } from "../../../src/index.js";
import { columnsOf, dataCsv, edges, thetaOf } from "./edges-data.js";

// Issue 11 item 10: degenerate data gets its cause and the column, bad calls a ModelError,
// lme4 options we do not implement are refused, lme4's start is implemented.
describe("degenerate data and bad calls", () => {
  const s = columnsOf(dataCsv("sleepstudy.csv"));
  const n = s.Days.length;
  const f = "Reaction ~ Days + (1 | Subject)";
  const at = (i: number, v: number) => (s.Days as number[]).map((d, k) => (k === i ? v : d));
  const errorOf = (fn: () => unknown): Error => {
    try {
      fn();
    } catch (e) {
      return e as Error;
    }
    throw new Error("no error thrown");
  };

  it("a constant response: LmmError naming it (lme4 'fits' it at σ ≈ 1e-17)", () => {
    expect(edges.constant.sigma).toBeLessThan(1e-10);
    const e = errorOf(() => lmer("yc ~ Days + (1 | Subject)", { ...s, yc: new Array(n).fill(5) }));
    expect(e).toBeInstanceOf(LmmError);
    expect(e.message).toMatch(/^Response 'yc' is constant \(every value is 5\)/);
  });

  it("all-success binomial and all-zero Poisson: 'Response is constant'", () => {
    const b = errorOf(() => glmer("yb ~ Days + (1 | Subject)", { ...s, yb: new Array(n).fill(1) }, { family: "binomial" }));
    expect(b).toBeInstanceOf(GlmmError);
    expect(b.message).toMatch(/^Response 'yb' is constant: every observation is a success/);
    const p = errorOf(() => glmer("yp ~ Days + (1 | Subject)", { ...s, yp: new Array(n).fill(0) }, { family: "poisson" }));
    expect(p).toBeInstanceOf(FitError);
    expect(p.message).toMatch(/^Response 'yp' is constant: every count is 0/);
  });

  it("an infinite offset and values whose squares overflow: ModelError with the column and row", () => {
    const off = errorOf(() => lmer(f, s, { offset: at(3, Infinity).map((v, i) => (i === 3 ? v : 0)) }));
    expect(off).toBeInstanceOf(ModelError);
    expect(off.message).toMatch(/offset is Infinity in row 4/);
    const big = errorOf(() => lmer("Reaction ~ D + (1 | Subject)", { ...s, D: at(3, 1e308) }));
    expect(big).toBeInstanceOf(ModelError);
    expect((big as ModelError).column).toBe("D");
    expect(big.message).toMatch(/column 'D' is 1e\+308 in row 4/);
    const bigY = errorOf(() => lmer("yy ~ Days + (1 | Subject)", { ...s, yy: (s.Reaction as number[]).map((v, i) => (i === 9 ? -1e300 : v)) }));
    expect(bigY.message).toMatch(/the response 'yy' is -1e\+300 in row 10/);
    const bigZ = errorOf(() => lmer("Reaction ~ 1 + (D | Subject)", { ...s, D: at(5, 1e200) }));
    expect(bigZ.message).toMatch(/random-effects column 'D' of \(D \| Subject\) is 1e\+200 in row 6/);
  });

  it("bad calls are ModelErrors, never TypeErrors", () => {
    const cases: [() => unknown, RegExp][] = [
      [() => lmer(null as unknown as string, s), /formula must be a string/],
      [() => lmer(f, null as unknown as typeof s), /no data/],
      [() => glmer(f, s, undefined as never), /a family is required/],
      [() => glmer(f, s, {} as never), /a family is required/],
      [() => lmer(f, s, { REML: "no" as unknown as boolean }), /option 'REML' must be true or false \(got "no"\)/],
      [() => lmer(f, s, { control: {} } as never), /option 'control': lme4's control .* is not implemented/],
      [() => lmer(f, s, { contrasts: {} } as never), /option 'contrasts'/],
      [() => lmer(f, s, { sigma: 1 } as never), /option 'sigma'/],
      [() => lmer(f, s, { foo: 1 } as never), /unknown option 'foo'; the options are REML, weights/],
      [() => glmer(f, s, { family: "poisson", start: [1] } as never), /unknown option 'start'/],
      [() => lmer(f, s, { start: "a" as never }), /option 'start' must be θ's starting values/],
    ];
    for (const [fn, msg] of cases) {
      const e = errorOf(fn);
      expect(e).toBeInstanceOf(ModelError);
      expect(e).toBeInstanceOf(MixedModelsError);
      expect(e.message).toMatch(msg);
    }
  });

  it("lme4's start = list(theta = …): the same optimum from another start; bad starts refused", () => {
    const ref = edges.scales.unscaled_ml;
    const a = lmer("Reaction ~ Days + (Days | Subject)", s, { REML: false, start: [0.5, 0.1, 0.5] });
    const b = lmer("Reaction ~ Days + (Days | Subject)", s, { REML: false, start: { theta: [2, 0, 2] } });
    for (const m of [a, b]) {
      expect(m.deviance).toBeCloseTo(ref.objective, 5);
      thetaOf(ref).forEach((t, i) => expect(m.theta[i]).toBeCloseTo(t, 3));
    }
    expect(a.fit.evaluations).not.toBe(b.fit.evaluations);
    expect(() => lmer(f, s, { start: [1, 2] })).toThrow(/start has 2 values but θ has 1 \(Subject.\(Intercept\)\)/);
    expect(() => lmer(f, s, { start: [-1] })).toThrow(/below its lower bound 0/);
  });
});
