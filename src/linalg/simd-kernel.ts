/**
 * A WebAssembly SIMD (f64x2) micro-kernel for the Schur-complement update of the blocked Cholesky
 * (cholesky.ts): for a packed panel P (rows of `st` doubles) and a column pair (j, j+1), the dot
 * products ⟨P_i, P_j⟩ and ⟨P_i, P_{j+1}⟩ for rows i = j … iEnd−1, eight rows at a time — the
 * register-blocked kernel of Goto & van de Geijn (2008) with eight two-lane accumulators. The two
 * lanes hold two ROWS (not two halves of k), so every dot product is summed in plain k order, one
 * rounded multiply and one rounded add per term: bit for bit what the JavaScript kernel computes,
 * and so the fits (whose optimiser paths follow lme4's to the last bit) do not depend on which runs.
 * That needs the panel also in row-pair-interleaved form Q (rows 2p, 2p+1 side by side per k).
 *
 * The module is assembled here byte by byte (WebAssembly core spec §5, SIMD proposal opcodes) so the
 * package needs no build step; where WebAssembly SIMD is unavailable `simdKernel()` returns null and
 * cholesky.ts keeps its JavaScript kernel.
 */

/** The kernel bound to its own memory, with Float64Array views of its three areas. */
export interface SimdKernel {
  /** The packed panel P, row-major with stride st (row r, column k at r·st + k). */
  readonly pack: Float64Array;
  /** The same rows interleaved by pairs: row r, column k at (⌊r/2⌋·st + k)·2 + (r mod 2). */
  readonly interleaved: Float64Array;
  /** Output: out[16·b + 8c + h] = ⟨P_i, P_{j+c}⟩ for i = j + 8b + h (h = 0 … 7). */
  readonly out: Float64Array;
  /** Fill `out` for rows j … iEnd − 1 (j even, iEnd − j a multiple of 8) and columns j, j + 1. */
  colPair(st: number, j: number, iEnd: number): void;
}

let cachedModule: WebAssembly.Module | null | undefined;
let cached: SimdKernel | null = null;

/** A kernel whose pack and interleaved areas hold at least `packDoubles` doubles each and whose out
 *  area holds `outDoubles`. */
