/**
 * PageRank with the definition, defaults and arithmetic of Memgraph MAGE's `pagerank.get()`, so that the
 * embedded store and Neo4j report the numbers Memgraph reports.
 *
 * Read in MAGE (github.com/memgraph/mage `cpp/pagerank_module/pagerank_module.cpp` and
 * `cpp/pagerank_module/algorithm/pagerank.cpp`; unchanged after the move to memgraph/memgraph
 * `mage/cpp/pagerank_module/`):
 *
 * - The module does not use the mg_graph GraphView. `CreatePageRankGraph` walks every vertex's out-edges
 *   through the query-module API and keeps one (target, source) pair per relationship, adding 1 to the
 *   source's out-degree for each. So **parallel relationships count as often as they occur**, in the
 *   target's sum and in the source's out-degree alike, and **a self-loop is an ordinary relationship**: it
 *   counts in the out-degree and hands the node a share of its own rank. `GraphProjection` has one target
 *   entry per relationship, which is exactly that edge list.
 * - Every rank starts at 1/N. An iteration sums `rank[u] / outdeg(u)` over the incoming relationships of
 *   each node (`ThreadPageRankIteration`), then sets `next[v] = (1 - d)/N + d * sum[v]`
 *   (`AddCurrentBlockToRankNext`). Nodes without out-relationships hand nothing on: their rank leaks.
 * - After each iteration it stops when `max_iterations` iterations ran or when no node moved by more than
 *   `stop_epsilon` (`CheckContinueIterate`: go on while some |next - rank| > ε); `max_iterations = 0` runs
 *   none. Finally every rank is divided by their sum (`NormalizeRank`).
 * - Defaults (`mgp_init_module`): max_iterations 100, damping_factor 0.85, stop_epsilon 1e-5.
 *
 * The order of operations (divide per source, sum, then multiply by d) follows MAGE's so that the stop test
 * sees the same differences; summation order can still differ in the last bit.
 *
 * Note that ε is absolute, not relative to 1/N: on a large graph most ranks are far below 1e-5 and only the
 * few high-ranked nodes (popular streams, games) keep the iteration going. That is MAGE's behaviour,
 * reproduced on purpose.
 */
import type { GraphProjection } from '../graph-store.port.js';

export interface PagerankOptions {
  maxIterations?: number;
  dampingFactor?: number;
  stopEpsilon?: number;
}

export const PAGERANK_DEFAULTS = { maxIterations: 100, dampingFactor: 0.85, stopEpsilon: 1e-5 } as const;

export interface PagerankRun {
  /** Ranks by node index, summing to 1 (empty for an empty graph). */
  ranks: Float64Array;
  /** Iterations that ran (at most `maxIterations`). */
  iterations: number;
  /** Largest |change| of a node's rank in the last iteration (0 when none ran). */
  lastMaxChange: number;
}

function checkOptions(maxIterations: number, d: number, stopEpsilon: number): void {
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 0) {
    throw new RangeError(`maxIterations must be a whole number ≥ 0, got ${maxIterations}`);
  }
  if (!(d >= 0 && d <= 1)) throw new RangeError(`dampingFactor must be within [0, 1], got ${d}`);
  if (!(stopEpsilon >= 0)) throw new RangeError(`stopEpsilon must be ≥ 0, got ${stopEpsilon}`);
}

/** Each node's rank split evenly over its out-relationships, added into `sum` at their targets. */
function spreadRanks(projection: GraphProjection, rank: Float64Array, sum: Float64Array): void {
  const { offsets, targets } = projection;
  const n = projection.nodes.length;
  for (let u = 0; u < n; u += 1) {
    const start = offsets[u] as number;
    const end = offsets[u + 1] as number;
    if (end === start) continue;
    // One value per source: MAGE divides rank[u] by outdeg(u) for every relationship, which gives this value.
    const share = (rank[u] as number) / (end - start);
    for (let e = start; e < end; e += 1) {
      const v = targets[e] as number;
      sum[v] = (sum[v] as number) + share;
    }
  }
}

