/**
 * `twitchgraph collect [--top N] [--out DIR]`: today's top live streams from Helix as the seed's CSV files
 * (streamers.csv, teams.csv; vips.csv and moderators.csv for the channel of TWITCH_BROADCASTER_TOKEN), ready
 * for `twitchgraph import --data DIR`. Needs TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatCount } from '../reply/format.js';
import type { CollectProgress, CollectStep } from '../ingest/collect/collector.js';
import { COLLECT_STEPS, collectSeed, writeCollectedSeed } from '../ingest/collect/collector.js';
import type { HelixNotice } from '../ingest/collect/helix-client.js';
import { HelixClient, HelixError } from '../ingest/collect/helix-client.js';
import type { CliContext } from './cli-context.js';
import { EXIT } from './cli-context.js';
import { wholeNumberOption } from './option-parsers.js';
import { progressLine } from './progress-line.js';

export interface CollectCliOptions {
  top: number;
  out: string;
  concurrency: number;
}

function noticeText(notice: HelixNotice): string | null {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  switch (notice.kind) {
    case 'token':
      return notice.reason === 'expired' ? 'app access token expired or revoked: fetched a new one' : null;
    case 'rate-limit':
      return `rate limit reached (${notice.endpoint}): waiting ${seconds(notice.waitMs)} for Ratelimit-Reset`;
    case 'retry':
      return (
        `${notice.endpoint}: ${notice.status === null ? 'no answer' : `Twitch answered ${notice.status}`}, ` +
        `retrying in ${seconds(notice.waitMs)} (attempt ${notice.attempt})`
      );
  }
}

export async function runCollect(context: CliContext, options: CollectCliOptions): Promise<number> {
  const { config, io } = context;
  const { clientId, clientSecret } = config.twitch;
  if (clientId === undefined || clientSecret === undefined) {
    io.err(
      'twitchgraph collect: set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET (an app registered at dev.twitch.tv/console); ' +
        'the collector signs in with the client-credentials grant.\n',
    );
    return EXIT.usage;
  }
  const progress = progressLine(io);
  const state = new Map<CollectStep, CollectProgress>();
  const draw = () =>
    progress.update(
      `collect: ${COLLECT_STEPS.flatMap((step) => {
        const p = state.get(step);
        return p === undefined ? [] : [`${step} ${formatCount(p.done)}/${formatCount(p.total)}`];
      }).join(' · ')}`,
    );
  const client = new HelixClient({
    clientId,
    clientSecret,
    helixUrl: config.twitch.helixUrl,
    authUrl: config.twitch.authUrl,
    onNotice: (notice) => {
      const text = noticeText(notice);
      if (text === null) return;
      progress.done();
      io.err(`${text}\n`);
      draw();
    },
  });
  const started = performance.now();
  try {
    const collected = await collectSeed(client, {
      top: options.top,
      clientId,
      concurrency: options.concurrency,
      ...(config.twitch.broadcasterToken === undefined
        ? {}
        : { broadcasterToken: config.twitch.broadcasterToken }),
      onProgress: (p) => {
        state.set(p.step, p);
        draw();
      },
    });
    const out = resolve(options.out);
    const files = await writeCollectedSeed(out, collected);
    progress.done();
    for (const note of collected.notes) io.err(`note: ${note}\n`);
    for (const { what, reason } of collected.missing) io.err(`missing: ${what} (${reason})\n`);
    const counts = [
      `${formatCount(collected.streamers.length)} streamers`,
      ...(collected.teams === null ? [] : [`${formatCount(collected.teams.length)} team memberships`]),
      ...(collected.vips === null ? [] : [`${formatCount(collected.vips.length)} VIPs`]),
      ...(collected.moderators === null ? [] : [`${formatCount(collected.moderators.length)} moderators`]),
    ];
    io.out(
      `Collected ${counts.join(', ')} from Helix in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
        `(${formatCount(client.requests)} requests).\n` +
        files.map((f) => `  wrote ${f}\n`).join('') +
        (collected.vips === null
          ? '  no vips.csv/moderators.csv: Helix lists those only with the broadcaster’s token (TWITCH_BROADCASTER_TOKEN);\n' +
            '  `twitchgraph listen` records VIPs and moderators from chat badges instead.\n'
          : '') +
        `Load them with: twitchgraph import --data ${out}\n`,
    );
    const failed = collected.missing.filter((m) => m.failed);
    if (failed.length > 0) {
      io.err(
        `twitchgraph collect: incomplete: ${failed.map((m) => m.what).join(', ')} could not be collected; the other files were written\n`,
      );
      return EXIT.failed;
    }
    return EXIT.ok;
  } catch (error) {
    progress.done();
    if (error instanceof HelixError) {
      io.err(`twitchgraph collect: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

export function registerCollect(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('collect')
    .description(
      'Collect the top live streams from the Twitch API (Helix) as seed CSV files for `import` ' +
        '(needs TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET)',
    )
    .option('--top <n>', 'how many of the top live streams', wholeNumberOption(1, 10_000), 100)
    .option(
      '--out <dir>',
      'directory for the CSV files (replaces the seed files there, keeps others)',
      'collected',
    )
    .option('--concurrency <n>', 'Helix requests in flight at once', wholeNumberOption(1, 16), 4)
    .action(async (options: CollectCliOptions) => setExit(await runCollect(context(), options)));
}
