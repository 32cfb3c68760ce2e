/**
 * The seeded synthetic multigraph (parallel relationships, self-loops, no sinks) against the fixtures from
 * scripts/reference/*.py: the MAGE step-by-step references, and NetworkX where its definition coincides.
 */
import { describe, expect, it } from 'vitest';
import { betweenness } from '../../src/graph/algorithms/betweenness.js';
import { pagerankRun } from '../../src/graph/algorithms/pagerank.js';
import {
  betweennessMultigraphSchema,
  collapseParallel,
  pagerankMultigraphSchema,
  projectionFromAdjacency,
  readFixture,
  scoreMismatches,
  summarize,
  syntheticGraphSchema,
} from './reference-fixtures.js';

const graph = readFixture('synthetic-multigraph.json', syntheticGraphSchema);
const projection = projectionFromAdjacency(
  graph.nodes.map(([kind, name]) => ({ kind, name })),
  graph.out,
);
const pagerankFixture = readFixture('pagerank-multigraph.json', pagerankMultigraphSchema);
const betweennessFixture = readFixture('betweenness-multigraph.json', betweennessMultigraphSchema);
const exactly = { exactMaxNodes: 10_000, samplePivots: 10_000 };

describe('synthetic multigraph against the reference fixtures', () => {
  it('is the graph the scripts used, with parallel relationships and self-loops but no sinks', () => {
    const summary = summarize(projection);
    expect(summary).toEqual(graph.summary);
    expect(summary).toEqual(pagerankFixture.graph);
    expect(summary).toEqual(betweennessFixture.graph);
    expect(summary.parallelRelationships).toBeGreaterThan(0);
    expect(summary.selfLoops).toBeGreaterThan(0);
    expect(summary.sinks).toBe(0);
  });

  it('PageRank at MAGE defaults equals the MAGE step-by-step reference, after as many iterations', () => {
    const run = pagerankRun(projection);
    expect(run.iterations).toBe(pagerankFixture.mage.iterations);
    expect(scoreMismatches(projection, run.ranks, pagerankFixture.mage.scores)).toEqual([]);
  });

  it('PageRank run to convergence equals NetworkX (no sinks: the definitions coincide, parallel relationships included)', () => {
    const run = pagerankRun(projection, { stopEpsilon: 1e-15, maxIterations: 10_000 });
    expect(run.iterations).toBeLessThan(10_000);
    expect(scoreMismatches(projection, run.ranks, pagerankFixture.networkx.scores)).toEqual([]);
    // At the defaults MAGE stops early; the difference is real, so the comparison above is not vacuous.
    expect(
      scoreMismatches(projection, pagerankRun(projection).ranks, pagerankFixture.networkx.scores),
    ).not.toEqual([]);
  });

  it('betweenness counts parallel relationships as separate shortest paths, as the MAGE reference does', () => {
    const result = betweenness(projection, exactly);
    expect(result.mode).toBe('exact');
    expect(scoreMismatches(projection, result.scores, betweennessFixture.mage.scores)).toEqual([]);
  });

  it('with parallel relationships collapsed, betweenness equals NetworkX, which differs on the multigraph', () => {
    expect(betweennessFixture.networkx.maxAbsDiffFromMageSteps).toBeGreaterThan(1e-3);
    const collapsed = collapseParallel(projection);
    expect(
      scoreMismatches(collapsed, betweenness(collapsed, exactly).scores, betweennessFixture.networkx.scores),
    ).toEqual([]);
    expect(
      scoreMismatches(
        projection,
        betweenness(projection, exactly).scores,
        betweennessFixture.networkx.scores,
      ),
    ).not.toEqual([]);
  });
});
