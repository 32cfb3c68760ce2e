/** One error base: every error the project throws says its code and whether a retry can help. */
import { describe, expect, it } from 'vitest';
import { CommandLineError } from '../../src/commands/command-line.js';
import { ConfigError } from '../../src/config.js';
import { GraphStoreError, OffsetConflictError } from '../../src/graph/graph-store.port.js';
import { BUS_ERROR, EventBusError } from '../../src/ingest/bus/event-bus.port.js';
import { HELIX_ERROR, HelixError } from '../../src/ingest/collect/helix-client.js';
import { SeedFileError } from '../../src/ingest/csv/seed-csv-reader.js';
import { ImportStopped } from '../../src/ingest/csv/seed-importer.js';
import { ChattersFileError } from '../../src/ingest/replay/chatters-file.js';
import { LISTENER_ERROR, ListenerError } from '../../src/ingest/twitch/chat-listener.js';
import { INGEST_ERROR, IngestError } from '../../src/ingest/worker/ingest-worker.js';
import { isRetryable, TwitchgraphError } from '../../src/util/twitchgraph-error.js';

const everyKind: readonly TwitchgraphError[] = [
  new GraphStoreError('busy', 'GRAPH_TRANSIENT', true),
  new OffsetConflictError([]),
  new ConfigError(['X: bad']),
  new EventBusError('gone', BUS_ERROR.connection, true),
  new IngestError('stopped', INGEST_ERROR.bus),
  new HelixError('down', HELIX_ERROR.network, '/streams', null, true),
  new ChattersFileError('f.csv', 'missing'),
  new SeedFileError('f.csv', 1, 'bad header'),
  new ImportStopped({ file: 'f.csv', line: 2, reason: 'bad row' }),
  new ListenerError('no', LISTENER_ERROR.authFailed),
  new CommandLineError('unknown command'),
];

describe('TwitchgraphError', () => {
  it('is the base of every error class, each with a code and its own name', () => {
    for (const error of everyKind) {
      expect(error).toBeInstanceOf(TwitchgraphError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(error.name).toBe(error.constructor.name);
    }
  });

  it('isRetryable follows canRetry, and nothing else', () => {
    expect(everyKind.filter(isRetryable).map((e) => e.code)).toEqual([
      'GRAPH_TRANSIENT',
      'BUS_CONNECTION',
      'HELIX_NETWORK',
    ]);
    // Not ours: a look-alike object or a plain error is never retried, whatever it says.
    expect(isRetryable({ canRetry: true })).toBe(false);
    expect(isRetryable(new Error('please retry'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});
