/**
 * Front ends (`bot`, `serve`) write only bookkeeping (`/monitor`). When another process holds the embedded
 * store's writer lock they still answer questions, read-only, and say that `/monitor` changes need the
 * writer.
 */
import { openGraphStore } from '../graph/open/open-graph-store.js';
import type { GraphStore } from '../graph/graph-store.port.js';
import { GraphStoreError } from '../graph/graph-store.port.js';
import type { CliContext } from './cli-context.js';
import { logConnectRetry } from './cli-context.js';

export async function openFrontEndStore(context: CliContext, command: string): Promise<GraphStore> {
  const { logger } = context;
  try {
    return await openGraphStore(context.config, {
      command,
      onConnectRetry: logConnectRetry(logger),
      onSaveError: (error) => logger.error({ err: error }, 'saving the graph snapshot failed; will retry'),
    });
  } catch (error) {
    if (!(error instanceof GraphStoreError) || error.code !== 'STORE_LOCKED') throw error;
    logger.warn(
      { reason: error.message },
      'the embedded store has another writer: answering read-only, /monitor add|remove will fail',
    );
    return openGraphStore(context.config, { command, readOnly: true });
  }
}
