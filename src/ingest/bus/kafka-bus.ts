/**
 * EventBus on Apache Kafka through kafkajs. kafkajs types stay in this file; the rest of the code sees the
 * port's types and `EventBusError`.
 *
 * How the port's contract maps onto Kafka:
 * - publish: an idempotent producer (acks=all, one request in flight), so a send that kafkajs retries after
 *   a broker restart is not written twice; messages are sent in chunks that stay under the broker's
 *   per-batch size limit.
 * - subscribe: a consumer group with auto-commit off. kafkajs' `eachBatch` only moves fetched messages into
 *   a bounded buffer; the subscriber pulls batches from it. When the buffer is full, `eachBatch` waits
 *   (heartbeating), which stops fetching: back-pressure without dropping anything.
 * - positions: on every group join (start, rebalance, restart after a crash) the topic is paused before the
 *   first fetch, fetched-but-untaken messages are dropped, the subscriber's `onAssigned` says where each
 *   partition resumes, the consumer seeks there and resumes. Offset commits happen after that, in the
 *   background, and only as a convenience for tools that show group lag.
 */
import kafkajs from 'kafkajs';
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka as KafkaClient,
  LogEntry,
  Message,
  Producer,
} from 'kafkajs';
import type { Logger } from '../../logging.js';
import { BatchBuffer } from './batch-buffer.js';
import type {
  BatchOptions,
  BusMessage,
  EventBus,
  EventPublisher,
  EventSubscription,
  OutgoingMessage,
  PartitionOffset,
  SubscribeOptions,
  TopicPartition,
  TopicSpec,
} from './event-bus.port.js';
import { BUS_ERROR, EventBusError } from './event-bus.port.js';

const { Kafka, KafkaJSError, KafkaJSProtocolError, Partitioners, logLevel } = kafkajs;

export interface KafkaBusOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** kafkajs retries one request this many times (with backoff up to 5 s) before reporting an error. */
  retries?: number;
  /** Messages held fetched but not yet taken, per subscription (default 10,000). */
  bufferCapacity?: number;
  /** How long the group waits for a silent member before giving its partitions to others (default 30 s). */
  sessionTimeoutMs?: number;
}

/**
 * Bytes per produce request. The broker refuses a record batch over `message.max.bytes` (1 MiB by
 * default) and kafkajs puts one partition's messages of a send into one batch, so sends are chunked.
 */
const SEND_CHUNK_BYTES = 512 * 1024;
/** How long `close()` waits for a last offset commit. */
const CLOSE_COMMIT_WAIT_MS = 5_000;

