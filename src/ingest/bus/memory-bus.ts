/**
 * The in-process EventBus: the embedded default when no Kafka is configured. Same contract as Kafka (see
 * event-bus.port.ts) within one process:
 *
 * - every topic has one partition, so all of a topic's messages keep their order;
 * - a topic holds its messages until the subscriber acknowledges them, at most `capacity` of them:
 *   publishers wait while it is full (back-pressure), so memory stays bounded however fast a replay runs;
 * - unacknowledged messages are delivered again to the next subscriber of the topic, from where its
 *   `onAssigned` says (this is what lets a worker that failed mid-batch resume without double counting);
 * - topics nobody consumes in process (dead letters) keep only their latest `capacity` messages and never
 *   make publishers wait;
 * - one subscription per topic at a time: a new one takes over from the previous, like a restarted worker.
 *
 * Messages do not survive the process: with the in-process bus, events published but not yet applied are
 * lost if the process dies. Kafka is the durable option.
 *
 * Offsets start at the time the bus was made, in microseconds. The worker stores offsets in the graph, and
 * the graph outlives the process; a bus that started at 0 again would have its new messages taken for ones
 * the graph already holds. Starting above any offset an earlier process could have reached (that would take
 * more than 1,000 messages per millisecond, sustained) keeps the stored offsets meaningful across runs.
 */
import type {
  BatchOptions,
  BusMessage,
  EventBus,
  EventPublisher,
  EventSubscription,
  OutgoingMessage,
  PartitionOffset,
  SubscribeOptions,
  TopicSpec,
} from './event-bus.port.js';
import type { Waiter } from './waiters.js';
import { waitForWake, wakeAll } from './waiters.js';
import { BUS_ERROR, EventBusError } from './event-bus.port.js';

export interface MemoryBusOptions {
  /** Messages a topic holds until acknowledged; publishers wait beyond it. */
  capacity: number;
  /** Topics without an in-process consumer (dead letters): only their latest `capacity` messages are kept. */
  keepLatestOnly?: readonly string[];
  /** Offset of every topic's first message; default: now in microseconds (see above). Tests use 0. */
  firstOffset?: number;
}

const EMPTY_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * One topic = one partition: an append-only log whose acknowledged prefix is dropped. It keeps what was
 * published (key, value, headers and time, in parallel columns; the publisher's own object is not kept,
 * so changing it later changes nothing here) and makes the `BusMessage` a subscriber gets when it is
 * read. A queue of up to `capacity` messages lives long enough to reach V8's old generation, so an object
 * made per message at publish time is copied by the young-generation collector on the way; made at read
 * time, it dies young and cheap.
 */
class MemoryTopic {
  /** Offset of the message at index `head`. */
  private base: number;
  private keys: (string | null)[] = [];
  private values: (Buffer | null)[] = [];
  private headers: (Readonly<Record<string, string>> | undefined)[] = [];
  private timestamps: number[] = [];
  private head = 0;
  readonly dataWaiters: Waiter[] = [];
  readonly spaceWaiters: Waiter[] = [];
  subscription: MemorySubscription | undefined;

  constructor(
    readonly name: string,
    private readonly capacity: number,
    private readonly keepLatestOnly: boolean,
    firstOffset: number,
  ) {
    this.base = firstOffset;
  }

  get firstOffset(): number {
    return this.base;
  }

  get endOffset(): number {
    return this.base + this.keys.length - this.head;
  }

  get held(): number {
    return this.keys.length - this.head;
  }

  get isFull(): boolean {
    return !this.keepLatestOnly && this.held >= this.capacity;
  }

  append(message: OutgoingMessage, now: number): void {
    this.keys.push(message.key);
    this.values.push(message.value);
    this.headers.push(message.headers);
    this.timestamps.push(message.timestamp ?? now);
    if (this.keepLatestOnly && this.held > this.capacity) this.dropBefore(this.endOffset - this.capacity);
    wakeAll(this.dataWaiters);
  }

  /** Up to `max` messages from `offset` (which must be ≥ firstOffset). */
  read(offset: number, max: number): BusMessage[] {
    const start = this.head + (offset - this.base);
    const end = Math.min(this.keys.length, start + max);
    const batch: BusMessage[] = [];
    for (let i = start; i < end; i += 1) {
      batch.push({
        topic: this.name,
        partition: 0,
        offset: String(offset + i - start),
        key: this.keys[i] ?? null,
        value: this.values[i] ?? null,
        timestamp: this.timestamps[i] ?? 0,
        headers: this.headers[i] ?? EMPTY_HEADERS,
      });
    }
    return batch;
  }

  dropBefore(offset: number): void {
    const drop = Math.min(offset, this.endOffset) - this.base;
    if (drop <= 0) return;
    this.head += drop;
    this.base += drop;
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.values = this.values.slice(this.head);
      this.headers = this.headers.slice(this.head);
      this.timestamps = this.timestamps.slice(this.head);
      this.head = 0;
    }
    wakeAll(this.spaceWaiters);
  }
}

