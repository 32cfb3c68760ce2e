/**
 * Pick the GraphStore adapter from the graph settings: Bolt when `GRAPH_URL` is set, the embedded store
 * otherwise. The settings are this module's own shape; the app's `Config` fits it, so the graph layer never
 * imports `src/config.ts` (docs/ARCHITECTURE.md, "Layers").
 */
import { EmbeddedGraphStore } from '../embedded/embedded-store.js';
import type { BoltStoreSettings, ConnectRetry } from '../bolt/bolt-store.js';
import type { GraphStore } from '../graph-store.port.js';

/** What opening a store needs from configuration (`Config` in `src/config.ts` has these fields). */
export interface GraphStoreConfig {
  dataDir: string;
  snapshotMinIntervalMs: number;
  graph: {
    /** `GRAPH_URL`: a Bolt server (Memgraph, Neo4j) when set, the embedded store in `dataDir` otherwise. */
    url?: string | undefined;
    user?: string | undefined;
    password?: string | undefined;
    batchSize: number;
    connectRetries: number;
    connectBackoffMs: number;
  };
  algorithms: { betweennessExactMaxNodes: number; betweennessSamplePivots: number };
}

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

/** The Bolt adapter's own settings, from the graph settings and the caller's options. */
export function boltSettings(
  config: GraphStoreConfig,
  url: string,
  options: OpenGraphStoreOptions,
): BoltStoreSettings {
  const { graph, algorithms } = config;
  return {
    url,
    user: graph.user,
    password: graph.password,
    batchSize: graph.batchSize,
    connectRetries: Math.min(graph.connectRetries, options.maxConnectRetries ?? Infinity),
    connectBackoffMs: graph.connectBackoffMs,
    betweennessExactMaxNodes: algorithms.betweennessExactMaxNodes,
    betweennessSamplePivots: algorithms.betweennessSamplePivots,
    readOnly: options.readOnly ?? false,
    ...(options.onConnectRetry === undefined ? {} : { onConnectRetry: options.onConnectRetry }),
  };
}

export async function openGraphStore(
  config: GraphStoreConfig,
  options: OpenGraphStoreOptions,
): Promise<GraphStore> {
  const { url } = config.graph;
  if (url !== undefined) {
    // Loaded only here, so the embedded store never loads the Bolt driver.
    const { BoltGraphStore } = await import('../bolt/bolt-store.js');
    return BoltGraphStore.connect(boltSettings(config, url, options));
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
