/**
 * Evaluating a formula variable (`Days`, `log(base)`, `I(Days^2)`, `factor(period)`,
 * `poly(x, 2)`, `cbind(s, n - s)`) over every row of a DataTable, as R's model.frame does before
 * any row is removed (so scale() and poly() see all non-missing rows, as in R).
 */
import type { CallNode, Expr } from "../../grammar/ast.js";
import { compare, isComparison, logicalAnd, logicalNot } from "./compare.js";
import { ModelError } from "./errors.js";
import type { FactorColumn, NumericColumn } from "./data.js";
import { numericOf, type CallParameters, type EvalContext, type Value } from "./values.js";
import { asFactor } from "./factor.js";
import { orthogonalPolynomial, polynomialFromCoefs } from "./poly.js";
import { formatRNumber } from "../rformat.js";

/** Evaluate a variable expression over all rows. */
export function evaluate(e: Expr, ctx: EvalContext): Value {
  switch (e.kind) {
    case "name":
      return lookupColumn(e.name, ctx);
    case "number":
      return { kind: "numeric", values: new Float64Array(ctx.table.n).fill(e.value) };
    case "string":
      // A character constant, recycled over the rows (R: a one-level factor once in the frame).
      return { kind: "factor", codes: new Int32Array(ctx.table.n), levels: [e.value] };
    case "paren":
      return evaluate(e.inner, ctx);
    case "unary": {
      if (e.op === "!") return logicalNot(e.operand, ctx);
      const v = numericOf(evaluate(e.operand, ctx), e.operand, ctx);
      return e.op === "-" ? mapNumeric(v, (a) => -a) : { kind: "numeric", values: v };
    }
    case "binary":
      if (e.op === "&") return logicalAnd(e.left, e.right, ctx);
      if (isComparison(e.op)) return compare(e.op, e.left, e.right, e, ctx);
      return arithmetic(e.op, e.left, e.right, e, ctx);
    case "call":
      return call(e, ctx);
    case "dot":
      throw new ModelError("'.' cannot be evaluated as a variable");
  }
}

// R constants a formula may use inside calls when no column has the name (`I(x * pi)`).
const CONSTANTS: Record<string, number> = { TRUE: 1, T: 1, FALSE: 0, F: 0, pi: Math.PI };

function lookupColumn(name: string, ctx: EvalContext): Value {
  const col = ctx.table.columns.get(name);
  if (col) return col;
  if (Object.prototype.hasOwnProperty.call(CONSTANTS, name)) {
    return { kind: "numeric", values: new Float64Array(ctx.table.n).fill(CONSTANTS[name]!) };
  }
  const hint = ctx.suggest(name, ctx.table.names);
  throw new ModelError(
    `unknown column '${name}'${hint ? `; did you mean '${hint}'?` : ""} (columns: ${ctx.table.names.join(", ")})`,
    name,
  );
}

function mapNumeric(v: Float64Array, f: (a: number) => number): NumericColumn {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = f(v[i]!);
  return { kind: "numeric", values: out };
}

function arithmetic(op: string, left: Expr, right: Expr, whole: Expr, ctx: EvalContext): Value {
  if (op === "|" || op === "||" || op === ":" || op === "%in%") {
    throw new ModelError(`'${op}' cannot be used inside '${ctx.label(whole)}'`, ctx.label(whole));
  }
  const a = numericOf(evaluate(left, ctx), left, ctx);
  const b = numericOf(evaluate(right, ctx), right, ctx);
  const n = a.length;
  const out = new Float64Array(n);
  switch (op) {
    case "+":
      for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
      break;
    case "-":
      for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
      break;
    case "*":
      for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
      break;
    case "/":
      for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
      break;
    case "^":
      for (let i = 0; i < n; i++) out[i] = Math.pow(a[i]!, b[i]!);
      break;
    default:
      throw new ModelError(`unknown operator '${op}' in '${ctx.label(whole)}'`);
  }
  return { kind: "numeric", values: out };
}

