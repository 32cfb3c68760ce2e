/**
 * Betweenness centrality with the definition of Memgraph MAGE's `betweenness_centrality.get()`: Brandes'
 * algorithm over unweighted directed BFS, normalized by 1/((n-1)(n-2)) (factor 1 when n ≤ 2).
 *
 * Above `exactMaxNodes` nodes the exact computation would take too long for a chat command, so BFS runs
 * from `samplePivots` sources chosen by a seeded generator and scores are scaled by n/k (the usual
 * unbiased estimator); the result says which mode ran.
 */
import type { GraphProjection } from '../graph-store.port.js';

export interface BetweennessOptions {
  exactMaxNodes: number;
  samplePivots: number;
  seed?: number;
}

export interface BetweennessScores {
  scores: Float64Array;
  mode: 'exact' | 'sampled';
  pivots: number;
}

/** mulberry32: small, fast, seedable; enough to pick pivots reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function betweenness(projection: GraphProjection, options: BetweennessOptions): BetweennessScores {
  const n = projection.nodes.length;
  const { offsets, targets } = projection;
  const scores = new Float64Array(n);
  let sources: Uint32Array;
  let mode: BetweennessScores['mode'] = 'exact';
  if (n > options.exactMaxNodes && options.samplePivots < n) {
    mode = 'sampled';
    const random = seededRandom(options.seed ?? 42);
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < options.samplePivots; i += 1) {
      const j = i + Math.floor(random() * (n - i));
      const tmp = all[i] as number;
      all[i] = all[j] as number;
      all[j] = tmp;
    }
    sources = all.slice(0, options.samplePivots);
  } else {
    sources = Uint32Array.from({ length: n }, (_, i) => i);
  }

  const sigma = new Float64Array(n);
  const delta = new Float64Array(n);
  const dist = new Int32Array(n).fill(-1);
  const stack = new Uint32Array(n);
  const queue = new Uint32Array(n);
  // Predecessor lists as linked lists over relationship slots (one per relationship) to avoid allocation.
  const predHead = new Int32Array(n).fill(-1);
  const predNext = new Int32Array(targets.length);
  const predNode = new Uint32Array(targets.length);

  for (const s of sources) {
    let stackSize = 0;
    let head = 0;
    let tail = 0;
    sigma[s] = 1;
    dist[s] = 0;
    queue[tail++] = s;
    let predCount = 0;
    while (head < tail) {
      const v = queue[head++] as number;
      stack[stackSize++] = v;
      const dv = dist[v] as number;
      for (let e = offsets[v] as number, end = offsets[v + 1] as number; e < end; e += 1) {
        const w = targets[e] as number;
        if (dist[w] === -1) {
          dist[w] = dv + 1;
          queue[tail++] = w;
        }
        if (dist[w] === dv + 1) {
          sigma[w] = (sigma[w] as number) + (sigma[v] as number);
          predNode[predCount] = v;
          predNext[predCount] = predHead[w] as number;
          predHead[w] = predCount;
          predCount += 1;
        }
      }
    }
    while (stackSize > 0) {
      const w = stack[--stackSize] as number;
      const coefficient = (1 + (delta[w] as number)) / (sigma[w] as number);
      for (let p = predHead[w] as number; p !== -1; p = predNext[p] as number) {
        const v = predNode[p] as number;
        delta[v] = (delta[v] as number) + (sigma[v] as number) * coefficient;
      }
      if (w !== s) scores[w] = (scores[w] as number) + (delta[w] as number);
    }
    for (let i = 0; i < tail; i += 1) {
      const v = queue[i] as number;
      sigma[v] = 0;
      delta[v] = 0;
      dist[v] = -1;
      predHead[v] = -1;
    }
  }
  const scale = (mode === 'sampled' ? n / sources.length : 1) * (n > 2 ? 1 / ((n - 1) * (n - 2)) : 1);
  for (let v = 0; v < n; v += 1) scores[v] = (scores[v] as number) * scale;
  return { scores, mode, pivots: sources.length };
}
