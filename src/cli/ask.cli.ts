/** `twitchgraph ask "/top games 10"`: run one slash command against the graph and print the reply. */
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { CommandLineError, parseCommandLine } from '../commands/command-line.js';
import type { DispatchOutcome } from '../commands/dispatcher.js';
import { dispatch, skipDuration } from '../commands/dispatcher.js';
import { buildRegistry } from '../commands/registry.js';
import { usageLines } from '../commands/usage.js';
import { BotDetector } from '../insights/bot-detector.js';
import { openGraphStore } from '../graph/open/open-graph-store.js';
import { drawPicturesOnDemand } from '../render/picture-drawer.js';
import type { DrawnReply, PictureDrawer, Reply } from '../reply/reply.js';
import type { CliContext } from './cli-context.js';
import { EXIT } from './cli-context.js';
import { visibleOneLine } from '../util/terminal-text.js';
import { replyJson, replyText } from './reply-text.js';

export interface AskOptions {
  json?: boolean;
  /** Directory to write the reply's images to (created if missing). */
  out?: string;
  /** Read the store in this process even when a `start` is running on the same data directory. */
  local?: boolean;
}

function exitCode(outcome: DispatchOutcome, reply: Reply): number {
  if (outcome === 'bad-arguments' || outcome === 'unknown-command') return EXIT.usage;
  if (outcome === 'failed') return EXIT.failed;
  return reply.notFound === true ? EXIT.notFound : EXIT.ok;
}

/** Write each image of the reply into `dir`; returns the paths written. */
export async function writeReplyImages(reply: DrawnReply, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const image of reply.images) {
    // basename: an image name is ours, but a file name never gets to pick its directory.
    const path = join(dir, basename(image.name));
    await writeFile(path, image.png);
    paths.push(path);
  }
  return paths;
}

/**
 * Pictures cost reads and CPU: they are asked of the commands, and drawn, only when `--out` wants them
 * (`draw` is the renderer; tests count its calls).
 */
export async function runAsk(
  context: CliContext,
  words: readonly string[],
  options: AskOptions,
  draw: PictureDrawer = drawPicturesOnDemand,
): Promise<number> {
  const { io } = context;
  const registry = buildRegistry();
  const definitions = new Map([...registry].map(([name, command]) => [name, command.definition]));
  let invocation;
  try {
    invocation = parseCommandLine(words.join(' '), definitions);
  } catch (error) {
    if (!(error instanceof CommandLineError)) throw error;
    const usage =
      error.command === undefined
        ? [...definitions.values()].flatMap(usageLines)
        : usageLines(definitions.get(error.command) ?? { name: error.command, description: '' });
    io.err(
      `twitchgraph ask: ${visibleOneLine(error.message)}\nusage:\n${usage.map((u) => `  ${u}`).join('\n')}\n`,
    );
    return EXIT.usage;
  }
  if (options.out !== undefined && existsSync(options.out) && !statSync(options.out).isDirectory()) {
    io.err(`twitchgraph ask: --out ${options.out} is a file; give a directory for the pictures\n`);
    return EXIT.usage;
  }
  // A running start answers from its warm graph and caches (docs/ARCHITECTURE.md, "A cold `ask`"); the
  // pictures are drawn here from the store, so `--out` always takes the cold path.
  if (options.out === undefined && options.local !== true && !context.config.askLocal) {
    const { askRunningStart } = await import('./ask-via-start.js');
    const answer = await askRunningStart(context.config.dataDir, words.join(' '));
    if (answer.kind === 'answer') {
      if (context.config.log.level === 'debug' || context.config.log.level === 'trace')
        io.err(`twitchgraph ask: answered by the running start (pid ${answer.pid})\n`);
      io.out(options.json === true ? replyJson(answer.reply) : replyText(answer.reply));
      return exitCode(answer.outcome, answer.reply);
    }
    if (answer.kind === 'unanswered')
      io.err(
        `twitchgraph ask: the running start did not answer (${visibleOneLine(answer.reason)}); reading the store instead\n`,
      );
  }
  // Read-only: asking a question never blocks, and is never blocked by, a running writer.
  // A one-shot question should not wait for a database that is down: two quick retries, then one line.
  const graph = await openGraphStore(context.config, {
    readOnly: true,
    command: 'twitchgraph ask',
    maxConnectRetries: 2,
  });
  try {
    const bots = new BotDetector(graph, { extraLogins: context.config.bots.extraLogins });
    const { out } = options;
    const result = await dispatch(
      invocation,
      registry,
      { graph, bots, pictures: out !== undefined },
      skipDuration,
    );
    if (result.outcome === 'failed')
      context.logger.error({ err: result.error, invocation }, 'command failed');
    const drawn = out === undefined ? undefined : await draw(result.reply);
    const shown = drawn ?? result.reply;
    io.out(options.json === true ? replyJson(shown) : replyText(shown));
    if (out !== undefined && drawn !== undefined) {
      const paths = await writeReplyImages(drawn, out);
      // Keep stdout valid JSON under --json: the paths go to stderr there.
      const say = options.json === true ? io.err : io.out;
      say(
        paths.length === 0
          ? `no images in this reply; nothing written to ${out}\n`
          : paths.map((p) => `wrote ${p}\n`).join(''),
      );
    }
    return exitCode(result.outcome, result.reply);
  } finally {
    await graph.close();
  }
}

export function registerAsk(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('ask')
    .description('Ask one question, e.g. twitchgraph ask "/top games 10"')
    .argument('<command...>', 'a slash command with its options: /top games 10, /streamer lck_korea, /help')
    .option('--json', 'print the reply as JSON')
    .option('--out <dir>', "write the reply's images (PNG) into this directory and print their paths")
    .option(
      '--local',
      `read the store in this process even when a running start could answer (also TWITCHGRAPH_ASK_LOCAL=1)`,
    )
    .action(async (words: string[], options: AskOptions) => setExit(await runAsk(context(), words, options)));
}
