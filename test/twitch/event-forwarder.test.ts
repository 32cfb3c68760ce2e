/**
 * The listener's side of the bus: events are held while the bus is unavailable, dropped (and counted) beyond
 * the buffer, and published in order once the bus is back. The bus here is the real in-process bus behind a
 * switch that makes it refuse connections the way the Kafka adapter does when the broker is down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { decodeChatEvent } from '../../src/domain/chat-event.js';
import type {
  EventBus,
  EventPublisher,
  EventSubscription,
  PartitionOffset,
  SubscribeOptions,
  TopicSpec,
} from '../../src/ingest/bus/event-bus.port.js';
import { BUS_ERROR, EventBusError } from '../../src/ingest/bus/event-bus.port.js';
import { MemoryEventBus } from '../../src/ingest/bus/memory-bus.js';
import { EventForwarder } from '../../src/ingest/twitch/event-forwarder.js';
import { silentLogger } from '../../src/logging.js';
import { listenerMetrics } from '../../src/observability/metrics.js';
import { chatEvent } from '../support/chat-events.js';
import { metricValue } from './listener-harness.js';

/** The in-process bus, unreachable while `down` (retryable connection errors, like a stopped broker). */
class SwitchableBus implements EventBus {
  readonly kind = 'memory';
  down = true;
  /** When set, publishing fails for good (e.g. a message the broker will never take). */
  refuse = false;
  constructor(readonly inner: MemoryEventBus) {}

  private check(): void {
    if (this.down) throw new EventBusError('broker not reachable', BUS_ERROR.connection, true);
  }

  ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    return Promise.resolve().then(() => {
      this.check();
      return this.inner.ensureTopics(topics);
    });
  }

  async publisher(): Promise<EventPublisher> {
    this.check();
    const inner = await this.inner.publisher();
    return {
      publish: async (topic, messages) => {
        this.check();
        if (this.refuse) throw new EventBusError('message too large', BUS_ERROR.messageTooLarge, false);
        await inner.publish(topic, messages);
      },
      close: () => inner.close(),
    };
  }

  subscribe(options: SubscribeOptions): Promise<EventSubscription> {
    return this.inner.subscribe(options);
  }

  endOffsets(topic: string): Promise<PartitionOffset[]> {
    return this.inner.endOffsets(topic);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function setup(capacity: number) {
  const bus = new SwitchableBus(new MemoryEventBus({ capacity: 1_000, firstOffset: 0 }));
  const registry = new Registry();
  const forwarder = new EventForwarder(
    bus,
    {
      topic: 'chatters',
      topics: [{ name: 'chatters', partitions: 1 }],
      capacity,
      retryInitialMs: 10,
      retryMaxMs: 40,
    },
    { logger: silentLogger, metrics: listenerMetrics(registry) },
  );
  forwarder.start();
  const published = () =>
    bus.inner.peek('chatters').map((m) => {
      const decoded = decodeChatEvent(m.value);
      return decoded.ok ? decoded.event.user.login : '?';
    });
  return { bus, registry, forwarder, published };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('event forwarder', () => {
  it('holds events while the bus is down and publishes them in order when it is back', async () => {
    const { bus, forwarder, published, registry } = setup(100);
    for (const login of ['a', 'b', 'c']) expect(forwarder.push(chatEvent('77', login))).toBe(true);
    await sleep(100); // several retries
    expect(forwarder.stats).toEqual({ published: 0, dropped: 0, buffered: 3 });
    expect(await metricValue(registry, 'twitchgraph_listener_buffered_events')).toBe(3);
    bus.down = false;
    await until(() => forwarder.stats.published === 3, 'publishing');
    forwarder.push(chatEvent('77', 'd'));
    await until(() => forwarder.stats.published === 4, 'the next event');
    expect(published()).toEqual(['a', 'b', 'c', 'd']);
    expect(await forwarder.close(1_000)).toEqual({ published: 4, dropped: 0, buffered: 0 });
  });

  it('drops what does not fit in the buffer, never waiting, and says how many', async () => {
    const { bus, forwarder, published, registry } = setup(5);
    const accepted = Array.from({ length: 8 }, (_, i) => forwarder.push(chatEvent('77', `u${i}`)));
    expect(accepted).toEqual([true, true, true, true, true, false, false, false]);
    expect(
      await metricValue(registry, 'twitchgraph_listener_events_dropped_total', { reason: 'buffer_full' }),
    ).toBe(3);
    bus.down = false;
    await until(() => forwarder.stats.published === 5, 'publishing');
    expect(published()).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
    expect(await forwarder.close(1_000)).toEqual({ published: 5, dropped: 3, buffered: 0 });
  });

  it('drops a chunk the bus refuses for good and goes on with the next', async () => {
    const { bus, forwarder, published, registry } = setup(100);
    bus.down = false;
    bus.refuse = true;
    forwarder.push(chatEvent('77', 'refused'));
    await until(() => forwarder.stats.dropped === 1, 'the drop');
    bus.refuse = false;
    forwarder.push(chatEvent('77', 'taken'));
    await until(() => forwarder.stats.published === 1, 'the next event');
    expect(published()).toEqual(['taken']);
    expect(
      await metricValue(registry, 'twitchgraph_listener_events_dropped_total', { reason: 'publish_failed' }),
    ).toBe(1);
    await forwarder.close(1_000);
  });

  it('on close, gives the bus a grace period, then counts what is left as dropped', async () => {
    const { forwarder, registry } = setup(100);
    forwarder.push(chatEvent('77', 'a'));
    forwarder.push(chatEvent('77', 'b'));
    const started = performance.now();
    expect(await forwarder.close(150)).toEqual({ published: 0, dropped: 2, buffered: 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(forwarder.push(chatEvent('77', 'late'))).toBe(false);
    expect(
      await metricValue(registry, 'twitchgraph_listener_events_dropped_total', { reason: 'shutdown' }),
    ).toBe(3);
  });
});
