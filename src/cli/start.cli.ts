/**
 * `twitchgraph start` (and `npm start`): the product on its embedded defaults. On the first run the
 * sample dataset in `data/` is imported so there is something to ask about.
 */
import type { Command } from 'commander';
import { formatCount } from '../commands/format.js';
import { openGraphStore } from '../graph/open-graph-store.js';
import type { CliContext } from './cli-context.js';
import { EXIT, logConnectRetry } from './cli-context.js';
import { importWithReport, summaryText } from './import.cli.js';
import { SAMPLE_DATA_DIR } from './package-paths.js';

export interface StartOptions {
  data: string;
}

export async function runStart(context: CliContext, options: StartOptions): Promise<number> {
  const { io, logger } = context;
  const graph = await openGraphStore(context.config, {
    command: 'twitchgraph start',
    onConnectRetry: logConnectRetry(logger),
    onSaveError: (error) => logger.error({ err: error }, 'saving the graph snapshot failed; will retry'),
  });
  try {
    let counts = await graph.counts();
    if (counts.nodes === 0) {
      io.err(`First run: importing the sample dataset from ${options.data}\n`);
      const summary = await importWithReport(io, graph, { data: options.data });
      io.err(summaryText(summary));
      counts = await graph.counts();
    }
    io.out(
      `twitchgraph is ready: ${formatCount(counts.nodes)} nodes, ${formatCount(counts.relationships)} relationships (${graph.backend} store` +
        `${graph.backend === 'embedded' ? ` in ${context.config.dataDir}` : ''}).\n` +
        'Ask it something:\n' +
        '  npx twitchgraph ask "/top games 10"\n' +
        '  npx twitchgraph ask "/streamer <name>"\n' +
        '  npx twitchgraph ask "/help"\n',
    );
    return EXIT.ok;
  } finally {
    await graph.close();
  }
}

export function registerStart(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('start')
    .description('Start twitchgraph on its embedded defaults (imports the sample data on first run)')
    .option('--data <dir>', 'dataset imported when the graph is empty', SAMPLE_DATA_DIR)
    .action(async (options: StartOptions) => setExit(await runStart(context(), options)));
}