export function simdKernel(packDoubles: number, outDoubles: number): SimdKernel | null {
  if (cached && cached.pack.length >= packDoubles && cached.out.length >= outDoubles) return cached;
  const mod = compiledModule();
  if (!mod) return null;
  const areaBytes = Math.ceil((packDoubles * 8) / 16) * 16;
  const pages = Math.max(1, Math.ceil((2 * areaBytes + outDoubles * 8) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = new WebAssembly.Instance(mod, { env: { mem: memory } });
  const fn = instance.exports.colpair as (pt: number, q: number, st: number, j: number, iEnd: number, out: number) => void;
  const outByte = 2 * areaBytes;
  cached = {
    pack: new Float64Array(memory.buffer, 0, areaBytes / 8),
    interleaved: new Float64Array(memory.buffer, areaBytes, areaBytes / 8),
    out: new Float64Array(memory.buffer, outByte, (pages * 65536 - outByte) / 8),
    colPair: (st, j, iEnd) => fn(0, areaBytes, st, j, iEnd, outByte),
  };
  return cached;
}

function compiledModule(): WebAssembly.Module | null {
  if (cachedModule !== undefined) return cachedModule;
  try {
    const bytes = assemble();
    cachedModule = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    cachedModule = null;
  }
  return cachedModule;
}

// ---- the module, byte by byte ----

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41, i32GeS: 0x4e, i32LtS: 0x48, i32Add: 0x6a, i32Mul: 0x6c, i32Shl: 0x74,
} as const;
/** SIMD opcodes: prefix 0xfd, then the LEB128 index. */
const V128_LOAD = [0xfd, 0x00];
const V128_LOAD64_SPLAT = [0xfd, 0x0a];
const V128_STORE = [0xfd, 0x0b];
const V128_CONST = [0xfd, 0x0c];
const F64X2_ADD = [0xfd, 0xf0, 0x01];
const F64X2_MUL = [0xfd, 0xf2, 0x01];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// parameters
const P_PT = 0, P_Q = 1, P_ST = 2, P_J = 3, P_IEND = 4, P_OUT = 5;
// i32 locals
const L_I = 6, L_K = 7, L_STB = 8, L_Y0P = 9, L_Y1P = 10, L_KQ = 11, L_Q0 = 12;
// v128 locals: accumulators acc[rp + 4c] at 16 + rp + 4c, then y0, y1, x
const L_ACC = 16, L_Y0 = 24, L_Y1 = 25, L_X = 26;

function get(l: number): number[] {
  return [op.localGet, ...uleb(l)];
}
function set(l: number): number[] {
  return [op.localSet, ...uleb(l)];
}
function i32(n: number): number[] {
  return [op.i32Const, ...sleb(n)];
}

function body(): number[] {
  const c: number[] = [];
  // stb = st · 8 (a row's bytes in P); y0p, y1p = rows j, j+1 of P; i = j
  c.push(...get(P_ST), ...i32(3), op.i32Shl, ...set(L_STB));
  c.push(...get(P_PT), ...get(P_J), ...get(L_STB), op.i32Mul, op.i32Add, ...set(L_Y0P));
  c.push(...get(L_Y0P), ...get(L_STB), op.i32Add, ...set(L_Y1P));
  c.push(...get(P_J), ...set(L_I));
  c.push(op.block, 0x40, op.loop, 0x40);
  // while (i < iEnd)
  c.push(...get(L_I), ...get(P_IEND), op.i32GeS, op.brIf, 1);
  // row pair rp = (i + 2rp, i + 2rp + 1) starts at q + (i/2 + rp)·2·stb = q + (i + 2rp)·stb
  for (let rp = 0; rp < 4; rp++) {
    c.push(...get(P_Q), ...get(L_I), ...i32(2 * rp), op.i32Add, ...get(L_STB), op.i32Mul, op.i32Add, ...set(L_Q0 + rp));
  }
  for (let a = 0; a < 8; a++) c.push(...V128_CONST, ...new Array(16).fill(0), ...set(L_ACC + a));
  // k (bytes in P) = 0, kq (bytes in Q) = 0; do { … k += 8, kq += 16 } while (k < stb)
  c.push(...i32(0), ...set(L_K), ...i32(0), ...set(L_KQ));
  c.push(op.loop, 0x40);
  c.push(...get(L_Y0P), ...get(L_K), op.i32Add, ...V128_LOAD64_SPLAT, 3, 0, ...set(L_Y0));
  c.push(...get(L_Y1P), ...get(L_K), op.i32Add, ...V128_LOAD64_SPLAT, 3, 0, ...set(L_Y1));
  for (let rp = 0; rp < 4; rp++) {
    c.push(...get(L_Q0 + rp), ...get(L_KQ), op.i32Add, ...V128_LOAD, 3, 0, ...set(L_X));
    for (let col = 0; col < 2; col++) {
      const acc = L_ACC + rp + 4 * col;
      c.push(...get(acc), ...get(L_X), ...get(col === 0 ? L_Y0 : L_Y1), ...F64X2_MUL, ...F64X2_ADD, ...set(acc));
    }
  }
  c.push(...get(L_KQ), ...i32(16), op.i32Add, ...set(L_KQ));
  c.push(...get(L_K), ...i32(8), op.i32Add, op.localTee, ...uleb(L_K), ...get(L_STB), op.i32LtS, op.brIf, 0);
  c.push(op.end);
  // store the eight accumulators at out, out += 128; i += 8
  for (let a = 0; a < 8; a++) c.push(...get(P_OUT), ...get(L_ACC + a), ...V128_STORE, 3, ...uleb(16 * a));
  c.push(...get(P_OUT), ...i32(128), op.i32Add, ...set(P_OUT));
  c.push(...get(L_I), ...i32(8), op.i32Add, ...set(L_I));
  c.push(op.br, 0, op.end, op.end);
  const locals = [2, ...uleb(10), I32, ...uleb(11), V128];
  const code = [...locals, ...c, op.end];
  return [...uleb(code.length), ...code];
}

function assemble(): Uint8Array<ArrayBuffer> {
  const type = section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]);
  const imports = section(2, [1, ...name("env"), ...name("mem"), 0x02, 0x00, 1]);
  const funcs = section(3, [1, 0]);
  const exports = section(7, [1, ...name("colpair"), 0x00, 0]);
  const code = section(10, [1, ...body()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imports, ...funcs, ...exports, ...code]);
}