type CallHandler = (args: Expr[], whole: CallNode, ctx: EvalContext) => Value;

/**
 * R's argument matching for our few functions: named arguments by exact name, the rest by position
 * into the formals left over. `formals` lists the parameter names in R's order.
 */
function matchArgs(call: CallNode, formals: string[], ctx: EvalContext): Map<string, Expr> {
  const out = new Map<string, Expr>();
  const positional: Expr[] = [];
  call.args.forEach((a, i) => {
    const name = call.argNames?.[i];
    if (name) {
      if (!formals.includes(name) || out.has(name)) {
        throw new ModelError(`'${ctx.label(call)}': unexpected argument '${name}'`, ctx.label(call));
      }
      out.set(name, a);
    } else positional.push(a);
  });
  const free = formals.filter((f) => !out.has(f));
  if (positional.length > free.length) {
    throw new ModelError(`'${ctx.label(call)}' has too many arguments`, ctx.label(call));
  }
  positional.forEach((a, k) => out.set(free[k]!, a));
  return out;
}

/** A logical argument: TRUE/FALSE/T/F (or a number, nonzero meaning TRUE). */
function flagOf(e: Expr | undefined, fallback: boolean, whole: Expr, ctx: EvalContext): boolean {
  if (e === undefined) return fallback;
  if (e.kind === "name" && Object.prototype.hasOwnProperty.call(CONSTANTS, e.name) && e.name !== "pi") return CONSTANTS[e.name] === 1;
  return constantOf(e, whole, ctx) !== 0;
}

