/**
 * The pipeline end to end on a real Kafka broker: replay → Kafka → ingest worker → graph (embedded store;
 * compose.test.ts does the same into Neo4j), dead letters, timestamps of seed messages, and a rebalance between
 * two workers of one group.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { EXIT } from '../../../src/cli/cli-context.js';
import { runReplay } from '../../../src/cli/replay.cli.js';
import { loadConfig } from '../../../src/config.js';
import { DECODE_FAILURE } from '../../../src/domain/chat-event.js';
import { EmbeddedGraphStore } from '../../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../../src/graph/graph-store.port.js';
import type { EventBus, OutgoingMessage } from '../../../src/ingest/bus/event-bus.port.js';
import { importSeedDirectory } from '../../../src/ingest/csv/seed-importer.js';
import { readDeadLetter } from '../../../src/ingest/worker/dead-letter.js';
import type { IngestStats } from '../../../src/ingest/worker/ingest-worker.js';
import { IngestWorker } from '../../../src/ingest/worker/ingest-worker.js';
import { silentLogger } from '../../../src/logging.js';
import { ingestMetrics } from '../../../src/observability/metrics.js';
import { Registry } from 'prom-client';
import {
  chatEvent,
  chatterEdges,
  eventMessage,
  seedMessage,
  totalMessages,
} from '../../support/chat-events.js';
import { demoDatasetDir } from '../../support/demo-dataset.js';
import { useTempDirs } from '../../support/temp-dir.js';
import { kafkaBrokers, testLogger, useKafka } from '../support/kafka.js';
import { produceSteadily, STREAM_CHANNELS, waitFor } from '../support/pipeline.js';

const kafka = useKafka();
const tempDir = useTempDirs('twitchgraph-pipeline-');

interface Running {
  worker: IngestWorker;
  done: Promise<IngestStats>;
  registry: Registry;
}

function startWorker(
  bus: EventBus,
  graph: GraphStore,
  names: { topic: string; dlq: string; group: string },
  options: { partitions?: number; batchSize?: number } = {},
): Running {
  const registry = new Registry();
  const worker = new IngestWorker(
    { bus, graph, logger: testLogger(), metrics: ingestMetrics(registry) },
    {
      group: names.group,
      topic: names.topic,
      dlqTopic: names.dlq,
      partitions: options.partitions ?? 3,
      batchSize: options.batchSize ?? 1_000,
      batchMaxWaitMs: 100,
      lagIntervalMs: 500,
    },
  );
  return { worker, done: worker.run(), registry };
}

describe('pipeline through Kafka', () => {
  it('replaying the demo chatters.csv through Kafka gives the same CHATTER edges as the CSV import', async () => {
    const topic = kafka.topic();
    const dlq = kafka.topic('dlq');
    const group = kafka.group();
    const dataDir = tempDir();
    const out: string[] = [];
    const context: CliContext = {
      config: loadConfig({
        env: {
          KAFKA_BROKERS: kafkaBrokers().join(','),
          KAFKA_TOPIC: topic,
          KAFKA_DLQ_TOPIC: dlq,
          KAFKA_GROUP_ID: group,
          KAFKA_PARTITIONS: '3',
          TWITCHGRAPH_DATA_DIR: dataDir,
        },
        dotenv: false,
      }),
      logger: silentLogger,
      io: { out: (t) => out.push(t), err: () => undefined, errIsTTY: false },
    };
    expect(await runReplay(context, { file: join(demoDatasetDir(), 'chatters.csv') })).toBe(EXIT.ok);
    expect(out.join('')).toContain(`28,950 events published to topic ${topic}`);

    const store = await EmbeddedGraphStore.open({ dataDir, command: 'test' });
    const run = startWorker(kafka.bus(), store, { topic, dlq, group });
    await waitFor('all 28,950 events applied', () => run.worker.stats.applied >= 28_950, 90_000);
    run.worker.stop();
    const stats = await run.done;
    expect(stats).toMatchObject({ applied: 28_950, deadLettered: 0 });

    const imported = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), imported);
    const ids = (await imported.streamersBy({ language: null, game: null })).map((s) => s.id);
    const expected = [...(await chatterEdges(imported, ids)).keys()].sort();
    const replayed = await chatterEdges(store, ids);
    expect([...replayed.keys()].sort()).toEqual(expected);
    expect([...replayed.values()].reduce<number>((sum, m) => sum + (m ?? 0), 0)).toBe(28_950);
    const offsets = await store.readOffsets(group, topic);
    expect(offsets.map((o) => o.partition)).toEqual([0, 1, 2]);
    expect(offsets.reduce((sum, o) => sum + Number(o.offset), 0)).toBe(28_950);
    await store.close();
  });

  it('sends malformed messages to the dead-letter topic with a reason and applies the valid ones around them', async () => {
    const topic = kafka.topic();
    const dlq = kafka.topic('dlq');
    const group = kafka.group();
    const bus = kafka.bus();
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    const garbage = Buffer.alloc(1_000_000);
    for (let i = 0; i < garbage.length; i += 1) garbage[i] = (i * 7919) % 251;
    const sentAt = Date.UTC(2025, 5, 1, 8, 0, 0);
    const kafkaTime = Date.UTC(2025, 4, 20, 18, 30, 0);
    const malformed: OutgoingMessage[] = [
      { key: '1', value: Buffer.from('this is not json') },
      { key: '1', value: Buffer.from('{"user_id": 190835892, "chatter_login": ["ann"]}') },
      { key: '1', value: Buffer.from('{"chatter_login": "ann"}') },
      { key: '1', value: garbage },
    ];
    const stream: OutgoingMessage[] = [
      eventMessage(chatEvent('1', 'ann', { sentAt })),
      malformed[0] as OutgoingMessage,
      { ...seedMessage('1', 'bob'), timestamp: kafkaTime },
      malformed[1] as OutgoingMessage,
      eventMessage(chatEvent('1', 'ann', { sentAt: sentAt + 1_000, roles: { vip: true } })),
      malformed[2] as OutgoingMessage,
      malformed[3] as OutgoingMessage,
      eventMessage(
        chatEvent('2', 'cat', { channel: { id: '2', login: 'beta' }, roles: { moderator: true } }),
      ),
    ];
    const publisher = await bus.publisher();
    await publisher.publish(topic, stream);
    await publisher.close();

    const store = EmbeddedGraphStore.inMemory();
    const run = startWorker(bus, store, { topic, dlq, group }, { partitions: 1 });
    await waitFor('the stream taken', () => run.worker.stats.eventsIn >= stream.length);
    run.worker.stop();
    expect(await run.done).toMatchObject({ applied: 4, deadLettered: 4 });

    expect(Object.fromEntries(await chatterEdges(store, ['1', '2']))).toEqual({
      '1 ann': 2,
      '1 bob': 1,
      '2 cat': 1,
    });
    const hood1 = await store.neighbourhood('1', { chatterLimit: 10 });
    expect(hood1?.vips).toEqual(['ann']);
    expect((await store.neighbourhood('2', { chatterLimit: 10 }))?.moderators).toEqual(['cat']);
    // The seed message has no sentAt: it counts at its Kafka timestamp.
    const seen = new Map<string, { firstSeen?: number; lastSeen?: number }>();
    store.graph.forEachRelationship((source, _target, attrs) => {
      if (attrs.type === 'CHATTER') seen.set(source, attrs);
    });
    expect(seen.get('u:bob')).toMatchObject({ firstSeen: kafkaTime, lastSeen: kafkaTime });
    expect(seen.get('u:ann')).toMatchObject({ firstSeen: sentAt, lastSeen: sentAt + 1_000 });

    const reader = await bus.subscribe({
      group: kafka.group('dlq-reader'),
      topic: dlq,
      onAssigned: (partitions) => Promise.resolve(new Map(partitions.map((p) => [p.partition, null]))),
    });
    const letters = [];
    while (letters.length < 4)
      letters.push(...((await reader.nextBatch({ maxMessages: 10, maxWaitMs: 200 })) ?? []));
    await reader.close();
    const read = letters
      .map((m) => readDeadLetter(m))
      .sort((a, b) => Number(a?.source.offset) - Number(b?.source.offset));
    expect(read.map((d) => d?.code)).toEqual([
      DECODE_FAILURE.notJson,
      DECODE_FAILURE.invalid,
      DECODE_FAILURE.invalid,
      DECODE_FAILURE.tooLarge,
    ]);
    expect(read.map((d) => d?.source)).toEqual(
      ['1', '3', '5', '6'].map((offset) => ({ topic, partition: 0, offset })),
    );
    expect(read[1]?.reason).toMatch(/user_id/);
    expect(read[2]?.reason).toMatch(/user_id/);
    expect(read[3]?.reason).toMatch(/too large/);
    // The original bytes, as they were (Buffer.equals: a deep comparison of 1 MB is needlessly slow).
    expect(read.map((d, k) => d?.value?.equals(malformed[k]?.value ?? Buffer.alloc(0)))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(letters.every((m) => m.key === '1')).toBe(true);
  });

  it('counts every event once while a second worker joins the group and the first one leaves', async () => {
    const topic = kafka.topic();
    const dlq = kafka.topic('dlq');
    const group = kafka.group();
    const names = { topic, dlq, group };
    const bus = kafka.bus();
    await bus.ensureTopics([{ name: topic, partitions: 4 }]);
    const store = EmbeddedGraphStore.inMemory(); // one graph, two workers of one group
    const publisher = await bus.publisher();
    const total = 4_000;

    // About ten seconds of production, so that B joins and A leaves while events still arrive.
    const producing = produceSteadily(publisher, topic, 0, total, { chunk: 50, pauseMs: 120 });
    const a = startWorker(kafka.bus(), store, names, { partitions: 4, batchSize: 200 });
    await waitFor('worker A under way', () => a.worker.stats.applied >= 500);
    const b = startWorker(kafka.bus(), store, names, { partitions: 4, batchSize: 200 });
    await waitFor('worker B given partitions', () => b.worker.stats.applied > 0, 60_000);
    a.worker.stop(); // B takes A's partitions over from the offsets A stored
    await a.done;
    await producing;
    await publisher.close();
    await waitFor(
      `all ${total} events in the graph`,
      async () => (await totalMessages(store, STREAM_CHANNELS)) >= total,
      60_000,
      async () => `(have ${await totalMessages(store, STREAM_CHANNELS)})`,
    );
    b.worker.stop();
    await b.done;
    expect(await totalMessages(store, STREAM_CHANNELS)).toBe(total);
    const offsets = await store.readOffsets(group, topic);
    expect(offsets.reduce((sum, o) => sum + Number(o.offset), 0)).toBe(total);
  });
});
