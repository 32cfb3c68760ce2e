/**
 * The process's Prometheus metrics: one registry, every name prefixed `twitchgraph_`. Components get their
 * metric set from here (creating it on first use), and the HTTP server of the ops issue serves
 * `metricsRegistry` on /metrics. Tests pass their own `Registry` to count in isolation.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'twitchgraph_';

/** The registry /metrics serves. */
export const metricsRegistry = new Registry();

export interface IngestMetrics {
  /** Messages taken from the bus (valid or not, redeliveries included). */
  eventsIn: Counter;
  /** Chat events applied to the graph. */
  eventsApplied: Counter;
  /** Messages sent to the dead-letter topic, by decode failure code. */
  deadLettered: Counter<'code'>;
  /** Redelivered messages skipped because the graph already holds them. */
  duplicatesSkipped: Counter;
  /** Valid events dropped because their message id was applied already (at another offset). */
  repeatedMessageIds: Counter;
  /** Batch writes refused because another worker had applied part of the batch (offset compare-and-set). */
  offsetConflicts: Counter;
  /** Graph writes retried after a retryable failure. */
  writeRetries: Counter;
  /** Messages per batch. */
  batchSize: Histogram;
  /** Time from taking a batch to having it in the graph. */
  batchSeconds: Histogram;
  /** Unix time (seconds) of the last batch written. */
  lastBatchTime: Gauge;
  /** Messages in the bus not yet in the graph, per topic-partition (end offset − stored offset). */
  consumerLag: Gauge<'topic' | 'partition'>;
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** The ingest worker's metrics in `registry` (the process registry by default); idempotent. */
export function ingestMetrics(registry: Registry = metricsRegistry): IngestMetrics {
  const registers = [registry];
  const name = (n: string) => `${METRIC_PREFIX}${n}`;
  return {
    eventsIn: getOrCreate(
      registry,
      name('ingest_events_in_total'),
      () =>
        new Counter({
          name: name('ingest_events_in_total'),
          help: 'Messages taken from the event bus by the ingest worker (valid or not, redeliveries included).',
          registers,
        }),
    ),
    eventsApplied: getOrCreate(
      registry,
      name('ingest_events_applied_total'),
      () =>
        new Counter({
          name: name('ingest_events_applied_total'),
          help: 'Chat events applied to the graph.',
          registers,
        }),
    ),
    deadLettered: getOrCreate(
      registry,
      name('ingest_events_dead_lettered_total'),
      () =>
        new Counter({
          name: name('ingest_events_dead_lettered_total'),
          help: 'Messages that failed validation and went to the dead-letter topic, by failure code.',
          labelNames: ['code'] as const,
          registers,
        }),
    ),
    duplicatesSkipped: getOrCreate(
      registry,
      name('ingest_duplicates_skipped_total'),
      () =>
        new Counter({
          name: name('ingest_duplicates_skipped_total'),
          help: 'Redelivered messages skipped because the graph already holds them (offset below the stored one).',
          registers,
        }),
    ),
    repeatedMessageIds: getOrCreate(
      registry,
      name('ingest_repeated_message_ids_total'),
      () =>
        new Counter({
          name: name('ingest_repeated_message_ids_total'),
          help: 'Chat events dropped because an event with the same message id was applied already (Twitch re-sends, producer retries), within the last INGEST_MESSAGE_ID_WINDOW ids.',
          registers,
        }),
    ),
    offsetConflicts: getOrCreate(
      registry,
      name('ingest_offset_conflicts_total'),
      () =>
        new Counter({
          name: name('ingest_offset_conflicts_total'),
          help: 'Batch writes refused because the stored offsets had moved past the batch start (another worker applied it); the batch was re-read against them.',
          registers,
        }),
    ),
    writeRetries: getOrCreate(
      registry,
      name('ingest_write_retries_total'),
      () =>
        new Counter({
          name: name('ingest_write_retries_total'),
          help: 'Graph writes (or dead-letter publishes) retried after a retryable failure.',
          registers,
        }),
    ),
    batchSize: getOrCreate(
      registry,
      name('ingest_batch_size'),
      () =>
        new Histogram({
          name: name('ingest_batch_size'),
          help: 'Messages per ingest batch.',
          buckets: [1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000],
          registers,
        }),
    ),
    batchSeconds: getOrCreate(
      registry,
      name('ingest_batch_duration_seconds'),
      () =>
        new Histogram({
          name: name('ingest_batch_duration_seconds'),
          help: 'Time from taking a batch off the bus to having it written to the graph.',
          buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers,
        }),
    ),
    lastBatchTime: getOrCreate(
      registry,
      name('ingest_last_batch_timestamp_seconds'),
      () =>
        new Gauge({
          name: name('ingest_last_batch_timestamp_seconds'),
          help: 'Unix time of the last batch written to the graph.',
          registers,
        }),
    ),
    consumerLag: getOrCreate(
      registry,
      name('ingest_consumer_lag'),
      () =>
        new Gauge({
          name: name('ingest_consumer_lag'),
          help: 'Messages on the bus not yet in the graph: end offset minus the offset stored with the graph.',
          labelNames: ['topic', 'partition'] as const,
          registers,
        }),
    ),
  };
}

export interface ListenerMetrics {
  /** Chat messages turned into events, per channel login: `rate()` of it is messages per second. */
  messages: Counter<'channel'>;
  /** Messages dropped because their id was seen moments before (two connections during a reconnect). */
  duplicates: Counter;
  /** PRIVMSG lines that could not be read as chat events (missing or malformed tags). */
  invalid: Counter;
  /** 1 while at least one chat connection is logged in. */
  connected: Gauge;
  /** Channels joined on the current connection. */
  channelsJoined: Gauge;
  /** Channels wanted but not joined yet on the current connection (waiting for the JOIN rate limit or Twitch). */
  joinsPending: Gauge;
  /** JOIN commands sent. */
  joinsSent: Counter;
  /** New connections after the previous one was lost or Twitch asked to reconnect. */
  reconnects: Counter<'reason'>;
  /** Chat events waiting for the event bus. */
  bufferedEvents: Gauge;
  /** Chat events lost, by reason (`buffer_full`: the bus was unavailable for too long). */
  droppedEvents: Counter<'reason'>;
  /** Chat events the event bus has taken. */
  publishedEvents: Counter;
}

/** The live listener's metrics in `registry` (the process registry by default); idempotent. */
export function listenerMetrics(registry: Registry = metricsRegistry): ListenerMetrics {
  const registers = [registry];
  const counter = <L extends string>(n: string, help: string, labelNames: readonly L[] = []): Counter<L> => {
    const name = `${METRIC_PREFIX}${n}`;
    return getOrCreate(registry, name, () => new Counter<L>({ name, help, labelNames, registers }));
  };
  const gauge = (n: string, help: string): Gauge => {
    const name = `${METRIC_PREFIX}${n}`;
    return getOrCreate(registry, name, () => new Gauge({ name, help, registers }));
  };
  return {
    messages: counter(
      'listener_messages_total',
      'Chat messages received and turned into chat events, per channel (rate() gives messages per second).',
      ['channel'] as const,
    ),
    duplicates: counter(
      'listener_duplicate_messages_total',
      'Chat messages dropped because the same message id was seen moments before (overlapping connections).',
    ),
    invalid: counter(
      'listener_invalid_messages_total',
      'PRIVMSG lines that could not be read as chat events (missing or malformed tags).',
    ),
    connected: gauge(
      'listener_connected',
      '1 while at least one Twitch chat connection is logged in, else 0.',
    ),
    channelsJoined: gauge('listener_channels_joined', 'Channels joined on the current chat connection.'),
    joinsPending: gauge(
      'listener_joins_pending',
      'Channels wanted but not yet joined on the current connection (waiting for the JOIN rate limit or Twitch).',
    ),
    joinsSent: counter('listener_joins_total', 'JOIN commands sent to Twitch.'),
    reconnects: counter(
      'listener_reconnects_total',
      'New chat connections after one was lost (reason="lost") or Twitch asked to reconnect (reason="requested").',
      ['reason'] as const,
    ),
    bufferedEvents: gauge('listener_buffered_events', 'Chat events waiting for the event bus.'),
    droppedEvents: counter(
      'listener_events_dropped_total',
      'Chat events lost: buffer_full (bus unavailable too long), publish_failed, shutdown (not published in time).',
      ['reason'] as const,
    ),
    publishedEvents: counter('listener_events_published_total', 'Chat events the event bus has taken.'),
  };
}

export interface CommandMetrics {
  /** Time from receiving a command to having its reply, by command and outcome. */
  duration: Histogram<'command' | 'outcome'>;
}

/** Command latency, recorded by every front end after dispatching; idempotent. */
export function commandMetrics(registry: Registry = metricsRegistry): CommandMetrics {
  const name = `${METRIC_PREFIX}command_duration_seconds`;
  return {
    duration: getOrCreate(
      registry,
      name,
      () =>
        new Histogram({
          name,
          help: 'Time to answer a slash command (validation, graph reads, pictures), by command and outcome.',
          labelNames: ['command', 'outcome'] as const,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    ),
  };
}
