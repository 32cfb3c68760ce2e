/**
 * The ingest worker: chat events from the EventBus into the graph, effectively once.
 *
 * One loop: take a batch (by count or by time) → skip what the graph already holds → validate each
 * message (invalid ones go to the dead-letter topic, the rest of the batch goes on) → aggregate into
 * `ChatActivity` rows → ONE graph write that also records, per partition, the next offset to read →
 * acknowledge to the bus.
 *
 * Why that is effectively once: the graph and its consumer offsets change together (GraphStore's
 * `applyChatActivity` is atomic), and whenever the worker is given partitions it resumes from the offsets
 * stored in the graph, not from the bus's own bookkeeping. A message delivered again after a crash (written
 * but not acknowledged) has an offset below the stored one and is skipped. The bus acknowledgement (Kafka
 * offset commit) only helps monitoring tools. The write is compare-and-set on the offsets: when another
 * worker of the group applied part of the batch after this one read the offsets (a rebalance), the store
 * refuses it whole, and the worker re-reads the offsets and writes only what they do not cover.
 *
 * Failures: a graph write that fails with `canRetry` is retried with backoff and the batch is not
 * acknowledged meanwhile; any other failure stops the worker with an `IngestError`, nothing acknowledged.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config.js';
import type { DecodeResult } from '../../domain/chat-event.js';
import { decodeChatEvent } from '../../domain/chat-event.js';
import type { ChatActivity, OffsetUpdate } from '../../domain/graph-records.js';
import type { GraphStore, GraphWrites } from '../../graph/graph-store.port.js';
import { isOffsetConflict } from '../../graph/graph-store.port.js';
import type { Logger } from '../../logging.js';
import type { IngestMetrics } from '../../observability/metrics.js';
import { ingestMetrics } from '../../observability/metrics.js';
import { isRetryable, TwitchgraphError } from '../../util/twitchgraph-error.js';
import type {
  BusMessage,
  EventBus,
  EventPublisher,
  EventSubscription,
  PartitionOffset,
  TopicPartition,
} from '../bus/event-bus.port.js';
import type { TimedEvent } from './aggregate.js';
import { BatchAggregator, eventTime } from './aggregate.js';
import { deadLetterFor } from './dead-letter.js';
import { RecentMessageIds } from './recent-message-ids.js';

export interface IngestWorkerOptions {
  group: string;
  topic: string;
  dlqTopic: string;
  /** Partitions of topics the worker creates when they are missing. */
  partitions: number;
  batchSize: number;
  batchMaxWaitMs: number;
  /** Messages fetched ahead of the batch being written (Kafka). Default: twice the batch size. */
  bufferCapacity?: number;
  /** First wait before retrying a failed write; doubles up to `retryMaxMs`. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** After a stop is asked for, how long a failing write is still retried before the worker gives up. */
  stopGraceMs?: number;
  /** How often consumer lag is refreshed while idle. */
  lagIntervalMs?: number;
  /** How many applied message ids are remembered to drop repeats (see recent-message-ids.ts); 0 = off. */
  messageIdWindow?: number;
}

/**
 * Sees the valid events of each batch once, before the batch is written (so it can ask the graph what it
 * knew before them). The worker waits for it: it must do only quick reads there and the rest later. A
 * failure is logged and does not stop the worker; a batch redelivered after a crash may be seen again.
 */
export interface ChatEventObserver {
  observe(events: readonly TimedEvent[]): Promise<void> | void;
}

export interface IngestWorkerDeps {
  bus: EventBus;
  graph: GraphWrites & Pick<GraphStore, 'backend'>;
  logger: Logger;
  metrics?: IngestMetrics;
  /** The live alerts' detector (docs/ARCHITECTURE.md, "Live alerts"); absent, events are not kept. */
  observer?: ChatEventObserver;
}

export interface IngestStats {
  batches: number;
  /** Messages taken from the bus, redeliveries included. */
  eventsIn: number;
  applied: number;
  deadLettered: number;
  duplicatesSkipped: number;
  /** Batch writes refused by the offset compare-and-set (part of the batch was applied elsewhere). */
  offsetConflicts: number;
  /** Valid events dropped because their message id was applied already (at another offset). */
  repeatedMessageIds: number;
}

