/**
 * The Kafka EventBus adapter against a real broker: topics, keys and partitions, headers, positioning by
 * `onAssigned` over the group's committed offsets, rebalancing, back-pressure, and error codes.
 */
import { describe, expect, it } from 'vitest';
import type {
  BusMessage,
  EventSubscription,
  OutgoingMessage,
  TopicPartition,
} from '../../../src/ingest/bus/event-bus.port.js';
import { BUS_ERROR, EventBusError } from '../../../src/ingest/bus/event-bus.port.js';
import { KafkaEventBus } from '../../../src/ingest/bus/kafka-bus.js';
import { silentLogger } from '../../../src/logging.js';
import { kafkaBrokers, useKafka } from '../support/kafka.js';

const kafka = useKafka();

const messages = (n: number, keys = 5): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `k${i % keys}`,
    value: Buffer.from(String(i)),
    headers: { n: String(i) },
  }));

/** Take batches until `count` messages arrived (bounded by the test timeout). */
async function collect(sub: EventSubscription, count: number, maxMessages = 1_000): Promise<BusMessage[]> {
  const got: BusMessage[] = [];
  while (got.length < count) {
    const batch = await sub.nextBatch({ maxMessages, maxWaitMs: 100 });
    if (batch === null) break;
    got.push(...batch);
  }
  return got;
}

const fromEarliest = (partitions: readonly TopicPartition[]) =>
  Promise.resolve(new Map(partitions.map((p) => [p.partition, null])));