/** Map kafkajs errors to the port's by class and protocol error type, never by message text. */
export function toBusError(error: unknown, doing: string): EventBusError {
  if (error instanceof EventBusError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const message = `Kafka: ${doing} failed: ${text}`;
  if (error instanceof KafkaJSProtocolError) {
    switch (error.type) {
      case 'MESSAGE_TOO_LARGE':
      case 'RECORD_LIST_TOO_LARGE':
        return new EventBusError(message, BUS_ERROR.messageTooLarge, false, { cause: error });
      case 'UNKNOWN_TOPIC_OR_PARTITION':
        // Also seen briefly while a topic is being created.
        return new EventBusError(message, BUS_ERROR.unknownTopic, true, { cause: error });
      default:
        return new EventBusError(message, BUS_ERROR.protocol, error.retriable, { cause: error });
    }
  }
  if (error instanceof KafkaJSError && error.name === 'KafkaJSNumberOfRetriesExceeded') {
    // kafkajs gave up retrying; what failed is the cause. It was retriable (else kafkajs would not have
    // retried), and a broker that is restarting comes back, so the caller may try again later.
    const inner = toBusError(error.cause ?? new Error(error.message), doing);
    return new EventBusError(message, inner.code, true, { cause: error });
  }
  if (error instanceof KafkaJSError) {
    switch (error.name) {
      case 'KafkaJSConnectionError':
      case 'KafkaJSConnectionClosedError':
      case 'KafkaJSBrokerNotFound':
      case 'KafkaJSGroupCoordinatorNotFound':
      case 'KafkaJSMetadataNotLoaded':
        return new EventBusError(message, BUS_ERROR.connection, true, { cause: error });
      case 'KafkaJSRequestTimeoutError':
      case 'KafkaJSTimeout':
        return new EventBusError(message, BUS_ERROR.timeout, true, { cause: error });
      default:
        return new EventBusError(message, BUS_ERROR.protocol, error.retriable, { cause: error });
    }
  }
  return new EventBusError(message, BUS_ERROR.protocol, false, { cause: error });
}

function headersOut(headers: Readonly<Record<string, string>> | undefined): IHeaders | undefined {
  return headers === undefined ? undefined : { ...headers };
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function headersIn(headers: IHeaders | undefined): Readonly<Record<string, string>> {
  let out: Record<string, string> | undefined;
  // for…in: most messages have no headers, and this runs for every message fetched.
  for (const name in headers) {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) (out ??= {})[name] = first.toString();
  }
  return out ?? NO_HEADERS;
}

function chunkBySize(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = (m.value?.byteLength ?? 0) + (m.key?.length ?? 0) + 64;
    if (current.length > 0 && bytes + size > SEND_CHUNK_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * kafkajs logs conditions it recovers from (a broker that restarts, a group that rebalances) at ERROR;
 * the worker reports real failures itself, so kafkajs' errors are warnings here.
 */
function logCreatorFor(logger: Logger) {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...extra } = entry as LogEntry['log'] & { logger?: string };
      const fields = { ns: namespace, ...extra };
      if (level === logLevel.ERROR || level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.info(fields, message);
      else log.debug(fields, message);
    };
}

class KafkaSubscription implements EventSubscription {
  private readonly buffer: BatchBuffer<BusMessage>;
  /** Bumped at every group join; `eachBatch` calls of an older generation stop pushing. */
  private generation = 0;
  private failure: EventBusError | undefined;
  private pendingCommit = new Map<string, PartitionOffset>();
  private committing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly admin: () => Promise<Admin>,
    private readonly options: SubscribeOptions,
    private readonly logger: Logger,
    bufferCapacity: number,
  ) {
    this.buffer = new BatchBuffer(bufferCapacity);
  }

  async start(): Promise<void> {
    const { consumer, options } = this;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      // Synchronous part first: kafkajs emits this before its first fetch for the new assignment, so
      // pausing here guarantees nothing is fetched from the group's committed offsets before our seek.
      this.generation += 1;
      const generation = this.generation;
      this.buffer.clear();
      consumer.pause([{ topic: options.topic }]);
      const partitions = (event.payload.memberAssignment[options.topic] ?? []).map((partition) => ({
        topic: options.topic,
        partition,
      }));
      // Errors are handled inside (they fail the subscription); kafkajs does not await listeners.
      void this.positionAfterJoin(generation, partitions);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      if (restart) {
        this.logger.warn({ err: error }, 'Kafka consumer crashed; kafkajs restarts it');
        return;
      }
      this.fail(toBusError(error, 'consuming'));
    });
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  private async positionAfterJoin(generation: number, partitions: TopicPartition[]): Promise<void> {
    try {
      const positions = await this.options.onAssigned(partitions);
      if (generation !== this.generation || this.closed) return; // a newer join took over
      const missing = partitions.filter((p) => positions.get(p.partition) == null);
      let low = new Map<number, string>();
      if (missing.length > 0) {
        // No stored position: start at the earliest message Kafka still holds (the graph has none of them).
        const offsets = await (await this.admin()).fetchTopicOffsets(this.options.topic);
        low = new Map(offsets.map((o) => [o.partition, o.low]));
      }
      if (generation !== this.generation || this.closed) return;
      for (const { topic, partition } of partitions) {
        const offset = positions.get(partition) ?? low.get(partition) ?? '0';
        this.consumer.seek({ topic, partition, offset });
      }
      this.logger.info(
        {
          topic: this.options.topic,
          positions: partitions.map((p) => [p.partition, positions.get(p.partition)]),
        },
        'partitions assigned; resuming from stored positions',
      );
      // A subscription that was stopped meanwhile stays paused: it is finishing, not fetching.
      if (!this.buffer.isStopped) this.consumer.resume([{ topic: this.options.topic }]);
    } catch (error) {
      this.fail(toBusError(error, 'positioning assigned partitions'));
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const generation = this.generation;
    const current = () =>
      generation === this.generation && payload.isRunning() && !payload.isStale() && !this.buffer.isStopped;
    let lastPushed: string | undefined;
    // Moves kafkajs' fetch position past what the buffer holds; nothing is committed here. Once per run of
    // pushes rather than per message: resolving costs kafkajs a 64-bit add and a string per call.
    const resolvePushed = () => {
      if (lastPushed !== undefined) payload.resolveOffset(lastPushed);
      lastPushed = undefined;
    };
    if (!current()) return;
    for (const m of batch.messages) {
      if (!this.buffer.hasSpace()) {
        resolvePushed();
        while (!this.buffer.hasSpace()) {
          if (!current()) return;
          await this.buffer.waitForSpace(1_000);
          // Keeps the group membership alive while the subscriber catches up.
          await payload.heartbeat();
        }
        if (!current()) return;
      }
      this.buffer.push({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key === null ? null : m.key.toString(),
        value: m.value,
        timestamp: Number(m.timestamp),
        headers: headersIn(m.headers),
      });
      lastPushed = m.offset;
    }
    resolvePushed();
    await payload.heartbeat();
  }

  private fail(error: EventBusError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.buffer.stop();
  }

  async nextBatch(options: BatchOptions): Promise<BusMessage[] | null> {
    const batch = await this.buffer.take(options.maxMessages, options.maxWaitMs);
    if (this.failure !== undefined && (batch === null || batch.length === 0)) throw this.failure;
    return batch;
  }

  acknowledge(positions: readonly PartitionOffset[]): Promise<void> {
    for (const p of positions) this.pendingCommit.set(`${p.topic}\u0000${p.partition}`, p);
    this.committing ??= this.commitLoop();
    return Promise.resolve();
  }

  /**
   * Commits run in the background, latest position wins: they only serve monitoring tools, and a broker
   * that is down must not hold up a batch that is already in the graph.
   */
  private async commitLoop(): Promise<void> {
    try {
      while (this.pendingCommit.size > 0) {
        const offsets = [...this.pendingCommit.values()];
        this.pendingCommit.clear();
        try {
          await this.consumer.commitOffsets(offsets.map((o) => ({ ...o })));
        } catch (error) {
          // After a rebalance the partition may belong to another member: its commit is refused, harmlessly.
          this.logger.debug({ err: error }, 'offset commit failed (positions are kept in the graph)');
        }
      }
    } finally {
      this.committing = undefined;
    }
  }

  stop(): void {
    this.buffer.stop();
    try {
      this.consumer.pause([{ topic: this.options.topic }]);
    } catch {
      // not running yet: nothing to pause
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.stop();
    if (this.committing !== undefined) {
      await Promise.race([this.committing, new Promise((r) => setTimeout(r, CLOSE_COMMIT_WAIT_MS).unref())]);
    }
    this.closed = true;
    try {
      await this.consumer.disconnect();
    } catch (error) {
      this.logger.warn({ err: error }, 'Kafka consumer did not disconnect cleanly');
    }
  }
}

export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka';
  private readonly kafka: KafkaClient;
  private adminClient: Promise<Admin> | undefined;
  private readonly producers = new Set<Producer>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly retry;

  constructor(private readonly options: KafkaBusOptions) {
    if (options.brokers.length === 0)
      throw new EventBusError('KAFKA_BROKERS is empty', BUS_ERROR.config, false);
    // Backoff doubles from 300 ms up to 5 s per try: ten tries ride out a broker restart (~30 s).
    this.retry = { initialRetryTime: 300, maxRetryTime: 5_000, retries: options.retries ?? 10 };
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator: logCreatorFor(options.logger),
      connectionTimeout: 3_000,
      retry: this.retry,
    });
  }

  private admin(): Promise<Admin> {
    this.adminClient ??= (async () => {
      const admin = this.kafka.admin({ retry: this.retry });
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.adminClient = undefined;
      throw toBusError(error, 'connecting the admin client');
    });
    return this.adminClient;
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    try {
      const admin = await this.admin();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length === 0) return;
      // createTopics answers false (no error) for a topic another process created meanwhile.
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          configEntries:
            t.maxMessageBytes === undefined
              ? []
              : [{ name: 'max.message.bytes', value: String(t.maxMessageBytes) }],
        })),
      });
      this.options.logger.info({ topics: missing.map((t) => t.name) }, 'Kafka topics created');
    } catch (error) {
      throw toBusError(error, `creating topics ${topics.map((t) => t.name).join(', ')}`);
    }
  }

  async publisher(): Promise<EventPublisher> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java's murmur2 partitioner: the same key lands in the same partition as with Java producers.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded retries (kafkajs warns about that for idempotent producers): a publish to a broker that is
      // gone for good fails after ~35 s instead of hanging. Within those retries the same batch is resent
      // with the same sequence numbers, which the broker de-duplicates; nothing here resends a failed chunk,
      // so no duplicate is made either.
      retry: this.retry,
    });
    try {
      await producer.connect();
    } catch (error) {
      throw toBusError(error, 'connecting the producer');
    }
    this.producers.add(producer);
    return {
      publish: async (topic, messages) => {
        for (const chunk of chunkBySize(messages)) {
          try {
            await producer.send({
              topic,
              acks: -1,
              messages: chunk.map((m): Message => ({
                key: m.key,
                value: m.value,
                headers: headersOut(m.headers),
                timestamp: m.timestamp === undefined ? undefined : String(m.timestamp),
              })),
            });
          } catch (error) {
            throw toBusError(error, `publishing to ${topic}`);
          }
        }
      },
      close: async () => {
        this.producers.delete(producer);
        await producer.disconnect();
      },
    };
  }

  async subscribe(options: SubscribeOptions): Promise<EventSubscription> {
    const consumer = this.kafka.consumer({
      groupId: options.group,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      // Short long-poll: kafkajs sleeps this long between fetch rounds while every partition is paused.
      maxWaitTimeInMs: 500,
      retry: { ...this.retry, restartOnFailure: () => Promise.resolve(true) },
    });
    const subscription = new KafkaSubscription(
      consumer,
      () => this.admin(),
      options,
      this.options.logger,
      options.bufferCapacity ?? this.options.bufferCapacity ?? 10_000,
    );
    try {
      await consumer.connect();
      await subscription.start();
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw toBusError(error, `subscribing to ${options.topic}`);
    }
    this.subscriptions.add(subscription);
    return {
      nextBatch: (o) => subscription.nextBatch(o),
      acknowledge: (p) => subscription.acknowledge(p),
      stop: () => subscription.stop(),
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async endOffsets(topic: string): Promise<PartitionOffset[]> {
    try {
      const offsets = await (await this.admin()).fetchTopicOffsets(topic);
      return offsets
        .map((o) => ({ topic, partition: o.partition, offset: o.high }))
        .sort((a, b) => a.partition - b.partition);
    } catch (error) {
      throw toBusError(error, `reading the end offsets of ${topic}`);
    }
  }

  /** Delete those of `topics` that exist (tests and benchmarks clean up after themselves). */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    try {
      const admin = await this.admin();
      const existing = new Set(await admin.listTopics());
      const doomed = topics.filter((t) => existing.has(t));
      if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
    } catch (error) {
      throw toBusError(error, `deleting topics ${topics.join(', ')}`);
    }
  }

  /** Delete consumer groups (tests clean up after themselves). */
  async deleteGroups(groups: readonly string[]): Promise<void> {
    try {
      await (await this.admin()).deleteGroups([...groups]);
    } catch (error) {
      throw toBusError(error, `deleting groups ${groups.join(', ')}`);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    await Promise.allSettled([...this.producers].map((p) => p.disconnect()));
    this.producers.clear();
    const admin = this.adminClient;
    this.adminClient = undefined;
    if (admin !== undefined) await admin.then((a) => a.disconnect()).catch(() => undefined);
  }
}
