/**
 * The twitch-demo graph as the importer builds it, against the reference fixtures from
 * scripts/reference/pagerank_mage_reference.py and scripts/reference/betweenness_reference.py.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { betweenness } from '../../src/graph/algorithms/betweenness.js';
import { pagerankRun } from '../../src/graph/algorithms/pagerank.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphProjection } from '../../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import {
  betweennessDemoSchema,
  nodeKey,
  pagerankDemoSchema,
  readFixture,
  scoreMismatches,
  summarize,
} from './reference-fixtures.js';

const pagerankFixture = readFixture('pagerank-demo.json', pagerankDemoSchema);
const betweennessFixture = readFixture('betweenness-demo.json', betweennessDemoSchema);

describe('twitch-demo graph against the reference fixtures', () => {
  let store: EmbeddedGraphStore;
  let projection: GraphProjection;

  beforeAll(async () => {
    store = EmbeddedGraphStore.inMemory();
    const summary = await importSeedDirectory(demoDatasetDir(), store);
    expect(summary.rejected).toBe(0);
    projection = await store.projection();
  });

  it('imports the same graph the reference scripts built (node list and relationship list digests)', () => {
    const ours = summarize(projection);
    expect(ours).toEqual(pagerankFixture.graph);
    expect(ours).toEqual(betweennessFixture.graph);
    // The fixtures cover every node, so "every node in the fixture" is every node of the graph.
    expect(Object.keys(pagerankFixture.scores)).toHaveLength(projection.nodes.length);
    expect(Object.keys(betweennessFixture.scores)).toHaveLength(projection.nodes.length);
  });

  it('PageRank equals the MAGE step-by-step reference on every node, after as many iterations', () => {
    const run = pagerankRun(projection);
    expect(pagerankFixture.params).toEqual({ maxIterations: 100, dampingFactor: 0.85, stopEpsilon: 1e-5 });
    expect(run.iterations).toBe(pagerankFixture.iterations);
    expect(scoreMismatches(projection, run.ranks, pagerankFixture.scores)).toEqual([]);
  });

  it('betweenness equals the MAGE reference (and NetworkX, the demo having no parallel relationships) on every node', () => {
    expect(betweennessFixture.networkx.maxAbsDiffFromMageSteps).toBeLessThan(1e-12);
    const result = betweenness(projection, { exactMaxNodes: 50_000, samplePivots: 256 });
    expect(result.mode).toBe('exact');
    expect(result.pivots).toBe(projection.nodes.length);
    expect(scoreMismatches(projection, result.scores, betweennessFixture.scores)).toEqual([]);
  });

  it('the store ranks users and streams by those scores', async () => {
    const byScore = (scores: Record<string, number>) =>
      Object.entries(scores)
        .filter(([key]) => key.startsWith('User:') || key.startsWith('Stream:'))
        .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
        .slice(0, 10);

    const pagerankRows = await store.pagerank({ limit: 10 });
    const expectedPagerank = byScore(pagerankFixture.scores);
    expect(pagerankRows.map((r) => nodeKey(r))).toEqual(expectedPagerank.map(([key]) => key));
    pagerankRows.forEach((row, i) => expect(row.score).toBeCloseTo(expectedPagerank[i]?.[1] ?? NaN, 12));

    const betweennessResult = await store.betweenness({ limit: 10 });
    expect(betweennessResult.mode).toBe('exact');
    expect(betweennessResult.nodeCount).toBe(projection.nodes.length);
    const expectedBetweenness = byScore(betweennessFixture.scores);
    expect(betweennessResult.rows.map((r) => nodeKey(r))).toEqual(expectedBetweenness.map(([key]) => key));
  });
});
