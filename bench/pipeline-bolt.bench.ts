/**
 * Kafka → Neo4j over Bolt: the real IngestWorker consuming a topic into BoltGraphStore, against a worker
 * that writes one auto-commit query per event (the seed's transform pattern). Goals: ≥ 10,000 events/s
 * and ≥ 20× the per-event worker.
 *
 * Kafka is started with scripts/infra/kafka.sh in .cache/kafka/bench-instance (or KAFKA_BENCH_BROKERS
 * names a broker), Neo4j with scripts/infra/neo4j.sh (or NEO4J_URL); what this suite started it stops.
 * Before every run the graph is emptied and the demo dataset imported (not timed), so the channels are
 * known under their logins as in steady state; each run uses a fresh consumer group and reads the topic
 * from the start. Besides wall time, the notes give CPU time of this process and, when the servers were
 * started here, of the Neo4j and Kafka JVMs, and how much of the wall time the worker spent in graph calls.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Session } from 'neo4j-driver';
import neo4j from 'neo4j-driver';
import { Registry } from 'prom-client';
import { decodeChatEvent, encodeChatEvent } from '../src/domain/chat-event.js';
import type { ChatEvent } from '../src/domain/chat-event.js';
import type { BoltGraphStore } from '../src/graph/bolt/bolt-store.js';
import type { GraphStore } from '../src/graph/graph-store.port.js';
import type { OutgoingMessage } from '../src/ingest/bus/event-bus.port.js';
import { KafkaEventBus } from '../src/ingest/bus/kafka-bus.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import { IngestWorker } from '../src/ingest/worker/ingest-worker.js';
import { silentLogger } from '../src/logging.js';
import { ingestMetrics } from '../src/observability/metrics.js';
import { seededRandom } from '../src/util/seeded-random.js';
import { emptyBoltStore } from '../test/support/bolt.js';
import { demoDatasetDir } from '../test/support/demo-dataset.js';
import { neo4jScript } from '../test/support/neo4j-script.js';
import type { BenchRow } from './bench-kit.js';
import { percentile, round } from './bench-kit.js';
import { neo4jServer } from './bolt.bench.js';

const EVENTS = 100_000;
const CHANNELS = 50;
const PARTITIONS = 3;
/** The per-event worker is slow: a smaller sample of the same topic. */
const BASELINE_EVENTS = 5_000;
const RUNS = 3;
const GOAL_PER_SECOND = 10_000;
const GOAL_RATIO = 20;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const perSecond = (n: number, ms: number) => (n / ms) * 1000;

interface Channel {
  id: string;
  login: string;
}

/**
 * Live chat on the demo's 50 largest channels, as the Twitch listener publishes it (v1 events with the
 * channel login, user id and badges, keyed by channel login). Channel sizes are skewed (the same cube law as
 * pipeline.bench's live chat); each channel has about one active chatter per ten of its messages, some
 * chatting much more than others, and neighbouring channels share part of their audience. Seeded.
 */
function liveChat(channels: readonly Channel[], n: number): OutgoingMessage[] {
  const random = seededRandom(11);
  const t0 = Date.UTC(2026, 0, 15, 18);
  const c = channels.length;
  const share = (i: number) => ((i + 1) / c) ** (1 / 3) - (i / c) ** (1 / 3);
  const pool = channels.map((_, i) => Math.max(30, Math.round((n * share(i)) / 10)));
  return Array.from({ length: n }, (_, i) => {
    const index = Math.floor(c * random() ** 3);
    const channel = channels[index] as Channel;
    const k = Math.floor((pool[index] as number) * random() ** 2);
    const viewer = (index * 977 + k) % 40_000;
    const login = `viewer_${viewer}`;
    const event: ChatEvent = {
      v: 1,
      type: 'chat',
      channel: { id: channel.id, login: channel.login },
      user: { id: String(700_000_000 + viewer), login, displayName: `Viewer_${viewer}` },
      roles: { broadcaster: false, moderator: k % 307 === 3, vip: k % 211 === 7, subscriber: k % 5 === 0 },
      messageId: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      sentAt: t0 + i * 20,
    };
    return { key: channel.login, value: Buffer.from(encodeChatEvent(event)) };
  });
}

