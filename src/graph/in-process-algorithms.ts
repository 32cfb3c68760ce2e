/**
 * PageRank and betweenness computed in this process on a `GraphProjection`: what the embedded store always
 * does and what the Bolt store does when the database has no MAGE (Neo4j) or the graph is too big for it.
 * One module, so both stores report the same rows for the same graph (docs/ARCHITECTURE.md, "Ports and
 * adapters"). The algorithms themselves are in `algorithms/`.
 */
import type { BetweennessScores } from './algorithms/betweenness.js';
import { betweenness } from './algorithms/betweenness.js';
import { pagerank } from './algorithms/pagerank.js';
import { topScored } from './algorithms/top-scores.js';
import { keepBest } from '../util/keep-best.js';
import { lowerBound } from '../util/lower-bound.js';
import { compareNames } from './graph-order.js';
import type { AlgorithmOptions, BetweennessResult, GraphProjection, ScoredNode } from './graph-store.port.js';

export interface BetweennessSettings {
  exactMaxNodes: number;
  samplePivots: number;
}

/** PageRank scores per projection, kept while the projection object lives (stores cache it per version). */
const pagerankOf = new WeakMap<GraphProjection, Float64Array>();

/** PageRank of every node of `projection`, by position (computed once per projection). */
export function pagerankScoresOf(projection: GraphProjection): Float64Array {
  let scores = pagerankOf.get(projection);
  if (scores === undefined) {
    scores = pagerank(projection);
    pagerankOf.set(projection, scores);
  }
  return scores;
}

/**
 * `named`: when the caller already knows where `options.names` sit in the projection, their positions in
 * name order (the embedded store does); otherwise they are looked up here.
 */
export function pagerankRows(
  projection: GraphProjection,
  options: AlgorithmOptions,
  named?: readonly number[],
): ScoredNode[] {
  return scoredRows(projection, pagerankScoresOf(projection), options.limit, options.names, named);
}

/**
 * Betweenness scores per projection and setting, kept like PageRank's: the embedded store keeps its projection
 * until the next write, so asking again (another limit, the same command again) costs a scan of the scores instead
 * of the BFS and the n-sized buffers a sampled run allocates (at 10M relationships those buffers cost more in
 * full garbage collections than the BFS itself). A new projection (after a write, other excluded logins, every
 * Bolt read) starts afresh.
 */
const betweennessOf = new WeakMap<GraphProjection, Map<string, BetweennessScores>>();

/** Betweenness of every node of `projection` with these settings (computed once per projection and settings). */
export function betweennessScoresOf(
  projection: GraphProjection,
  settings: BetweennessSettings,
): BetweennessScores {
  const key = `${settings.exactMaxNodes}/${settings.samplePivots}`;
  let computed = betweennessOf.get(projection);
  if (computed === undefined) {
    computed = new Map();
    betweennessOf.set(projection, computed);
  }
  let result = computed.get(key);
  if (result === undefined) {
    result = betweenness(projection, settings);
    computed.set(key, result);
  }
  return result;
}

export function betweennessRows(
  projection: GraphProjection,
  options: AlgorithmOptions,
  settings: BetweennessSettings,
): BetweennessResult {
  const result = betweennessScoresOf(projection, settings);
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
 * `topScored` (score, then name), but for a list of names (a channel's 100k chatters for `/vip-candidates`) each name is found
 * by binary search in the sorted projection instead of testing every node of the graph.
 */
export function scoredRows(
  projection: GraphProjection,
  scores: Float64Array,
  limit: number,
  names?: readonly string[],
  named?: readonly number[],
): ScoredNode[] {
  if (names === undefined) return topOf(projection, scores, limit);
  const merged = [...(named ?? positionsInNameOrder(projection, names))];
  merged.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  return merged.slice(0, limit).map((position) => {
    const node = projection.nodes[position] as GraphProjection['nodes'][number];
    return { name: node.name, kind: node.kind as ScoredNode['kind'], score: scores[position] ?? 0 };
  });
}

function positionsInNameOrder(projection: GraphProjection, names: readonly string[]): number[] {
  const ranges = personRanges(projection);
  // Each range (users, streams) is in name order: positions found there, sorted as numbers, stay in name
  // order; the ranges are merged by name once, and a stable sort by score then keeps names in order on ties.
  const runs: number[][] = ranges.map(() => []);
  for (const name of new Set(names)) {
    ranges.forEach(([from, to], r) => {
      const at = lowerBound(from, to, (i) => (projection.nodes[i]?.name ?? '') < name);
      if (at < to && projection.nodes[at]?.name === name) runs[r]?.push(at);
    });
  }
  let merged: number[] = [];
  for (const run of runs) {
    const sorted = Int32Array.from(run).sort();
    const next: number[] = [];
    let i = 0;
    let j = 0;
    const nameAt = (position: number) => projection.nodes[position]?.name ?? '';
    while (i < merged.length && j < sorted.length) {
      if (compareNames(nameAt(merged[i] as number), nameAt(sorted[j] as number)) <= 0)
        next.push(merged[i++] as number);
      else next.push(sorted[j++] as number);
    }
    while (i < merged.length) next.push(merged[i++] as number);
    while (j < sorted.length) next.push(sorted[j++] as number);
    merged = next;
  }
  return merged;
}

/**
 * `topScored` for a small `limit` on a big graph: the best `limit` users and streams are kept while scanning
 * (a bounded sorted list), instead of sorting 600k rows to show 50. Same order: score, then name.
 */
function topOf(projection: GraphProjection, scores: Float64Array, limit: number): ScoredNode[] {
  if (limit * 20 > projection.nodes.length) return topScored(projection, scores, limit);
  const best: number[] = [];
  const before = (x: number, y: number) =>
    (scores[y] ?? 0) - (scores[x] ?? 0) ||
    compareNames(projection.nodes[x]?.name ?? '', projection.nodes[y]?.name ?? '');
  for (const [from, to] of personRanges(projection)) {
    for (let i = from; i < to; i += 1) {
      // A lower score than the last kept row's settles it without the comparison (6M nodes at 10M).
      const last = best[limit - 1];
      if (last !== undefined && (scores[i] as number) < (scores[last] as number)) continue;
      keepBest(best, i, limit, before);
    }
  }
  return best.map((i) => {
    const node = projection.nodes[i] as GraphProjection['nodes'][number];
    return { name: node.name, kind: node.kind as ScoredNode['kind'], score: scores[i] ?? 0 };
  });
}
