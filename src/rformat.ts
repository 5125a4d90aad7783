/**
 * R's number formatting, ported so that our summaries print digit for digit as lme4's do.
 * The algorithms follow R's C sources: `scientific()` and `formatReal()` (src/main/format.c),
 * `encodeReal0` (src/main/printutils.c), `round()` (nmath/fround.c), and the R functions
 * `format()`, `zapsmall()`, `signif()` and `format.pval()`; and as.character()/deparse() of one
 * number (formatRNumber). The one owner of R number formatting: formula labels, factor labels and
 * printed output all come from here.
 */

/** R's own limit on the digits `scientific()` handles through its table of powers of ten. */
const KP_MAX = 22;

export interface RealFormat {
  /** Field width. */
  w: number;
  /** Digits after the decimal point (fixed) or in the mantissa (scientific). */
  d: number;
  /** 0: fixed notation; 1 or 2: scientific with a 2- or 3-digit exponent. */
  e: number;
}

interface Sci {
  neg: boolean;
  kpower: number;
  nsig: number;
  roundingWidens: boolean;
}

/** Round half to even, as C's nearbyint in the default rounding mode. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function pow10(k: number): number {
  return Number(`1e${k}`);
}

/**
 * R's scientific(): for |x| = alpha·10^kpower with 1 ≤ alpha < 10, the exponent and the number of
 * significant digits (at most `digits`) needed to show x rounded to `digits` significant digits.
 */
function scientific(x: number, digits: number): Sci {
  if (x === 0) return { neg: false, kpower: 0, nsig: 1, roundingWidens: false };
  const neg = x < 0;
  const r = Math.abs(x);
  let kp = Math.floor(Math.log10(r)) - digits + 1;
  let rPrec = kp > 0 ? r / pow10(kp) : kp < 0 ? r * pow10(-kp) : r;
  if (rPrec < pow10(digits - 1)) {
    rPrec *= 10;
    kp--;
  }
  let alpha = roundHalfEven(rPrec);
  let nsig = digits;
  for (let j = 1; j <= digits; j++) {
    alpha /= 10;
    if (alpha === Math.floor(alpha)) nsig--;
    else break;
  }
  if (nsig === 0 && digits > 0) {
    nsig = 1;
    kp += 1;
  }
  const kpower = kp + digits - 1;
  let rgt = digits - kpower;
  rgt = rgt < 0 ? 0 : rgt > KP_MAX ? KP_MAX : rgt;
  const fuzz = 0.5 / pow10(rgt);
  const roundingWidens = kpower > 0 && kpower <= KP_MAX && r < pow10(kpower) - fuzz;
  return { neg, kpower, nsig, roundingWidens };
}

/** R's formatReal(): one common format (width, decimals, fixed or scientific) for a vector. */
export function formatReal(xs: ArrayLike<number>, digits = 7, nsmall = 0): RealFormat {
  let naflag = false, nanflag = false, posinf = false, neginf = false;
  let neg = 0;
  let rgt = -Infinity, mxl = -Infinity, mxsl = -Infinity, mxns = -Infinity;
  let mxe = -Infinity, mne = Infinity;
  let anyFinite = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (!Number.isFinite(x)) {
      if (Number.isNaN(x)) nanflag = true;
      else if (x > 0) posinf = true;
      else neginf = true;
      continue;
    }
    anyFinite = true;
    const s = scientific(x, digits);
    let left = s.kpower + 1;
    if (s.roundingWidens) left--;
    const sleft = (s.neg ? 1 : 0) + (left <= 0 ? 1 : left);
    const right = s.nsig - left;
    if (s.neg) neg = 1;
    if (right > rgt) rgt = right;
    if (left > mxl) mxl = left;
    if (sleft > mxsl) mxsl = sleft;
    if (s.nsig > mxns) mxns = s.nsig;
    if (s.kpower > mxe) mxe = s.kpower;
    if (s.kpower < mne) mne = s.kpower;
  }
  let w = 0, d = 0, e = 0;
  if (anyFinite) {
    if (mxl < 0) mxsl = 1 + neg;
    if (rgt < 0) rgt = 0;
    let wF = mxsl + rgt + (rgt !== 0 ? 1 : 0);
    e = mxe >= 100 || mne <= -99 ? 2 : 1;
    d = mxns - 1;
    w = neg + (d > 0 ? 1 : 0) + d + 4 + e;
    if (wF <= w) {
      e = 0;
      if (nsmall > rgt) {
        rgt = nsmall;
        wF = mxsl + rgt + (rgt !== 0 ? 1 : 0);
      }
      d = rgt;
      w = wF;
    }
  }
  if (naflag && w < 2) w = 2;
  if (nanflag && w < 3) w = 3;
  if (posinf && w < 3) w = 3;
  if (neginf && w < 4) w = 4;
  return { w, d, e };
}

/** One number in a given format, right-justified to the format's width (R's encodeReal0). */
export function encodeReal(x: number, f: RealFormat): string {
  let s: string;
  if (Number.isNaN(x)) s = "NaN";
  else if (x === Infinity) s = "Inf";
  else if (x === -Infinity) s = "-Inf";
  else if (f.e) {
    const [mant, exp] = x.toExponential(f.d).split("e");
    const sign = exp[0] === "-" ? "-" : "+";
    const digitsOfExp = exp.replace(/^[+-]/, "").padStart(f.e === 2 ? 3 : 2, "0");
    s = `${mant}e${sign}${digitsOfExp}`;
  } else {
    s = x.toFixed(f.d);
  }
  return s.padStart(f.w);
}