describe('Kafka event bus', () => {
  it('creates topics once, keeps each key in one partition in order, and carries headers', async () => {
    const bus = kafka.bus();
    const topic = kafka.topic();
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    await bus.ensureTopics([{ name: topic, partitions: 3 }]); // already there: no error
    expect((await bus.endOffsets(topic)).map((o) => o.offset)).toEqual(['0', '0', '0']);

    const publisher = await bus.publisher();
    await publisher.publish(topic, messages(60));
    const sub = await bus.subscribe({ group: kafka.group(), topic, onAssigned: fromEarliest });
    const got = await collect(sub, 60);
    expect(got).toHaveLength(60);

    const partitionOfKey = new Map<string, Set<number>>();
    const valuesByKey = new Map<string, number[]>();
    for (const m of got) {
      const key = m.key ?? '';
      partitionOfKey.set(key, (partitionOfKey.get(key) ?? new Set()).add(m.partition));
      valuesByKey.set(key, [...(valuesByKey.get(key) ?? []), Number(m.value?.toString())]);
      expect(m.headers.n).toBe(m.value?.toString());
      expect(m.topic).toBe(topic);
    }
    for (const [key, partitions] of partitionOfKey) {
      expect(partitions.size, key).toBe(1);
      const values = valuesByKey.get(key) ?? [];
      expect(values, key).toEqual([...values].sort((a, b) => a - b));
    }
    const ends = await bus.endOffsets(topic);
    expect(ends.reduce((sum, o) => sum + Number(o.offset), 0)).toBe(60);
    await sub.close();
    await publisher.close();
  });

  it("resumes where onAssigned says, not where the group's committed offsets are", async () => {
    const bus = kafka.bus();
    const topic = kafka.topic();
    const group = kafka.group();
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    const publisher = await bus.publisher();
    await publisher.publish(topic, messages(20));

    const first = await bus.subscribe({ group, topic, onAssigned: fromEarliest });
    expect(await collect(first, 20)).toHaveLength(20);
    await first.acknowledge([{ topic, partition: 0, offset: '20' }]); // the group commits 20
    await first.close();

    const second = await bus.subscribe({
      group,
      topic,
      onAssigned: () => Promise.resolve(new Map([[0, '5']])),
    });
    const resumed = await collect(second, 15);
    expect(resumed.map((m) => m.offset)).toEqual(Array.from({ length: 15 }, (_, i) => String(i + 5)));
    await second.close();

    const third = await bus.subscribe({ group, topic, onAssigned: fromEarliest });
    expect((await third.nextBatch({ maxMessages: 1, maxWaitMs: 100 }))?.[0]?.offset).toBe('0');
    await third.close();
    await publisher.close();
  });

  it('asks every member for positions again when a rebalance moves partitions', async () => {
    const bus = kafka.bus();
    const topic = kafka.topic();
    const group = kafka.group();
    await bus.ensureTopics([{ name: topic, partitions: 4 }]);
    const publisher = await bus.publisher();
    await publisher.publish(topic, messages(200, 20));

    const assignments = { a: [] as number[][], b: [] as number[][] };
    const track = (who: 'a' | 'b') => (partitions: readonly TopicPartition[]) => {
      assignments[who].push(partitions.map((p) => p.partition).sort());
      return fromEarliest(partitions);
    };
    const a = await bus.subscribe({ group, topic, onAssigned: track('a') });
    await collect(a, 1);
    expect(assignments.a.at(-1)).toEqual([0, 1, 2, 3]);

    const b = await bus.subscribe({ group, topic, onAssigned: track('b') });
    // A keeps taking (its heartbeats learn of the rebalance) until both hold two partitions.
    const deadline = Date.now() + 60_000;
    while (assignments.b.length === 0 || (assignments.a.at(-1)?.length ?? 0) === 4) {
      if (Date.now() > deadline) throw new Error(`no rebalance: ${JSON.stringify(assignments)}`);
      await a.nextBatch({ maxMessages: 10, maxWaitMs: 200 });
    }
    const latestA = assignments.a.at(-1) ?? [];
    const latestB = assignments.b.at(-1) ?? [];
    expect([...latestA, ...latestB].sort()).toEqual([0, 1, 2, 3]);
    expect(latestA.length).toBeGreaterThan(0);
    expect(latestB.length).toBeGreaterThan(0);
    await b.close();
    await a.close();
    await publisher.close();
  });

  it('delivers everything in order to a slow subscriber with a small fetch buffer (back-pressure)', async () => {
    const bus = kafka.bus();
    const topic = kafka.topic();
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    const publisher = await bus.publisher();
    await publisher.publish(topic, messages(500));
    const sub = await bus.subscribe({
      group: kafka.group(),
      topic,
      onAssigned: fromEarliest,
      bufferCapacity: 20,
    });
    const got: BusMessage[] = [];
    while (got.length < 500) {
      const batch = await sub.nextBatch({ maxMessages: 7, maxWaitMs: 50 });
      if (batch === null) break;
      expect(batch.length).toBeLessThanOrEqual(7);
      got.push(...batch);
      await sub.acknowledge([{ topic, partition: 0, offset: String(Number(batch.at(-1)?.offset) + 1) }]);
    }
    expect(got.map((m) => Number(m.offset))).toEqual(Array.from({ length: 500 }, (_, i) => i));
    await sub.close();
    await publisher.close();
  });

  it('reports failures with a code and whether retrying can help', async () => {
    const impatient = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: 'test-errors',
      logger: silentLogger,
      retries: 1,
    });
    try {
      const publisher = await impatient.publisher();
      const missing = kafka.topic('never-created');
      const unknown: unknown = await publisher.publish(missing, messages(1)).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(EventBusError);
      expect(unknown).toMatchObject({ code: BUS_ERROR.unknownTopic, canRetry: true });

      const topic = kafka.topic();
      await impatient.ensureTopics([{ name: topic, partitions: 1 }]);
      const huge = { key: null, value: Buffer.alloc(2 * 1024 * 1024, 0x41) };
      const tooLarge: unknown = await publisher.publish(topic, [huge]).catch((e: unknown) => e);
      expect(tooLarge).toBeInstanceOf(EventBusError);
      expect(tooLarge).toMatchObject({ code: BUS_ERROR.messageTooLarge, canRetry: false });

      // A topic made for dead letters takes any message the source topic accepted, plus headers.
      const dlq = kafka.topic('dlq');
      await impatient.ensureTopics([{ name: dlq, partitions: 1, maxMessageBytes: 2 * 1024 * 1024 }]);
      await publisher.publish(dlq, [
        { key: null, value: Buffer.alloc(1_000_000, 0x41), headers: { why: 'x' } },
      ]);
      expect(await impatient.endOffsets(dlq)).toEqual([{ topic: dlq, partition: 0, offset: '1' }]);
      await publisher.close();
    } finally {
      await impatient.close();
    }
  });
});
