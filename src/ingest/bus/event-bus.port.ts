/**
 * The EventBus port: chat events travel from producers (listener, replay) to the ingest worker. Adapters:
 * Kafka (`kafka-bus.ts`, selected by `KAFKA_BROKERS`) and the in-process bus (`memory-bus.ts`, the
 * embedded default). Both keep the same contract:
 *
 * - Messages are raw bytes with a key; the bus never interprets them (the worker validates each one, so a
 *   malformed message reaches the dead-letter topic with its original bytes).
 * - A topic has partitions; offsets count up within a partition and are decimal strings (Kafka's are 64-bit).
 * - A subscriber owns partitions. Whenever it is given partitions (at start and after every rebalance) it
 *   says where to resume each, before any of their messages are delivered: the consumer's positions live
 *   with the data it produced (the graph), not in the bus.
 * - Batches are pulled; nothing is acknowledged until the subscriber says so. Acknowledging tells the bus
 *   where the subscriber stands (Kafka: an offset commit), but a subscriber that restarts is put back where
 *   its `onAssigned` says, so a lost acknowledgement costs a redelivery, never a lost or doubled event.
 * - Memory is bounded: a full in-process queue makes producers wait; a full Kafka fetch buffer stops
 *   fetching until the subscriber catches up.
 */
import { TwitchgraphError } from '../../util/twitchgraph-error.js';

/** A message to publish. */
export interface OutgoingMessage {
  /** Messages with the same key keep their order (same partition). */
  key: string | null;
  /** The bytes as they go on the wire; null only for dead letters of null messages. */
  value: Buffer | null;
  headers?: Readonly<Record<string, string>>;
  /** Epoch milliseconds; the bus sets the time of publishing when absent. */
  timestamp?: number;
}

/** A message as delivered to a subscriber. */
export interface BusMessage {
  topic: string;
  partition: number;
  /** Decimal string; the next message of the partition has a greater offset (not always offset + 1). */
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** Epoch milliseconds: Kafka's message timestamp, or when the in-process bus accepted the message. */
  timestamp: number;
  headers: Readonly<Record<string, string>>;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Where a subscriber stands in one partition: the next offset it will read. */
export interface PartitionOffset extends TopicPartition {
  offset: string;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Largest message the topic accepts, in bytes (dead-letter topics take the largest source message plus headers). */
  maxMessageBytes?: number;
}

export interface SubscribeOptions {
  group: string;
  topic: string;
  /**
   * The subscriber now owns `partitions` (all it owns, not only new ones). Resolve with where to resume
   * each: the next offset to read, or null for the earliest message the bus still holds. No message of
   * these partitions is delivered before this resolves; messages fetched earlier are dropped.
   */
  onAssigned(partitions: readonly TopicPartition[]): Promise<ReadonlyMap<number, string | null>>;
  /** Most messages held fetched but not yet taken by `nextBatch` (Kafka; the in-process queue has its own bound). */
  bufferCapacity?: number;
}

export interface BatchOptions {
  /** Take at most this many messages. */
  maxMessages: number;
  /** Once the first message is there, wait at most this long for more. */
  maxWaitMs: number;
}

export interface EventSubscription {
  /**
   * The next messages in partition order: waits for the first one, then up to `maxWaitMs` or until
   * `maxMessages` are there. Resolves with `null` once the subscription is stopped and nothing is pending
   * (after `stop()`, messages already collected are still returned first).
   */
  nextBatch(options: BatchOptions): Promise<BusMessage[] | null>;
  /** Record that everything before these offsets is done. Best effort: the caller keeps the truth. */
  acknowledge(positions: readonly PartitionOffset[]): Promise<void>;
  /** Stop fetching. A waiting `nextBatch` resolves with what it has collected (or null). */
  stop(): void;
  /** Leave the group and release resources; unacknowledged messages will be delivered again. */
  close(): Promise<void>;
}

export interface EventPublisher {
  /**
   * Resolves once the bus holds the messages (Kafka: written to the partition leader and acknowledged;
   * in-process: queued). Waits while the in-process queue is full (back-pressure).
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface EventBus {
  readonly kind: 'kafka' | 'memory';
  /** Create the topics that do not exist yet (an existing topic is left as it is). */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  publisher(): Promise<EventPublisher>;
  subscribe(options: SubscribeOptions): Promise<EventSubscription>;
  /** The offset after the last message of each partition (Kafka's high watermark), for consumer lag. */
  endOffsets(topic: string): Promise<PartitionOffset[]>;
  close(): Promise<void>;
}

/** Error codes of the bus adapters (`as const` rather than an enum, see CONTRIBUTING.md). */
export const BUS_ERROR = {
  connection: 'BUS_CONNECTION',
  timeout: 'BUS_TIMEOUT',
  unknownTopic: 'BUS_UNKNOWN_TOPIC',
  messageTooLarge: 'BUS_MESSAGE_TOO_LARGE',
  closed: 'BUS_CLOSED',
  protocol: 'BUS_PROTOCOL',
  config: 'BUS_CONFIG',
  crashed: 'BUS_CONSUMER_CRASHED',
} as const;
export type BusErrorCode = (typeof BUS_ERROR)[keyof typeof BUS_ERROR];

/** Errors carry a code and whether retrying can help (docs/ARCHITECTURE.md); callers never match on text. */
export class EventBusError extends TwitchgraphError<BusErrorCode> {
  constructor(
    message: string,
    readonly code: BusErrorCode,
    readonly canRetry: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventBusError';
  }
}
