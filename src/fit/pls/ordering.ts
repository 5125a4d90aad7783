/**
 * A fill-reducing order for the random-effects levels of the dense trailing block, and the
 * supernodes of its Cholesky factor in that order.
 *
 * The trailing block's Schur complement (update-l.ts) has the pattern of A₂₂ plus one clique per
 * first-term level (the other levels that level meets). Eliminated in the natural order it fills
 * in completely; a minimum-degree order (Tinney & Walker 1967; George & Liu 1989) eliminates the
 * sparse part first and leaves a dense clique last. For InstEval's lecturers this cuts the
 * factorisation from ~2.4·10⁸ to ~5·10⁷ multiply-adds. The dense kernel (src/linalg/cholesky.ts)
 * then runs one panel per supernode — consecutive columns sharing their pattern below (George &
 * Liu's fundamental supernodes) — and skips rows that are zero in the panel, so the order changes
 * the work but never the result.
 *
 * Nodes are level blocks (p_k columns each); X and y are dense and always last.
 */

/** The order (node ids, first eliminated first) and where supernodes start (indices into order). */
export interface NodeOrdering {
  order: Int32Array;
  supernodeStarts: Int32Array;
}

/** A symmetric graph on n nodes as one bitset row per node (no self-loops). */
export class BitGraph {
  readonly n: number;
  readonly words: number;
  readonly bits: Uint32Array;
  constructor(n: number) {
    this.n = n;
    this.words = (n + 31) >>> 5;
    this.bits = new Uint32Array(this.words * n);
  }
  addEdge(a: number, b: number): void {
    if (a === b) return;
    this.bits[a * this.words + (b >>> 5)] |= 1 << (b & 31);
    this.bits[b * this.words + (a >>> 5)] |= 1 << (a & 31);
  }
}

/** Relaxed supernodes: extra zero rows allowed, relative to the child's pattern (tuned on InstEval:
 *  ~5% less time per evaluation than fundamental supernodes; more relaxation costs more). */
const RELAXATION = 0.1;

/** Below this many nodes the natural order is kept (the block is small enough to be dense). */
export const MIN_NODES_TO_ORDER = 64;
/** Above this many the bitset graph (n²/8 bytes) is not built: natural order. */
export const MAX_NODES_TO_ORDER = 20000;

/**
 * Minimum-degree order by the elimination game on a bitset graph: eliminating v joins its remaining
 * neighbours into a clique. Stops once the remaining graph is a clique (one dense supernode).
 * Destroys `g`.
 */
export function minimumDegreeOrdering(g: BitGraph): NodeOrdering {
  const { n, words: W, bits } = g;
  const degree = new Int32Array(n);
  for (let v = 0; v < n; v++) degree[v] = popcountRow(bits, v * W, W);
  const alive = new Uint8Array(n).fill(1);
  const order: number[] = [];
  const pattern: Int32Array[] = [];
  let remaining = n;
  while (remaining > 0) {
    let v = -1;
    let best = Infinity;
    for (let u = 0; u < n; u++) if (alive[u] && degree[u] < best) { best = degree[u]; v = u; }
    if (best === remaining - 1) break; // the rest is a clique
    const nbrs = rowMembers(bits, v * W, W, best);
    const vo = v * W;
    for (let t = 0; t < nbrs.length; t++) {
      const u = nbrs[t];
      const uo = u * W;
      for (let w = 0; w < W; w++) bits[uo + w] |= bits[vo + w];
      bits[uo + (u >>> 5)] &= ~(1 << (u & 31));
      bits[uo + (v >>> 5)] &= ~(1 << (v & 31));
      degree[u] = popcountRow(bits, uo, W);
    }
    bits.fill(0, vo, vo + W);
    alive[v] = 0;
    order.push(v);
    pattern.push(nbrs);
    remaining--;
  }
  const cliqueStart = order.length;
  for (let u = 0; u < n; u++) if (alive[u]) order.push(u);
  return postorderedSupernodes(order, pattern, cliqueStart, n);
}

/** Natural order, one supernode. */
export function naturalOrdering(n: number): NodeOrdering {
  return { order: Int32Array.from({ length: n }, (_, i) => i), supernodeStarts: Int32Array.from([0]) };
}

/**
 * Postorder the elimination tree (parent of a column = its first off-diagonal row in L), which keeps
 * the fill (the same tree) but makes every subtree contiguous, then mark fundamental supernodes:
 * node t+1 continues t's supernode when it is t's parent and its pattern is t's minus itself
 * (|pattern(t)| = |pattern(t+1)| + 1 then suffices) — relaxed, as CHOLMOD amalgamates, to allow
 * the parent up to RELAXATION·|pattern(t)| rows more: a few explicit zeros in exchange for fewer,
 * wider panels. The final clique is a chain, one supernode.
 */
function postorderedSupernodes(order: number[], pattern: Int32Array[], cliqueStart: number, n: number): NodeOrdering {
  const pos = new Int32Array(n);
  order.forEach((v, i) => (pos[v] = i));
  const parent = new Int32Array(n).fill(-1);
  const count = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    if (t < cliqueStart) {
      const pt = pattern[t];
      let par = n;
      for (let i = 0; i < pt.length; i++) par = Math.min(par, pos[pt[i]]);
      parent[t] = par === n ? -1 : par;
      count[t] = pt.length;
    } else {
      parent[t] = t + 1 < n ? t + 1 : -1;
      count[t] = n - 1 - t;
    }
  }
  // children lists (ascending), then an iterative depth-first postorder from the roots
  const head = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  for (let t = n - 1; t >= 0; t--) {
    const par = parent[t];
    if (par >= 0) {
      next[t] = head[par];
      head[par] = t;
    }
  }
  const post: number[] = [];
  const stack: number[] = [];
  for (let r = 0; r < n; r++) {
    if (parent[r] !== -1) continue;
    stack.push(r);
    while (stack.length > 0) {
      const v = stack[stack.length - 1];
      const c = head[v];
      if (c >= 0) {
        head[v] = next[c]; // descend into the next unvisited child
        stack.push(c);
      } else {
        stack.pop();
        post.push(v);
      }
    }
  }
  const newPos = new Int32Array(n);
  post.forEach((t, i) => (newPos[t] = i));
  const starts: number[] = [0];
  for (let i = 0; i + 1 < n; i++) {
    const t = post[i];
    const extra = count[post[i + 1]] + 1 - count[t];
    // relaxed below the final clique; joining the clique itself only without explicit zeros,
    // since every row added there is paid for across the whole dense clique
    const allowed = t < cliqueStart && parent[t] >= cliqueStart ? 0 : RELAXATION * count[t];
    const joins = parent[t] >= 0 && newPos[parent[t]] === i + 1 && extra <= allowed;
    if (!joins) starts.push(i + 1);
  }
  return { order: Int32Array.from(post, (t) => order[t]), supernodeStarts: Int32Array.from(starts) };
}

function popcountRow(bits: Uint32Array, o: number, W: number): number {
  let c = 0;
  for (let w = 0; w < W; w++) {
    let x = bits[o + w];
    x = x - ((x >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    c += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return c;
}

function rowMembers(bits: Uint32Array, o: number, W: number, count: number): Int32Array {
  const out = new Int32Array(count);
  let k = 0;
  for (let w = 0; w < W; w++) {
    let x = bits[o + w];
    while (x !== 0) {
      const low = x & -x;
      out[k++] = (w << 5) + (31 - Math.clz32(low));
      x ^= low;
    }
  }
  return out;
}
