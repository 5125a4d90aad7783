/**
 * WebAssembly SIMD (f64x2) kernels for a panel of the blocked Cholesky (cholesky.ts), working on the
 * panel's rows packed two by two ("interleaved": rows 2p and 2p+1 side by side for each column k):
 *
 *  - colpair: for a column pair (j, j+1), the dot products ⟨P_i, P_j⟩ and ⟨P_i, P_{j+1}⟩ for rows
 *    i = j … iEnd−1, eight rows at a time — the register-blocked Schur-complement kernel of Goto &
 *    van de Geijn (2008) with eight two-lane accumulators;
 *  - solvepairs: the panel's rows times L_d⁻ᵀ (forward substitution), two rows per lane pair.
 *
 * The two lanes hold two ROWS (never two halves of a sum), so every number is formed by exactly the
 * operations, in exactly the order, of cholesky.ts's JavaScript kernels — one rounded multiply and
 * one rounded add or subtract per term: bit for bit the same factor, so the fits (whose optimiser
 * paths follow lme4's to the last bit) do not depend on which runs.
 *
 * The module is assembled here byte by byte (WebAssembly core spec §5, SIMD proposal opcodes) so the
 * package needs no build step; where WebAssembly SIMD is unavailable `simdKernel()` returns null and
 * cholesky.ts keeps its JavaScript kernel.
 */

/** The kernels bound to their own memory, with Float64Array views of its areas. */
export interface SimdKernel {
  /** Scratch for the JavaScript path's row-major packed panel (cholesky.ts's packBuffer). */
  readonly pack: Float64Array;
  /** The same rows interleaved by pairs: row r, column k at (⌊r/2⌋·st + k)·2 + (r mod 2). */
  readonly interleaved: Float64Array;
  /** Output: out[16·b + 8c + h] = ⟨P_i, P_{j+c}⟩ for i = j + 8b + h (h = 0 … 7). */
  readonly out: Float64Array;
  /** The factored diagonal block L_d of a panel, row-major (L_d[c, k] at c·jb + k), and 1/L_d[c, c]. */
  readonly diag: Float64Array;
  readonly invDiag: Float64Array;
  /** Fill `out` for rows j … iEnd − 1 (j even, iEnd − j a multiple of 8) and columns j, j + 1,
   *  reading both from `interleaved`. */
  colPair(st: number, j: number, iEnd: number): void;
  /** Rows of `interleaved` (the first 2·pairs) ← row · L_d⁻ᵀ for the jb × jb block in `diag`;
   *  pairs below mulPairs apply the pivots as × invDiag, the rest as ÷ diag. */
  solvePairs(st: number, jb: number, pairs: number, mulPairs: number): void;
}

/** Widest panel the diagonal area holds (cholesky.ts's NB is 48). */
export const MAX_JB = 64;

let cachedModule: WebAssembly.Module | null | undefined;
let cached: SimdKernel | null = null;

/** A kernel whose pack and interleaved areas hold at least `packDoubles` doubles each and whose out
 *  area holds `outDoubles`. */
export function simdKernel(packDoubles: number, outDoubles: number): SimdKernel | null {
  if (cached && cached.pack.length >= packDoubles && cached.out.length >= outDoubles) return cached;
  const mod = compiledModule();
  if (!mod) return null;
  cached = instantiateKernel(mod, packDoubles, outDoubles);
  return cached;
}

/** The compiled module (to instantiate in a worker thread, which has its own memory), or null. */
export function simdModule(): WebAssembly.Module | null {
  return compiledModule();
}

/** An instance of `mod` with its own memory sized as simdKernel describes. Self-contained: a worker
 *  thread runs its source (src/fit/pls/worker-tasks.ts). */