/** A batch ready to write: its rows and offsets, what it skipped, and its invalid messages. */
interface PreparedBatch {
  rows: ChatActivity[];
  offsets: OffsetUpdate[];
  /** Valid events in `rows`. */
  applied: number;
  /** Messages below the stored positions (already in the graph). */
  duplicates: number;
  /** Ids of the events in `rows`, remembered once the write is done; and events dropped as repeats. */
  messageIds: string[];
  repeatedIds: number;
  deadLetters: { message: BusMessage; failure: DecodeFailure }[];
  /** The valid events with their times, kept only when an observer wants them. */
  events: TimedEvent[];
}

type DecodeFailure = Extract<DecodeResult, { ok: false }>;

/** Largest message a dead-letter topic takes: any source message (1 MiB broker default) plus headers. */
export const DLQ_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export const INGEST_ERROR = {
  graphWrite: 'INGEST_GRAPH_WRITE_FAILED',
  deadLetter: 'INGEST_DEAD_LETTER_FAILED',
  readOffsets: 'INGEST_READ_OFFSETS_FAILED',
  bus: 'INGEST_BUS_FAILED',
  stoppedWhileFailing: 'INGEST_STOPPED_WHILE_FAILING',
} as const;
export type IngestErrorCode = (typeof INGEST_ERROR)[keyof typeof INGEST_ERROR];

/** The worker stopped on a failure; the current batch was not acknowledged and will be delivered again. */
export class IngestError extends TwitchgraphError<IngestErrorCode> {
  readonly canRetry = false;
  constructor(
    message: string,
    readonly code: IngestErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IngestError';
  }
}

/** A stop was asked for while nothing was in flight (still starting up): `run()` just ends. */
class StopRequested extends TwitchgraphError<'INGEST_STOP_REQUESTED'> {
  readonly code = 'INGEST_STOP_REQUESTED';
  readonly canRetry = false;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? ` [${error.code}]` : '';
    return `${error.message}${code}`;
  }
  return String(error);
}

export class IngestWorker {
  private readonly metrics: IngestMetrics;
  private readonly options: Required<IngestWorkerOptions>;
  /** Next offset to read per partition, as stored in the graph (known for assigned partitions). */
  private readonly positions = new Map<number, bigint>();
  private assigned = new Set<number>();
  /** Batch processing and partition assignment take turns (see `assign`). */
  private turn: Promise<unknown> = Promise.resolve();
  private subscription: EventSubscription | undefined;
  private stopping = false;
  private stopAskedAt = 0;
  private readonly wakeRetry = new AbortController();
  private lastLagUpdate = 0;
  private readonly recentIds: RecentMessageIds;
  private readonly lagLabels = new Set<string>();
  readonly stats: IngestStats = {
    batches: 0,
    eventsIn: 0,
    applied: 0,
    deadLettered: 0,
    duplicatesSkipped: 0,
    offsetConflicts: 0,
    repeatedMessageIds: 0,
  };

  constructor(
    private readonly deps: IngestWorkerDeps,
    options: IngestWorkerOptions,
    /** After every batch; `rows` are the batch's aggregated activity when it wrote any (live activity panels). */
    private readonly onBatch?: (stats: Readonly<IngestStats>, rows?: readonly ChatActivity[]) => void,
  ) {
    this.metrics = deps.metrics ?? ingestMetrics();
    this.options = {
      bufferCapacity: Math.max(options.batchSize * 2, 1_000),
      retryInitialMs: 250,
      retryMaxMs: 15_000,
      stopGraceMs: 15_000,
      lagIntervalMs: 5_000,
      messageIdWindow: 100_000,
      ...options,
    };
    this.recentIds = new RecentMessageIds(this.options.messageIdWindow);
  }