const CALLS: Record<string, CallHandler> = {
  log: (args, whole, ctx) => {
    expectArgs(args, 1, 2, whole, ctx);
    const a = matchArgs(whole, ["x", "base"], ctx);
    if (!a.has("x")) throw new ModelError(`'${ctx.label(whole)}' needs the value to take the log of`, ctx.label(whole));
    const base = a.has("base") ? constantOf(a.get("base")!, whole, ctx) : Math.E;
    const div = Math.log(base);
    return checkedMath(a.get("x")!, whole, ctx, (v) => Math.log(v) / div, "non-positive");
  },
  log2: (args, whole, ctx) => unary(args, whole, ctx, Math.log2, "non-positive"),
  log10: (args, whole, ctx) => unary(args, whole, ctx, Math.log10, "non-positive"),
  exp: (args, whole, ctx) => unary(args, whole, ctx, Math.exp),
  sqrt: (args, whole, ctx) => unary(args, whole, ctx, Math.sqrt, "negative"),
  abs: (args, whole, ctx) => unary(args, whole, ctx, Math.abs),
  log1p: (args, whole, ctx) => unary(args, whole, ctx, Math.log1p, "too small (≤ -1)"),
  expm1: (args, whole, ctx) => unary(args, whole, ctx, Math.expm1),
  sin: (args, whole, ctx) => unary(args, whole, ctx, Math.sin),
  cos: (args, whole, ctx) => unary(args, whole, ctx, Math.cos),
  tan: (args, whole, ctx) => unary(args, whole, ctx, Math.tan),
  floor: (args, whole, ctx) => unary(args, whole, ctx, Math.floor),
  ceiling: (args, whole, ctx) => unary(args, whole, ctx, Math.ceil),
  trunc: (args, whole, ctx) => unary(args, whole, ctx, Math.trunc),
  sign: (args, whole, ctx) => unary(args, whole, ctx, Math.sign),
  round: (args, whole, ctx) => {
    expectArgs(args, 1, 2, whole, ctx);
    const a = matchArgs(whole, ["x", "digits"], ctx);
    if (!a.has("x")) throw new ModelError(`'${ctx.label(whole)}' needs the value to round`, ctx.label(whole));
    const digits = a.has("digits") ? constantOf(a.get("digits")!, whole, ctx) : 0;
    return checkedMath(a.get("x")!, whole, ctx, (v) => roundHalfEven(v, digits));
  },
  I: (args, whole, ctx) => {
    expectArgs(args, 1, 1, whole, ctx);
    return evaluate(args[0]!, ctx);
  },
  offset: (args, whole, ctx) => {
    expectArgs(args, 1, 1, whole, ctx);
    return { kind: "numeric", values: numericOf(evaluate(args[0]!, ctx), args[0]!, ctx) };
  },
  relevel: (args, whole, ctx) => {
    expectArgs(args, 1, 2, whole, ctx);
    const a = matchArgs(whole, ["x", "ref"], ctx);
    const xe = a.get("x");
    const ref = a.get("ref");
    if (!xe || !ref) throw new ModelError(`'${ctx.label(whole)}' needs a factor and the reference level, e.g. relevel(recipe, "B")`, ctx.label(whole));
    return relevelFactor(evaluate(xe, ctx), ref, whole, ctx);
  },
  pmin: (args, whole, ctx) => parallelExtreme(args, whole, ctx, Math.min),
  pmax: (args, whole, ctx) => parallelExtreme(args, whole, ctx, Math.max),
  interaction: (args, whole, ctx) => {
    expectArgs(args, 2, Infinity, whole, ctx);
    const factorArgs = args.filter((_, i) => whole.argNames?.[i] !== "sep");
    const sepArg = args.find((_, i) => whole.argNames?.[i] === "sep");
    const sep = sepArg === undefined ? "." : sepArg.kind === "string" ? sepArg.value : null;
    if (sep === null) throw new ModelError(`'${ctx.label(whole)}': sep must be a string`, ctx.label(whole));
    return lexFactorProduct(factorArgs.map((a) => asFactor(evaluate(a, ctx), a, ctx)), sep);
  },
  ordered: (args, whole, ctx) => {
    expectArgs(args, 1, 1, whole, ctx);
    return { ...asFactor(evaluate(args[0]!, ctx), args[0]!, ctx), ordered: true };
  },
  factor: (args, whole, ctx) => {
    expectArgs(args, 1, 3, whole, ctx);
    const a = matchArgs(whole, ["x", "levels", "labels"], ctx);
    const xe = a.get("x");
    if (!xe) throw new ModelError(`'${ctx.label(whole)}' needs the variable to make a factor of`, ctx.label(whole));
    const f = asFactor(evaluate(xe, ctx), xe, ctx);
    if (!a.has("levels") && !a.has("labels")) return f;
    const levels = a.has("levels") ? constantLabels(a.get("levels")!, whole, ctx) : f.levels;
    const labels = a.has("labels") ? constantLabels(a.get("labels")!, whole, ctx) : levels;
    return withLevels(f, levels, labels, whole, ctx);
  },
  c: (args, whole, ctx) => {
    // c(x) is x; longer c(…) only has a meaning as factor()'s levels or labels.
    if (args.length === 1) return evaluate(args[0]!, ctx);
    throw new ModelError(`'${ctx.label(whole)}': c(…) can only give the levels or labels of factor()`, ctx.label(whole));
  },
  "as.numeric": (args, whole, ctx) => {
    expectArgs(args, 1, 1, whole, ctx);
    const v = evaluate(args[0]!, ctx);
    // R: as.numeric of a factor gives its level codes 1, 2, …
    if (v.kind === "factor") {
      const out = new Float64Array(v.codes.length);
      for (let i = 0; i < out.length; i++) out[i] = v.codes[i]! < 0 ? NaN : v.codes[i]! + 1;
      return { kind: "numeric", values: out };
    }
    return { kind: "numeric", values: numericOf(v, args[0]!, ctx) };
  },
  scale: (args, whole, ctx) => {
    expectArgs(args, 1, 3, whole, ctx);
    const a = matchArgs(whole, ["x", "center", "scale"], ctx);
    const xe = a.get("x");
    if (!xe) throw new ModelError(`'${ctx.label(whole)}' needs a variable to scale`, ctx.label(whole));
    const key = ctx.label(whole);
    const x = numericOf(evaluate(xe, ctx), xe, ctx);
    let par = ctx.parameters?.get(key);
    if (par?.kind !== "scale") {
      par = scaleParameters(x, scaleArg(a.get("center"), whole, ctx), scaleArg(a.get("scale"), whole, ctx));
      ctx.parameters?.set(key, par);
    }
    const { center, scale } = par;
    return { kind: "numeric", values: Float64Array.from(x, (v) => (v - center) / scale) };
  },
  poly: (args, whole, ctx) => {
    expectArgs(args, 1, 3, whole, ctx);
    const a = matchArgs(whole, ["x", "degree", "raw"], ctx);
    const xe = a.get("x");
    if (!xe) throw new ModelError(`'${ctx.label(whole)}' needs a variable`, ctx.label(whole));
    const x = numericOf(evaluate(xe, ctx), xe, ctx);
    const degree = a.has("degree") ? constantOf(a.get("degree")!, whole, ctx) : 1;
    const raw = flagOf(a.get("raw"), false, whole, ctx);
    const key = ctx.label(whole);
    const known = ctx.parameters?.get(key);
    let values: Float64Array;
    if (raw) values = rawPolynomial(x, degree, ctx.label(xe));
    else if (known?.kind === "poly") values = polynomialFromCoefs(x, known.alpha, known.norm2);
    else {
      const r = orthogonalPolynomial(x, degree, ctx.label(xe));
      ctx.parameters?.set(key, { kind: "poly", alpha: r.alpha, norm2: r.norm2 });
      values = r.values;
    }
    return {
      kind: "matrix",
      ncol: degree,
      values,
      colnames: Array.from({ length: degree }, (_, k) => String(k + 1)),
    };
  },
  cbind: (args, whole, ctx) => {
    if (args.length < 1) expectArgs(args, 1, Infinity, whole, ctx);
    const cols = args.map((a) => numericOf(evaluate(a, ctx), a, ctx));
    const n = ctx.table.n;
    const values = new Float64Array(n * cols.length);
    cols.forEach((c, j) => values.set(c, j * n));
    return { kind: "matrix", ncol: cols.length, values, colnames: null };
  },
};
CALLS["as.factor"] = CALLS.factor!;

