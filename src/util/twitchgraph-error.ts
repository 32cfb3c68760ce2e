/**
 * The base of every error twitchgraph throws. Each carries a machine-readable `code` (a string literal per
 * class or a union of them, so callers switch on it and never on message text) and whether retrying the
 * same operation can help (`canRetry`): the ingest worker retries or dead-letters, the event forwarder
 * retries or drops, and the dispatcher words its reply by that flag alone (docs/ARCHITECTURE.md, "Errors").
 */
export abstract class TwitchgraphError<Code extends string = string> extends Error {
  abstract readonly code: Code;
  abstract readonly canRetry: boolean;
}

/** Whether the operation that threw `error` is worth trying again; anything not ours is not. */
export function isRetryable(error: unknown): boolean {
  return error instanceof TwitchgraphError && error.canRetry;
}
