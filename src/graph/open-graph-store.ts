/**
 * Pick the GraphStore adapter from configuration: Bolt when `GRAPH_URL` is set, the embedded store
 * otherwise.
 */
import type { Config } from '../config.js';
import { EmbeddedGraphStore } from './embedded/embedded-store.js';
import type { ConnectRetry } from './bolt/bolt-store.js';
import type { GraphStore } from './graph-store.port.js';

export interface OpenGraphStoreOptions {
  /** Read without taking the embedded store's writer lock (e.g. `ask` beside a running `start`). */
  readOnly?: boolean;
  /** Who is opening the store; shown to a second writer that finds it locked. */
  command: string;
  onSaveError?: (error: unknown) => void;
  /** Bolt only: called before each wait when the graph database cannot be reached yet at start. */
  onConnectRetry?: (retry: ConnectRetry) => void;
  /** Bolt only: retry connecting at most this often (below GRAPH_CONNECT_RETRIES), e.g. for one-shot commands. */
  maxConnectRetries?: number;
}

export async function openGraphStore(config: Config, options: OpenGraphStoreOptions): Promise<GraphStore> {
  if (config.graph.url !== undefined) {
    const { openBoltGraphStore } = await import('./bolt/bolt-store.js');
    return openBoltGraphStore(config, options);
  }
  return EmbeddedGraphStore.open({
    dataDir: config.dataDir,
    readOnly: options.readOnly ?? false,
    command: options.command,
    snapshotMinIntervalMs: config.snapshotMinIntervalMs,
    betweennessExactMaxNodes: config.algorithms.betweennessExactMaxNodes,
    betweennessSamplePivots: config.algorithms.betweennessSamplePivots,
    ...(options.onSaveError === undefined ? {} : { onSaveError: options.onSaveError }),
  });
}