function pairsOf(stream: readonly OutgoingMessage[]): { pairs: number; chatters: number } {
  const pairs = new Set<string>();
  const chatters = new Set<string>();
  for (const m of stream) {
    const d = decodeChatEvent(m.value);
    if (!d.ok) continue;
    pairs.add(`${d.event.channel.id} ${d.event.user.login}`);
    chatters.add(d.event.user.login);
  }
  return { pairs: pairs.size, chatters: chatters.size };
}

// ------------------------------------------------------------------------------------------ servers

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const KAFKA_STATE = `${REPO_ROOT}.cache/kafka/bench-instance`;
const exec = promisify(execFile);

/**
 * The Kafka to measure on, and how to leave it as it was found (re-implemented here rather than shared
 * with pipeline.bench.ts, which is being edited separately; same script, same instance folder).
 */
async function kafkaBroker(): Promise<{ brokers: string; pid: number | null; release: () => Promise<void> }> {
  const given = process.env.KAFKA_BENCH_BROKERS;
  if (given !== undefined && given !== '')
    return { brokers: given, pid: null, release: () => Promise.resolve() };
  const script = (command: 'start' | 'stop' | 'status') =>
    exec('bash', [`${REPO_ROOT}scripts/infra/kafka.sh`, command], {
      env: { ...process.env, KAFKA_STATE_DIR: KAFKA_STATE },
      timeout: 600_000,
    });
  const wasRunning = await script('status').then(
    () => true,
    () => false,
  );
  const { stdout } = await script('start');
  const brokers = stdout.trim().split('\n').pop() ?? '';
  return {
    brokers,
    pid: pidFromFile(`${KAFKA_STATE}/kafka.pid`),
    release: async () => {
      if (!wasRunning) await script('stop');
    },
  };
}

function pidFromFile(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The Neo4j launcher's pid when the script runs it on this machine (for its CPU time), else null. */
async function neo4jPid(): Promise<number | null> {
  if (process.env.NEO4J_URL !== undefined && process.env.NEO4J_URL !== '') return null;
  const match = /\(pid (\d+)\)/.exec((await neo4jScript('status')).stdout);
  return match === null ? null : Number(match[1]);
}

/** User + system CPU milliseconds a process has used so far (Linux /proc), or NaN. */
function processCpuMs(pid: number | null): number {
  if (pid === null) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) in clock ticks of 10 ms; the list here starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

// ------------------------------------------------------------------------------------------ runs

interface RunResult {
  wallMs: number;
  /** This process (worker, kafkajs, Bolt driver). */
  cpuMs: number;
  neo4jCpuMs: number;
  kafkaCpuMs: number;
  /** Wall time inside GraphStore calls (applyChatActivity + readOffsets): round trips and Neo4j's work. */
  graphMs: number;
  batches: number;
}

/** The store with the wall time of its calls added up in `spent.ms`. */
function timedGraph(store: GraphStore, spent: { ms: number }): GraphStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...a: unknown[]) => unknown;
      return async (...args: unknown[]): Promise<unknown> => {
        const started = performance.now();
        try {
          return await method.apply(target, args);
        } finally {
          spent.ms += performance.now() - started;
        }
      };
    },
  });
}

async function measureRun(
  pids: { neo4j: number | null; kafka: number | null },
  work: (spent: { ms: number }) => Promise<number>,
): Promise<RunResult> {
  const spent = { ms: 0 };
  const cpu = process.cpuUsage();
  const neo4jCpu = processCpuMs(pids.neo4j);
  const kafkaCpu = processCpuMs(pids.kafka);
  const started = performance.now();
  const batches = await work(spent);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    neo4jCpuMs: processCpuMs(pids.neo4j) - neo4jCpu,
    kafkaCpuMs: processCpuMs(pids.kafka) - kafkaCpu,
    graphMs: spent.ms,
    batches,
  };
}

/** The real worker on the topic, fresh group, until it has applied `n` events; returns its batch count. */
async function ingestIntoBolt(
  bus: KafkaEventBus,
  graph: GraphStore,
  topic: string,
  n: number,
  batch: { size: number; maxWaitMs: number },
  groups: string[],
): Promise<number> {
  const group = `bench-${randomUUID()}`;
  groups.push(group);
  const worker: IngestWorker = new IngestWorker(
    { bus, graph, logger: silentLogger, metrics: ingestMetrics(new Registry()) },
    {
      group,
      topic,
      dlqTopic: `${topic}.dlq`,
      partitions: PARTITIONS,
      batchSize: batch.size,
      batchMaxWaitMs: batch.maxWaitMs,
    },
    (stats) => {
      if (stats.eventsIn >= n) worker.stop();
    },
  );
  const stats = await worker.run();
  if (stats.applied !== n) throw new Error(`applied ${stats.applied} of ${n}`);
  return stats.batches;
}