/**
 * MAGE's iterations from `initial` (overwritten), until one moves no rank by more than `stopEpsilon` or
 * `maxIterations` ran; the ranks are not yet normalized. `scratch`: two more arrays of N it may overwrite
 * (a caller that has them spares a 600k-node graph 10 MB of allocation).
 */
function powerIterate(
  projection: GraphProjection,
  initial: Float64Array,
  d: number,
  stopEpsilon: number,
  maxIterations: number,
  scratch?: { next: Float64Array; sum: Float64Array },
): { rank: Float64Array; iterations: number; lastMaxChange: number } {
  const n = projection.nodes.length;
  let rank = initial;
  let next: Float64Array = scratch?.next ?? new Float64Array(n);
  const sum = scratch?.sum ?? new Float64Array(n);
  const base = (1 - d) / n;
  let iterations = 0;
  let lastMaxChange = 0;
  while (iterations < maxIterations) {
    sum.fill(0);
    spreadRanks(projection, rank, sum);
    let maxChange = 0;
    for (let v = 0; v < n; v += 1) {
      const value = base + d * (sum[v] as number);
      next[v] = value;
      const change = Math.abs(value - (rank[v] as number));
      if (change > maxChange) maxChange = change;
    }
    const previous = rank;
    rank = next;
    next = previous;
    iterations += 1;
    lastMaxChange = maxChange;
    if (!(maxChange > stopEpsilon)) break;
  }
  return { rank, iterations, lastMaxChange };
}

/**
 * Left-to-right sum, as std::accumulate in NormalizeRank. The total is 0 only if every rank leaked (d = 1
 * and no cycle), where MAGE's division gives NaN; zeros are kept instead.
 */
function normalize(rank: Float64Array): Float64Array {
  let total = 0;
  for (let v = 0; v < rank.length; v += 1) total += rank[v] as number;
  if (total > 0) for (let v = 0; v < rank.length; v += 1) rank[v] = (rank[v] as number) / total;
  return rank;
}

/** PageRank as MAGE computes it, with the number of iterations that ran. */
export function pagerankRun(projection: GraphProjection, options: PagerankOptions = {}): PagerankRun {
  const { maxIterations, dampingFactor: d, stopEpsilon } = { ...PAGERANK_DEFAULTS, ...options };
  checkOptions(maxIterations, d, stopEpsilon);
  const n = projection.nodes.length;
  if (n === 0) return { ranks: new Float64Array(0), iterations: 0, lastMaxChange: 0 };
  const run = powerIterate(projection, new Float64Array(n).fill(1 / n), d, stopEpsilon, maxIterations);
  return { ranks: normalize(run.rank), iterations: run.iterations, lastMaxChange: run.lastMaxChange };
}

/**
 * When the sweeps' changes shrink by a steady ratio ρ, one slow mode dominates what is left: the change
 * of sweep k is c·ρ^(k-1)·(1 - ρ)·w and the remaining error c·ρ^k·w, that change times ρ/(1 - ρ). Adding
 * it removes the mode in one pass over the relationships (its shares go to the targets' sums) instead of
 * the many sweeps ρ would take; on the igraph benchmark's random graph ρ is 0.68 and what remains decays
 * at about 0.33 per sweep.
 */
function extrapolate(
  projection: GraphProjection,
  rank: Float64Array,
  sum: Float64Array,
  delta: Float64Array,
  factor: number,
): void {
  const { offsets, targets } = projection;
  for (let u = 0; u < rank.length; u += 1) {
    const change = (delta[u] as number) * factor;
    if (change === 0) continue;
    rank[u] = (rank[u] as number) + change;
    const start = offsets[u] as number;
    const end = offsets[u + 1] as number;
    if (end === start) continue;
    const share = change / (end - start);
    for (let e = start; e < end; e += 1) {
      const v = targets[e] as number;
      sum[v] = (sum[v] as number) + share;
    }
  }
}

