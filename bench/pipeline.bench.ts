/**
 * Pipeline figures: events per second from the bus into the graph.
 *
 * - in-process bus → embedded store: publish (pre-encoded events) + decode/validate + aggregate + write;
 * - Kafka → embedded store: a worker reading a topic that already holds the events, from the beginning;
 * - Kafka producer: the idempotent producer publishing the same events (replay's path);
 * - consumer lag as the `twitchgraph_ingest_consumer_lag` gauge shows it while the Kafka worker runs.
 *
 * Kafka is started with scripts/infra/kafka.sh in its own folder (.cache/kafka/bench-instance) and stopped
 * afterwards, unless KAFKA_BENCH_BROKERS names a running broker. The Bolt (Neo4j) rows are missing while the
 * Bolt adapter is a placeholder on main.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { encodeChatEvent } from '../src/domain/chat-event.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import type { EventBus, OutgoingMessage } from '../src/ingest/bus/event-bus.port.js';
import { KafkaEventBus } from '../src/ingest/bus/kafka-bus.js';
import { MemoryEventBus } from '../src/ingest/bus/memory-bus.js';
import { replayEvent } from '../src/ingest/replay/replay.js';
import { IngestWorker } from '../src/ingest/worker/ingest-worker.js';
import { silentLogger } from '../src/logging.js';
import { ingestMetrics } from '../src/observability/metrics.js';
import { seededRandom } from '../src/util/seeded-random.js';
import type { BenchRow } from './bench-kit.js';
import { measure, round } from './bench-kit.js';

const EVENTS = 200_000;
const CHANNELS = 500;
const CHATTERS = 50_000;

/** A chat stream with a realistic skew: a few big channels, many small ones; seeded, so runs compare. */
function events(n: number): OutgoingMessage[] {
  const random = seededRandom(7);
  const t0 = Date.UTC(2026, 0, 1);
  return Array.from({ length: n }, (_, i) => {
    const channel = String(100_000 + Math.floor(CHANNELS * random() ** 3));
    const login = `chatter${Math.floor(CHATTERS * random() ** 2)}`;
    const event = replayEvent(channel, login, t0 + i * 50);
    return { key: channel, value: Buffer.from(encodeChatEvent(event)) };
  });
}

const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');

/** Run a worker until it has applied `n` events; resolves with its stats. */
async function ingest(
  bus: EventBus,
  names: { topic: string; group: string },
  n: number,
  batchSize: number,
  registry = new Registry(),
  beforeRun?: (worker: IngestWorker) => void,
) {
  const store = EmbeddedGraphStore.inMemory();
  const worker: IngestWorker = new IngestWorker(
    { bus, graph: store, logger: silentLogger, metrics: ingestMetrics(registry) },
    {
      group: names.group,
      topic: names.topic,
      dlqTopic: `${names.topic}.dlq`,
      partitions: 3,
      batchSize,
      batchMaxWaitMs: 50,
      lagIntervalMs: 250,
    },
    (stats) => {
      if (stats.eventsIn >= n) worker.stop();
    },
  );
  beforeRun?.(worker);
  const stats = await worker.run();
  if (stats.applied !== n) throw new Error(`applied ${stats.applied} of ${n}`);
  return stats;
}

async function inProcessRows(stream: OutgoingMessage[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const batchSize of [1_000, 5_000]) {
    const row = await measure(
      `in-process bus → embedded store, ${EVENTS.toLocaleString('en-US')} events, batch ${batchSize.toLocaleString('en-US')}`,
      async () => {
        const bus = new MemoryEventBus({ capacity: 100_000, keepLatestOnly: ['chatters.dlq'] });
        const publisher = await bus.publisher();
        const names = { topic: 'chatters', group: 'bench' };
        const consuming = ingest(bus, names, EVENTS, batchSize);
        await publisher.publish('chatters', stream);
        await consuming;
        await bus.close();
      },
      { runs: 5, warmup: 1 },
    );
    row.note = `${perSecond(EVENTS, row.median_ms)} events/s (goal ≥ 100,000); queue capacity 100,000`;
    rows.push(row);
  }
  return rows;
}

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

async function kafkaScript(command: 'start' | 'stop'): Promise<string> {
  const { stdout } = await run('bash', [`${REPO_ROOT}scripts/infra/kafka.sh`, command], {
    env: { ...process.env, KAFKA_STATE_DIR: `${REPO_ROOT}.cache/kafka/bench-instance` },
    timeout: 600_000,
  });
  return stdout.trim().split('\n').pop() ?? '';
}

async function kafkaRows(stream: OutgoingMessage[]): Promise<BenchRow[]> {
  const given = process.env.KAFKA_BENCH_BROKERS;
  const brokers = given !== undefined && given !== '' ? given : await kafkaScript('start');
  const bus = new KafkaEventBus({ brokers: brokers.split(','), clientId: 'bench', logger: silentLogger });
  const topic = `bench-chatters-${randomUUID()}`;
  const rows: BenchRow[] = [];
  try {
    await bus.ensureTopics([
      { name: topic, partitions: 3 },
      { name: `${topic}.dlq`, partitions: 3 },
    ]);
    const publisher = await bus.publisher();
    const started = performance.now();
    await publisher.publish(topic, stream);
    const produceMs = performance.now() - started;
    await publisher.close();
    rows.push({
      name: `Kafka producer (idempotent, acks=all), ${EVENTS.toLocaleString('en-US')} events, 3 partitions`,
      median_ms: round(produceMs),
      p95_ms: round(produceMs),
      runs: 1,
      note: `${perSecond(EVENTS, produceMs)} events/s`,
    });

    const groups: string[] = [];
    const lagSamples: number[] = [];
    let finalLag = Number.NaN;
    const row = await measure(
      `Kafka → embedded store, ${EVENTS.toLocaleString('en-US')} events, 3 partitions, batch 5,000`,
      async () => {
        const group = `bench-${randomUUID()}`;
        groups.push(group);
        const registry = new Registry();
        const lag = ingestMetrics(registry).consumerLag;
        const sampler = setInterval(() => {
          void lag.get().then((v) => lagSamples.push(v.values.reduce((s, x) => s + x.value, 0)));
        }, 250);
        try {
          await ingest(bus, { topic, group }, EVENTS, 5_000, registry);
        } finally {
          clearInterval(sampler);
        }
        finalLag = (await lag.get()).values.reduce((s, x) => s + x.value, 0);
      },
      { runs: 3, warmup: 1 },
    );
    row.note = `${perSecond(EVENTS, row.median_ms)} events/s (goal ≥ 30,000); from the topic's start, fresh group each run`;
    rows.push(row);
    rows.push({
      name: 'consumer lag metric (twitchgraph_ingest_consumer_lag) during the Kafka runs',
      median_ms: 0,
      p95_ms: 0,
      runs: lagSamples.length,
      note: `sampled every 250 ms: max ${Math.max(...lagSamples).toLocaleString('en-US')} messages behind, ${finalLag} at the end`,
    });
    await bus.deleteGroups(groups).catch(() => undefined);
    await bus.deleteTopics([topic, `${topic}.dlq`]);
  } finally {
    await bus.close();
    if (given === undefined || given === '') await kafkaScript('stop');
  }
  return rows;
}

export async function benchPipeline(): Promise<BenchRow[]> {
  const stream = events(EVENTS);
  return [...(await inProcessRows(stream)), ...(await kafkaRows(stream))];
}
