/**
 * Fault tests: the broker stops mid-stream, the worker process is killed mid-batch, the worker is asked to
 * stop with SIGTERM. In each, every event produced must be counted exactly once in the graph: the sum of
 * CHATTER `messages` equals the number of events produced (and the topic holds no duplicates either).
 *
 * The worker runs against an embedded store here; test/integration/compose.test.ts runs it into Neo4j.
 */
import { describe, expect, it } from 'vitest';
import { EmbeddedGraphStore } from '../../../src/graph/embedded/embedded-store.js';
import type { EventBus } from '../../../src/ingest/bus/event-bus.port.js';
import { IngestWorker } from '../../../src/ingest/worker/ingest-worker.js';
import { totalMessages } from '../../support/chat-events.js';
import { useTempDirs } from '../../support/temp-dir.js';
import {
  canRestartBroker,
  kafkaBrokers,
  startBroker,
  stopBroker,
  testLogger,
  useKafka,
} from '../support/kafka.js';
import { untilExit } from '../../support/spawn-cli.js';
import { produceSteadily, readStore, spawnIngest, STREAM_CHANNELS, waitFor } from '../support/pipeline.js';

const kafka = useKafka();
const tempDir = useTempDirs('twitchgraph-faults-');

async function topicSize(bus: EventBus, topic: string): Promise<number> {
  return (await bus.endOffsets(topic)).reduce((sum, o) => sum + Number(o.offset), 0);
}

function ingestEnv(names: { topic: string; dlq: string; group: string }, dataDir: string) {
  return {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_TOPIC: names.topic,
    KAFKA_DLQ_TOPIC: names.dlq,
    KAFKA_GROUP_ID: names.group,
    KAFKA_PARTITIONS: '3',
    // A killed worker's partitions go to its restart after this long.
    KAFKA_SESSION_TIMEOUT_MS: '8000',
    TWITCHGRAPH_DATA_DIR: dataDir,
    INGEST_BATCH_SIZE: '250',
    INGEST_BATCH_MAX_WAIT_MS: '100',
    // A snapshot after every write, so the kill below can land anywhere around one.
    SNAPSHOT_MIN_INTERVAL_MS: '0',
  };
}

describe('pipeline faults', () => {
  it.skipIf(!canRestartBroker())(
    'counts every event once when the broker stops mid-stream and starts again',
    async () => {
      const names = { topic: kafka.topic(), dlq: kafka.topic('dlq'), group: kafka.group() };
      const bus = kafka.bus();
      await bus.ensureTopics([{ name: names.topic, partitions: 3 }]);
      const store = EmbeddedGraphStore.inMemory();
      const worker = new IngestWorker(
        { bus: kafka.bus(), graph: store, logger: testLogger() },
        {
          group: names.group,
          topic: names.topic,
          dlqTopic: names.dlq,
          partitions: 3,
          batchSize: 250,
          batchMaxWaitMs: 100,
        },
      );
      const running = worker.run();
      const total = 4_000;
      const publisher = await bus.publisher();
      // ~8 s of production; the broker goes away in the middle and the producer's sends wait and retry.
      const producing = produceSteadily(publisher, names.topic, 0, total, { chunk: 50, pauseMs: 100 });
      await waitFor('some events applied', () => worker.stats.applied >= 1_000);
      await stopBroker();
      const appliedWhileDown = worker.stats.applied;
      await startBroker();
      await producing;
      await waitFor(
        `all ${total} events applied`,
        async () => (await totalMessages(store, STREAM_CHANNELS)) >= total,
        90_000,
        async () => `(have ${await totalMessages(store, STREAM_CHANNELS)})`,
      );
      worker.stop();
      await running;
      await publisher.close();

      expect(appliedWhileDown).toBeLessThan(total);
      expect(await topicSize(bus, names.topic)).toBe(total); // the idempotent producer wrote each once
      expect(await totalMessages(store, STREAM_CHANNELS)).toBe(total);
      const offsets = await store.readOffsets(names.group, names.topic);
      expect(offsets.reduce((sum, o) => sum + Number(o.offset), 0)).toBe(total);
    },
  );

  it('counts every event once when the worker process is killed (SIGKILL) mid-stream and started again', async () => {
    const names = { topic: kafka.topic(), dlq: kafka.topic('dlq'), group: kafka.group() };
    const dataDir = tempDir();
    const bus = kafka.bus();
    await bus.ensureTopics([{ name: names.topic, partitions: 3 }]);
    const publisher = await bus.publisher();
    const total = 5_000;
    const producing = produceSteadily(publisher, names.topic, 0, total, { chunk: 50, pauseMs: 60 });

    const first = spawnIngest(ingestEnv(names, dataDir));
    await waitFor(
      'the first worker to have written part of the stream',
      async () =>
        ((await readStore(dataDir, names.group, names.topic).catch(() => null))?.offsets ?? 0) >= 1_000,
      60_000,
      () => first.output().slice(-2_000),
    );
    first.child.kill('SIGKILL');
    expect(await untilExit(first)).toEqual({ code: null, signal: 'SIGKILL' });
    const atKill = await readStore(dataDir, names.group, names.topic);
    // What the snapshot holds is consistent: its counts are exactly its offsets.
    expect(atKill.messages).toBe(atKill.offsets);

    const second = spawnIngest(ingestEnv(names, dataDir)); // takes over the dead process's stale lock
    await producing;
    await publisher.close();
    await waitFor(
      `all ${total} events in the graph`,
      async () => (await readStore(dataDir, names.group, names.topic)).offsets >= total,
      90_000,
      () => second.output().slice(-2_000),
    );
    second.child.kill('SIGTERM');
    expect((await untilExit(second)).code).toBe(0);

    const final = await readStore(dataDir, names.group, names.topic);
    expect(await topicSize(bus, names.topic)).toBe(total);
    expect(final).toEqual({ messages: total, offsets: total });
  });

  it('SIGTERM during ingest: exits 0, loses nothing, and a restart goes on from there', async () => {
    const names = { topic: kafka.topic(), dlq: kafka.topic('dlq'), group: kafka.group() };
    const dataDir = tempDir();
    const bus = kafka.bus();
    await bus.ensureTopics([{ name: names.topic, partitions: 3 }]);
    const publisher = await bus.publisher();
    const total = 3_000;
    const producing = produceSteadily(publisher, names.topic, 0, total, { chunk: 50, pauseMs: 60 });

    const first = spawnIngest(ingestEnv(names, dataDir));
    await waitFor(
      'the worker under way',
      async () =>
        ((await readStore(dataDir, names.group, names.topic).catch(() => null))?.offsets ?? 0) >= 500,
      60_000,
      () => first.output().slice(-2_000),
    );
    first.child.kill('SIGTERM');
    const exit = await untilExit(first);
    expect(exit, first.output().slice(-2_000)).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain('Ingest stopped:');
    const before = await readStore(dataDir, names.group, names.topic);
    expect(before.messages).toBe(before.offsets);
    expect(before.messages).toBeGreaterThanOrEqual(500);

    // Nothing lost: a restart keeps what was counted and adds exactly the rest.
    const second = spawnIngest(ingestEnv(names, dataDir));
    await producing;
    await publisher.close();
    await waitFor(
      `all ${total} events in the graph`,
      async () => (await readStore(dataDir, names.group, names.topic)).offsets >= total,
      90_000,
      () => second.output().slice(-2_000),
    );
    second.child.kill('SIGTERM');
    expect((await untilExit(second)).code).toBe(0);
    expect(await readStore(dataDir, names.group, names.topic)).toEqual({ messages: total, offsets: total });
  });
});
