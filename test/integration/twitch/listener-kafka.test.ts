/**
 * The live listener through real Kafka: `twitchgraph listen` with KAFKA_BROKERS publishes a scripted chat
 * session from the test chat server, an ingest worker reads the topic into the graph, and the graph holds the
 * expected CHATTER counts and VIP/MODERATOR edges. The monitored set comes from the embedded store's snapshot
 * written by another process; a broker that goes away meanwhile costs nothing: the listener holds the events.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { EXIT } from '../../../src/cli/cli-context.js';
import { runListen } from '../../../src/cli/listen.cli.js';
import { loadConfig } from '../../../src/config.js';
import { EmbeddedGraphStore } from '../../../src/graph/embedded/embedded-store.js';
import type { IngestStats } from '../../../src/ingest/worker/ingest-worker.js';
import { IngestWorker } from '../../../src/ingest/worker/ingest-worker.js';
import type { LiveListener } from '../../../src/ingest/twitch/live-listener.js';
import { emptyBoltStore } from '../../support/bolt.js';
import { chatterEdges, totalMessages } from '../../support/chat-events.js';
import { playSession, SESSION_EXPECTED, SESSION_ROOMS } from '../../support/chat-session.js';
import { useTempDirs } from '../../support/temp-dir.js';
import { TwitchIrcTestServer } from '../../support/twitch-irc-server.js';
import {
  canRestartBroker,
  kafkaBrokers,
  startBroker,
  stopBroker,
  testLogger,
  useKafka,
} from '../support/kafka.js';
import { waitFor } from '../support/pipeline.js';

const kafka = useKafka();
const tempDir = useTempDirs('twitchgraph-listen-kafka-');

interface Setup {
  server: TwitchIrcTestServer;
  dataDir: string;
  names: { topic: string; dlq: string; group: string };
  context: CliContext;
  output: () => string;
}

async function setup(extraEnv: Record<string, string> = {}): Promise<Setup> {
  const server = await TwitchIrcTestServer.start({ roomIds: SESSION_ROOMS });
  const dataDir = tempDir();
  const names = { topic: kafka.topic(), dlq: kafka.topic('dlq'), group: kafka.group() };
  let output = '';
  const context: CliContext = {
    config: loadConfig({
      env: {
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: names.topic,
        KAFKA_DLQ_TOPIC: names.dlq,
        KAFKA_GROUP_ID: names.group,
        KAFKA_PARTITIONS: '3',
        TWITCHGRAPH_DATA_DIR: dataDir,
        TWITCH_IRC_URL: server.url,
        TWITCH_CHANNELS: 'alpha,beta',
        TWITCH_MONITOR_POLL_MS: '200',
        ...extraEnv,
      },
      dotenv: false,
    }),
    logger: testLogger(),
    io: { out: (t) => (output += t), err: (t) => (output += t), errIsTTY: false },
  };
  return { server, dataDir, names, context, output: () => output };
}

/** What `/monitor add|remove` does, from another process than the listener: the writer's snapshot. */
async function setMonitored(dataDir: string, login: string, wanted: boolean): Promise<void> {
  const store = await EmbeddedGraphStore.open({ dataDir, command: 'test /monitor' });
  await store.setMonitoredChannel(login, wanted, 'tester#0001');
  await store.close();
}

function startWorker(names: Setup['names'], store: EmbeddedGraphStore) {
  const worker = new IngestWorker(
    { bus: kafka.bus(), graph: store, logger: testLogger() },
    {
      group: names.group,
      topic: names.topic,
      dlqTopic: names.dlq,
      partitions: 3,
      batchSize: 100,
      batchMaxWaitMs: 50,
    },
  );
  return { worker, running: worker.run() };
}

