import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { DECODE_FAILURE, MAX_EVENT_BYTES } from '../../src/domain/chat-event.js';
import type { ChatActivity, OffsetUpdate } from '../../src/domain/graph-records.js';
import { EmbeddedGraphStore, SNAPSHOT_FILE } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { GraphStoreError } from '../../src/graph/graph-store.port.js';
import type { EventBus, OutgoingMessage } from '../../src/ingest/bus/event-bus.port.js';
import { BUS_ERROR, EventBusError } from '../../src/ingest/bus/event-bus.port.js';
import { MemoryEventBus } from '../../src/ingest/bus/memory-bus.js';
import { DLQ_HEADER, readDeadLetter } from '../../src/ingest/worker/dead-letter.js';
import type { IngestStats, IngestWorkerOptions } from '../../src/ingest/worker/ingest-worker.js';
import { INGEST_ERROR, IngestError, IngestWorker } from '../../src/ingest/worker/ingest-worker.js';
import { silentLogger } from '../../src/logging.js';
import { ingestMetrics } from '../../src/observability/metrics.js';
import { chatEvent, chatterEdges, eventMessage, seedMessage, totalMessages } from '../support/chat-events.js';

const TOPIC = 'chatters';
const DLQ = 'chatters.dlq';
const root = mkdtempSync(join(tmpdir(), 'twitchgraph-worker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, String((dirs += 1)));

function newBus(capacity = 100_000): MemoryEventBus {
  return new MemoryEventBus({ capacity, keepLatestOnly: [DLQ], firstOffset: 0 });
}

interface Harness {
  worker: IngestWorker;
  registry: Registry;
  /** Resolves with the totals once the worker has taken `events` messages (then stops it). */
  runUntil: (events: number) => Promise<IngestStats>;
}

function harness(bus: EventBus, graph: GraphStore, options: Partial<IngestWorkerOptions> = {}): Harness {
  const registry = new Registry();
  let target = Number.POSITIVE_INFINITY;
  const worker: IngestWorker = new IngestWorker(
    { bus, graph, logger: silentLogger, metrics: ingestMetrics(registry) },
    {
      group: 'g',
      topic: TOPIC,
      dlqTopic: DLQ,
      partitions: 1,
      batchSize: 100,
      batchMaxWaitMs: 5,
      retryInitialMs: 1,
      retryMaxMs: 4,
      ...options,
    },
    (stats) => {
      if (stats.eventsIn >= target) worker.stop();
    },
  );
  return {
    worker,
    registry,
    runUntil: (events) => {
      target = events;
      return worker.run();
    },
  };
}

/** A store that behaves like `inner` except for `applyChatActivity`. */
function wrapStore(
  inner: GraphStore,
  apply: (rows: readonly ChatActivity[], offsets: readonly OffsetUpdate[]) => Promise<void>,
): GraphStore {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'applyChatActivity') return apply;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** 1,000 events over 5 channels × 40 chatters, in a fixed order. */
function manyEvents(n = 1_000, options: { withIds?: boolean } = {}): OutgoingMessage[] {
  return Array.from({ length: n }, (_, i) =>
    eventMessage(
      chatEvent(String(100 + (i % 5)), `u${i % 40}`, {
        messageId: options.withIds === true ? `m${i}` : null,
      }),
    ),
  );
}
const CHANNELS = ['100', '101', '102', '103', '104'];

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return hit?.value;
}

describe('ingest worker (in-process bus)', () => {
  it('applies valid events in one write per batch and dead-letters malformed ones with a reason', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    const writes: { rows: number; offsets: readonly OffsetUpdate[] }[] = [];
    const graph = wrapStore(store, async (rows, offsets) => {
      writes.push({ rows: rows.length, offsets });
      await store.applyChatActivity(rows, offsets);
    });
    const tooLarge = Buffer.alloc(MAX_EVENT_BYTES + 1, 0x78);
    const malformed: OutgoingMessage[] = [
      { key: 'x', value: Buffer.from('{oops') },
      { key: 'x', value: Buffer.from('{"user_id": 5, "chatter_login": "x"}') },
      { key: 'x', value: Buffer.from('{"user_id": "1"}') },
      { key: 'x', value: null },
      { key: 'x', value: tooLarge },
    ];
    const messages: OutgoingMessage[] = [
      eventMessage(chatEvent('1', 'ann')),
      malformed[0]!,
      seedMessage('1', 'bob'),
      malformed[1]!,
      malformed[2]!,
      eventMessage(
        chatEvent('2', 'cat', { channel: { id: '2', login: 'beta' }, roles: { moderator: true } }),
      ),
      malformed[3]!,
      malformed[4]!,
      eventMessage(chatEvent('1', 'ann')),
    ];
    await (await bus.publisher()).publish(TOPIC, messages);
    const { runUntil, registry } = harness(bus, graph);
    const stats = await runUntil(messages.length);

    expect(stats).toMatchObject({ eventsIn: 9, applied: 4, deadLettered: 5, duplicatesSkipped: 0 });
    expect(writes).toHaveLength(1);
    expect(writes[0]?.offsets).toEqual([{ group: 'g', topic: TOPIC, partition: 0, from: '0', offset: '9' }]);
    expect(await graph.readOffsets('g', TOPIC)).toEqual([
      { group: 'g', topic: TOPIC, partition: 0, offset: '9' },
    ]);
    expect(Object.fromEntries(await chatterEdges(store, ['1', '2']))).toEqual({
      '1 ann': 2,
      '1 bob': 1,
      '2 cat': 1,
    });
    expect((await store.neighbourhood('2', { chatterLimit: 5 }))?.moderators).toEqual(['cat']);

    const letters = bus.peek(DLQ);
    expect(letters).toHaveLength(5);
    expect(letters.map((m) => m.value)).toEqual(malformed.map((m) => m.value));
    const read = letters.map((m) => readDeadLetter(m));
    expect(read.map((d) => d?.code)).toEqual([
      DECODE_FAILURE.notJson,
      DECODE_FAILURE.invalid,
      DECODE_FAILURE.invalid,
      DECODE_FAILURE.empty,
      DECODE_FAILURE.tooLarge,
    ]);
    expect(read.map((d) => d?.source.offset)).toEqual(['1', '3', '4', '6', '7']);
    expect(read.every((d) => d?.source.topic === TOPIC && d.source.partition === 0)).toBe(true);
    expect(letters[1]?.headers[DLQ_HEADER.reason]).toContain('user_id');
    expect(letters[2]?.headers[DLQ_HEADER.reason]).toContain('chatter_login');
    expect(
      await metricValue(registry, 'twitchgraph_ingest_events_dead_lettered_total', { code: 'INVALID_EVENT' }),
    ).toBe(2);
    expect(await metricValue(registry, 'twitchgraph_ingest_events_applied_total')).toBe(4);
    expect(await metricValue(registry, 'twitchgraph_ingest_consumer_lag', { partition: '0' })).toBe(0);
  });

  it('batches by count: a batch never holds more than INGEST_BATCH_SIZE messages', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    const sizes: number[] = [];
    const graph = wrapStore(store, async (rows, offsets) => {
      sizes.push(rows.reduce((n, r) => n + r.messages, 0));
      await store.applyChatActivity(rows, offsets);
    });
    await (await bus.publisher()).publish(TOPIC, manyEvents(250));
    const stats = await harness(bus, graph, { batchSize: 100, batchMaxWaitMs: 50 }).runUntil(250);
    expect(sizes.slice(0, 2)).toEqual([100, 100]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(250);
    expect(stats.applied).toBe(250);
  });

  it('counts every event once when a batch is written but not acknowledged (crash), then redelivered', async () => {
    const bus = newBus();
    const dir = freshDir();
    const first = await EmbeddedGraphStore.open({ dataDir: dir, command: 'test', snapshotMinIntervalMs: 0 });
    let writes = 0;
    // The third write lands (and reaches the snapshot), then the worker "dies" before acknowledging it.
    const crashing = wrapStore(first, async (rows, offsets) => {
      await first.applyChatActivity(rows, offsets);
      writes += 1;
      if (writes === 3) {
        await first.flush();
        throw new GraphStoreError(
          'simulated crash between write and acknowledgement',
          'GRAPH_QUERY_FAILED',
          false,
        );
      }
    });
    await (await bus.publisher()).publish(TOPIC, manyEvents());
    const failed: unknown = await harness(bus, crashing)
      .worker.run()
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(IngestError);
    expect(failed).toMatchObject({ code: INGEST_ERROR.graphWrite, canRetry: false });

    // Restart from the snapshot, as a new process would (a copy: the crashed one still holds its lock).
    const restartDir = freshDir();
    mkdirSync(restartDir);
    copyFileSync(join(dir, SNAPSHOT_FILE), join(restartDir, SNAPSHOT_FILE));
    const second = await EmbeddedGraphStore.open({ dataDir: restartDir, command: 'test' });
    expect(await second.readOffsets('g', TOPIC)).toEqual([
      { group: 'g', topic: TOPIC, partition: 0, offset: '300' },
    ]);
    expect(await totalMessages(second, CHANNELS)).toBe(300);

    // The bus still holds the unacknowledged third batch; a bus that ignores the stored position (like
    // Kafka resuming from its own committed offset) delivers it again, and the worker must skip it.
    const forgetful: EventBus = {
      ...bus,
      kind: bus.kind,
      ensureTopics: (t) => bus.ensureTopics(t),
      publisher: () => bus.publisher(),
      endOffsets: (t) => bus.endOffsets(t),
      close: () => bus.close(),
      subscribe: (o) =>
        bus.subscribe({
          ...o,
          onAssigned: async (p) => {
            await o.onAssigned(p);
            return new Map([[0, null]]);
          },
        }),
    };
    const stats = await harness(forgetful, second).runUntil(800);
    expect(stats.duplicatesSkipped).toBe(100);
    expect(stats.applied).toBe(700);
    expect(await totalMessages(second, CHANNELS)).toBe(1_000);
    expect(await second.readOffsets('g', TOPIC)).toEqual([
      { group: 'g', topic: TOPIC, partition: 0, offset: '1000' },
    ]);
    await second.close();
    await first.close();
  });

  it('resumes from the stored offsets when the bus honours them (no duplicate delivered at all)', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    let writes = 0;
    const crashing = wrapStore(store, async (rows, offsets) => {
      await store.applyChatActivity(rows, offsets);
      writes += 1;
      if (writes === 2) throw new GraphStoreError('simulated crash', 'GRAPH_QUERY_FAILED', false);
    });
    await (await bus.publisher()).publish(TOPIC, manyEvents(500));
    await expect(harness(bus, crashing).worker.run()).rejects.toBeInstanceOf(IngestError);
    const stats = await harness(bus, store).runUntil(300);
    expect(stats).toMatchObject({ eventsIn: 300, applied: 300, duplicatesSkipped: 0 });
    expect(await totalMessages(store, CHANNELS)).toBe(500);
  });

  // Two workers of one group see the same partition (one Kafka partition; here two in-process buses holding
  // the same messages at the same offsets): B takes a batch and reads the stored offsets, then, before its
  // write lands, A applies an overlapping range — the window a rebalance leaves open.
  it.each([
    { label: 'the whole batch and beyond', appliedByA: 600 },
    { label: 'half of the batch', appliedByA: 50 },
  ])('counts every message once when another worker applied $label first', async ({ appliedByA }) => {
    // With message ids: a batch prepared again after the conflict must not take its own ids for repeats.
    const messages = manyEvents(1_000, { withIds: true });
    const store = EmbeddedGraphStore.inMemory();
    const busA = newBus();
    const busB = newBus();
    await (await busA.publisher()).publish(TOPIC, messages.slice(0, appliedByA));
    await (await busB.publisher()).publish(TOPIC, messages);

    let blocked!: () => void;
    const bIsWriting = new Promise<void>((resolve) => (blocked = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let firstWrite = true;
    const heldBack = wrapStore(store, async (rows, offsets) => {
      if (firstWrite) {
        firstWrite = false;
        blocked();
        await released;
      }
      await store.applyChatActivity(rows, offsets);
    });
    const b = harness(busB, heldBack, { batchSize: 100 });
    const runningB = b.runUntil(1_000);
    await bIsWriting;
    const statsA = await harness(busA, store, { batchSize: 100 }).runUntil(appliedByA);
    release();
    const statsB = await runningB;

    expect(await totalMessages(store, CHANNELS)).toBe(1_000);
    expect(statsA.applied + statsB.applied).toBe(1_000);
    expect(statsB).toMatchObject({ offsetConflicts: 1, duplicatesSkipped: appliedByA });
    expect(await metricValue(b.registry, 'twitchgraph_ingest_offset_conflicts_total')).toBe(1);
    expect(await store.readOffsets('g', TOPIC)).toEqual([
      { group: 'g', topic: TOPIC, partition: 0, offset: '1000' },
    ]);
  });

  it('counts a message once when its id comes again at another offset, within the id window', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    const withId = (login: string, id: string | null) =>
      eventMessage(chatEvent('100', login, { messageId: id }));
    const first = [withId('ann', 'a'), withId('bob', 'b'), withId('ann', 'a'), withId('cat', null)];
    // Next batch: `b` again (a re-send after a reconnect), unseen `c`, and id-less events that never match.
    const second = [withId('bob', 'b'), withId('cat', null), withId('cat', null), withId('dan', 'c')];
    const publisher = await bus.publisher();
    await publisher.publish(TOPIC, first);
    const { worker, registry } = harness(bus, store, { batchSize: 4, messageIdWindow: 10 });
    const running = worker.run();
    await publisher.publish(TOPIC, second);
    while (worker.stats.eventsIn < 8) await new Promise((r) => setTimeout(r, 5));
    worker.stop();
    const stats = await running;

    expect(stats).toMatchObject({ eventsIn: 8, applied: 6, repeatedMessageIds: 2, duplicatesSkipped: 0 });
    expect(Object.fromEntries(await chatterEdges(store, ['100']))).toEqual({
      '100 ann': 1,
      '100 bob': 1,
      '100 cat': 3,
      '100 dan': 1,
    });
    expect(await metricValue(registry, 'twitchgraph_ingest_repeated_message_ids_total')).toBe(2);
    expect(await store.readOffsets('g', TOPIC)).toEqual([
      { group: 'g', topic: TOPIC, partition: 0, offset: '8' },
    ]);
  });

  it('forgets the oldest ids beyond the window (bounded memory), so a late repeat counts again', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    const ids = ['a', 'b', 'c', 'a', 'c'];
    await (
      await bus.publisher()
    ).publish(
      TOPIC,
      ids.map((id) => eventMessage(chatEvent('100', 'ann', { messageId: id }))),
    );
    // One message per batch; a window of 2 holds b and c when `a` comes again.
    const stats = await harness(bus, store, { batchSize: 1, messageIdWindow: 2 }).runUntil(ids.length);
    expect(stats).toMatchObject({ applied: 4, repeatedMessageIds: 1 });
    expect(await totalMessages(store, ['100'])).toBe(4);
  });

  it('retries a write that fails with canRetry and applies the batch once', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    let calls = 0;
    const flaky = wrapStore(store, async (rows, offsets) => {
      calls += 1;
      if (calls <= 2) throw new GraphStoreError('server busy', 'GRAPH_TRANSIENT', true);
      await store.applyChatActivity(rows, offsets);
    });
    await (await bus.publisher()).publish(TOPIC, manyEvents(50));
    const { runUntil, registry } = harness(bus, flaky);
    const stats = await runUntil(50);
    expect(stats.applied).toBe(50);
    expect(calls).toBe(3);
    expect(await totalMessages(store, CHANNELS)).toBe(50);
    expect(await metricValue(registry, 'twitchgraph_ingest_write_retries_total')).toBe(2);
  });

  it('stops on a failure that cannot be retried and acknowledges nothing', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    const broken = wrapStore(store, () =>
      Promise.reject(new GraphStoreError('constraint violated', 'GRAPH_CONSTRAINT', false)),
    );
    await (await bus.publisher()).publish(TOPIC, manyEvents(50));
    const error: unknown = await harness(bus, broken)
      .worker.run()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).message).toContain('constraint violated');
    expect(bus.peek(TOPIC)).toHaveLength(50); // nothing acknowledged: all still held for redelivery
    expect(await store.readOffsets('g', TOPIC)).toEqual([]);
  });

  it('does not retry an error that lacks canRetry, whatever its message says', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    let calls = 0;
    const broken = wrapStore(store, () => {
      calls += 1;
      return Promise.reject(new Error('transient: please retry'));
    });
    await (await bus.publisher()).publish(TOPIC, manyEvents(10));
    await expect(harness(bus, broken).worker.run()).rejects.toBeInstanceOf(IngestError);
    expect(calls).toBe(1);
  });

  it('stop() finishes the batch in flight, records its offsets and reports lag for what is left', async () => {
    const bus = newBus();
    const store = EmbeddedGraphStore.inMemory();
    await (await bus.publisher()).publish(TOPIC, manyEvents(300));
    const { runUntil, registry } = harness(bus, store, { batchSize: 100 });
    const stats = await runUntil(100);
    expect(stats).toMatchObject({ batches: 1, applied: 100 });
    expect(await store.readOffsets('g', TOPIC)).toEqual([
      { group: 'g', topic: TOPIC, partition: 0, offset: '100' },
    ]);
    expect(
      await metricValue(registry, 'twitchgraph_ingest_consumer_lag', { topic: TOPIC, partition: '0' }),
    ).toBe(200);
  });

  it('waits for a bus that is not up yet, and a stop meanwhile just ends the wait', async () => {
    const bus = newBus();
    let attempts = 0;
    const started: { worker?: IngestWorker } = {};
    const unreachable: EventBus = {
      kind: bus.kind,
      publisher: () => bus.publisher(),
      subscribe: (o) => bus.subscribe(o),
      endOffsets: (t) => bus.endOffsets(t),
      close: () => bus.close(),
      ensureTopics: () => {
        attempts += 1;
        if (attempts === 3) started.worker?.stop();
        return Promise.reject(new EventBusError('broker not reachable', BUS_ERROR.connection, true));
      },
    };
    const h = harness(unreachable, EmbeddedGraphStore.inMemory());
    started.worker = h.worker;
    expect(await h.worker.run()).toMatchObject({ batches: 0, eventsIn: 0 });
    expect(attempts).toBe(3);
  });
});
