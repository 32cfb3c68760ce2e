/**
 * Between the IRC socket and the event bus: chat events go into a bounded buffer synchronously (`push` never
 * waits, so a slow or absent bus cannot stall the socket and get the connection dropped by Twitch), and one
 * loop publishes them in chunks.
 *
 * - Bus unavailable (`EventBusError` with `canRetry`): the chunk stays, the loop retries with backoff, the
 *   buffer keeps filling; once it holds `capacity` events, new ones are dropped and counted.
 * - Publish failed for good (`canRetry` false): that chunk is dropped and counted, the loop goes on.
 * - A chunk whose publish failed is sent again, so a failure after the broker had written it can
 *   duplicate that chunk (at least once); the bus gives no way to tell the two cases apart.
 * - `close()` publishes what is buffered for a grace period; anything left is counted as dropped.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatEvent } from '../../domain/chat-event.js';
import { chatEventKey, encodeChatEventBytes } from '../../domain/chat-event.js';
import type { Logger } from '../../logging.js';
import type { ListenerMetrics } from '../../observability/metrics.js';
import { isRetryable } from '../../util/twitchgraph-error.js';
import type { EventBus, EventPublisher, OutgoingMessage, TopicSpec } from '../bus/event-bus.port.js';

export interface EventForwarderOptions {
  topic: string;
  /** Topics to create before the first publish (the listener's topic, with its partition count). */
  topics?: readonly TopicSpec[];
  /** Events held while the bus cannot take them. */
  capacity: number;
  /** Events per publish call. */
  chunkSize?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Least time between two "events dropped" warnings. */
  dropLogIntervalMs?: number;
}

export interface ForwarderStats {
  published: number;
  dropped: number;
  buffered: number;
}

