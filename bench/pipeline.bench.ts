/**
 * Pipeline figures: events per second from the bus into the graph.
 *
 * - in-process bus → embedded store: publish (pre-encoded events) + decode/validate + aggregate + write.
 *   The events are encoded as `replay` and the listener encode them (`encodeChatEventBytes`), so the
 *   worker takes the in-process shortcut of not parsing bytes this process encoded; one more row decodes
 *   copies of the bytes, as it must for bytes from anywhere else (Kafka);
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
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { decodeChatEvent, encodeChatEventBytes } from '../src/domain/chat-event.js';
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
import { measureWithCpu, round } from './bench-kit.js';

export const EVENTS = 200_000;
const CHANNELS = 500;

export interface Workload {
  label: string;
  stream: OutgoingMessage[];
}

/**
 * Live chat: channels of very different sizes (skewed), each with a few dozen active chatters who send
 * about ten messages each in the sample, so most events add to an existing CHATTER edge. Seeded.
 */
export function liveChat(n: number): Workload {
  const random = seededRandom(7);
  const t0 = Date.UTC(2026, 0, 1);
  const stream = Array.from({ length: n }, (_, i) => {
    const c = Math.floor(CHANNELS * random() ** 3);
    const login = `chatter${(c * 37 + Math.floor(40 * random() ** 2)) % 15_000}`;
    const channel = String(100_000 + c);
    return { key: channel, value: encodeChatEventBytes(replayEvent(channel, login, t0 + i * 50)) };
  });
  return { label: 'live chat', stream };
}

/** Every event a new chatter: the worst case for the graph (a new node and edge each), like a file replay. */
function allNew(n: number): Workload {
  const t0 = Date.UTC(2026, 0, 1);
  const stream = Array.from({ length: n }, (_, i) => {
    const channel = String(100_000 + (i % CHANNELS));
    const event = replayEvent(channel, `newcomer${i}`, t0 + i * 50);
    return { key: channel, value: encodeChatEventBytes(event) };
  });
  return { label: 'all new chatters', stream };
}

function describeWorkload(w: Workload): string {
  const pairs = new Set<string>();
  for (const m of w.stream) {
    const d = decodeChatEvent(m.value);
    if (d.ok) pairs.add(`${d.event.channel.id} ${d.event.user.login}`);
  }
  return `${pairs.size.toLocaleString('en-US')} channel×chatter pairs`;
}

const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');

function throughputNote(ms: number, cpuMs: number, goal: number): string {
  const [one, five] = loadavg();
  return (
    `${perSecond(EVENTS, ms)} events/s wall (goal ≥ ${goal.toLocaleString('en-US')}), ` +
    `${perSecond(EVENTS, cpuMs)} events per CPU-second; load average ${one?.toFixed(1)}/${five?.toFixed(1)} on ${cpus().length} cores`
  );
}

/** Run a worker until it has applied `n` events into `store`; resolves with its stats. */
export async function ingest(
  bus: EventBus,
  names: { topic: string; group: string },
  n: number,
  batchSize: number,
  registry = new Registry(),
  beforeRun?: (worker: IngestWorker) => void,
  store: EmbeddedGraphStore = EmbeddedGraphStore.inMemory(),
) {
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

/** The same messages with their bytes copied: not encoded by this process, so every one is parsed. */
function foreignBytes(w: Workload): Workload {
  return {
    label: `${w.label}, bytes parsed (not encoded in process)`,
    stream: w.stream.map((m) => ({ ...m, value: m.value === null ? null : Buffer.from(m.value) })),
  };
}

async function inProcessRows(workloads: readonly Workload[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const { label, stream } of workloads) {
    const { row, cpuMs } = await measureWithCpu(
      `in-process bus → embedded store, ${label}, ${EVENTS.toLocaleString('en-US')} events`,
      async () => {
        const bus = new MemoryEventBus({ capacity: 100_000, keepLatestOnly: ['chatters.dlq'] });
        const publisher = await bus.publisher();
        const consuming = ingest(bus, { topic: 'chatters', group: 'bench' }, EVENTS, 5_000);
        await publisher.publish('chatters', stream);
        await consuming;
        await bus.close();
      },
      { runs: 5, warmup: 1 },
    );
    row.note = throughputNote(row.median_ms, cpuMs, 100_000);
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

async function kafkaRows(workloads: readonly Workload[]): Promise<BenchRow[]> {
  const given = process.env.KAFKA_BENCH_BROKERS;
  const brokers = given !== undefined && given !== '' ? given : await kafkaScript('start');
  const bus = new KafkaEventBus({ brokers: brokers.split(','), clientId: 'bench', logger: silentLogger });
  const rows: BenchRow[] = [];
  const topics: string[] = [];
  try {
    for (const { label, stream } of workloads) {
      const topic = `bench-chatters-${randomUUID()}`;
      topics.push(topic, `${topic}.dlq`);
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
        name: `Kafka producer (idempotent, acks=all), ${label}, ${EVENTS.toLocaleString('en-US')} events`,
        median_ms: round(produceMs),
        p95_ms: round(produceMs),
        runs: 1,
        note: `${perSecond(EVENTS, produceMs)} events/s; 3 partitions`,
      });

      const groups: string[] = [];
      const lagSamples: number[] = [];
      let finalLag = Number.NaN;
      const { row, cpuMs } = await measureWithCpu(
        `Kafka → embedded store, ${label}, ${EVENTS.toLocaleString('en-US')} events`,
        async () => {
          const group = `bench-${randomUUID()}`;
          groups.push(group);
          const registry = new Registry();
          const lag = ingestMetrics(registry).consumerLag;
          const sampler = setInterval(() => {
            void lag.get().then((v) => lagSamples.push(v.values.reduce((sum, x) => sum + x.value, 0)));
          }, 250);
          try {
            await ingest(bus, { topic, group }, EVENTS, 5_000, registry);
          } finally {
            clearInterval(sampler);
          }
          finalLag = (await lag.get()).values.reduce((sum, x) => sum + x.value, 0);
        },
        { runs: 3, warmup: 1 },
      );
      row.note = `${throughputNote(row.median_ms, cpuMs, 30_000)}; 3 partitions, from the start, fresh group each run`;
      rows.push(row);
      rows.push({
        name: `consumer lag metric during the Kafka runs, ${label}`,
        median_ms: 0,
        p95_ms: 0,
        runs: lagSamples.length,
        note: `twitchgraph_ingest_consumer_lag sampled every 250 ms: max ${Math.max(...lagSamples).toLocaleString('en-US')} behind, ${finalLag} at the end`,
      });
      await bus.deleteGroups(groups).catch(() => undefined);
    }
    await bus.deleteTopics(topics);
  } finally {
    await bus.close();
    if (given === undefined || given === '') await kafkaScript('stop');
  }
  return rows;
}

export async function benchPipeline(): Promise<BenchRow[]> {
  const workloads = [liveChat(EVENTS), allNew(EVENTS)];
  const rows: BenchRow[] = workloads.map((w) => ({
    name: `workload: ${w.label}`,
    median_ms: 0,
    p95_ms: 0,
    runs: 0,
    note: `${EVENTS.toLocaleString('en-US')} events, ${describeWorkload(w)}, ${CHANNELS} channels; batches of 5,000`,
  }));
  const inProcess = [...workloads, ...workloads.map(foreignBytes)];
  return [...rows, ...(await inProcessRows(inProcess)), ...(await kafkaRows(workloads))];
}