/** R's format(x, digits, nsmall): every element in the vector's common format. */
export function formatNumbers(xs: ArrayLike<number>, digits = 7, nsmall = 0): string[] {
  const f = formatReal(xs, digits, nsmall);
  return Array.from(xs, (x) => encodeReal(x, f));
}

/** How cat() and paste() show one number: 7 significant digits, no padding. */
export function formatNumber(x: number, digits = 7): string {
  return formatNumbers([x], digits)[0].trim();
}

/** R's round(x, digits): half away from zero at the printed decimal, digits rounded to an integer. */
export function roundR(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const dig = Math.round(digits);
  if (dig > 15) return x;
  // toFixed rounds the exact binary value, as R (>= 4.0) does: round(0.15, 1) is 0.1.
  const a = Math.abs(x);
  const r = dig >= 0 ? Number(a.toFixed(Math.min(100, dig))) : Math.round(a / pow10(-dig)) * pow10(-dig);
  return x < 0 ? -r : r;
}

/** R's zapsmall(x, digits): round so that numbers tiny next to the largest become 0. */
export function zapsmall(xs: number[], digits: number): number[] {
  const finite = xs.filter((x) => !Number.isNaN(x));
  if (finite.length === 0) return xs.slice();
  const mx = Math.max(...finite.map(Math.abs));
  const dig = mx > 0 ? Math.max(0, digits - Math.log10(mx)) : digits;
  return xs.map((x) => roundR(x, dig));
}

/** R's quantile(x, probs, type = 7): linear interpolation between order statistics. */
export function quantile7(values: ArrayLike<number>, probs: number[]): number[] {
  const x = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
  const n = x.length;
  if (n === 0) return probs.map(() => NaN);
  return probs.map((p) => {
    const index = (n - 1) * p;
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    const h = index - lo;
    const q = x[lo];
    return h > 0 && x[hi] !== q ? (1 - h) * q + h * x[hi] : q;
  });
}

/** R's format.pval(pv, digits, eps): fixed for p ≥ 1e-4 (1e-3 when digits = 1), else scientific. */
export function formatPval(pv: number[], digits: number, eps = 2.220446049250313e-16): string[] {
  const out: string[] = new Array(pv.length).fill("");
  const notTiny = pv.map((p, i) => ({ p, i })).filter(({ p }) => !(p < eps));
  const fixp = notTiny.filter(({ p }) => {
    const expo = Math.floor(Math.log10(p > 0 ? p : 1e-50));
    return expo >= -3 || (expo === -4 && digits > 1);
  });
  const sci = notTiny.filter((o) => !fixp.includes(o));
  for (const group of [fixp, sci]) {
    if (group.length === 0) continue;
    const s = formatNumbers(group.map((o) => o.p), digits);
    group.forEach((o, k) => (out[o.i] = s[k]));
  }
  const tiny = pv.map((p, i) => ({ p, i })).filter(({ p }) => p < eps);
  if (tiny.length > 0) {
    let dig = Math.max(1, digits - 2);
    let sep: string;
    if (notTiny.length > 0) {
      const nc = Math.max(...notTiny.map((o) => out[o.i].length));
      if (dig > 1 && dig + 6 > nc) dig = Math.max(1, nc - 7);
      sep = dig === 1 && nc <= 6 ? "" : " ";
    } else sep = dig === 1 ? "" : " ";
    const epsText = formatNumber(eps, dig);
    for (const o of tiny) out[o.i] = `<${sep}${epsText}`;
  }
  return out;
}

/**
 * One number as R's as.character() and deparse() print a double: up to 15 significant digits,
 * fixed notation unless scientific is strictly shorter (R's `scipen = 0` rule, format.c
 * scientific()). Used for term labels (`I(x * 1e-120)`) and for the labels of factors made from
 * numeric columns ("308", "95", "0.5", "1e+05"). Built from the digit string, never toFixed(), so
 * any exponent works.
 */
export function formatRNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return "0";
  // an integer without a trailing zero prints its digits (its scientific form is always longer):
  // the common case of numeric level labels, a million of them for a large grouping factor
  if (Number.isInteger(x) && Math.abs(x) < 1e15 && x % 10 !== 0) return String(x);
  const sci = scientificText(x);
  const fixed = fixedText(x);
  return fixed.length <= sci.length ? fixed : sci;
}

/** Shortest mantissa with at most 15 significant digits that reads back as the same 15-digit value. */
function significantDigits(x: number): { digits: string; exponent: number } {
  const [mant, exp] = Math.abs(x).toExponential(14).split("e");
  const digits = mant!.replace(".", "").replace(/0+$/, "") || "0";
  return { digits, exponent: Number(exp) };
}

function scientificText(x: number): string {
  const { digits, exponent } = significantDigits(x);
  const sign = x < 0 ? "-" : "";
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exponent);
  return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${e < 10 ? "0" + e : String(e)}`;
}

function fixedText(x: number): string {
  const { digits, exponent } = significantDigits(x);
  const sign = x < 0 ? "-" : "";
  if (exponent >= 0) {
    const intLen = exponent + 1;
    if (digits.length <= intLen) return sign + digits + "0".repeat(intLen - digits.length);
    return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
}