/**
 * The labels of a constant vector argument: `c(225, 175)`, `c("b", "a")`, or one value, as R's
 * as.character gives them (numbers printed to 15 significant digits).
 */
function constantLabels(e: Expr, whole: Expr, ctx: EvalContext): string[] {
  const items = e.kind === "call" && e.fn === "c" ? e.args : [e];
  return items.flatMap((item) => {
    if (item.kind === "string") return [item.value];
    if (item.kind === "binary" && item.op === ":") return sequenceOf(item.left, item.right, whole, ctx).map(formatRNumber);
    return [formatRNumber(constantOf(item, whole, ctx))];
  });
}

/** R's `from:to`: from, from ± 1, … while not past `to`. */
function sequenceOf(fromE: Expr, toE: Expr, whole: Expr, ctx: EvalContext): number[] {
  const from = constantOf(fromE, whole, ctx);
  const to = constantOf(toE, whole, ctx);
  const step = from <= to ? 1 : -1;
  const out: number[] = [];
  for (let v = from; step > 0 ? v <= to + 1e-10 : v >= to - 1e-10; v += step) out.push(v);
  return out;
}

/**
 * R's factor(x, levels, labels): x as text matched against `levels` (a value not among them is
 * missing), the levels then named by `labels`, one per level.
 */
function withLevels(f: FactorColumn, levels: string[], labels: string[], whole: Expr, ctx: EvalContext): FactorColumn {
  if (labels.length !== levels.length) {
    throw new ModelError(`'${ctx.label(whole)}': ${labels.length} labels for ${levels.length} levels`, ctx.label(whole));
  }
  if (new Set(labels).size !== labels.length) {
    throw new ModelError(`'${ctx.label(whole)}': the labels must differ from each other`, ctx.label(whole));
  }
  const position = new Map<string, number>();
  levels.forEach((l, k) => {
    if (!position.has(l)) position.set(l, k);
  });
  const remap = Int32Array.from(f.levels, (l) => position.get(l) ?? -1);
  const codes = Int32Array.from(f.codes, (c) => (c < 0 ? -1 : remap[c]!));
  return { kind: "factor", codes, levels: [...labels] };
}

