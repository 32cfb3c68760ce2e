/**
 * `twitchgraph replay --file F [--interval 1s | --rate N]`: publish a chatters file as chat events.
 *
 * With Kafka configured it only produces (a running `twitchgraph ingest` applies them). Without Kafka it
 * runs the in-process bus and the ingest worker here, against the configured store, and returns once every
 * event is in the graph.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { formatCount } from '../reply/format.js';
import type { GraphStore } from '../graph/graph-store.port.js';
import { openGraphStore } from '../graph/open/open-graph-store.js';
import type { EventBus } from '../ingest/bus/event-bus.port.js';
import { EventBusError } from '../ingest/bus/event-bus.port.js';
import { openEventBus } from '../ingest/bus/open-event-bus.js';
import { ChattersFileError } from '../ingest/replay/chatters-file.js';
import type { ReplayProgress, ReplaySummary } from '../ingest/replay/replay.js';
import { replayChatters } from '../ingest/replay/replay.js';
import type { IngestStats } from '../ingest/worker/ingest-worker.js';
import { IngestError, IngestWorker, workerOptionsFrom } from '../ingest/worker/ingest-worker.js';
import type { CliContext } from './cli-context.js';
import { EXIT, logConnectRetry } from './cli-context.js';
import { statsText } from './ingest.cli.js';
import { durationOption, positiveNumberOption } from './option-parsers.js';
import { progressLine } from './progress-line.js';
import { onStopSignal } from './stop-signals.js';

export interface ReplayCliOptions {
  file: string;
  /** Milliseconds between events. */
  interval?: number;
  /** Events per second. */
  rate?: number;
  /** Bad lines printed one by one before the rest are only counted. */
  maxRejectLines?: number;
}

function summaryText(summary: ReplaySummary, where: string): string {
  const format =
    summary.format === 'chatters-csv' ? 'chatters.csv with header' : 'seed stream file, no header';
  const verdict = summary.stopped ? 'stopped early' : 'done';
  return (
    `Replay of ${summary.file} (${format}): ${verdict} in ${(summary.elapsedMs / 1000).toFixed(2)} s, ` +
    `${formatCount(summary.published)} events published ${where}` +
    (summary.rejected > 0 ? `, ${formatCount(summary.rejected)} bad lines skipped` : '') +
    '.\n'
  );
}

/** Resolves once the worker has taken `target` messages, or when `run` ends (whichever comes first). */
class AppliedWaiter {
  private target = Number.POSITIVE_INFINITY;
  private resolve: (() => void) | undefined;
  private reached = false;

  onBatch = (stats: Readonly<IngestStats>): void => {
    if (stats.eventsIn >= this.target && !this.reached) {
      this.reached = true;
      this.resolve?.();
    }
  };

  until(target: number, stats: Readonly<IngestStats>, running: Promise<unknown>): Promise<void> {
    this.target = target;
    if (stats.eventsIn >= target) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      running.then(
        () => resolve(),
        () => resolve(),
      );
    });
  }
}

export async function runReplay(context: CliContext, options: ReplayCliOptions): Promise<number> {
  const { config, io, logger } = context;
  if (options.interval !== undefined && options.rate !== undefined) {
    io.err('twitchgraph replay: give --interval or --rate, not both\n');
    return EXIT.usage;
  }
  const intervalMs = options.interval ?? (options.rate === undefined ? 0 : 1_000 / options.rate);
  const name = basename(options.file);
  const progress = progressLine(io);
  const maxRejectLines = options.maxRejectLines ?? 50;
  let rejectLines = 0;
  let applied: () => number = () => 0;
  const abort = new AbortController();
  const replayOptions = {
    file: options.file,
    topic: config.kafka.topic,
    intervalMs,
    signal: abort.signal,
    onReject: (r: { file: string; line: number; reason: string }) => {
      rejectLines += 1;
      if (rejectLines <= maxRejectLines) {
        progress.done();
        io.err(`${r.file}:${r.line}: ${r.reason}\n`);
      } else if (rejectLines === maxRejectLines + 1) io.err('… further bad lines are only counted\n');
    },
    onProgress: (p: ReplayProgress) => {
      const percent = p.size === 0 ? 100 : Math.min(100, Math.round((100 * p.bytesRead) / p.size));
      const inGraph = config.kafka.brokers.length === 0 ? `, ${formatCount(applied())} in the graph` : '';
      progress.update(`replaying ${name}: ${formatCount(p.published)} events (${percent}%)${inGraph}`);
    },
  };

  let bus: EventBus | undefined;
  let graph: GraphStore | undefined;
  let worker: IngestWorker | undefined;
  const dispose = onStopSignal(io, () => {
    abort.abort();
    worker?.stop();
  });
  try {
    bus = await openEventBus(config, logger);
    if (bus.kind === 'kafka') {
      await bus.ensureTopics([{ name: config.kafka.topic, partitions: config.kafka.partitions }]);
      const publisher = await bus.publisher();
      try {
        const summary = await replayChatters(publisher, replayOptions);
        progress.done();
        io.out(
          summaryText(summary, `to topic ${config.kafka.topic} on Kafka ${config.kafka.brokers.join(',')}`),
        );
        return summary.rejected > 0 ? EXIT.failed : EXIT.ok;
      } finally {
        await publisher.close();
      }
    }

    // In process: bus, worker and store together; the events are in the graph before this returns.
    graph = await openGraphStore(config, {
      command: 'twitchgraph replay',
      onConnectRetry: logConnectRetry(logger),
      onSaveError: (error) => logger.error({ err: error }, 'saving the graph snapshot failed; will retry'),
    });
    const waiter = new AppliedWaiter();
    const running = new IngestWorker({ bus, graph, logger }, workerOptionsFrom(config), waiter.onBatch);
    worker = running;
    applied = () => running.stats.applied;
    const runningBus = bus;
    let workerError: unknown;
    const run = running.run().catch((error: unknown) => {
      // A failed worker leaves nobody to drain the queue: close the bus so a waiting publish ends too.
      workerError = error;
      abort.abort();
      void runningBus.close();
      return null;
    });
    let summary: ReplaySummary;
    try {
      summary = await replayChatters(await bus.publisher(), replayOptions);
    } catch (error) {
      running.stop();
      await run;
      // When the worker failed, that is the cause worth reporting.
      throw workerError ?? error;
    }
    await waiter.until(summary.published, running.stats, run);
    running.stop();
    const stats = await run;
    if (stats === null) throw workerError;
    progress.done();
    io.out(summaryText(summary, `through the in-process bus into the ${graph.backend} store`));
    io.out(`Ingest: ${statsText(stats)}.\n`);
    return summary.rejected > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    progress.done();
    if (
      error instanceof IngestError ||
      error instanceof EventBusError ||
      error instanceof ChattersFileError
    ) {
      io.err(`twitchgraph replay: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    // Signals stay handled until the store is saved: a second Ctrl-C must not kill the save.
    await bus?.close();
    await graph?.close();
    dispose();
  }
}

export function registerReplay(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('replay')
    .description(
      'Publish a chatters file (chatters.csv with header, or the seed stream file without) as chat events; ' +
        'without KAFKA_BROKERS they are ingested into the graph in this process',
    )
    .requiredOption('--file <path>', 'chatters file: user_id,chatter_login per line')
    .option('--interval <duration>', 'time between events, e.g. 1s or 250ms', durationOption)
    .option('--rate <events>', 'events per second', positiveNumberOption)
    .action(async (options: ReplayCliOptions) => setExit(await runReplay(context(), options)));
}