/**
 * The same ranks as `pagerankRun`, usually reached in far fewer passes over the relationships: Gauss–Seidel
 * on the linear system MAGE's iteration solves, r = (1 - d)/N + d·Pᵀr with Pᵀ[v][u] = (relationships
 * u→v)/outdeg(u) and nothing handed on by nodes without out-relationships (their rank leaks, as in MAGE),
 * normalized at the end like `pagerankRun`. Used where PageRank run to a given accuracy is wanted (the igraph
 * benchmark, bench/igraph.bench.ts). /pagerank keeps `pagerankRun`, MAGE's iteration step by step, so that
 * it reports what Memgraph reports even where MAGE's defaults stop early.
 *
 * Why it converges, and to the same point: I - dPᵀ is a nonsingular M-matrix for d < 1 (every column of Pᵀ
 * sums to 1 or 0). The power iteration is its regular splitting M = I, N = dPᵀ. A sweep in which every
 * update uses the ranks updated so far, and solves a node's own self-loop share exactly (as PRPACK does), is
 * the regular splitting M = I - d(L + S), N = dU (L: relationships from nodes earlier in the sweep, S:
 * self-loops, U: the rest). N only shrinks, so by Varga's comparison theorem for regular splittings its
 * asymptotic rate is at least the power iteration's, towards the same solution.
 *
 * Asymptotic only: started from 1/N, the power iteration puts exactly the right total into every closed
 * group of nodes (one whose relationships all stay inside it) and never has to correct it, while sweeps do
 * disturb it. On graphs with such groups Gauss–Seidel can take more passes than the power iteration: on
 * 300 small random graphs with sinks and self-loops, at d = 0.5, 0.85 and 0.99, up to 1.5× as many (5 of
 * the 900 runs took more than one pass more), thanks to `extrapolate`. On the igraph benchmark's random graph
 * it takes 36 passes to the power iteration's 131.
 *
 * The sweep pushes instead of pulling, so it walks the same CSR as `pagerankRun` in the same order and needs
 * no transposed copy: `sum[v]` holds Σ rank[u]/outdeg(u) over u→v for the current ranks, and a node's update
 * adds its change, divided by its out-degree, to its targets' sums. Sweeping in index order keeps every read
 * of the CSR sequential; measured on the igraph benchmark's random graph, a backward sweep saved a few
 * sweeps but cost more per sweep. When successive sweeps' changes shrink by a steady ratio, `extrapolate`
 * removes the mode behind them in one pass; it only moves the point the next sweep starts from.
 *
 * The stop test is `pagerankRun`'s. After a sweep, the largest |(1 - d)/N + d·sum[v] - rank[v]| is what one
 * power step would change. That estimate costs a pass over the nodes (about a fifth of a sweep), so it waits
 * for a sweep that moved no rank by more than 2ε (the next sweep's changes are about the last estimate); it
 * only decides when to start the test. Once it is within `stopEpsilon`, the run goes on with MAGE's own
 * iterations (`powerIterate`, which recomputes the sums afresh) until one moves no rank by more than
 * `stopEpsilon`, and returns that iteration's result. Usually the first one does; more may be needed when
 * the running sums' rounding hid a change that ε still sees (1e-10/N on a 600k-node graph is within a few
 * hundred times a large rank's last bit): on the benchmark's generated chat graph, nearly acyclic, which the
 * power iteration settles exactly in 4 iterations, that makes 7 passes. `iterations` counts sweeps, extrapolations and iterations alike,
 * each one walk over every relationship. If `maxIterations` ends the run first, the last ranks are returned
 * as they are, with the last change measured.
 */
