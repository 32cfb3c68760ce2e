/**
 * `twitchgraph ingest`: the ingest worker on its own, reading chat events from Kafka into the graph until
 * SIGINT/SIGTERM (then it finishes the batch in flight, records offsets, closes connections, exits 0).
 */
import type { Command } from 'commander';
import { formatCount } from '../reply/format.js';
import { openGraphStore } from '../graph/open/open-graph-store.js';
import { EventBusError } from '../ingest/bus/event-bus.port.js';
import { openEventBus } from '../ingest/bus/open-event-bus.js';
import { createAlertDetector } from './alerts-wiring.js';
import type { IngestStats } from '../ingest/worker/ingest-worker.js';
import { IngestError, IngestWorker, workerOptionsFrom } from '../ingest/worker/ingest-worker.js';
import type { CliContext } from './cli-context.js';
import { EXIT, logConnectRetry } from './cli-context.js';
import { startRoleOps } from './role-ops.js';
import { onStopSignal } from './stop-signals.js';

/** How often a running worker logs its totals. */
const PROGRESS_LOG_MS = 10_000;

export function statsText(stats: IngestStats): string {
  return (
    `${formatCount(stats.applied)} events applied, ${formatCount(stats.deadLettered)} dead-lettered, ` +
    `${formatCount(stats.duplicatesSkipped)} redeliveries skipped, in ${formatCount(stats.batches)} batches`
  );
}

export async function runIngest(context: CliContext): Promise<number> {
  const { config, logger, io } = context;
  if (config.kafka.brokers.length === 0) {
    io.err(
      'twitchgraph ingest: KAFKA_BROKERS is not set. This command reads chat events from Kafka.\n' +
        'Without Kafka, events are ingested in the process that produces them: `twitchgraph replay --file F` runs\n' +
        'the in-process bus and the worker together.\n',
    );
    return EXIT.usage;
  }
  const graph = await openGraphStore(config, {
    command: 'twitchgraph ingest',
    onConnectRetry: logConnectRetry(logger),
    onSaveError: (error) => logger.error({ err: error }, 'saving the graph snapshot failed; will retry'),
  });
  const bus = await openEventBus(config, logger);
  // The live-alert detector runs beside each worker: the partitions a worker owns are its channels.
  const detector = await createAlertDetector({ config, graph, bus, logger });
  let lastLog = performance.now();
  const worker = new IngestWorker(
    { bus, graph, logger, observer: detector },
    workerOptionsFrom(config),
    (stats) => {
      if (performance.now() - lastLog < PROGRESS_LOG_MS) return;
      lastLog = performance.now();
      logger.info({ ...stats }, 'ingest progress');
    },
  );
  const dispose = onStopSignal(io, () => worker.stop());
  const ops = await startRoleOps(context, 'ingest', { graph, bus });
  try {
    const stats = await worker.run();
    io.out(`Ingest stopped: ${statsText(stats)}.\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof IngestError || error instanceof EventBusError) {
      logger.error({ err: error }, 'ingest worker failed');
      io.err(`twitchgraph ingest: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    // Signals stay handled until the store is saved: a second Ctrl-C must not kill the save.
    await detector.stop();
    await ops?.close();
    await bus.close();
    await graph.close().finally(dispose);
  }
}

export function registerIngest(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('ingest')
    .description(
      'Run the ingest worker: chat events from Kafka (KAFKA_BROKERS) into the graph, until SIGINT/SIGTERM',
    )
    .action(async () => setExit(await runIngest(context())));
}