/** R's pmin / pmax: the row-wise extreme of its arguments (numbers recycled); missing stays missing. */
function parallelExtreme(args: Expr[], whole: Expr, ctx: EvalContext, pick: (a: number, b: number) => number): Value {
  expectArgs(args, 1, Infinity, whole, ctx);
  const cols = args.map((a) => numericOf(evaluate(a, ctx), a, ctx));
  const out = Float64Array.from(cols[0]!);
  for (const c of cols.slice(1)) for (let i = 0; i < out.length; i++) out[i] = pick(out[i]!, c[i]!);
  return { kind: "numeric", values: out };
}

/**
 * R's interaction(f1, f2, …) (lex.order = FALSE): levels "a.x" for every combination, the FIRST
 * factor varying fastest; combinations that never occur are dropped later by the model frame
 * (drop.unused.levels), as lme4's frame does.
 */
function lexFactorProduct(factors: FactorColumn[], sep: string): FactorColumn {
  const n = factors[0]!.codes.length;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    let stride = 1;
    for (const f of factors) {
      const c = f.codes[i]!;
      if (c < 0) {
        code = -1;
        break;
      }
      code += c * stride;
      stride *= f.levels.length;
    }
    codes[i] = code;
  }
  let levels = [""];
  let first = true;
  for (const f of factors) {
    // the new factor's levels vary slowest: prepend the existing (faster) ones
    levels = f.levels.flatMap((l) => levels.map((prev) => (first ? l : prev + sep + l)));
    first = false;
  }
  return { kind: "factor", codes, levels };
}

/**
 * R's relevel(x, ref): the factor with level `ref` (a level name, or a 1-based position) moved
 * first, so treatment contrasts compare against it; the other levels keep their order.
 */
function relevelFactor(v: Value, ref: Expr, whole: Expr, ctx: EvalContext): Value {
  if (v.kind !== "factor") throw new ModelError(`'${ctx.label(whole)}': relevel() needs a factor, and '${ctx.label(whole.kind === "call" ? whole.args[0]! : whole)}' is not one`, ctx.label(whole));
  const k = ref.kind === "string" ? v.levels.indexOf(ref.value) : constantOf(ref, whole, ctx) - 1;
  if (!(k >= 0 && k < v.levels.length) || !Number.isInteger(k)) {
    throw new ModelError(`'${ctx.label(whole)}': ${ctx.label(ref)} is not a level of the factor (levels: ${v.levels.join(", ")})`, ctx.label(whole));
  }
  const order = [k, ...v.levels.map((_, i) => i).filter((i) => i !== k)];
  const newCode = new Int32Array(v.levels.length);
  order.forEach((old, j) => (newCode[old] = j));
  const codes = Int32Array.from(v.codes, (c) => (c < 0 ? c : newCode[c]!));
  return { kind: "factor", codes, levels: order.map((i) => v.levels[i]!) };
}

function call(whole: CallNode, ctx: EvalContext): Value {
  const fn = whole.fn;
  const handler = Object.prototype.hasOwnProperty.call(CALLS, fn) ? CALLS[fn] : undefined;
  if (!handler) {
    throw new ModelError(
      `unsupported function '${fn}' in '${ctx.label(whole)}' (supported: ${Object.keys(CALLS).join(", ")})`,
      ctx.label(whole),
    );
  }
  return handler(whole.args, whole, ctx);
}

function expectArgs(args: Expr[], min: number, max: number, whole: Expr, ctx: EvalContext): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
    throw new ModelError(`'${ctx.label(whole)}' takes ${want} argument(s), got ${args.length}`, ctx.label(whole));
  }
}