export function pagerankGaussSeidel(projection: GraphProjection, options: PagerankOptions = {}): PagerankRun {
  const { maxIterations, dampingFactor: d, stopEpsilon } = { ...PAGERANK_DEFAULTS, ...options };
  checkOptions(maxIterations, d, stopEpsilon);
  const n = projection.nodes.length;
  const { offsets, targets } = projection;
  if (n === 0) return { ranks: new Float64Array(0), iterations: 0, lastMaxChange: 0 };

  const rank = new Float64Array(n).fill(1 / n);
  if (maxIterations === 0) return { ranks: normalize(rank), iterations: 0, lastMaxChange: 0 };
  const sum = new Float64Array(n);
  spreadRanks(projection, rank, sum);
  // The share of its own rank a node hands itself through self-loops (0 for most nodes).
  const own = new Float64Array(n);
  for (let u = 0; u < n; u += 1) {
    const start = offsets[u] as number;
    const end = offsets[u + 1] as number;
    for (let e = start; e < end; e += 1)
      if (targets[e] === u) own[u] = (own[u] as number) + 1 / (end - start);
  }
  const base = (1 - d) / n;
  // This sweep's change of every rank, and the L1 norms of the last sweeps' changes (see `extrapolate`).
  const delta = new Float64Array(n);
  let norm = 0;
  let previousNorm = 0;
  let previousRatio = 0;
  let extrapolating = true;
  let normBeforeExtrapolation = Number.POSITIVE_INFINITY;
  let iterations = 0;
  let estimate = Number.POSITIVE_INFINITY;
  while (iterations < maxIterations) {
    let largest = 0;
    norm = 0;
    for (let v = 0; v < n; v += 1) {
      const loop = own[v] as number;
      const value =
        loop === 0
          ? base + d * (sum[v] as number)
          : (base + d * ((sum[v] as number) - loop * (rank[v] as number))) / (1 - d * loop);
      const change = value - (rank[v] as number);
      delta[v] = change;
      if (change === 0) continue;
      rank[v] = value;
      const size = Math.abs(change);
      norm += size;
      if (size > largest) largest = size;
      const start = offsets[v] as number;
      const end = offsets[v + 1] as number;
      if (end === start) continue;
      const share = change / (end - start);
      for (let e = start; e < end; e += 1) {
        const w = targets[e] as number;
        sum[w] = (sum[w] as number) + share;
      }
    }
    iterations += 1;
    if (largest <= 2 * stopEpsilon || iterations === maxIterations) {
      estimate = 0;
      for (let v = 0; v < n; v += 1) {
        const change = Math.abs(base + d * (sum[v] as number) - (rank[v] as number));
        if (change > estimate) estimate = change;
      }
      if (!(estimate > stopEpsilon)) break;
    }

    if (normBeforeExtrapolation < Number.POSITIVE_INFINITY) {
      // The sweep after an extrapolation: if it changed more than the one before it, extrapolating does
      // not pay on this graph.
      if (norm > normBeforeExtrapolation) extrapolating = false;
      normBeforeExtrapolation = Number.POSITIVE_INFINITY;
      previousNorm = norm;
      previousRatio = 0;
      continue;
    }
    const ratio = previousNorm > 0 ? norm / previousNorm : 0;
    // The factor ρ/(1 - ρ) magnifies an error in ρ by 1/(ρ(1 - ρ)), so near 1 the ratio must be steadier.
    const steady = ratio >= 0.5 && ratio < 1 && Math.abs(ratio - previousRatio) <= 0.02 * ratio * (1 - ratio);
    previousNorm = norm;
    previousRatio = ratio;
    if (extrapolating && steady && iterations + 2 <= maxIterations) {
      extrapolate(projection, rank, sum, delta, ratio / (1 - ratio));
      iterations += 1;
      normBeforeExtrapolation = norm;
    }
  }
  if (iterations === maxIterations) return { ranks: normalize(rank), iterations, lastMaxChange: estimate };
  const finish = powerIterate(projection, rank, d, stopEpsilon, maxIterations - iterations, {
    next: delta,
    sum,
  });
  return {
    ranks: normalize(finish.rank),
    iterations: iterations + finish.iterations,
    lastMaxChange: finish.lastMaxChange,
  };
}

/** PageRank by node index with MAGE's definition and defaults (see the file comment). */
export function pagerank(projection: GraphProjection, options: PagerankOptions = {}): Float64Array {
  return pagerankRun(projection, options).ranks;
}