  /** Create the topics, subscribe, and process batches until `stop()`; resolves with the totals. */
  async run(): Promise<IngestStats> {
    const { bus, logger } = this.deps;
    const { topic, dlqTopic, partitions, group } = this.options;
    let publisher: EventPublisher | undefined;
    let subscription: EventSubscription | undefined;
    const lagTimer = setInterval(() => void this.updateLag(true), this.options.lagIntervalMs);
    lagTimer.unref();
    try {
      // A broker that is still starting (compose, CI) is waited for; a stop meanwhile ends the wait, as
      // nothing is in flight yet.
      await this.withRetry(
        INGEST_ERROR.bus,
        'creating topics',
        () =>
          bus.ensureTopics([
            { name: topic, partitions },
            { name: dlqTopic, partitions, maxMessageBytes: DLQ_MAX_MESSAGE_BYTES },
          ]),
        { untilStopped: true },
      );
      publisher = await this.withRetry(
        INGEST_ERROR.bus,
        'connecting the dead-letter publisher',
        () => bus.publisher(),
        { untilStopped: true },
      );
      const dlqPublisher = publisher;
      subscription = await this.withRetry(
        INGEST_ERROR.bus,
        `subscribing to ${topic}`,
        () =>
          bus.subscribe({
            group,
            topic,
            bufferCapacity: this.options.bufferCapacity,
            onAssigned: (assigned) => this.assign(assigned),
          }),
        { untilStopped: true },
      );
      this.subscription = subscription;
      if (this.stopping) subscription.stop();
      logger.info({ bus: bus.kind, graph: this.deps.graph.backend, topic, group }, 'ingest worker started');
      for (;;) {
        let batch: BusMessage[] | null;
        try {
          batch = await subscription.nextBatch({
            maxMessages: this.options.batchSize,
            maxWaitMs: this.options.batchMaxWaitMs,
          });
        } catch (error) {
          throw new IngestError(`reading from the event bus failed: ${describe(error)}`, INGEST_ERROR.bus, {
            cause: error,
          });
        }
        if (batch === null) break;
        const taken = batch;
        const from = subscription;
        if (taken.length > 0) await this.exclusive(() => this.process(taken, from, dlqPublisher));
        if (this.stopping) break;
      }
      // Last lag reading, but a bus that is down must not hold up the shutdown.
      await Promise.race([this.updateLag(true), sleep(2_000, undefined, { ref: false })]);
    } catch (error) {
      if (!(error instanceof StopRequested)) throw error;
    } finally {
      clearInterval(lagTimer);
      this.subscription = undefined;
      await subscription?.close();
      await publisher?.close();
    }
    logger.info({ ...this.stats }, 'ingest worker stopped');
    return { ...this.stats };
  }

  /**
   * Stop fetching; the batch being collected or written is finished (offsets recorded) and `run()` resolves.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopAskedAt = performance.now();
    this.subscription?.stop();
    this.wakeRetry.abort();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  /**
   * Where to resume each assigned partition: the offsets stored in the graph. Runs in turn with batch
   * processing so that a batch being written is either wholly before (its offsets are read here) or wholly
   * after (it skips what these positions say is done) — never half.
   */
  private assign(partitions: readonly TopicPartition[]): Promise<ReadonlyMap<number, string | null>> {
    return this.exclusive(async () => {
      const stored = await this.withRetry(INGEST_ERROR.readOffsets, 'reading stored offsets', () =>
        this.deps.graph.readOffsets(this.options.group, this.options.topic),
      );
      const byPartition = new Map(stored.map((o) => [o.partition, o.offset]));
      const answer = new Map<number, string | null>();
      this.positions.clear();
      this.assigned = new Set(partitions.map((p) => p.partition));
      for (const { partition } of partitions) {
        const offset = byPartition.get(partition) ?? null;
        answer.set(partition, offset);
        if (offset !== null) this.positions.set(partition, BigInt(offset));
      }
      this.deps.logger.debug({ positions: [...answer] }, 'partitions assigned');
      void this.updateLag(true);
      return answer;
    });
  }

  /** Stored offsets may have moved since this worker was assigned (another worker of the group wrote). */
  private async refreshPositions(): Promise<void> {
    const stored = await this.withRetry(INGEST_ERROR.readOffsets, 'reading stored offsets', () =>
      this.deps.graph.readOffsets(this.options.group, this.options.topic),
    );
    for (const o of stored) {
      const offset = BigInt(o.offset);
      if (offset > (this.positions.get(o.partition) ?? -1n)) this.positions.set(o.partition, offset);
    }
  }