describe('live listener through Kafka', () => {
  it('listen publishes a chat session to Kafka; the worker turns it into CHATTER/VIP/MODERATOR edges', async () => {
    const { server, dataDir, names, context, output } = await setup();
    try {
      await setMonitored(dataDir, 'gamma', true);
      const stop = new AbortController();
      let live: LiveListener | undefined;
      const listening = runListen(context, {}, { signal: stop.signal, onStarted: (l) => (live = l) });
      await server.waitFor('JOIN of alpha, beta and the monitored gamma', () =>
        ['alpha', 'beta', 'gamma'].every((c) => server.audience(c).length === 1),
      );
      const store = EmbeddedGraphStore.inMemory();
      const { worker, running } = startWorker(names, store);

      playSession(server);
      await waitFor(
        '13 events applied',
        () => worker.stats.applied >= 13,
        60_000,
        () => JSON.stringify(worker.stats),
      );
      expect(await chatterEdges(store, ['1001', '1002', '1003'])).toEqual(SESSION_EXPECTED.chatters);
      for (const [id, vips] of Object.entries(SESSION_EXPECTED.vips)) {
        const hood = await store.neighbourhood(id, { chatterLimit: 100 });
        expect(hood?.vips).toEqual(vips);
        expect(hood?.moderators).toEqual(
          SESSION_EXPECTED.moderators[id as keyof typeof SESSION_EXPECTED.moderators],
        );
      }

      // /monitor remove in the process that writes the graph: the listener parts within its poll interval.
      await setMonitored(dataDir, 'gamma', false);
      await server.waitFor('PART #gamma', () => server.audience('gamma').length === 0, 5_000);
      expect(live?.listener.channels().map((c) => c.login)).toEqual(['alpha', 'beta']);

      stop.abort();
      expect(await listening).toBe(EXIT.ok);
      expect(output()).toContain(`events go to topic ${names.topic} on Kafka`);
      expect(output()).toContain('13 events published');
      worker.stop();
      const stats: IngestStats = await running;
      expect(stats.applied).toBe(13);
      expect(stats.deadLettered).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('with GRAPH_URL, follows the /monitor set kept in the Bolt database (Neo4j here)', async () => {
    const url = inject('neo4jUrl');
    const bolt = await emptyBoltStore(url);
    const { server, context } = await setup({ GRAPH_URL: url });
    const stop = new AbortController();
    const listening = runListen(context, {}, { signal: stop.signal });
    try {
      await bolt.setMonitoredChannel('gamma', true, 'tester#0001');
      await server.waitFor('JOIN #gamma', () => server.audience('gamma').length === 1, 5_000);
      await bolt.setMonitoredChannel('gamma', false, 'tester#0001');
      await server.waitFor('PART #gamma', () => server.audience('gamma').length === 0, 5_000);
      expect(server.audience('alpha')).toHaveLength(1);
      stop.abort();
      expect(await listening).toBe(EXIT.ok);
    } finally {
      stop.abort();
      await listening.catch(() => undefined);
      await bolt.close();
      await server.close();
    }
  });

  it.skipIf(!canRestartBroker())(
    'holds chat events while the broker is down and delivers them once it is back',
    async () => {
      const { server, names, context } = await setup();
      const stop = new AbortController();
      let live: LiveListener | undefined;
      const listening = runListen(context, {}, { signal: stop.signal, onStarted: (l) => (live = l) });
      const store = EmbeddedGraphStore.inMemory();
      const { worker, running } = startWorker(names, store);
      try {
        await server.waitFor('JOINs', () => ['alpha', 'beta'].every((c) => server.audience(c).length === 1));
        const say = (n: number) => {
          for (let i = 0; i < n; i += 1) {
            server.chat({
              channel: i % 2 === 0 ? 'alpha' : 'beta',
              user: { id: '77', login: `viewer${i % 5}` },
              id: randomUUID(),
            });
          }
        };
        say(20);
        await waitFor('first 20 applied', () => worker.stats.applied >= 20, 60_000);

        await stopBroker();
        say(30);
        await waitFor(
          '30 events held by the listener',
          () => (live?.forwarder.stats.buffered ?? 0) > 0,
          30_000,
        );
        expect(live?.listener.connected).toBe(true); // chat is still read while the bus is away
        await startBroker();

        await waitFor(
          'all 50 applied',
          async () => (await totalMessages(store, ['1001', '1002'])) >= 50,
          100_000,
          async () =>
            JSON.stringify({
              ...live?.forwarder.stats,
              inGraph: await totalMessages(store, ['1001', '1002']),
            }),
        );
        expect(live?.forwarder.stats).toEqual({ published: 50, dropped: 0, buffered: 0 });
        stop.abort();
        expect(await listening).toBe(EXIT.ok);
        expect(await totalMessages(store, ['1001', '1002'])).toBe(50);
      } finally {
        stop.abort();
        await listening.catch(() => undefined);
        worker.stop();
        await running.catch(() => undefined);
        await server.close();
      }
    },
    240_000,
  );
});