class MemorySubscription implements EventSubscription {
  private cursor = 0;
  private stopped = false;
  private assigned = false;

  constructor(
    private readonly topic: MemoryTopic,
    private readonly isBusClosed: () => boolean,
  ) {}

  async assign(options: SubscribeOptions): Promise<void> {
    const positions = await options.onAssigned([{ topic: this.topic.name, partition: 0 }]);
    const wanted = positions.get(0);
    // Messages before firstOffset were acknowledged and dropped: the subscriber already has them.
    this.cursor = Math.max(this.topic.firstOffset, wanted == null ? 0 : Number(wanted));
    if (this.cursor > this.topic.endOffset) this.cursor = this.topic.endOffset;
    this.assigned = true;
  }

  private get finished(): boolean {
    return this.stopped || this.isBusClosed() || this.topic.subscription !== this;
  }

  private get available(): number {
    return this.topic.endOffset - Math.max(this.cursor, this.topic.firstOffset);
  }

  async nextBatch(options: BatchOptions): Promise<BusMessage[] | null> {
    if (!this.assigned) throw new EventBusError('subscription not assigned yet', BUS_ERROR.closed, false);
    while (this.available === 0) {
      if (this.finished) return null;
      await waitForWake(this.topic.dataWaiters);
    }
    const deadline = performance.now() + options.maxWaitMs;
    while (this.available < options.maxMessages && !this.finished) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      await waitForWake(this.topic.dataWaiters, left);
    }
    this.cursor = Math.max(this.cursor, this.topic.firstOffset);
    const batch = this.topic.read(this.cursor, options.maxMessages);
    this.cursor += batch.length;
    return batch;
  }

  acknowledge(positions: readonly PartitionOffset[]): Promise<void> {
    if (this.topic.subscription !== this) return Promise.resolve();
    for (const p of positions) {
      if (p.topic === this.topic.name && p.partition === 0) this.topic.dropBefore(Number(p.offset));
    }
    return Promise.resolve();
  }

  stop(): void {
    this.stopped = true;
    wakeAll(this.topic.dataWaiters);
  }

  close(): Promise<void> {
    this.stop();
    if (this.topic.subscription === this) this.topic.subscription = undefined;
    return Promise.resolve();
  }
}

export class MemoryEventBus implements EventBus {
  readonly kind = 'memory';
  private readonly topics = new Map<string, MemoryTopic>();
  private readonly firstOffset: number;
  private closed = false;

  constructor(private readonly options: MemoryBusOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1)
      throw new EventBusError('in-process bus capacity must be at least 1', BUS_ERROR.config, false);
    this.firstOffset = options.firstOffset ?? Date.now() * 1_000;
  }

  private topic(name: string): MemoryTopic {
    let topic = this.topics.get(name);
    if (topic === undefined) {
      topic = new MemoryTopic(
        name,
        this.options.capacity,
        this.options.keepLatestOnly?.includes(name) ?? false,
        this.firstOffset,
      );
      this.topics.set(name, topic);
    }
    return topic;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventBusError('the in-process bus is closed', BUS_ERROR.closed, false);
  }

  ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of topics) this.topic(spec.name);
    return Promise.resolve();
  }

  publisher(): Promise<EventPublisher> {
    this.assertOpen();
    const publish = async (topicName: string, messages: readonly OutgoingMessage[]): Promise<void> => {
      this.assertOpen();
      const topic = this.topic(topicName);
      const now = Date.now();
      for (const message of messages) {
        while (topic.isFull) {
          await waitForWake(topic.spaceWaiters);
          this.assertOpen();
        }
        topic.append(message, now);
      }
    };
    return Promise.resolve({ publish, close: () => Promise.resolve() });
  }

  async subscribe(options: SubscribeOptions): Promise<EventSubscription> {
    this.assertOpen();
    const topic = this.topic(options.topic);
    const previous = topic.subscription;
    const subscription = new MemorySubscription(topic, () => this.closed);
    topic.subscription = subscription;
    if (previous !== undefined) wakeAll(topic.dataWaiters); // the previous one sees it was replaced
    await subscription.assign(options);
    return subscription;
  }

  endOffsets(topicName: string): Promise<PartitionOffset[]> {
    const topic = this.topics.get(topicName);
    return Promise.resolve(
      topic === undefined ? [] : [{ topic: topicName, partition: 0, offset: String(topic.endOffset) }],
    );
  }

  /** Messages a topic holds (for tests and the dead-letter log of `replay`). */
  peek(topicName: string): BusMessage[] {
    const topic = this.topics.get(topicName);
    return topic === undefined ? [] : topic.read(topic.firstOffset, topic.held);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const topic of this.topics.values()) {
      wakeAll(topic.dataWaiters);
      wakeAll(topic.spaceWaiters);
    }
    return Promise.resolve();
  }
}