  /**
   * What the batch adds to the graph, given the positions known now: messages below them are skipped, the
   * rest decoded and aggregated. No side effects, so a batch refused by the offset compare-and-set is
   * simply prepared again after the positions are re-read.
   */
  private prepare(batch: readonly BusMessage[]): PreparedBatch {
    const aggregator = new BatchAggregator();
    const prepared: PreparedBatch = {
      rows: [],
      offsets: [],
      applied: 0,
      duplicates: 0,
      messageIds: [],
      repeatedIds: 0,
      deadLetters: [],
      events: [],
    };
    const observed = this.deps.observer !== undefined;
    const idsInBatch = new Set<string>();
    // Per partition: the first and last offsets taken. Offsets only grow within a partition, so once one
    // message is past the stored position every later one is too; batches come in runs of one partition,
    // so the map is only consulted when the partition changes.
    const ranges = new Map<number, { first: string; last: string }>();
    let partition = -1;
    let range: { first: string; last: string } | undefined;
    for (const message of batch) {
      if (message.partition !== partition) {
        partition = message.partition;
        range = ranges.get(partition);
      }
      if (range === undefined) {
        const position = this.positions.get(partition);
        if (position !== undefined && BigInt(message.offset) < position) {
          prepared.duplicates += 1;
          continue;
        }
        range = { first: message.offset, last: message.offset };
        ranges.set(partition, range);
      } else {
        range.last = message.offset;
      }
      const decoded = decodeChatEvent(message.value);
      if (decoded.ok) {
        const id = decoded.event.messageId;
        if (id !== null) {
          if (this.recentIds.has(id) || idsInBatch.has(id)) {
            prepared.repeatedIds += 1;
            continue;
          }
          idsInBatch.add(id);
        }
        const at = eventTime(decoded.event, message.timestamp);
        aggregator.add(decoded.event, at);
        if (observed) prepared.events.push({ event: decoded.event, at });
        prepared.applied += 1;
      } else {
        prepared.deadLetters.push({ message, failure: decoded });
      }
    }
    const { group, topic } = this.options;
    for (const [p, { first, last }] of ranges) {
      prepared.offsets.push({
        group,
        topic,
        partition: p,
        from: first,
        offset: (BigInt(last) + 1n).toString(),
      });
    }
    prepared.rows = aggregator.result();
    prepared.messageIds = [...idsInBatch];
    return prepared;
  }

  private async process(batch: BusMessage[], subscription: EventSubscription, publisher: EventPublisher) {
    const started = performance.now();
    const { metrics } = this;
    metrics.eventsIn.inc(batch.length);
    metrics.batchSize.observe(batch.length);
    this.stats.eventsIn += batch.length;

    await this.refreshPositions();
    let prepared = this.prepare(batch);
    if (this.deps.observer !== undefined && prepared.events.length > 0) {
      try {
        await this.deps.observer.observe(prepared.events);
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'the chat event observer (live alerts) failed on a batch');
      }
    }

    // Dead letters first: if the worker dies between the two, the batch comes again and its dead letters are
    // published twice — a duplicate dead letter is better than a lost one.
    const { deadLetters } = prepared;
    if (deadLetters.length > 0) {
      await this.withRetry(INGEST_ERROR.deadLetter, 'publishing dead letters', () =>
        publisher.publish(
          this.options.dlqTopic,
          deadLetters.map((d) => deadLetterFor(d.message, d.failure)),
        ),
      );
      for (const { message, failure } of deadLetters) {
        metrics.deadLettered.inc({ code: failure.code });
        this.deps.logger.warn(
          { topic: message.topic, partition: message.partition, offset: message.offset, code: failure.code },
          `dead letter: ${failure.reason.slice(0, 200)}`,
        );
      }
      this.stats.deadLettered += deadLetters.length;
    }

    let written = false;
    while (prepared.offsets.length > 0 && !written) {
      const { rows, offsets } = prepared;
      const conflict = await this.withRetry(INGEST_ERROR.graphWrite, 'writing the batch to the graph', () =>
        this.deps.graph.applyChatActivity(rows, offsets).then(
          () => null,
          (error: unknown) => {
            if (isOffsetConflict(error)) return error;
            throw error;
          },
        ),
      );
      written = conflict === null;
      if (conflict !== null) {
        // Another worker (before a rebalance moved the partition here, or while it still thought it owned
        // it) applied part of this batch. Nothing of ours was written: drop what it covers, keep the rest.
        metrics.offsetConflicts.inc();
        this.stats.offsetConflicts += 1;
        this.deps.logger.warn(
          { conflicts: conflict.conflicts },
          'batch already applied elsewhere (offset compare-and-set refused it); re-reading stored offsets',
        );
        await this.refreshPositions();
        prepared = this.prepare(batch);
      }
    }

    if (prepared.duplicates > 0) {
      metrics.duplicatesSkipped.inc(prepared.duplicates);
      this.stats.duplicatesSkipped += prepared.duplicates;
      this.deps.logger.info(
        { duplicates: prepared.duplicates },
        'skipped redelivered messages the graph already holds',
      );
    }
    if (!written) {
      this.onBatch?.(this.stats);
      return;
    }
    const { rows, offsets, applied, messageIds, repeatedIds } = prepared;
    for (const o of offsets) this.positions.set(o.partition, BigInt(o.offset));
    for (const id of messageIds) this.recentIds.add(id);
    if (repeatedIds > 0) {
      metrics.repeatedMessageIds.inc(repeatedIds);
      this.stats.repeatedMessageIds += repeatedIds;
    }

