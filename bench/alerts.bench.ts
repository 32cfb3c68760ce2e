/**
 * Live-alert figures (docs/alerts.md):
 *
 * - latency: from the K-th first-time chatter of a bot wave leaving the local Twitch IRC server to the
 *   alert's message accepted by the local Discord REST server (201/200 recorded), through the listener,
 *   the in-process bus, the ingest worker with the detector (default batch wait, 500 ms), the alerts
 *   topic, the consumer and the picture drawn for the post (test/support/alerts-rig.ts);
 * - cost: the in-process ingest benchmark's live-chat workload (bench/pipeline.bench.ts) with and without
 *   the detector, every channel with an alert rule and each chatter's first message in a channel marked
 *   `first-msg=1`. The graph starts empty, so everyone is new and busy channels do raise bot-wave alerts:
 *   their publishing is part of the cost measured.
 */
import { cpus, loadavg } from 'node:os';
import { decodeChatEvent, encodeChatEventBytes } from '../src/domain/chat-event.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import { AlertDetector } from '../src/ingest/alerts/alert-detector.js';
import type { OutgoingMessage } from '../src/ingest/bus/event-bus.port.js';
import { MemoryEventBus } from '../src/ingest/bus/memory-bus.js';
import { IngestWorker } from '../src/ingest/worker/ingest-worker.js';
import { silentLogger } from '../src/logging.js';
import { ingestMetrics } from '../src/observability/metrics.js';
import { ALERTS_DISCORD_CHANNEL, startAlertsRig } from '../test/support/alerts-rig.js';
import type { BenchRow } from './bench-kit.js';
import { measureWithCpu, percentile, round } from './bench-kit.js';
import { EVENTS, liveChat } from './pipeline.bench.js';

const K = 15;

function loadNote(): string {
  const [one, five] = loadavg();
  return `load average ${one?.toFixed(1)}/${five?.toFixed(1)} on ${cpus().length} cores`;
}

