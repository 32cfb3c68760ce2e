/**
 * PageRank and betweenness computed in this process on a `GraphProjection`: what the embedded store always
 * does and what the Bolt store does when the database has no MAGE (Neo4j) or the graph is too big for it.
 * One module, so both stores report the same rows for the same graph (docs/ARCHITECTURE.md, "Ports and
 * adapters"). The algorithms themselves are in `algorithms/`.
 */
import { betweenness } from './algorithms/betweenness.js';
import { pagerank } from './algorithms/pagerank.js';
import { topScored } from './algorithms/top-scores.js';
import { compareNames } from './graph-order.js';
import type { AlgorithmOptions, BetweennessResult, GraphProjection, ScoredNode } from './graph-store.port.js';

export interface BetweennessSettings {
  exactMaxNodes: number;
  samplePivots: number;
}

/** PageRank scores per projection, kept while the projection object lives (stores cache it per version). */
const pagerankOf = new WeakMap<GraphProjection, Float64Array>();

export function pagerankRows(projection: GraphProjection, options: AlgorithmOptions): ScoredNode[] {
  let scores = pagerankOf.get(projection);
  if (scores === undefined) {
    scores = pagerank(projection);
    pagerankOf.set(projection, scores);
  }
  return scoredRows(projection, scores, options.limit, options.names);
}

export function betweennessRows(
  projection: GraphProjection,
  options: AlgorithmOptions,
  settings: BetweennessSettings,
): BetweennessResult {
  const result = betweenness(projection, settings);
  return {
    rows: scoredRows(projection, result.scores, options.limit, options.names),
    mode: result.mode,
    pivots: result.pivots,
    nodeCount: projection.nodes.length,
  };
}

/** Where the users and the streams sit in a projection (nodes are sorted by kind, then name). */
const rangesOf = new WeakMap<GraphProjection, [number, number][]>();

function personRanges(projection: GraphProjection): [number, number][] {
  let ranges = rangesOf.get(projection);
  if (ranges !== undefined) return ranges;
  ranges = [];
  const { nodes } = projection;
  for (let i = 0; i < nodes.length;) {
    const kind = nodes[i]?.kind;
    let end = i + 1;
    while (end < nodes.length && nodes[end]?.kind === kind) end += 1;
    if (kind === 'User' || kind === 'Stream') ranges.push([i, end]);
    i = end;
  }
  rangesOf.set(projection, ranges);
  return ranges;
}

/**
 * `topScored`, but for a list of names (a channel's 100k chatters for `/vip-candidates`) each name is found
 * by binary search in the sorted projection instead of testing every node of the graph.
 */
export function scoredRows(
  projection: GraphProjection,
  scores: Float64Array,
  limit: number,
  names?: readonly string[],
): ScoredNode[] {
  if (names === undefined) return topScored(projection, scores, limit);
  const rows: ScoredNode[] = [];
  const ranges = personRanges(projection);
  for (const name of new Set(names)) {
    for (const [from, to] of ranges) {
      let lo = from;
      let hi = to;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((projection.nodes[mid]?.name ?? '') < name) lo = mid + 1;
        else hi = mid;
      }
      const node = projection.nodes[lo];
      if (lo < to && node !== undefined && node.name === name) {
        rows.push({ name, kind: node.kind as ScoredNode['kind'], score: scores[lo] ?? 0 });
        break;
      }
    }
  }
  return rows.sort((a, b) => b.score - a.score || compareNames(a.name, b.name)).slice(0, limit);
}
