/**
 * `twitchgraph listen [--channel LOGIN…]`: the live listener, until SIGINT/SIGTERM.
 *
 * Joins TWITCH_CHANNELS, the channels given here and the monitored set in the graph (`/monitor add|remove`,
 * read every TWITCH_MONITOR_POLL_MS). With KAFKA_BROKERS it publishes chat events to Kafka for a running
 * `twitchgraph ingest`; without, it runs the in-process bus and the ingest worker here, so events land in the
 * configured store. Message text is never stored or published.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatCount } from '../reply/format.js';
import type { Config } from '../config.js';
import { EmbeddedGraphStore, SNAPSHOT_FILE } from '../graph/embedded/embedded-store.js';
import type { GraphStore } from '../graph/graph-store.port.js';
import { openGraphStore } from '../graph/open/open-graph-store.js';
import type { EventBus } from '../ingest/bus/event-bus.port.js';
import { EventBusError } from '../ingest/bus/event-bus.port.js';
import { openEventBus } from '../ingest/bus/open-event-bus.js';
import { ListenerError } from '../ingest/twitch/chat-listener.js';
import type { LiveListener } from '../ingest/twitch/live-listener.js';
import { startLiveListener } from '../ingest/twitch/live-listener.js';
import type { IngestStats } from '../ingest/worker/ingest-worker.js';
import { IngestError, IngestWorker, workerOptionsFrom } from '../ingest/worker/ingest-worker.js';
import type { Logger } from '../logging.js';
import type { CliContext } from './cli-context.js';
import { EXIT } from './cli-context.js';
import { statsText } from './ingest.cli.js';
import type { OpsServer } from '../observability/ops-server.js';
import { startRoleOps } from './role-ops.js';
import { onStopSignal } from './stop-signals.js';
import { untilAborted } from './until-signal.js';

export interface ListenCliOptions {
  /** Channels to join besides TWITCH_CHANNELS. */
  channel?: string[];
}

export interface ListenControl {
  /** Stops the listener like SIGINT does (tests, embedding). */
  signal?: AbortSignal;
  /** Called once the listener runs, with the running listener (for `join`/`part`/`channels`). */
  onStarted?: (live: LiveListener) => void;
}

/** How often a running listener logs its totals. */
const PROGRESS_LOG_MS = 60_000;
/** After a stop: time to publish buffered events, and for the in-process worker to apply them. */
const DRAIN_MS = 15_000;

