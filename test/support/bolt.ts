/** Open Bolt stores on the test servers (Neo4j from the integration setup, or a given URL). */
import type { BoltStoreSettings } from '../../src/graph/bolt/bolt-store.js';
import { BoltGraphStore } from '../../src/graph/bolt/bolt-store.js';

export function boltSettings(url: string, overrides: Partial<BoltStoreSettings> = {}): BoltStoreSettings {
  return {
    url,
    batchSize: 1_000,
    connectRetries: 2,
    connectBackoffMs: 200,
    betweennessExactMaxNodes: 50_000,
    betweennessSamplePivots: 256,
    ...overrides,
  };
}

/** A store on an empty graph: everything on the server is deleted first. */
export async function emptyBoltStore(
  url: string,
  overrides: Partial<BoltStoreSettings> = {},
): Promise<BoltGraphStore> {
  const store = await BoltGraphStore.connect(boltSettings(url, overrides));
  await store.deleteEverything();
  return store;
}
