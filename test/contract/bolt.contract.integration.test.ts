/**
 * The GraphStore contract, unchanged, against real Bolt servers: Neo4j 5 (started by the integration
 * suite's global setup, or `NEO4J_URL`) and Memgraph with MAGE when `MEMGRAPH_URL` is set (e.g.
 * `docker compose up memgraph-mage`, then `MEMGRAPH_URL=bolt://localhost:7687`).
 *
 * Like the embedded store, each server runs the suite twice: with the default batch size, and with
 * batches of two rows so that every write crosses batch (and transaction) boundaries. Every test gets
 * an empty graph: `open` deletes everything first (tests run one at a time).
 */
import { afterAll, describe, inject } from 'vitest';
import type { BoltGraphStore } from '../../src/graph/bolt/bolt-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { emptyBoltStore } from '../support/bolt.js';
import { graphStoreContract } from './graph-store.contract.js';

const opened: BoltGraphStore[] = [];

function openEmpty(url: string, batchSize: number): () => Promise<GraphStore> {
  return async () => {
    const store = await emptyBoltStore(url, { batchSize });
    opened.push(store);
    return store;
  };
}

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

const neo4jUrl = inject('neo4jUrl');
graphStoreContract('bolt: Neo4j', openEmpty(neo4jUrl, 1_000));
graphStoreContract('bolt: Neo4j (batches of 2 rows)', openEmpty(neo4jUrl, 2));

const memgraphUrl = process.env.MEMGRAPH_URL ?? '';
describe.skipIf(memgraphUrl === '')(
  'Memgraph (skipped: set MEMGRAPH_URL, e.g. bolt://localhost:7687 after `docker compose up memgraph-mage`)',
  () => {
    // MAGE computes in the database, with parallel sums: equal to the in-process reference within 1e-6.
    graphStoreContract('bolt: Memgraph', openEmpty(memgraphUrl, 1_000), { algorithmTolerance: 1e-6 });
    graphStoreContract('bolt: Memgraph (batches of 2 rows)', openEmpty(memgraphUrl, 2), {
      algorithmTolerance: 1e-6,
    });
  },
);
