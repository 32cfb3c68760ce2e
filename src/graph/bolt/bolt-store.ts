/**
 * Bolt GraphStore adapter (Memgraph with MAGE, or Neo4j 5). Placeholder until the Bolt issue lands.
 */
import type { Config } from '../../config.js';
import type { GraphStore } from '../graph-store.port.js';
import { GraphStoreError } from '../graph-store.port.js';
import type { OpenGraphStoreOptions } from '../open-graph-store.js';

export function openBoltGraphStore(config: Config, _options: OpenGraphStoreOptions): Promise<GraphStore> {
  return Promise.reject(
    new GraphStoreError(
      `GRAPH_URL is set (${config.graph.url ?? ''}) but this build has no Bolt adapter yet; unset GRAPH_URL to use the embedded store.`,
      'BOLT_UNAVAILABLE',
      false,
    ),
  );
}