    this.stats.batches += 1;
    this.stats.applied += applied;
    metrics.eventsApplied.inc(applied);
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
    metrics.lastBatchTime.set(Date.now() / 1000);
    const acknowledged: PartitionOffset[] = offsets.map(({ topic, partition, offset }) => ({
      topic,
      partition,
      offset,
    }));
    try {
      await subscription.acknowledge(acknowledged);
    } catch (error) {
      // The batch is in the graph with its offsets; a lost acknowledgement only means a redelivery to skip.
      this.deps.logger.debug({ err: error }, 'acknowledgement failed');
    }
    this.onBatch?.(this.stats, rows);
    void this.updateLag(false);
  }

  /**
   * Run `work`, retrying failures that say they can be retried, with backoff. After a stop request,
   * `untilStopped` work (nothing in flight) gives up at once; other work (a batch in flight) keeps trying
   * for `stopGraceMs`, then gives up with an error (the batch is not acknowledged).
   */
  private async withRetry<T>(
    code: IngestErrorCode,
    what: string,
    work: () => Promise<T>,
    options: { untilStopped?: boolean } = {},
  ): Promise<T> {
    let delay = this.options.retryInitialMs;
    for (let attempt = 1; ; attempt += 1) {
      if (options.untilStopped === true && this.stopping) throw new StopRequested();
      try {
        return await work();
      } catch (error) {
        if (!isRetryable(error)) {
          throw new IngestError(`${what} failed: ${describe(error)}`, code, { cause: error });
        }
        if (options.untilStopped === true && this.stopping) throw new StopRequested();
        if (this.stopping && performance.now() - this.stopAskedAt > this.options.stopGraceMs) {
          throw new IngestError(
            `${what} still failing when asked to stop (${attempt} attempts): ${describe(error)}; the batch was not acknowledged and will be delivered again`,
            INGEST_ERROR.stoppedWhileFailing,
            { cause: error },
          );
        }
        this.metrics.writeRetries.inc();
        this.deps.logger.warn({ attempt, retryInMs: delay }, `${what} failed, retrying: ${describe(error)}`);
        try {
          // A stop request cuts the wait short, so shutdown does not sit out a long backoff.
          await sleep(delay, undefined, { signal: this.wakeRetry.signal });
        } catch {
          await sleep(Math.min(delay, 500));
        }
        delay = Math.min(delay * 2, this.options.retryMaxMs);
      }
    }
  }

  /** Consumer lag per assigned partition: the bus's end offset minus the offset stored with the graph. */
  private async updateLag(force: boolean): Promise<void> {
    const now = performance.now();
    if (!force && now - this.lastLagUpdate < 1_000) return;
    this.lastLagUpdate = now;
    const { topic } = this.options;
    try {
      const ends = await this.deps.bus.endOffsets(topic);
      const seen = new Set<string>();
      for (const end of ends) {
        if (!this.assigned.has(end.partition)) continue;
        const lag = BigInt(end.offset) - (this.positions.get(end.partition) ?? 0n);
        const labels = { topic, partition: String(end.partition) };
        this.metrics.consumerLag.set(labels, Number(lag > 0n ? lag : 0n));
        seen.add(labels.partition);
      }
      for (const partition of this.lagLabels) {
        if (!seen.has(partition)) this.metrics.consumerLag.remove({ topic, partition });
      }
      this.lagLabels.clear();
      for (const p of seen) this.lagLabels.add(p);
    } catch (error) {
      this.deps.logger.debug({ err: error }, 'consumer lag not updated');
    }
  }
}

/** The worker's settings from configuration (`KAFKA_*`, `INGEST_*`). */
export function workerOptionsFrom(config: Config): IngestWorkerOptions {
  return {
    group: config.kafka.groupId,
    topic: config.kafka.topic,
    dlqTopic: config.kafka.dlqTopic,
    partitions: config.kafka.partitions,
    batchSize: config.ingest.batchSize,
    batchMaxWaitMs: config.ingest.batchMaxWaitMs,
    messageIdWindow: config.ingest.messageIdWindow,
  };
}