/**
 * The seed's transform pattern, reproduced as the comparison point: for every Kafka message one
 * auto-commit query, awaited before the next. It writes less than the worker (no message counts, times,
 * days or badges), so the comparison favours it. This Cypher lives here, not in src/graph/bolt/, because
 * the product never writes like this.
 */
const PER_EVENT_QUERY = `
MERGE (u:User {name: $login})
MERGE (s:Stream {id: $channel})
MERGE (u)-[:CHATTER]->(s)`;

async function perEventWorker(
  bus: KafkaEventBus,
  url: string,
  topic: string,
  n: number,
  spent: { ms: number },
  groups: string[],
): Promise<number> {
  const driver = neo4j.driver(url, undefined, { useBigInt: true });
  const session: Session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
  const group = `bench-per-event-${randomUUID()}`;
  groups.push(group);
  const subscription = await bus.subscribe({
    group,
    topic,
    onAssigned: (partitions) => Promise.resolve(new Map(partitions.map((p) => [p.partition, null]))),
  });
  let written = 0;
  let batches = 0;
  try {
    while (written < n) {
      const batch = await subscription.nextBatch({ maxMessages: 1_000, maxWaitMs: 500 });
      if (batch === null) break;
      for (const message of batch.slice(0, n - written)) {
        const decoded = decodeChatEvent(message.value);
        if (!decoded.ok) continue;
        const started = performance.now();
        await session.run(PER_EVENT_QUERY, {
          login: decoded.event.user.login,
          channel: decoded.event.channel.id,
        });
        spent.ms += performance.now() - started;
        written += 1;
      }
      const last = new Map<number, string>();
      for (const m of batch) last.set(m.partition, m.offset);
      await subscription.acknowledge(
        [...last].map(([partition, offset]) => ({ topic, partition, offset: String(BigInt(offset) + 1n) })),
      );
      batches += 1;
    }
  } finally {
    subscription.stop();
    await subscription.close();
    await session.close();
    await driver.close();
  }
  if (written !== n) throw new Error(`per-event worker wrote ${written} of ${n}`);
  return batches;
}

function medianOf(results: readonly RunResult[], pick: (r: RunResult) => number): number {
  return percentile(
    results.map(pick).sort((a, b) => a - b),
    50,
  );
}

function rowFor(name: string, n: number, results: readonly RunResult[], extra: string): BenchRow {
  const walls = results.map((r) => r.wallMs).sort((a, b) => a - b);
  const wall = percentile(walls, 50);
  const cpu = medianOf(results, (r) => r.cpuMs);
  const neo = medianOf(results, (r) => r.neo4jCpuMs);
  const kafka = medianOf(results, (r) => r.kafkaCpuMs);
  const graph = medianOf(results, (r) => r.graphMs);
  const [one, five] = loadavg();
  const servers = Number.isNaN(neo)
    ? ''
    : `, Neo4j ${(neo / 1000).toFixed(1)} s CPU, Kafka ${(kafka / 1000).toFixed(1)} s CPU`;
  return {
    name,
    median_ms: round(wall),
    p95_ms: round(percentile(walls, 95)),
    runs: results.length,
    note:
      `${fmt(perSecond(n, wall))} events/s wall${extra}; per run: this process ${(cpu / 1000).toFixed(1)} s CPU` +
      `${servers}; ${Math.round((graph / wall) * 100)}% of wall in graph calls, ` +
      `${fmt(medianOf(results, (r) => r.batches))} batches; load average ${one?.toFixed(1)}/${five?.toFixed(1)} on ${cpus().length} cores`,
  };
}