export const DROP_REASON = {
  bufferFull: 'buffer_full',
  publishFailed: 'publish_failed',
  shutdown: 'shutdown',
} as const;
export type DropReason = (typeof DROP_REASON)[keyof typeof DROP_REASON];

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class EventForwarder {
  private queue: OutgoingMessage[] = [];
  private head = 0;
  private published = 0;
  private dropped = 0;
  private closing = false;
  private readonly stop = new AbortController();
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private lastDropLog = Number.NEGATIVE_INFINITY;
  private droppedSinceLog = 0;
  private failing = false;
  /** Set by `close()`: a publish still in flight afterwards no longer changes the totals. */
  private abandoned = false;
  /** Why the loop stopped for good, when the bus could not be used at all. */
  fatal: unknown;
  private readonly options: Required<Omit<EventForwarderOptions, 'topics'>> & {
    topics: readonly TopicSpec[];
  };

  constructor(
    private readonly bus: EventBus,
    options: EventForwarderOptions,
    private readonly deps: { logger: Logger; metrics: ListenerMetrics; onFatal?: (error: unknown) => void },
  ) {
    this.options = {
      topics: [],
      chunkSize: 500,
      retryInitialMs: 250,
      retryMaxMs: 15_000,
      dropLogIntervalMs: 10_000,
      ...options,
    };
  }

  get buffered(): number {
    return this.queue.length - this.head;
  }

  get stats(): ForwarderStats {
    return { published: this.published, dropped: this.dropped, buffered: this.buffered };
  }

  /** Queue an event for publishing; false when it was dropped (buffer full, or closed). Never waits. */
  push(event: ChatEvent): boolean {
    if (this.closing || this.buffered >= this.options.capacity) {
      this.drop(1, this.closing ? DROP_REASON.shutdown : DROP_REASON.bufferFull);
      return false;
    }
    this.queue.push({ key: chatEventKey(event), value: encodeChatEventBytes(event) });
    this.deps.metrics.bufferedEvents.set(this.buffered);
    this.wake?.();
    return true;
  }

  start(): void {
    this.running ??= this.run();
  }

  /**
   * Stop taking events, publish what is buffered for at most `graceMs`, then stop; the rest is dropped and
   * counted. Resolves with the totals.
   */
  async close(graceMs: number): Promise<ForwarderStats> {
    this.closing = true;
    this.wake?.();
    if (this.running !== undefined) {
      // A publish in flight may wait on the bus far longer than the grace period (Kafka retries for ~35 s):
      // wait for the loop only that long.
      const grace = new AbortController();
      await Promise.race([
        this.running,
        sleep(graceMs, undefined, { signal: grace.signal }).catch(() => undefined),
      ]);
      grace.abort();
    }
    this.stop.abort();
    this.abandoned = true;
    const left = this.buffered;
    if (left > 0) {
      this.take(left);
      this.drop(left, DROP_REASON.shutdown);
      this.deps.logger.warn(
        { dropped: left },
        'listener stopped with chat events not yet published; dropped',
      );
    }
    return this.stats;
  }

  private drop(count: number, reason: DropReason): void {
    this.dropped += count;
    this.deps.metrics.droppedEvents.inc({ reason }, count);
    this.droppedSinceLog += count;
    const now = performance.now();
    if (reason !== DROP_REASON.shutdown && now - this.lastDropLog >= this.options.dropLogIntervalMs) {
      this.lastDropLog = now;
      this.deps.logger.warn(
        {
          dropped: this.droppedSinceLog,
          droppedTotal: this.dropped,
          reason,
          capacity: this.options.capacity,
        },
        reason === DROP_REASON.bufferFull
          ? 'event bus not keeping up: buffer full, chat events dropped'
          : 'chat events dropped: the bus refused them',
      );
      this.droppedSinceLog = 0;
    }
  }

  private take(count: number): void {
    this.head += count;
    if (this.head >= 1_024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.deps.metrics.bufferedEvents.set(this.buffered);
  }

  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    this.wake = undefined;
  }

  private async backoff(attempt: number): Promise<boolean> {
    const ms = Math.min(this.options.retryMaxMs, this.options.retryInitialMs * 2 ** Math.min(attempt, 16));
    try {
      await sleep(ms, undefined, { signal: this.stop.signal });
      return true;
    } catch {
      return false; // closing ran out of grace
    }
  }

  private failed(error: unknown, what: string, attempt: number): void {
    if (!this.failing || attempt % 10 === 0) {
      this.deps.logger.warn(
        { err: error, buffered: this.buffered, attempt },
        `event bus unavailable (${what}); holding chat events and retrying`,
      );
    }
    this.failing = true;
  }

  private async run(): Promise<void> {
    const { logger } = this.deps;
    let publisher: EventPublisher | undefined;
    let attempt = 0;
    try {
      for (;;) {
        if (this.stop.signal.aborted) return;
        if (this.buffered === 0) {
          if (this.closing) return;
          await this.idle();
          continue;
        }
        if (publisher === undefined) {
          try {
            if (this.options.topics.length > 0) await this.bus.ensureTopics(this.options.topics);
            publisher = await this.bus.publisher();
          } catch (error) {
            if (!isRetryable(error)) throw error;
            this.failed(error, 'connecting', (attempt += 1));
            if (!(await this.backoff(attempt))) return;
            continue;
          }
        }
        const count = Math.min(this.options.chunkSize, this.buffered);
        const chunk = this.queue.slice(this.head, this.head + count);
        try {
          await publisher.publish(this.options.topic, chunk);
        } catch (error) {
          if (this.abandoned) return;
          if (isRetryable(error)) {
            this.failed(error, 'publishing', (attempt += 1));
            if (!(await this.backoff(attempt))) return;
            continue;
          }
          logger.error(
            { err: error, events: count },
            `publishing chat events failed for good: ${describe(error)}`,
          );
          this.take(count);
          this.drop(count, DROP_REASON.publishFailed);
          continue;
        }
        if (this.abandoned) return;
        this.take(count);
        this.published += count;
        this.deps.metrics.publishedEvents.inc(count);
        if (this.failing) logger.info({ buffered: this.buffered }, 'event bus available again');
        this.failing = false;
        attempt = 0;
      }
    } catch (error) {
      // The bus cannot be used at all (closed, misconfigured): nothing more can be published.
      if (this.abandoned) return;
      logger.error({ err: error }, `the event bus cannot take chat events: ${describe(error)}`);
      this.fatal = error;
      this.closing = true;
      this.deps.onFatal?.(error);
    } finally {
      await publisher?.close().catch(() => undefined);
    }
  }
}
