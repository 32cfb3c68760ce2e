/**
 * PageRank with the definition and defaults of Memgraph MAGE's `pagerank.get()` (see
 * ../shared/design/MEMGRAPH.md): every node starts at 1/N; each step
 * `next[v] = (1-d)/N + d * sum(rank[u] / outdeg(u))` over v's incoming relationships, one term per
 * relationship (parallel relationships count as many times as they occur); the rank of nodes without
 * out-relationships is not redistributed; stop when every node moved by at most `stopEpsilon` or after
 * `maxIterations`; finally divide by the total so the ranks sum to 1.
 */
import type { GraphProjection } from '../graph-store.port.js';

export interface PagerankOptions {
  maxIterations?: number;
  dampingFactor?: number;
  stopEpsilon?: number;
}

export const PAGERANK_DEFAULTS = { maxIterations: 100, dampingFactor: 0.85, stopEpsilon: 1e-5 } as const;

export function pagerank(projection: GraphProjection, options: PagerankOptions = {}): Float64Array {
  const { maxIterations, dampingFactor: d, stopEpsilon } = { ...PAGERANK_DEFAULTS, ...options };
  const n = projection.nodes.length;
  const { offsets, targets } = projection;
  let rank = new Float64Array(n).fill(n === 0 ? 0 : 1 / n);
  let next = new Float64Array(n);
  const base = n === 0 ? 0 : (1 - d) / n;
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    next.fill(base);
    for (let u = 0; u < n; u += 1) {
      const start = offsets[u] as number;
      const end = offsets[u + 1] as number;
      if (end === start) continue;
      const share = (d * (rank[u] as number)) / (end - start);
      for (let e = start; e < end; e += 1) {
        const v = targets[e] as number;
        next[v] = (next[v] as number) + share;
      }
    }
    let converged = true;
    for (let v = 0; v < n; v += 1) {
      if (Math.abs((next[v] as number) - (rank[v] as number)) > stopEpsilon) {
        converged = false;
        break;
      }
    }
    [rank, next] = [next, rank];
    if (converged) break;
  }
  let total = 0;
  for (let v = 0; v < n; v += 1) total += rank[v] as number;
  if (total > 0) for (let v = 0; v < n; v += 1) rank[v] = (rank[v] as number) / total;
  return rank;
}
