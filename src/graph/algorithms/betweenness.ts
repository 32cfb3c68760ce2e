/**
 * Betweenness centrality with the definition of Memgraph MAGE's `betweenness_centrality.get()` at its
 * defaults (directed = true, normalized = true), so that the embedded store and Neo4j report the numbers
 * Memgraph reports.
 *
 * Read in MAGE (github.com/memgraph/mage `cpp/betweenness_centrality_module/betweenness_centrality_module.cpp`,
 * `cpp/betweenness_centrality_module/algorithm/betweenness_centrality.cpp`, and the graph view it is given,
 * `mg_utility::GetGraphView` / `mg_graph::Graph::CreateEdge` in `cpp/mg_utility/mg_utils.hpp` and
 * `cpp/mg_utility/mg_graph.hpp`, which now live in memgraph/memgraph `include/mg_utils.hpp` and
 * `include/mg_graph.hpp`; the algorithm moved to memgraph/memgraph `mage/cpp/betweenness_centrality_module/`):
 *
 * - `GetGraphView` calls `CreateEdge` once per relationship (deduplicated by relationship id only) and
 *   `CreateEdge` appends the target to the source's neighbour list each time. So a node's neighbour list
 *   repeats a target once per **parallel relationship**, and a **self-loop** puts the node in its own list.
 * - Brandes with BFS (`betweenness_centrality_util::BFS`): for every neighbour entry w of v with
 *   dist[w] = dist[v] + 1, `sigma[w] += sigma[v]` and v is appended to w's predecessors. A repeated entry
 *   therefore adds sigma[v] again and a second predecessor entry: parallel relationships count as separate
 *   shortest paths (two relationships u→v make two paths), and later v's dependency share is counted once
 *   per relationship too. A self-loop never satisfies dist[v] = dist[v] + 1 and changes nothing.
 *   (NetworkX's `betweenness_centrality` walks `G[v]`, one entry per neighbour, so it differs from MAGE
 *   where parallel relationships lie on shortest paths.)
 * - Dependencies: `delta[v] += sigma[v] / sigma[w] * (1 + delta[w])` over shortest-path relationships v→w,
 *   added to every node except the source. Normalized by 1/((n-1)(n-2)) when n > 2, else by 1.
 *
 * Here the dependency pass walks each node's out-relationships (successors on a shortest path) instead of
 * predecessor lists: it visits the same relationship slots, so it adds the same terms, only in a different
 * order (last-bit differences), and needs no per-relationship predecessor storage. Path counts are doubles
 * here and 64-bit integers in MAGE: the same below 2^53 shortest paths between two nodes.
 *
 * MAGE is always exact. A chat command must not hang the bot, so when the graph has more than
 * `exactMaxNodes` nodes, or when the exact computation could take more than `exactMaxWork` steps (see
 * {@link exactWorkBound}), BFS runs from `samplePivots` sources chosen by a seeded generator and the result
 * says so. The estimate follows Brandes & Pich (2007) with the per-node scaling NetworkX uses for `k`
 * sources (`networkx/algorithms/centrality/betweenness.py`, `_rescale` with `sampled_nodes`): a node that was
 * not a source is scaled by (n-1)/k, a source by (n-1)/(k-1) (it cannot lie on its own paths), which makes
 * the estimate unbiased for every node.
 */
import type { GraphProjection } from '../graph-store.port.js';
import { seededRandom } from '../../util/seeded-random.js';

export interface BetweennessOptions {
  /** Above this many nodes, sample (BETWEENNESS_EXACT_MAX_NODES). */
  exactMaxNodes: number;
  /** Number of BFS sources when sampling (BETWEENNESS_SAMPLE_PIVOTS). */
  samplePivots: number;
  /** Sample when {@link exactWorkBound} exceeds this; defaults to {@link DEFAULT_EXACT_MAX_WORK}. */
  exactMaxWork?: number;
  /** Seed of the pivot choice; the same seed and projection always choose the same pivots. */
  seed?: number;
}

export interface BetweennessScores {
  scores: Float64Array;
  mode: 'exact' | 'sampled';
  /** Number of BFS sources used (n when exact). */
  pivots: number;
  /**
   * {@link exactWorkBound} when it decided the mode (Infinity: above `exactMaxWork`); null when it was not
   * needed (more nodes than `exactMaxNodes`, or no fewer pivots than nodes).
   */
  exactWorkBound: number | null;
}