async function latencyRows(runs: number): Promise<BenchRow[]> {
  const rig = await startAlertsRig({
    rooms: { alpha: '1001' },
    env: { INGEST_BATCH_MAX_WAIT_MS: '500', ALERTS_COOLDOWN_SECONDS: '1' },
    async prepare(graph) {
      await graph.upsertStreamers([
        {
          id: '1001',
          login: 'alpha',
          displayName: 'alpha',
          game: null,
          language: null,
          url: 'https://www.twitch.tv/alpha',
          followers: 0,
          totalViewCount: 0,
          createdAt: null,
          description: '',
        },
      ]);
      await graph.setAlertRule({
        channel: 'alpha',
        discordChannel: ALERTS_DISCORD_CHANNEL,
        sensitivity: 'normal',
        requestedBy: 'bench',
        since: 0,
      });
    },
  });
  const times: number[] = [];
  try {
    await rig.joined(['alpha']);
    const t0 = Date.UTC(2026, 0, 1);
    for (let run = 0; run < runs + 1; run += 1) {
      // Each run its own wave: ten minutes of chat time after the last one, new accounts.
      const base = t0 + run * 600_000;
      const before = rig.posts().filter((r) => r.method === 'POST').length;
      let sentK = 0;
      for (let i = 0; i < K; i += 1) {
        rig.irc.chat({
          channel: 'alpha',
          user: { id: String(1_000_000 + run * 100 + i), login: `wave${run}_${i}` },
          firstMessage: true,
          sentAt: base + i * 1_000,
        });
        if (i === K - 1) sentK = performance.now();
        else await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await rig.discord.waitFor(() => rig.posts().filter((r) => r.method === 'POST').length > before, 30_000);
      if (run > 0) times.push(performance.now() - sentK); // the first run warms up
      await rig.detector.settled();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  } finally {
    await rig.close();
  }
  times.sort((a, b) => a - b);
  return [
    {
      name: `bot wave: K-th (${K}th) first-time chatter sent → alert accepted by Discord's REST server`,
      median_ms: round(percentile(times, 50)),
      p95_ms: round(percentile(times, 95)),
      runs: times.length,
      note: `local IRC + Discord servers, in-process bus, INGEST_BATCH_MAX_WAIT_MS=500, picture drawn per post; ${loadNote()}`,
    },
  ];
}

/**
 * The live-chat workload as the listener would publish it: channels named (`c<id>`, rules are by login)
 * and each chatter's first message in a channel marked as Twitch marks it.
 */
function asLiveChat(stream: readonly OutgoingMessage[]): OutgoingMessage[] {
  const seen = new Set<string>();
  return stream.map((m) => {
    const decoded = decodeChatEvent(m.value);
    if (!decoded.ok) return m;
    const { event } = decoded;
    const key = `${event.channel.id} ${event.user.login}`;
    const first = !seen.has(key);
    seen.add(key);
    const channel = { id: event.channel.id, login: `c${event.channel.id}` };
    return { ...m, value: encodeChatEventBytes({ ...event, channel, firstMessage: first }) };
  });
}

async function costRows(): Promise<BenchRow[]> {
  const stream = asLiveChat(liveChat(EVENTS).stream);
  const channels = new Set<string>();
  for (const m of stream) if (m.key !== null) channels.add(`c${m.key}`);
  const rows: BenchRow[] = [];
  const medians: number[] = [];
  let opened = 0;
  for (const detect of [false, true]) {
    const { row } = await measureWithCpu(
      `in-process bus → embedded store, live chat, ${EVENTS.toLocaleString('en-US')} events, detector ${detect ? 'on' : 'off'}`,
      async () => {
        const bus = new MemoryEventBus({ capacity: 100_000, keepLatestOnly: ['chatters.dlq', 'alerts'] });
        const graph = EmbeddedGraphStore.inMemory();
        for (const login of channels) {
          await graph.setAlertRule({
            channel: login,
            discordChannel: ALERTS_DISCORD_CHANNEL,
            sensitivity: 'normal',
            requestedBy: 'bench',
            since: 0,
          });
        }
        const publisher = await bus.publisher();
        const detector = detect
          ? new AlertDetector(
              {
                graph,
                logger: silentLogger,
                publish: (alert) =>
                  publisher.publish('alerts', [{ key: alert.id, value: Buffer.from(JSON.stringify(alert)) }]),
              },
              {
                windowMs: 60_000,
                cooldownMs: 300_000,
                raidWindowMs: 120_000,
                newAccountDays: 7,
                updateDelayMs: 2_000,
              },
            )
          : undefined;
        const worker: IngestWorker = new IngestWorker(
          {
            bus,
            graph,
            logger: silentLogger,
            metrics: ingestMetrics(),
            ...(detector === undefined ? {} : { observer: detector }),
          },
          {
            group: 'bench',
            topic: 'chatters',
            dlqTopic: 'chatters.dlq',
            partitions: 1,
            batchSize: 5_000,
            batchMaxWaitMs: 50,
          },
          (stats) => {
            if (stats.eventsIn >= EVENTS) worker.stop();
          },
        );
        const running = worker.run();
        await publisher.publish('chatters', stream);
        await running;
        if (detector !== undefined) {
          await detector.stop();
          opened = detector.stats.alertsOpened;
        }
        await bus.close();
      },
      { runs: 5, warmup: 1 },
    );
    medians.push(row.median_ms);
    rows.push(row);
  }
  const [off = NaN, on = NaN] = medians;
  rows.push({
    name: 'live-alert detector cost per chat event (in-process ingest, medians above)',
    median_ms: 0,
    p95_ms: 0,
    runs: 5,
    note: `with/without = ${(on / off).toFixed(2)}x; ${(((on - off) / EVENTS) * 1e6).toFixed(0)} ns more per event; ${channels.size} channels with rules, ${opened} alerts opened in the last run; ${loadNote()}`,
  });
  return rows;
}

export async function benchAlerts(): Promise<BenchRow[]> {
  return [...(await costRows()), ...(await latencyRows(20))];
}
