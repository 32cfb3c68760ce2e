/**
 * Memgraph builds the `project(nodes, relationships)` subgraph by looking up both ends of every
 * relationship in the node list: nodes × relationships steps that its query timeout cannot interrupt. Above
 * MEMGRAPH_PROJECT_MAX_PAIRS the store reads the graph as two lists (one pass each) and computes in process
 * with the modules that reproduce MAGE, so the answer stays the same and the cost stays linear.
 */
import { describe, expect, it } from 'vitest';
import { BoltGraphStore } from '../../../src/graph/bolt/bolt-store.js';
import { MEMGRAPH_PROJECT_MAX_PAIRS } from '../../../src/graph/bolt/dialect.js';
import { pagerank } from '../../../src/graph/algorithms/pagerank.js';
import { topScored } from '../../../src/graph/algorithms/top-scores.js';
import type { GraphProjection } from '../../../src/graph/graph-store.port.js';
import { boltSettings } from '../../support/bolt.js';
import type { SentStatement } from '../../support/fake-bolt-driver.js';
import { FakeBoltDriver } from '../../support/fake-bolt-driver.js';

/** The `PROJECTION_NODES` record of a chain a → b → c and a lone d: ids, kinds (1 = User), names. */
const NODES = { keys: [1n, 2n, 3n, 4n], kinds: [1n, 1n, 1n, 1n], names: ['a', 'b', 'c', 'd'] };

const CHAIN: GraphProjection = {
  nodes: ['a', 'b', 'c', 'd'].map((name) => ({ name, kind: 'User' as const })),
  offsets: Uint32Array.from([0, 1, 2, 2, 2]),
  targets: Uint32Array.from([1, 2]),
};

function memgraphWith(size: { nodes: number; relationships: number }): FakeBoltDriver {
  return new FakeBoltDriver((statement: SentStatement) => {
    const q = statement.query;
    if (q.includes('pagerank.get')) return [{ labels: ['User'], name: 'a', id: null, score: 1 }];
    if (q.includes('betweenness_centrality.get'))
      return [{ labels: ['User'], name: 'a', id: null, score: 0 }];
    if (q.includes('RETURN count(n) AS count')) return [{ count: BigInt(size.nodes) }];
    if (q.includes('RETURN count(r) AS count')) return [{ count: BigInt(size.relationships) }];
    if (q.includes('AS names')) return [NODES];
    if (q.includes('AS sources')) return [{ sources: [1n, 2n], targets: [2n, 3n] }];
    return [];
  });
}

const open = (driver: FakeBoltDriver) =>
  BoltGraphStore.connect(boltSettings('bolt://memgraph.invalid:7687'), () => driver.asDriver());
const sentMage = (driver: FakeBoltDriver) =>
  driver.sent.filter((s) => /pagerank\.get|betweenness_centrality\.get/.test(s.query)).length;

describe('Memgraph algorithms on a large graph', () => {
  it('runs MAGE while nodes × relationships is within the cap', async () => {
    const driver = memgraphWith({ nodes: 1_000, relationships: 3_000 });
    const store = await open(driver);
    expect((await store.pagerank({ limit: 5 })).map((r) => r.name)).toEqual(['a']);
    expect((await store.betweenness({ limit: 5 })).rows.map((r) => r.name)).toEqual(['a']);
    expect(sentMage(driver)).toBe(2);
    await store.close();
  });

  it('computes in process above the cap, with the numbers of the modules that reproduce MAGE', async () => {
    const driver = memgraphWith({ nodes: 100_000, relationships: 1_000_000 });
    expect(100_000 * 1_000_000).toBeGreaterThan(MEMGRAPH_PROJECT_MAX_PAIRS);
    const store = await open(driver);
    const ranked = await store.pagerank({ limit: 10 });
    const between = await store.betweenness({ limit: 10 });
    expect(sentMage(driver)).toBe(0);
    expect(ranked).toEqual(topScored(CHAIN, pagerank(CHAIN), 10));
    // On a → b → c with d apart, only b lies between two others.
    expect(between.rows.find((r) => r.name === 'b')?.score).toBeGreaterThan(0);
    expect(between.rows.filter((r) => r.score > 0).map((r) => r.name)).toEqual(['b']);
    await store.close();
  });
});
