/**
 * Driver errors → `GraphStoreError` with a code and whether retrying can help (docs/ARCHITECTURE.md,
 * "Errors"), decided from the driver's classification, never from message text.
 *
 * Retryable: the server is gone or restarting (`ServiceUnavailable`, `SessionExpired`) and transient
 * errors — every code containing "TransientError", which includes Memgraph's
 * `Memgraph.TransientError.MemgraphError.MemgraphError` ("Cannot resolve conflicting transactions").
 * The driver's managed transactions (`executeRead`/`executeWrite`) have already retried those with
 * exponential backoff until their time budget ran out before the error gets here.
 *
 * The one exception to "never from message text": Memgraph reports some conditions that clear by
 * themselves under one client-error code (`Memgraph.ClientError.MemgraphError.MemgraphError`), so only the
 * message tells them apart (see `isMemgraphRetryable`).
 */
import { error as driverErrors, isRetryableError, Neo4jError } from 'neo4j-driver';
import { GraphStoreError } from '../graph-store.port.js';

export const GRAPH_ERROR_CODES = {
  unavailable: 'GRAPH_UNAVAILABLE',
  transient: 'GRAPH_TRANSIENT',
  auth: 'GRAPH_AUTH',
  constraint: 'GRAPH_CONSTRAINT',
  query: 'GRAPH_QUERY_FAILED',
  closed: 'STORE_CLOSED',
  readOnly: 'STORE_READ_ONLY',
} as const;

function isUnavailable(error: Neo4jError): boolean {
  return error.code === driverErrors.SERVICE_UNAVAILABLE || error.code === driverErrors.SESSION_EXPIRED;
}

/**
 * Memgraph's messages for conditions that another attempt clears:
 * - "Unable to commit due to unique constraint violation on :User(name)": two transactions MERGEd the same
 *   new node; the loser's MERGE finds the winner's node when run again. A ClientError, so the driver does
 *   not retry it.
 * - "Cannot resolve conflicting transactions. …": a write-write conflict (a TransientError, which the driver
 *   retries within its budget; listed so that the store's own loop treats it alike).
 * - "Cannot get shared access storage. …", "Cannot get unique access to the storage. …", "Cannot get read
 *   only access to the storage. …": the storage accessor was not granted within Memgraph's wait (1 s by
 *   default), e.g. schema statements, which need unique access, while other transactions run.
 */
const MEMGRAPH_RETRYABLE = [
  /^Unable to commit due to unique constraint violation/,
  /^Cannot resolve conflicting transactions/,
  /^Cannot get (?:shared|unique|read only) access (?:to the )?storage/,
];

export function isMemgraphRetryable(error: unknown): boolean {
  return error instanceof Neo4jError && MEMGRAPH_RETRYABLE.some((pattern) => pattern.test(error.message));
}

export function isAuthError(error: unknown): boolean {
  return error instanceof Neo4jError && error.code.startsWith('Neo.ClientError.Security.');
}

/**
 * The useful part of a driver message: its first line (some carry a server trace), and of a failed
 * connection only the socket error the driver appends as "Caused by: …" (e.g. `connect ECONNREFUSED
 * 127.0.0.1:7687`), not its general advice about encryption settings.
 */
export function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n')[0]?.trim() ?? message;
  return /Caused by: (.+)$/.exec(first)?.[1]?.trim() ?? first;
}

export function toGraphStoreError(error: unknown, operation: string, url: string): GraphStoreError {
  if (error instanceof GraphStoreError) return error;
  const reason = shortReason(error);
  if (error instanceof Neo4jError) {
    if (isUnavailable(error)) {
      return new GraphStoreError(
        `The graph database at ${url} is not reachable (${operation}): ${reason}`,
        GRAPH_ERROR_CODES.unavailable,
        true,
        { cause: error },
      );
    }
    if (isRetryableError(error) || isMemgraphRetryable(error)) {
      return new GraphStoreError(
        `The graph database at ${url} could not complete ${operation} for now (${error.code}): ${reason}`,
        GRAPH_ERROR_CODES.transient,
        true,
        { cause: error },
      );
    }
    if (isAuthError(error)) {
      return new GraphStoreError(
        `The graph database at ${url} refused the credentials (GRAPH_USER/GRAPH_PASSWORD): ${reason}`,
        GRAPH_ERROR_CODES.auth,
        false,
        { cause: error },
      );
    }
    if (error.code.startsWith('Neo.ClientError.Schema.')) {
      return new GraphStoreError(
        `The graph database at ${url} rejected ${operation} (${error.code}): ${reason}`,
        GRAPH_ERROR_CODES.constraint,
        false,
        { cause: error },
      );
    }
  }
  const code = error instanceof Neo4jError ? ` (${error.code})` : '';
  return new GraphStoreError(
    `${operation} failed on the graph database at ${url}${code}: ${reason}`,
    GRAPH_ERROR_CODES.query,
    false,
    { cause: error },
  );
}
