/**
 * Numbers printed as R's as.character() prints a double: up to 15 significant digits, fixed
 * notation unless scientific is strictly shorter (R's `scipen = 0` rule, format.c scientific()).
 * Used for the labels of factors made from numeric columns ("308", "95", "0.5", "1e+05").
 */
export function formatRNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Inf";
  if (x === -Infinity) return "-Inf";
  if (x === 0) return "0";
  const sci = scientific(x);
  const fixed = fixedNotation(x);
  return fixed.length <= sci.length ? fixed : sci;
}

/** Shortest mantissa with at most 15 significant digits that reads back as the same 15-digit value. */
function significantDigits(x: number): { digits: string; exponent: number } {
  const [mant, exp] = Math.abs(x).toExponential(14).split("e");
  const digits = mant!.replace(".", "").replace(/0+$/, "") || "0";
  return { digits, exponent: Number(exp) };
}

function scientific(x: number): string {
  const { digits, exponent } = significantDigits(x);
  const sign = x < 0 ? "-" : "";
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exponent);
  return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${e < 10 ? "0" + e : String(e)}`;
}

function fixedNotation(x: number): string {
  const { digits, exponent } = significantDigits(x);
  const sign = x < 0 ? "-" : "";
  if (exponent >= 0) {
    const intLen = exponent + 1;
    if (digits.length <= intLen) return sign + digits + "0".repeat(intLen - digits.length);
    return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
}