interface MonitoredSource {
  read(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The monitored channels when another process writes the graph (Kafka mode). A Bolt store is simply asked; the
 * embedded store's snapshot is loaded again whenever its writer (`ingest`, `start`) has saved a new one —
 * a full read of the snapshot, so with a large embedded graph the listener pays for every save it sees.
 */
async function externalMonitoredSource(config: Config): Promise<MonitoredSource> {
  if (config.graph.url !== undefined) {
    const store = await openGraphStore(config, { command: 'twitchgraph listen', readOnly: true });
    return {
      read: async () => (await store.monitoredChannels()).map((c) => c.login),
      close: () => store.close(),
    };
  }
  const file = join(config.dataDir, SNAPSHOT_FILE);
  let store: EmbeddedGraphStore | undefined;
  let seen = -1;
  return {
    async read() {
      const mtime = await stat(file).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (store === undefined || mtime !== seen) {
        const fresh = await EmbeddedGraphStore.open({ dataDir: config.dataDir, readOnly: true });
        await store?.close();
        store = fresh;
        seen = mtime;
      }
      return (await store.monitoredChannels()).map((c) => c.login);
    },
    close: async () => store?.close(),
  };
}

/** Resolves once the worker has taken `target` messages, the worker ends, or `timeoutMs` passes. */
async function workerCaughtUp(
  worker: IngestWorker,
  target: () => number,
  running: Promise<unknown>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let ended = false;
  void running.finally(() => (ended = true));
  while (worker.stats.eventsIn < target() && !ended && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker.stats.eventsIn >= target();
}

function progressLogger(logger: Logger, live: LiveListener): NodeJS.Timeout {
  let last = { messages: 0, at: performance.now() };
  const timer = setInterval(() => {
    const now = performance.now();
    const { messages } = live.listener.stats;
    const channels = live.listener.channels();
    logger.info(
      {
        messages,
        perSecond: Math.round(((messages - last.messages) * 1000) / (now - last.at)),
        channelsJoined: channels.filter((c) => c.state === 'joined').length,
        channelsWanted: channels.length,
        connected: live.listener.connected,
        ...live.forwarder.stats,
      },
      'listener progress',
    );
    last = { messages, at: now };
  }, PROGRESS_LOG_MS);
  timer.unref();
  return timer;
}

export async function runListen(
  context: CliContext,
  options: ListenCliOptions = {},
  control: ListenControl = {},
): Promise<number> {
  const { config, io, logger } = context;
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  control.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (control.signal?.aborted === true) stop.abort();
  const dispose = onStopSignal(io, () => stop.abort());
  const started = performance.now();
  let bus: EventBus | undefined;
  let graph: GraphStore | undefined;
  let monitored: MonitoredSource | undefined;
  let live: LiveListener | undefined;
  let worker: IngestWorker | undefined;
  let workerRun: Promise<IngestStats | null> | undefined;
  let failure: unknown;
  let progressTimer: NodeJS.Timeout | undefined;
  let ops: OpsServer | undefined;
  try {
    bus = await openEventBus(config, logger);
    const inProcess = bus.kind === 'memory';
    if (inProcess) {
      graph = await openGraphStore(config, {
        command: 'twitchgraph listen',
        onSaveError: (error) => logger.error({ err: error }, 'saving the graph snapshot failed; will retry'),
      });
      const store = graph;
      monitored = {
        read: async () => (await store.monitoredChannels()).map((c) => c.login),
        close: () => Promise.resolve(),
      };
      const running = new IngestWorker({ bus, graph, logger }, workerOptionsFrom(config));
      worker = running;
      const runningBus = bus;
      workerRun = running.run().catch((error: unknown) => {
        // Nobody drains the in-process queue any more: stop listening and report why.
        failure ??= error;
        stop.abort();
        void runningBus.close();
        return null;
      });
    } else {
      // Another process (`ingest`) writes the graph; this one only reads the monitored set from it.
      monitored = await externalMonitoredSource(config);
    }
    const source = monitored;
    live = await startLiveListener(config, {
      bus,
      logger,
      readMonitored: () => source.read(),
      extraChannels: options.channel ?? [],
      onBusFailure: (error) => {
        failure ??= error;
        stop.abort();
      },
    });
    const running = live;
    void running.listener.finished.then((error) => {
      if (error === undefined) return;
      failure ??= error;
      stop.abort();
    });
    const where = inProcess
      ? `through the in-process bus into the ${graph?.backend ?? 'embedded'} store`
      : `to topic ${config.kafka.topic} on Kafka ${config.kafka.brokers.join(',')}`;
    io.err(`twitchgraph listen: listening to Twitch chat, events go ${where}; Ctrl-C to stop\n`);
    control.onStarted?.(running);
    progressTimer = progressLogger(logger, running);
    ops = await startRoleOps(context, 'listen', { bus, ...(graph === undefined ? {} : { graph }) });

    await untilAborted(stop.signal);

    const totals = await running.close(DRAIN_MS);
    live = undefined;
    let ingest: IngestStats | null = null;
    if (worker !== undefined && workerRun !== undefined) {
      const published = totals.forwarder.published;
      const caughtUp = await workerCaughtUp(worker, () => published, workerRun, DRAIN_MS);
      if (!caughtUp && failure === undefined)
        logger.warn('the ingest worker had not applied every event in time');
      worker.stop();
      ingest = await workerRun;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const l = totals.listener;
    const f = totals.forwarder;
    io.out(
      `Listened for ${seconds} s: ${formatCount(l.messages)} chat messages` +
        ` (${formatCount(l.duplicates)} duplicates dropped, ${formatCount(l.invalid)} unreadable lines),` +
        ` ${formatCount(l.joinsSent)} JOINs, ${formatCount(l.reconnects)} reconnects;` +
        ` ${formatCount(f.published)} events published ${where}, ${formatCount(f.dropped)} dropped.\n`,
    );
    if (ingest !== null) io.out(`Ingest: ${statsText(ingest)}.\n`);
    if (failure !== undefined) {
      throw failure instanceof Error ? failure : new Error('the listener failed', { cause: failure });
    }
    return f.dropped > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (error instanceof ListenerError || error instanceof EventBusError || error instanceof IngestError) {
      io.err(`twitchgraph listen: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    clearInterval(progressTimer);
    control.signal?.removeEventListener('abort', onOuterAbort);
    await ops?.close();
    await live?.close(0);
    worker?.stop();
    await workerRun;
    await bus?.close();
    await monitored?.close();
    // Signals stay handled until the store is saved: a second Ctrl-C must not kill the save.
    await graph?.close();
    dispose();
  }
}

export function registerListen(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('listen')
    .description(
      'Listen to Twitch chat (TWITCH_CHANNELS, --channel, and the /monitor set) and publish chat events; ' +
        'without KAFKA_BROKERS they are ingested into the graph in this process. Until SIGINT/SIGTERM',
    )
    .option(
      '--channel <login>',
      'a channel to join besides TWITCH_CHANNELS (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (options: ListenCliOptions) => setExit(await runListen(context(), options)));
}
