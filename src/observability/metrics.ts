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
