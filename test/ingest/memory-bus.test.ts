import { describe, expect, it } from 'vitest';
import { BatchBuffer } from '../../src/ingest/bus/batch-buffer.js';
import type { EventSubscription, OutgoingMessage } from '../../src/ingest/bus/event-bus.port.js';
import { BUS_ERROR, EventBusError } from '../../src/ingest/bus/event-bus.port.js';
import { MemoryEventBus } from '../../src/ingest/bus/memory-bus.js';
import { hasSettled } from '../support/chat-events.js';

const msg = (i: number): OutgoingMessage => ({ key: `k${i % 3}`, value: Buffer.from(`m${i}`) });
const values = (batch: { value: Buffer | null }[] | null) => (batch ?? []).map((m) => m.value?.toString());

async function subscribe(
  bus: MemoryEventBus,
  from: string | null = null,
  topic = 't',
): Promise<{ sub: EventSubscription; assigned: number[][] }> {
  const assigned: number[][] = [];
  const sub = await bus.subscribe({
    group: 'g',
    topic,
    onAssigned: (partitions) => {
      assigned.push(partitions.map((p) => p.partition));
      return Promise.resolve(new Map([[0, from]]));
    },
  });
  return { sub, assigned };
}

describe('in-process event bus', () => {
  it('delivers in publish order with increasing offsets, batched by count', async () => {
    const bus = new MemoryEventBus({ capacity: 100, firstOffset: 0 });
    const publisher = await bus.publisher();
    await publisher.publish('t', [0, 1, 2, 3, 4].map(msg));
    const { sub, assigned } = await subscribe(bus);
    expect(assigned).toEqual([[0]]);
    const first = await sub.nextBatch({ maxMessages: 3, maxWaitMs: 10_000 });
    expect(values(first)).toEqual(['m0', 'm1', 'm2']);
    expect(first?.map((m) => m.offset)).toEqual(['0', '1', '2']);
    expect(first?.[0]).toMatchObject({ topic: 't', partition: 0, key: 'k0' });
    const second = await sub.nextBatch({ maxMessages: 3, maxWaitMs: 1 });
    expect(values(second)).toEqual(['m3', 'm4']); // closed by time: fewer than asked for
    await bus.close();
  });

  it('waits for the first message before starting a batch', async () => {
    const bus = new MemoryEventBus({ capacity: 100, firstOffset: 0 });
    const { sub } = await subscribe(bus);
    const pending = sub.nextBatch({ maxMessages: 2, maxWaitMs: 60_000 });
    expect(await hasSettled(pending)).toBe(false);
    await (await bus.publisher()).publish('t', [msg(0), msg(1)]);
    expect(values(await pending)).toEqual(['m0', 'm1']);
    await bus.close();
  });

  it('makes publishers wait while the topic holds `capacity` unacknowledged messages', async () => {
    const bus = new MemoryEventBus({ capacity: 4, firstOffset: 0 });
    const publisher = await bus.publisher();
    const { sub } = await subscribe(bus);
    const publishing = publisher.publish('t', [0, 1, 2, 3, 4, 5].map(msg));
    expect(await hasSettled(publishing)).toBe(false);
    // Taking messages is not enough: only acknowledged ones free space.
    const batch = await sub.nextBatch({ maxMessages: 4, maxWaitMs: 1 });
    expect(values(batch)).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(await hasSettled(publishing)).toBe(false);
    await sub.acknowledge([{ topic: 't', partition: 0, offset: '2' }]);
    await publishing;
    expect(values(await sub.nextBatch({ maxMessages: 10, maxWaitMs: 1 }))).toEqual(['m4', 'm5']);
    await bus.close();
  });

  it('delivers unacknowledged messages again to the next subscriber, from where it asks', async () => {
    const bus = new MemoryEventBus({ capacity: 100, firstOffset: 0 });
    await (await bus.publisher()).publish('t', [0, 1, 2, 3, 4, 5].map(msg));
    const a = await subscribe(bus);
    await a.sub.nextBatch({ maxMessages: 4, maxWaitMs: 1 });
    await a.sub.acknowledge([{ topic: 't', partition: 0, offset: '2' }]);
    await a.sub.close(); // m2, m3 were taken but not acknowledged

    const fromStart = await subscribe(bus, null);
    expect(values(await fromStart.sub.nextBatch({ maxMessages: 10, maxWaitMs: 1 }))).toEqual([
      'm2',
      'm3',
      'm4',
      'm5',
    ]);
    const fromStored = await subscribe(bus, '3');
    expect(values(await fromStored.sub.nextBatch({ maxMessages: 10, maxWaitMs: 1 }))).toEqual([
      'm3',
      'm4',
      'm5',
    ]);
    // A newer subscription replaced the older one: it ends.
    expect(await fromStart.sub.nextBatch({ maxMessages: 10, maxWaitMs: 1 })).toBeNull();
    await bus.close();
  });

  it('stop() ends a waiting batch with what it collected, then null', async () => {
    const bus = new MemoryEventBus({ capacity: 100, firstOffset: 0 });
    const { sub } = await subscribe(bus);
    const idle = sub.nextBatch({ maxMessages: 5, maxWaitMs: 60_000 });
    sub.stop();
    expect(await idle).toBeNull();

    const { sub: other } = await subscribe(bus);
    await (await bus.publisher()).publish('t', [msg(0)]);
    const collecting = other.nextBatch({ maxMessages: 5, maxWaitMs: 60_000 });
    expect(await hasSettled(collecting)).toBe(false);
    other.stop();
    expect(values(await collecting)).toEqual(['m0']);
    expect(await other.nextBatch({ maxMessages: 5, maxWaitMs: 1 })).toBeNull();
    await bus.close();
  });

  it('keeps only the latest messages of a dead-letter topic and never blocks on it', async () => {
    const bus = new MemoryEventBus({ capacity: 3, keepLatestOnly: ['dlq'], firstOffset: 0 });
    await (await bus.publisher()).publish('dlq', [0, 1, 2, 3, 4].map(msg));
    expect(values(bus.peek('dlq'))).toEqual(['m2', 'm3', 'm4']);
    expect(await bus.endOffsets('dlq')).toEqual([{ topic: 'dlq', partition: 0, offset: '5' }]);
  });

  it('fails a waiting publisher when the bus closes, with a code and canRetry=false', async () => {
    const bus = new MemoryEventBus({ capacity: 1, firstOffset: 0 });
    const publishing = (await bus.publisher()).publish('t', [msg(0), msg(1)]);
    await bus.close();
    const error: unknown = await publishing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventBusError);
    expect(error).toMatchObject({ code: BUS_ERROR.closed, canRetry: false });
  });
});

describe('batch buffer', () => {
  it('takes by count, stops, and reports space', async () => {
    const buffer = new BatchBuffer<number>(3);
    for (const n of [1, 2, 3]) buffer.push(n);
    expect(buffer.hasSpace()).toBe(false);
    const waiting = buffer.waitForSpace(60_000);
    expect(await hasSettled(waiting)).toBe(false);
    expect(await buffer.take(2, 60_000)).toEqual([1, 2]);
    await waiting;
    expect(buffer.hasSpace()).toBe(true);
    buffer.stop();
    expect(await buffer.take(5, 60_000)).toEqual([3]);
    expect(await buffer.take(5, 60_000)).toBeNull();
  });

  it('clear() drops what was not taken and a waiting take goes on waiting', async () => {
    const buffer = new BatchBuffer<number>(10);
    buffer.push(1);
    const taking = buffer.take(5, 60_000);
    buffer.clear();
    expect(await hasSettled(taking)).toBe(false);
    buffer.push(7);
    buffer.stop();
    expect(await taking).toEqual([7]);
  });
});
