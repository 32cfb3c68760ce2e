/**
 * `twitchgraph serve`: the playground page on the configured graph (embedded by default, or `GRAPH_URL`).
 * On an empty embedded graph the sample dataset is imported first, as `start` does, so there is something
 * to ask about.
 */
import type { Command } from 'commander';
import { InMemoryIngestActivity } from '../playground/ingest-activity.js';
import type { CliContext } from './cli-context.js';
import { EXIT } from './cli-context.js';
import { importWithReport, summaryText } from './import.cli.js';
import { wholeNumberOption } from './option-parsers.js';
import { SAMPLE_DATA_DIR } from './package-paths.js';
import { openFrontEndStore } from './shared-store.js';
import { startRoleOps } from './role-ops.js';
import { untilSignal } from './until-signal.js';

export interface ServeOptions {
  port?: number;
  data: string;
}

export async function runServe(
  context: CliContext,
  options: ServeOptions,
  stop: Promise<unknown> = untilSignal(),
): Promise<number> {
  const { config, io, logger } = context;
  const graph = await openFrontEndStore(context, 'twitchgraph serve');
  try {
    if (graph.backend === 'embedded' && (await graph.counts()).nodes === 0) {
      io.err(`The graph is empty: importing the sample dataset from ${options.data}\n`);
      io.err(summaryText(await importWithReport(io, graph, { data: options.data })));
    }
    // Nothing feeds this yet when `serve` runs alone; `start` hands the ingest worker's source instead.
    const activity = new InMemoryIngestActivity();
    // The playground lays pages out with the Discord adapter: loaded only by the commands that serve it.
    const { startPlayground } = await import('../playground/playground-server.js');
    const playground = await startPlayground({
      config,
      graph,
      activity,
      logger,
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    const ops = await startRoleOps(context, 'serve', { graph });
    io.out(`Playground: ${playground.url} (${graph.backend} store); Ctrl-C stops it.\n`);
    try {
      await stop;
    } finally {
      await ops?.close();
      await playground.close();
    }
    return EXIT.ok;
  } finally {
    await graph.close();
  }
}

export function registerServe(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('serve')
    .description(
      'Serve the playground page: run slash commands in a browser, see answers as Discord shows them',
    )
    .option('--port <n>', 'port (default HTTP_PORT; 0 picks a free one)', wholeNumberOption(0, 65_535))
    .option('--data <dir>', 'dataset imported when the embedded graph is empty', SAMPLE_DATA_DIR)
    .action(async (options: ServeOptions) => setExit(await runServe(context(), options)));
}
