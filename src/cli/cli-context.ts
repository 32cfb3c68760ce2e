/** What every CLI subcommand gets: configuration, a logger, and where to write its output. */
import type { Config } from '../config.js';
import { loadConfig, secretValues } from '../config.js';
import type { ConnectRetry } from '../graph/bolt/bolt-store.js';
import type { Logger } from '../logging.js';
import { createLogger } from '../logging.js';

export interface CliIO {
  /** Answers and summaries (stdout). */
  out: (text: string) => void;
  /** Human messages that are not logs: errors, progress (stderr). */
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress lines redraw in place). */
  errIsTTY: boolean;
}

export interface CliContext {
  config: Config;
  logger: Logger;
  io: CliIO;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY,
};

export function createCliContext(io: CliIO = processIO, config: Config = loadConfig()): CliContext {
  let logger: Logger | undefined;
  return {
    config,
    io,
    // Made on first use: a one-shot `ask` that logs nothing does not load the readable log format.
    get logger() {
      return (logger ??= createLogger(config.log, 2, secretValues(config)));
    },
  };
}

/** Exit codes shared by every subcommand. */
/** Exit statuses; `notFound`: `ask` named a streamer or channel the graph does not have. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3 } as const;

/** Log each wait while the graph database (GRAPH_URL) is not reachable yet at start. */
export function logConnectRetry(logger: Logger): (retry: ConnectRetry) => void {
  return (retry) =>
    logger.warn(
      { url: retry.url, attempt: retry.attempt, attempts: retry.attempts, reason: retry.reason },
      `graph database at ${retry.url} not reachable yet; retrying in ${(retry.delayMs / 1000).toFixed(1)} s`,
    );
}