export function instantiateKernel(mod: WebAssembly.Module, packDoubles: number, outDoubles: number): SimdKernel {
  const maxJb = 64; // MAX_JB
  const areaBytes = Math.ceil((packDoubles * 8) / 16) * 16;
  const outBytes = Math.ceil((outDoubles * 8) / 16) * 16;
  const diagBytes = maxJb * maxJb * 8;
  const outByte = 2 * areaBytes;
  const diagByte = outByte + outBytes;
  const invByte = diagByte + diagBytes;
  const pages = Math.max(1, Math.ceil((invByte + maxJb * 8) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = new WebAssembly.Instance(mod, { env: { mem: memory } });
  type Fn6 = (a: number, b: number, c: number, d: number, e: number, f: number) => void;
  type Fn7 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
  const colpair = instance.exports.colpair as Fn6;
  const solvepairs = instance.exports.solvepairs as Fn7;
  // bound, not wrapped in arrow functions: a worker thread runs this function's source, and a
  // bundler keeping function names would wrap a named arrow in a helper the worker lacks
  return {
    pack: new Float64Array(memory.buffer, 0, areaBytes / 8),
    interleaved: new Float64Array(memory.buffer, areaBytes, areaBytes / 8),
    out: new Float64Array(memory.buffer, outByte, outBytes / 8),
    diag: new Float64Array(memory.buffer, diagByte, maxJb * maxJb),
    invDiag: new Float64Array(memory.buffer, invByte, maxJb),
    colPair: colpair.bind(null, areaBytes, outByte, 0) as SimdKernel["colPair"],
    solvePairs: solvepairs.bind(null, areaBytes, diagByte, invByte) as SimdKernel["solvePairs"],
  };
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
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41, i32GeS: 0x4e, i32LtS: 0x48, i32Add: 0x6a, i32Mul: 0x6c, i32Shl: 0x74,
} as const;
/** SIMD opcodes: prefix 0xfd, then the LEB128 index. */
const V128_LOAD = [0xfd, 0x00];
const V128_LOAD64_SPLAT = [0xfd, 0x0a];
const V128_STORE = [0xfd, 0x0b];
const V128_CONST = [0xfd, 0x0c];
const F64X2_ADD = [0xfd, 0xf0, 0x01];
const F64X2_SUB = [0xfd, 0xf1, 0x01];
const F64X2_DIV = [0xfd, 0xf3, 0x01];
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

// colpair's parameters (one unused: kept so both functions share one type); the buffer addresses
// first, so that instantiateKernel binds them (Function.prototype.bind) without a closure
const P_Q = 0, P_OUT = 1, P_PT_UNUSED = 2, P_ST = 3, P_J = 4, P_IEND = 5;
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
  // stb = st · 8 (a row's bytes); rows j, j+1 (j even) are the two lanes of pair j/2 of Q, at
  // q + j·stb: y0p and y1p = y0p + 8; i = j
  c.push(...get(P_ST), ...i32(3), op.i32Shl, ...set(L_STB));
  c.push(...get(P_Q), ...get(P_J), ...get(L_STB), op.i32Mul, op.i32Add, ...set(L_Y0P));
  c.push(...get(L_Y0P), ...i32(8), op.i32Add, ...set(L_Y1P));
  c.push(...get(P_J), ...set(L_I));
  c.push(op.block, 0x40, op.loop, 0x40);
  // while (i < iEnd)
  c.push(...get(L_I), ...get(P_IEND), op.i32GeS, op.brIf, 1);
  // row pair rp = (i + 2rp, i + 2rp + 1) starts at q + (i/2 + rp)·2·stb = q + (i + 2rp)·stb
  for (let rp = 0; rp < 4; rp++) {
    c.push(...get(P_Q), ...get(L_I), ...i32(2 * rp), op.i32Add, ...get(L_STB), op.i32Mul, op.i32Add, ...set(L_Q0 + rp));
  }
  for (let a = 0; a < 8; a++) c.push(...V128_CONST, ...new Array(16).fill(0), ...set(L_ACC + a));
  // k (bytes of a row) = 0, kq (bytes in Q) = 0; do { … k += 8, kq += 16 } while (k < stb)
  c.push(...i32(0), ...set(L_K), ...i32(0), ...set(L_KQ));
  c.push(op.loop, 0x40);
  c.push(...get(L_Y0P), ...get(L_KQ), op.i32Add, ...V128_LOAD64_SPLAT, 3, 0, ...set(L_Y0));
  c.push(...get(L_Y1P), ...get(L_KQ), op.i32Add, ...V128_LOAD64_SPLAT, 3, 0, ...set(L_Y1));
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

// solvepairs(q, d, inv, st, jb, npairs, nmul): each pair p of Q (both lanes) ← its rows times L_d⁻ᵀ,
// by forward substitution in exactly solvePackedRows' (cholesky.ts) operation order: the pivot
// applied as × (1/d) for pairs below nmul (its blocks of four rows), as ÷ d after them (its tail)
const S_Q = 0, S_D = 1, S_INV = 2, S_ST = 3, S_JB = 4, S_NP = 5, S_NMUL = 6;
const S_P = 7, S_BASE = 8, S_C = 9, S_K = 10, S_STB2 = 11, S_CADDR = 12, S_DROW = 13, S_S = 14;

function solveBody(): number[] {
  const c: number[] = [];
  const loopWhileLess = (i: number, end: number) => [op.block, 0x40, op.loop, 0x40, ...get(i), ...get(end), op.i32GeS, op.brIf, 1];
  const closeLoop = [op.br, 0, op.end, op.end];
  c.push(...get(S_ST), ...i32(4), op.i32Shl, ...set(S_STB2));
  c.push(...i32(0), ...set(S_P));
  c.push(...loopWhileLess(S_P, S_NP));
  c.push(...get(S_Q), ...get(S_P), ...get(S_STB2), op.i32Mul, op.i32Add, ...set(S_BASE));
  c.push(...i32(0), ...set(S_C));
  c.push(...loopWhileLess(S_C, S_JB));
  c.push(...get(S_BASE), ...get(S_C), ...i32(4), op.i32Shl, op.i32Add, ...set(S_CADDR));
  c.push(...get(S_CADDR), ...V128_LOAD, 3, 0, ...set(S_S));
  c.push(...get(S_D), ...get(S_C), ...get(S_JB), op.i32Mul, ...i32(3), op.i32Shl, op.i32Add, ...set(S_DROW));
  c.push(...i32(0), ...set(S_K));
  c.push(...loopWhileLess(S_K, S_C));
  // s ← s − x_k · d[c, k]
  c.push(...get(S_S));
  c.push(...get(S_BASE), ...get(S_K), ...i32(4), op.i32Shl, op.i32Add, ...V128_LOAD, 3, 0);
  c.push(...get(S_DROW), ...get(S_K), ...i32(3), op.i32Shl, op.i32Add, ...V128_LOAD64_SPLAT, 3, 0);
  c.push(...F64X2_MUL, ...F64X2_SUB, ...set(S_S));
  c.push(...get(S_K), ...i32(1), op.i32Add, ...set(S_K));
  c.push(...closeLoop);
  // x_c ← s · (1 / d[c, c]) or s / d[c, c]
  c.push(...get(S_CADDR));
  c.push(...get(S_P), ...get(S_NMUL), op.i32LtS, op.if, V128);
  c.push(...get(S_S), ...get(S_INV), ...get(S_C), ...i32(3), op.i32Shl, op.i32Add, ...V128_LOAD64_SPLAT, 3, 0, ...F64X2_MUL);
  c.push(op.else);
  c.push(...get(S_S), ...get(S_DROW), ...get(S_C), ...i32(3), op.i32Shl, op.i32Add, ...V128_LOAD64_SPLAT, 3, 0, ...F64X2_DIV);
  c.push(op.end);
  c.push(...V128_STORE, 3, 0);
  c.push(...get(S_C), ...i32(1), op.i32Add, ...set(S_C));
  c.push(...closeLoop);
  c.push(...get(S_P), ...i32(1), op.i32Add, ...set(S_P));
  c.push(...closeLoop);
  const locals = [2, ...uleb(7), I32, ...uleb(1), V128];
  const code = [...locals, ...c, op.end];
  return [...uleb(code.length), ...code];
}

function assemble(): Uint8Array<ArrayBuffer> {
  const type = section(1, [2, 0x60, 6, I32, I32, I32, I32, I32, I32, 0, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]);
  const imports = section(2, [1, ...name("env"), ...name("mem"), 0x02, 0x00, 1]);
  const funcs = section(3, [2, 0, 1]);
  const exports = section(7, [2, ...name("colpair"), 0x00, 0, ...name("solvepairs"), 0x00, 1]);
  const code = section(10, [2, ...body(), ...solveBody()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imports, ...funcs, ...exports, ...code]);
}