/**
 * Default work budget of the exact mode, in units of {@link exactWorkBound}. Exact Brandes got through
 * 1.4–2.6·10^7 units a second on the 2-core development machine while shared (load average 5–10;
 * `bench/algorithms.bench.ts`), so this keeps a chat command to one or two seconds. The twitch-demo graph
 * needs 2.6·10^5, a chat-shaped graph of 49k nodes and 150k relationships 1.9·10^7.
 */
export const DEFAULT_EXACT_MAX_WORK = 3e7;

export const DEFAULT_BETWEENNESS_SEED = 42;

/** Defaults of BETWEENNESS_EXACT_MAX_NODES and BETWEENNESS_SAMPLE_PIVOTS, kept in domain/ for src/config.ts. */
export { BETWEENNESS_DEFAULTS } from '../../domain/algorithm-settings.js';

/**
 * An upper bound on the work of exact Brandes, counted as node visits plus relationship scans of the BFS from
 * every source (the dependency pass repeats those scans), or Infinity as soon as it is known to exceed
 * `limit`.
 *
 * The node count alone says little: in the chat graph most nodes are chatters that nothing points to, and
 * a BFS from one of them only reaches the few channels it chats in and what those reach, so 300k nodes can be
 * cheap while 20k nodes that all reach each other are not. Hence: every node that has an incoming
 * relationship (streams, games, languages, teams: few) gets its exact BFS work W(v) by a plain BFS, stopping
 * once the running total passes `limit`; a node without incoming relationships (a chatter) costs at most
 * 1 + outdeg(s) + Σ W(w) over its distinct targets w, since everything it reaches is reached through them.
 * The estimate costs at most about `limit` plain BFS steps, a fraction of Brandes' two passes.
 */
export function exactWorkBound(projection: GraphProjection, limit = Number.POSITIVE_INFINITY): number {
  const n = projection.nodes.length;
  const { offsets, targets } = projection;
  const outDegree = (v: number) => (offsets[v + 1] as number) - (offsets[v] as number);
  const hasIncoming = new Uint8Array(n);
  for (let e = 0; e < targets.length; e += 1) hasIncoming[targets[e] as number] = 1;

  const work = new Float64Array(n);
  const seen = new Int32Array(n).fill(-1);
  const queue = new Uint32Array(n);
  let total = 0;
  for (let v = 0; v < n; v += 1) {
    if (hasIncoming[v] !== 1) continue;
    let head = 0;
    let tail = 1;
    queue[0] = v;
    seen[v] = v;
    let own = 0;
    while (head < tail) {
      const u = queue[head] as number;
      head += 1;
      own += 1 + outDegree(u);
      for (let e = offsets[u] as number, end = offsets[u + 1] as number; e < end; e += 1) {
        const w = targets[e] as number;
        if (seen[w] !== v) {
          seen[w] = v;
          queue[tail] = w;
          tail += 1;
        }
      }
      if (total + own > limit) return Number.POSITIVE_INFINITY;
    }
    work[v] = own;
    total += own;
  }
  // `seen` now marks, per source s, the targets already counted (a node without incoming relationships is
  // never a target, so its index cannot clash with the marks left above).
  for (let s = 0; s < n; s += 1) {
    if (hasIncoming[s] === 1) continue;
    total += 1 + outDegree(s);
    for (let e = offsets[s] as number, end = offsets[s + 1] as number; e < end; e += 1) {
      const w = targets[e] as number;
      if (seen[w] !== s) {
        seen[w] = s;
        total += work[w] as number;
      }
    }
    if (total > limit) return Number.POSITIVE_INFINITY;
  }
  return total;
}

/**
 * `count` distinct node indexes out of n, by a partial Fisher–Yates shuffle of 0..n-1 driven by `seed`. Only
 * the slots the shuffle has written are kept (a slot never written holds its own index): the same pivots as
 * shuffling an array of all n indexes, without filling one (6M entries at 10M relationships, where that
 * fill took longer than the 256 breadth-first searches).
 */
export function choosePivots(n: number, count: number, seed: number): Uint32Array {
  const random = seededRandom(seed);
  const written = new Map<number, number>();
  const chosen = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) {
    const j = i + Math.floor(random() * (n - i));
    chosen[i] = written.get(j) ?? j;
    // Slot i is never read again (later draws start past it); slot j takes what slot i held.
    written.set(j, written.get(i) ?? i);
  }
  // Ascending, so that the order of accumulation (and so the last bits) does not depend on the shuffle.
  return chosen.sort();
}

