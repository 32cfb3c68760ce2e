/**
 * `twitchgraph start` (and `npm start`): the whole product in one process, on its embedded defaults.
 *
 * - the graph store (embedded unless GRAPH_URL) — on the first run the sample dataset in `data/` is
 *   imported, all but its chatters, which arrive through the pipeline instead so the graph visibly grows;
 * - the event bus (in-process unless KAFKA_BROKERS) and the ingest worker, with the live-alert detector;
 * - the alerts consumer: records alerts, shows them in the playground, posts them with the Discord bot;
 * - a chat source: the live Twitch listener when TWITCH_CHANNELS is set, else a gentle replay of
 *   `data/chatters.csv`;
 * - a front end: the Discord bot when DISCORD_TOKEN is set, else the local playground;
 * - the ops endpoints (/healthz, /readyz, /metrics) on OPS_PORT.
 *
 * SIGINT/SIGTERM stops the source, lets the worker write what is queued (bounded), then closes everything;
 * the embedded store saves on close, so the next start continues with the same graph.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatCount } from '../reply/format.js';
import type { ChatActivity } from '../domain/graph-records.js';
import type { Logger } from '../logging.js';
import type { GraphStore } from '../graph/graph-store.port.js';
import { openGraphStore } from '../graph/open/open-graph-store.js';
import type { EventBus } from '../ingest/bus/event-bus.port.js';
import { MemoryEventBus } from '../ingest/bus/memory-bus.js';
import { openEventBus } from '../ingest/bus/open-event-bus.js';
import { replayChatters } from '../ingest/replay/replay.js';
import type { LiveListener } from '../ingest/twitch/live-listener.js';
import { startLiveListener } from '../ingest/twitch/live-listener.js';
import { IngestWorker, workerOptionsFrom } from '../ingest/worker/ingest-worker.js';
import { InMemoryIngestActivity } from '../playground/ingest-activity.js';
import { createAlertDetector, startAlertConsumer } from './alerts-wiring.js';
import type { CliContext } from './cli-context.js';
import { EXIT, logConnectRetry } from './cli-context.js';
import { importWithReport, summaryText } from './import.cli.js';
import { wholeNumberOption } from './option-parsers.js';
import { SAMPLE_DATA_DIR } from './package-paths.js';
import { startRoleOps } from './role-ops.js';
import { firstImportNeeded, recordFirstImport, startImportedHere } from './start-import-state.js';
import {
  recordPublished,
  recordReplayStart,
  replayedSoFar,
  sampleStartedHere,
} from './start-replay-state.js';
import { onStopSignal } from './stop-signals.js';
import { untilAborted } from './until-signal.js';

export interface StartOptions {
  data: string;
  /** Replayed chat events per second when no Twitch channels are configured. */
  rate: number;
}

export interface StartControl {
  /** Stops like SIGINT does (tests). */
  signal?: AbortSignal;
  /** Called once everything runs, with where to look. */
  onReady?: (ready: { frontEnd: string; ops: string }) => void;
}

/** Time the worker gets after a stop to write what is already queued. */
const DRAIN_MS = 10_000;

/** Channel logins for the activity panel: live events carry them; replayed ones only the channel id. */
function channelNamer(graph: GraphStore): (rows: readonly ChatActivity[]) => Promise<string[]> {
  const known = new Map<string, string>();
  return async (rows) => {
    const names: string[] = [];
    for (const row of rows) {
      let name = row.channelLogin ?? known.get(row.channelId);
      if (name === undefined) {
        name = (await graph.findStreamer(row.channelId))?.login || `#${row.channelId}`;
        known.set(row.channelId, name);
      }
      names.push(name);
    }
    return names;
  };
}

/**
 * Where the replay of `file` goes on: the events the graph holds, read from the worker's stored offset on
 * the in-process bus's one partition (see start-replay-state.ts), recorded durably before the first event
 * is published. Kafka keeps what was published, and spreads it over several partitions: there the replay
 * goes on after what earlier starts published (`published` in the record, written when the replay stops).
 */
async function replayStartingPoint(
  config: CliContext['config'],
  graph: GraphStore,
  bus: EventBus,
  file: string,
): Promise<number> {
  const topic = config.kafka.topic;
  if (bus.kind !== 'memory') return replayedSoFar(config.dataDir, file, null);
  await bus.ensureTopics([{ name: topic, partitions: 1 }]);
  const stored = await graph.readOffsets(config.kafka.groupId, topic);
  const next = stored.find((o) => o.partition === 0)?.offset;
  const earlier = await replayedSoFar(config.dataDir, file, next === undefined ? null : BigInt(next));
  const [end] = await bus.endOffsets(topic);
  if (end === undefined) throw new Error(`the in-process bus has no topic ${topic}`);
  await recordReplayStart(config.dataDir, file, BigInt(end.offset), earlier);
  return earlier;
}

