/** `twitchgraph generate`: a seeded synthetic dataset in the seed's five-CSV format. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatCount } from '../reply/format.js';
import { generateDataset } from '../generate/synthetic-dataset.js';
import type { CliContext } from './cli-context.js';
import { EXIT } from './cli-context.js';
import { progressLine } from './progress-line.js';
import { wholeNumberOption } from './option-parsers.js';

export interface GenerateCliOptions {
  out: string;
  streamers: number;
  chatters: number;
  bots: number;
  seed: number;
}

export async function runGenerate(context: CliContext, options: GenerateCliOptions): Promise<number> {
  const progress = progressLine(context.io);
  const summary = await generateDataset(resolve(options.out), {
    streamers: options.streamers,
    chatterEdges: options.chatters,
    bots: options.bots,
    seed: options.seed,
    onProgress: (written, total) =>
      progress.update(`generating chatters: ${formatCount(written)} of ${formatCount(total)}`),
  });
  progress.done();
  const r = summary.rows;
  context.io.out(
    `Wrote ${summary.directory}: ${formatCount(r.streamers)} streamers, ${formatCount(r.teams)} team rows, ${formatCount(r.vips)} VIPs, ` +
      `${formatCount(r.moderators)} moderators, ${formatCount(r.chatters)} chatter rows from ${formatCount(summary.users)} users (seed ${options.seed}).\n` +
      `Import it with: twitchgraph import --data ${options.out}\n`,
  );
  return EXIT.ok;
}

export function registerGenerate(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('generate')
    .description('Write a seeded synthetic dataset (five seed CSVs) with a realistic shape')
    .requiredOption('--out <dir>', 'directory to write the CSV files to')
    .option('--streamers <n>', 'number of channels', wholeNumberOption(1), 60)
    .option('--chatters <n>', 'rows in chatters.csv (CHATTER relationships)', wholeNumberOption(0), 5_000)
    .option('--bots <n>', 'chat bots that moderate many channels (at most 10)', wholeNumberOption(0), 5)
    .option('--seed <n>', 'random seed: the same seed gives the same files', wholeNumberOption(0), 1)
    .action(async (options: GenerateCliOptions) => setExit(await runGenerate(context(), options)));
}