/** A literal number argument such as poly's degree or log's base (possibly negated). */
function constantOf(e: Expr, whole: Expr, ctx: EvalContext): number {
  if (e.kind === "number") return e.value;
  if (e.kind === "unary" && e.op !== "!" && e.operand.kind === "number") return e.op === "-" ? -e.operand.value : e.operand.value;
  if (e.kind === "paren") return constantOf(e.inner, whole, ctx);
  throw new ModelError(`'${ctx.label(whole)}': '${ctx.label(e)}' must be a number`, ctx.label(whole));
}

function unary(args: Expr[], whole: Expr, ctx: EvalContext, f: (a: number) => number, domain?: string): Value {
  expectArgs(args, 1, 1, whole, ctx);
  return checkedMath(args[0]!, whole, ctx, f, domain);
}

/**
 * f applied to every value; a non-missing input that yields NaN or ±Infinity is an error naming
 * the column (R would silently carry NaN / -Inf into the fit).
 */
function checkedMath(arg: Expr, whole: Expr, ctx: EvalContext, f: (a: number) => number, domain?: string): Value {
  const x = numericOf(evaluate(arg, ctx), arg, ctx);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const y = f(xi);
    if (!Number.isNaN(xi) && !Number.isFinite(y) && Number.isFinite(xi)) {
      const why = domain ? ` ('${ctx.label(arg)}' has ${domain} value ${formatRNumber(xi)})` : "";
      throw new ModelError(
        `'${ctx.label(whole)}' is ${formatRNumber(y)} in row ${i + 1}${why}`,
        ctx.label(arg),
      );
    }
    out[i] = y;
  }
  return { kind: "numeric", values: out };
}

/**
 * R's round(x, digits): IEC 60559 rounding, a tie goes to the even neighbour (round(2.5) = 2,
 * round(-0.5) = -0); ties are judged on the decimal value R prints, x·10^digits to 15 digits.
 */
function roundHalfEven(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const p = Math.pow(10, digits);
  const y = Number((x * p).toPrecision(15));
  const f = Math.floor(y);
  const r = y - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(y);
  return r / p;
}

/** scale()'s center / scale argument: TRUE (estimate), FALSE (leave), or a number to use. */
type ScaleArg = boolean | number;

function scaleArg(e: Expr | undefined, whole: Expr, ctx: EvalContext): ScaleArg {
  if (e === undefined) return true;
  if (e.kind === "name" && ["TRUE", "T", "FALSE", "F"].includes(e.name)) return CONSTANTS[e.name] === 1;
  return constantOf(e, whole, ctx);
}

/**
 * R's scale(x, center, scale) over the non-missing values: centre by the mean (or the given
 * number), then divide by the root mean square sqrt(Σx²/(m−1)) of the centred values — the
 * standard deviation when centred (base R scale.default).
 */
function scaleParameters(x: Float64Array, center: ScaleArg, scale: ScaleArg): { kind: "scale"; center: number; scale: number } {
  let sum = 0;
  let m = 0;
  for (const v of x) if (!Number.isNaN(v)) (sum += v, m++);
  const shift = center === true ? sum / m : center === false ? 0 : center;
  let ss = 0;
  for (const v of x) if (!Number.isNaN(v)) ss += (v - shift) * (v - shift);
  const div = scale === true ? Math.sqrt(ss / (m - 1)) : scale === false ? 1 : scale;
  return { kind: "scale", center: shift, scale: div };
}

/** poly(x, degree, raw = TRUE): the plain powers x, x², …, as R's outer(x, 1:degree, "^"). */
function rawPolynomial(x: Float64Array, degree: number, label: string): Float64Array {
  if (!Number.isInteger(degree) || degree < 1) {
    throw new ModelError(`poly(): degree must be a positive integer, got ${degree}`, label);
  }
  const n = x.length;
  const out = new Float64Array(n * degree);
  for (let k = 0; k < degree; k++) for (let i = 0; i < n; i++) out[k * n + i] = Math.pow(x[i]!, k + 1);
  return out;
}

export { asFactor } from "./factor.js";
export { type CallParameters, type EvalContext, type Value } from "./values.js";