/**
 * Add, for each source s in `sources`, the dependency δ_s(v) of every node v ≠ s to `into` (unnormalized
 * Brandes accumulation, MAGE's counting of parallel relationships; see the file comment).
 */
export function accumulateDependencies(
  projection: GraphProjection,
  sources: ArrayLike<number>,
  into: Float64Array,
): void {
  const n = projection.nodes.length;
  const { offsets, targets } = projection;
  const sigma = new Float64Array(n);
  const delta = new Float64Array(n);
  const dist = new Int32Array(n).fill(-1);
  const order = new Uint32Array(n);
  for (let i = 0; i < sources.length; i += 1) {
    const s = sources[i] as number;
    sigma[s] = 1;
    dist[s] = 0;
    order[0] = s;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const v = order[head] as number;
      head += 1;
      const next = (dist[v] as number) + 1;
      const sigmaV = sigma[v] as number;
      for (let e = offsets[v] as number, end = offsets[v + 1] as number; e < end; e += 1) {
        const w = targets[e] as number;
        if (dist[w] === -1) {
          dist[w] = next;
          order[tail] = w;
          tail += 1;
        }
        // One term per relationship: parallel relationships are separate shortest paths, as in MAGE.
        if (dist[w] === next) sigma[w] = (sigma[w] as number) + sigmaV;
      }
    }
    // Reverse BFS order: every successor on a shortest path is finished before its predecessor.
    for (let k = tail - 1; k >= 0; k -= 1) {
      const v = order[k] as number;
      const next = (dist[v] as number) + 1;
      const sigmaV = sigma[v] as number;
      let dependency = 0;
      for (let e = offsets[v] as number, end = offsets[v + 1] as number; e < end; e += 1) {
        const w = targets[e] as number;
        if (dist[w] === next) dependency += (sigmaV / (sigma[w] as number)) * (1 + (delta[w] as number));
      }
      delta[v] = dependency;
      if (v !== s) into[v] = (into[v] as number) + dependency;
    }
    for (let k = 0; k < tail; k += 1) {
      const v = order[k] as number;
      sigma[v] = 0;
      delta[v] = 0;
      dist[v] = -1;
    }
  }
}

/** Betweenness by node index: MAGE's definition, exact or sampled (see the file comment). */
export function betweenness(projection: GraphProjection, options: BetweennessOptions): BetweennessScores {
  const n = projection.nodes.length;
  const scores = new Float64Array(n);
  const k = Math.floor(options.samplePivots);
  // MAGE's normalization: 1/((n-1)(n-2)) for a directed graph with n > 2, else 1.
  const normalization = n > 2 ? 1 / ((n - 1) * (n - 2)) : 1;
  const maxWork = options.exactMaxWork ?? DEFAULT_EXACT_MAX_WORK;
  // As many pivots as nodes would be the exact computation anyway.
  let exact = k >= n;
  let workBound: number | null = null;
  if (!exact && n <= options.exactMaxNodes) {
    workBound = exactWorkBound(projection, maxWork);
    exact = workBound <= maxWork;
  }

  if (exact) {
    accumulateDependencies(
      projection,
      Uint32Array.from({ length: n }, (_, i) => i),
      scores,
    );
    for (let v = 0; v < n; v += 1) scores[v] = (scores[v] as number) * normalization;
    return { scores, mode: 'exact', pivots: n, exactWorkBound: workBound };
  }

  if (k < 1) throw new RangeError(`samplePivots must be at least 1, got ${options.samplePivots}`);
  const pivots = choosePivots(n, k, options.seed ?? DEFAULT_BETWEENNESS_SEED);
  accumulateDependencies(projection, pivots, scores);
  const isPivot = new Uint8Array(n);
  for (const s of pivots) isPivot[s] = 1;
  // A pivot saw only the other k-1 pivots' paths; with k = 1 it saw none and its estimate stays 0.
  const pivotScale = k > 1 ? ((n - 1) / (k - 1)) * normalization : 0;
  const otherScale = ((n - 1) / k) * normalization;
  for (let v = 0; v < n; v += 1)
    scores[v] = (scores[v] as number) * (isPivot[v] === 1 ? pivotScale : otherScale);
  return { scores, mode: 'sampled', pivots: k, exactWorkBound: workBound };
}