export async function benchPipelineBolt(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const demo = demoDatasetDir();
  const neo4jAt = await neo4jServer();
  let kafka: Awaited<ReturnType<typeof kafkaBroker>> | undefined;
  let bus: KafkaEventBus | undefined;
  let store: BoltGraphStore | undefined;
  const topic = `bench-bolt-chatters-${randomUUID()}`;
  const groups: string[] = [];
  try {
    kafka = await kafkaBroker();
    const pids = { neo4j: await neo4jPid(), kafka: kafka.pid };
    bus = new KafkaEventBus({ brokers: kafka.brokers.split(','), clientId: 'bench', logger: silentLogger });
    store = await emptyBoltStore(neo4jAt.url);
    const graph = store;
    const agent = graph.serverAgent;
    const fresh = async () => {
      await graph.deleteEverything();
      await importSeedDirectory(demo, graph);
    };

    await fresh();
    const channels = (await graph.topStreamers('followers', CHANNELS)).map((s) => ({
      id: s.id,
      login: s.login,
    }));
    const stream = liveChat(channels, EVENTS);
    const { pairs, chatters } = pairsOf(stream);
    rows.push({
      name: `workload: live chat on the ${channels.length} largest demo channels`,
      median_ms: 0,
      p95_ms: 0,
      runs: 0,
      note: `${fmt(EVENTS)} v1 events (channel login, user id, badges), ${fmt(pairs)} channel×chatter pairs, ${fmt(chatters)} chatters; ${PARTITIONS} partitions, keyed by channel`,
    });

    await bus.ensureTopics([
      { name: topic, partitions: PARTITIONS },
      { name: `${topic}.dlq`, partitions: PARTITIONS },
    ]);
    const publisher = await bus.publisher();
    await publisher.publish(topic, stream);
    await publisher.close();

    const workerRates: { label: string; rate: number }[] = [];
    for (const batch of [
      { size: 1_000, maxWaitMs: 500, label: 'batches of 1,000' },
      { size: 5_000, maxWaitMs: 500, label: 'batches of 5,000 (INGEST_BATCH_SIZE default)' },
    ]) {
      const results: RunResult[] = [];
      // Unmeasured rounds first: a freshly started server is still compiling its hot paths (its CPU per
      // event halves over the first few runs), so two before the first configuration, one before the next.
      const warmup = workerRates.length === 0 ? 2 : 1;
      for (let i = 0; i < RUNS + warmup; i += 1) {
        await fresh();
        const result = await measureRun(pids, (spent) =>
          ingestIntoBolt(bus as KafkaEventBus, timedGraph(graph, spent), topic, EVENTS, batch, groups),
        );
        if (i >= warmup) results.push(result);
      }
      const row = rowFor(
        `Kafka → Neo4j (IngestWorker → BoltGraphStore, ${agent}), live chat, ${fmt(EVENTS)} events, ${batch.label}`,
        EVENTS,
        results,
        ` (goal ≥ ${fmt(GOAL_PER_SECOND)})`,
      );
      row.note +=
        '; from the start, fresh group each run, demo graph re-imported before each run (not timed)';
      rows.push(row);
      workerRates.push({ label: fmt(batch.size), rate: perSecond(EVENTS, row.median_ms) });
    }

    const baseline: RunResult[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      await fresh();
      baseline.push(
        await measureRun(pids, (spent) =>
          perEventWorker(bus as KafkaEventBus, neo4jAt.url, topic, BASELINE_EVENTS, spent, groups),
        ),
      );
    }
    const baselineRow = rowFor(
      `Kafka → Neo4j one auto-commit MERGE per event (the seed's transform pattern, ${agent}), ${fmt(BASELINE_EVENTS)} events`,
      BASELINE_EVENTS,
      baseline,
      '',
    );
    rows.push(baselineRow);
    const baselineRate = perSecond(BASELINE_EVENTS, baselineRow.median_ms);
    const ratios = workerRates.map(
      ({ label, rate }) => `${(rate / baselineRate).toFixed(1)}× at batches of ${label}`,
    );
    rows.push({
      name: 'speed-up: IngestWorker over one query per event',
      median_ms: 0,
      p95_ms: 0,
      runs: RUNS,
      note: `${ratios.join(', ')} (goal ≥ ${GOAL_RATIO}×; the product default is 5,000); events/s over events/s, medians`,
    });
  } finally {
    await bus?.deleteGroups(groups).catch(() => undefined);
    await bus?.deleteTopics([topic, `${topic}.dlq`]).catch(() => undefined);
    await bus?.close();
    await store?.close();
    await kafka?.release();
    await neo4jAt.release();
  }
  return rows;
}