export async function runStart(
  context: CliContext,
  options: StartOptions,
  control: StartControl = {},
): Promise<number> {
  const { config, io, logger } = context;
  const stop = new AbortController();
  control.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const disposeSignals = onStopSignal(io, () => stop.abort());
  const closers: (() => Promise<unknown>)[] = [];
  /** Closes in reverse order of opening; the first failure is what the exit reports. */
  const closeAll = async (): Promise<unknown> => {
    let failure: unknown;
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'error while shutting down');
        failure ??= error;
      }
    }
    return failure;
  };

  try {
    const graph = await openGraphStore(config, {
      command: 'twitchgraph start',
      onConnectRetry: logConnectRetry(logger),
      onSaveError: (error) => logger.error({ err: error }, 'saving the graph snapshot failed; will retry'),
    });
    closers.push(() => graph.close());

    const chatters = join(options.data, 'chatters.csv');
    const live = config.twitch.channels.length > 0;
    const firstRun = await firstImportNeeded(config.dataDir, (await graph.counts()).nodes === 0);
    if (firstRun) {
      await recordFirstImport(config.dataDir, 'begun');
      io.err(
        `First run: importing the sample dataset from ${options.data}` +
          (live ? '\n' : ' (its chatters follow through the pipeline, so the graph grows while you watch)\n'),
      );
      const summary = await importWithReport(io, graph, {
        data: options.data,
        ...(live ? {} : { skip: ['chatters'] as const }),
      });
      io.err(summaryText(summary));
      await recordFirstImport(config.dataDir, 'done');
    }
    // This store is the sample's when start imported it (the record stays) or replayed into it before.
    const ownSample =
      firstRun ||
      (await startImportedHere(config.dataDir)) ||
      (await sampleStartedHere(config.dataDir, chatters));

    const bus: EventBus = await openEventBus(config, logger);
    closers.push(() => bus.close());
    const activity = new InMemoryIngestActivity();
    // Live alerts (docs/ARCHITECTURE.md, "Live alerts"): recorded, shown in the playground, and posted
    // to Discord when a bot token is set. Pushed before the worker so they stop after it has drained.
    const { alertPosterFor } = await import('../discord/alert-poster.js');
    const poster = alertPosterFor(config);
    const alerts = startAlertConsumer({
      config,
      graph,
      bus,
      logger,
      ...(poster === null ? {} : { poster }),
      onAlert: (alert) =>
        activity.recordAlert({
          id: alert.id,
          kind: alert.kind,
          channel: alert.channel.login,
          title: alert.title,
          version: alert.version,
          updatedAt: alert.updatedAt,
        }),
    });
    closers.push(() => alerts.stop());
    const detector = await createAlertDetector({ config, graph, bus, logger });
    closers.push(() => detector.stop());
    const nameChannels = channelNamer(graph);
    const worker = new IngestWorker(
      { bus, graph, logger, observer: detector },
      workerOptionsFrom(config),
      (_stats, rows) => {
        if (rows === undefined || rows.length === 0) return;
        const events = rows.reduce((sum, r) => sum + r.messages, 0);
        void nameChannels(rows)
          .then((channels) => activity.record({ events, chatters: rows.map((r) => r.login), channels }))
          .catch((error: unknown) => logger.debug({ err: error }, 'activity panel update failed'));
      },
    );
    const workerRun = worker.run().catch((error: unknown) => {
      logger.error({ err: error }, 'the ingest worker stopped');
      stop.abort();
      return null;
    });
    closers.push(async () => {
      // In process, queued events exist nowhere else: let the worker write them (bounded) before it stops.
      // Kafka keeps them for the next run.
      const deadline = performance.now() + DRAIN_MS;
      while (
        bus instanceof MemoryEventBus &&
        bus.peek(config.kafka.topic).length > 0 &&
        performance.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      worker.stop();
      await workerRun;
    });

    // The chat source.
    let source: string;
    let listener: LiveListener | undefined;
    const replayStop = new AbortController();
    if (live) {
      listener = await startLiveListener(config, {
        bus,
        logger,
        readMonitored: async () => (await graph.monitoredChannels()).map((c) => c.login),
        onBusFailure: () => stop.abort(),
      });
      const running = listener;
      closers.push(() => running.close());
      source = `listening to Twitch chat in ${config.twitch.channels.join(', ')} (and channels added with /monitor)`;
    } else if (!ownSample) {
      source =
        'no chat source: the graph already holds data that start did not import, and the sample replay ' +
        'would mix into it (set TWITCH_CHANNELS for live chat, or an empty TWITCHGRAPH_DATA_DIR for the sample)';
    } else if (existsSync(chatters)) {
      const publisher = await bus.publisher();
      closers.push(() => publisher.close());
      const earlier = await replayStartingPoint(config, graph, bus, chatters);
      const replaying = replayChatters(publisher, {
        file: chatters,
        topic: config.kafka.topic,
        intervalMs: 1000 / options.rate,
        skipEvents: earlier,
        signal: replayStop.signal,
        onReject: (r) => logger.warn(r, 'replay: bad line skipped'),
      })
        .then(async (summary) => {
          if (bus.kind !== 'memory')
            await recordPublished(config.dataDir, chatters, earlier + summary.published);
          if (summary.stopped) return;
          logger.info(
            { published: summary.published, earlier },
            summary.published === 0
              ? 'the sample chatters were all replayed by earlier starts; set TWITCH_CHANNELS for live chat'
              : 'replay of the sample chatters finished',
          );
        })
        .catch((error: unknown) => logger.error({ err: error }, 'replay failed'));
      closers.push(async () => {
        replayStop.abort();
        await replaying;
      });
      source =
        `replaying ${chatters} at ${formatCount(options.rate)} events/s` +
        (earlier > 0 ? `, after the ${formatCount(earlier)} events earlier starts replayed` : '');
    } else {
      source = 'no chat source (set TWITCH_CHANNELS, or keep data/chatters.csv for a replay)';
    }

    // The front end.
    let frontEnd: string;
    if (config.discord.token !== undefined) {
      const { createBot } = await import('../discord/bot.js');
      const bot = createBot({ config, graph, logger });
      await bot.login();
      closers.push(() => bot.close());
      frontEnd = 'Discord bot (slash commands in the servers it is in)';
    } else {
      const { startPlayground } = await import('../playground/playground-server.js');
      const playground = await startPlayground({ config, graph, activity, logger });
      closers.push(() => playground.close());
      frontEnd = `playground ${playground.url}`;
    }

    // `twitchgraph ask` in another terminal is answered here while start runs (ask-via-start.ts).
    const { startAskServer } = await import('./ask-via-start.js');
    const { buildRegistry } = await import('../commands/registry.js');
    const askServer = await startAskServer({
      dataDir: config.dataDir,
      graph,
      registry: buildRegistry(),
      extraBotLogins: config.bots.extraLogins,
      logger,
    });
    closers.push(() => askServer.close());

    const ops = await startRoleOps(context, 'start', { graph, bus });
    if (ops !== undefined) closers.push(() => ops.close());

    const counts = await graph.counts();
    io.out(
      `twitchgraph is running: ${formatCount(counts.nodes)} nodes, ${formatCount(counts.relationships)} relationships ` +
        `(${graph.backend} store${graph.backend === 'embedded' ? ` in ${config.dataDir}` : ''}, ${bus.kind === 'memory' ? 'in-process' : 'Kafka'} bus).\n` +
        `  front end  ${frontEnd}\n` +
        `  chat       ${source}\n` +
        (ops === undefined ? '' : `  ops        ${ops.url}/healthz  /readyz  /metrics\n`) +
        `  also       npx twitchgraph ask "/top games 10" (another terminal: this process answers it)\n` +
        'Ctrl-C stops it; the graph is kept for the next start.\n',
    );
    control.onReady?.({ frontEnd, ops: ops?.url ?? '' });
    // The first /streamer or /communities would otherwise compute them while someone waits.
    void warmInBackground(graph, config.bots.extraLogins, logger);
    await untilAborted(stop.signal);
    io.err('twitchgraph: stopping: the chat source, then the queued events, then the store\n');
  } finally {
    // Signals stay handled until everything is saved: a second Ctrl-C must not kill the save.
    const failure = await closeAll();
    disposeSignals();
    if (failure !== undefined) {
      io.err(`twitchgraph: stopped, but not cleanly: ${oneLine(failure)}\n`);
      // eslint-disable-next-line no-unsafe-finally -- the failed save decides the exit code
      return EXIT.failed;
    }
  }
  io.err('twitchgraph: stopped; the graph is saved\n');
  return EXIT.ok;
}

/** Bot flags, communities, PageRank and betweenness computed once `start` is up (warm-derived.ts). */
async function warmInBackground(
  graph: GraphStore,
  extraBotLogins: readonly string[],
  logger: Logger,
): Promise<void> {
  const started = performance.now();
  try {
    const { warmDerivedResults } = await import('../commands/warm-derived.js');
    const computed = await warmDerivedResults(graph, { extraBotLogins });
    if (computed.length > 0)
      logger.info({ computed, ms: Math.round(performance.now() - started) }, 'whole-graph results ready');
  } catch (error) {
    // A store closing under it (Ctrl-C during the warm-up) or a failing read: the first question computes.
    logger.debug({ err: error }, 'whole-graph results not computed ahead');
  }
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

export function registerStart(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('start')
    .description(
      'Run everything in one process on the embedded defaults: store, pipeline, chat source, playground or bot',
    )
    .option(
      '--data <dir>',
      'sample dataset imported into an empty graph, and whose chatters are replayed',
      SAMPLE_DATA_DIR,
    )
    .option(
      '--rate <events/s>',
      'replay rate when no Twitch channels are configured',
      wholeNumberOption(1, 100_000),
      25,
    )
    .action(async (options: StartOptions) => setExit(await runStart(context(), options)));
}
