/**
 * The live alerts end to end, on real parts and local servers: a Twitch IRC server → the live listener and
 * its forwarder → the in-process bus → the ingest worker with the alert detector → the alerts topic → the
 * alerts consumer → Discord's REST API (the local server, which checks what it gets against Discord's
 * limits). Shared by test/alerts/ and bench/alerts.bench.ts.
 */
import type { Config } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { alertPosterFor } from '../../src/discord/alert-poster.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { AlertDetector } from '../../src/ingest/alerts/alert-detector.js';
import type { RunningAlertConsumer } from '../../src/cli/alerts-wiring.js';
import { createAlertDetector, startAlertConsumer } from '../../src/cli/alerts-wiring.js';
import { MemoryEventBus } from '../../src/ingest/bus/memory-bus.js';
import type { LiveListener } from '../../src/ingest/twitch/live-listener.js';
import { startLiveListener } from '../../src/ingest/twitch/live-listener.js';
import { IngestWorker, workerOptionsFrom } from '../../src/ingest/worker/ingest-worker.js';
import type { Logger } from '../../src/logging.js';
import { silentLogger } from '../../src/logging.js';
import type { RecordedRequest } from './fake-discord.js';
import { FakeDiscord } from './fake-discord.js';
import { TwitchIrcTestServer } from './twitch-irc-server.js';

export const ALERTS_DISCORD_CHANNEL = '1300000000000000042';

export interface AlertsRig {
  config: Config;
  graph: EmbeddedGraphStore;
  bus: MemoryEventBus;
  irc: TwitchIrcTestServer;
  discord: FakeDiscord;
  detector: AlertDetector;
  worker: IngestWorker;
  consumer: RunningAlertConsumer;
  listener: LiveListener;
  /** POSTs and PATCHes of channel messages the local Discord accepted, in arrival order. */
  posts(): RecordedRequest[];
  /** Wait until every channel in `channels` is joined by the listener. */
  joined(channels: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface AlertsRigOptions {
  /** Channel logins the listener joins, and their room ids. */
  rooms: Readonly<Record<string, string>>;
  /** Fills the graph before anything starts (seed, rules). */
  prepare?: (graph: EmbeddedGraphStore) => Promise<void>;
  env?: Readonly<Record<string, string>>;
  logger?: Logger;
}

export async function startAlertsRig(options: AlertsRigOptions): Promise<AlertsRig> {
  const logger = options.logger ?? silentLogger;
  const irc = await TwitchIrcTestServer.start({ roomIds: options.rooms });
  const discord = await FakeDiscord.start();
  const config = loadConfig({
    env: {
      TWITCH_CHANNELS: Object.keys(options.rooms).join(','),
      TWITCH_IRC_URL: irc.url,
      TWITCH_JOIN_LIMIT: '1000',
      DISCORD_TOKEN: 'test-bot-token',
      DISCORD_APP_ID: '1200000000000000001',
      DISCORD_API_URL: discord.url,
      ALERTS_UPDATE_DELAY_MS: '100',
      INGEST_BATCH_MAX_WAIT_MS: '20',
      ...options.env,
    },
    dotenv: false,
  });
  const graph = EmbeddedGraphStore.inMemory();
  await options.prepare?.(graph);
  const bus = new MemoryEventBus({ capacity: 100_000, firstOffset: 0 });
  const detector = await createAlertDetector({ config, graph, bus, logger });
  await detector.refreshRules();
  const worker = new IngestWorker({ bus, graph, logger, observer: detector }, workerOptionsFrom(config));
  const workerRun = worker.run();
  const poster = alertPosterFor(config) ?? undefined;
  const consumer = startAlertConsumer({
    config,
    graph,
    bus,
    logger,
    ...(poster === undefined ? {} : { poster }),
  });
  const listener = await startLiveListener(config, { bus, logger });
  return {
    config,
    graph,
    bus,
    irc,
    discord,
    detector,
    worker,
    consumer,
    listener,
    posts: () =>
      discord.requests.filter((r) => /^\/channels\/\d+\/messages/.test(r.path) && r.status === 200),
    async joined(channels) {
      await irc.waitFor(
        `JOIN of ${channels.length} channels`,
        () => channels.every((c) => irc.audience(c).length > 0),
        30_000,
      );
    },
    async close() {
      await listener.close(2_000);
      worker.stop();
      await workerRun;
      await detector.stop();
      await consumer.stop();
      await bus.close();
      await graph.close();
      await irc.close();
      await discord.close();
    },
  };
}

/** The embed of a recorded message request. */
export function embedOf(request: RecordedRequest): { title: string; description: string } {
  const body = request.body as { embeds?: { title?: string; description?: string }[] };
  const embed = body.embeds?.[0];
  return { title: embed?.title ?? '', description: embed?.description ?? '' };
}

export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
