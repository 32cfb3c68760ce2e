/**
 * The `twitchgraph` binary: one program, one subcommand per role (see `twitchgraph --help`).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerAsk } from './cli/ask.cli.js';
import { registerBot } from './cli/bot.cli.js';
import type { CliContext, CliIO } from './cli/cli-context.js';
import { createCliContext, EXIT, processIO } from './cli/cli-context.js';
import { registerCollect } from './cli/collect.cli.js';
import { registerGenerate } from './cli/generate.cli.js';
import { registerImport } from './cli/import.cli.js';
import { registerIngest } from './cli/ingest.cli.js';
import { registerListen } from './cli/listen.cli.js';
import { registerRegister } from './cli/register.cli.js';
import { registerReplay } from './cli/replay.cli.js';
import { registerServe } from './cli/serve.cli.js';
import { registerStart } from './cli/start.cli.js';
import { ConfigError } from './config.js';
import { GraphStoreError } from './graph/graph-store.port.js';

export async function main(
  argv: readonly string[],
  io: CliIO = processIO,
  makeContext: (io: CliIO) => CliContext = createCliContext,
): Promise<number> {
  let exitCode: number = EXIT.ok;
  let context: CliContext | undefined;
  const getContext = () => (context ??= makeContext(io));
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name('twitchgraph')
    .description('Twitch chat as a graph: import, ingest, and ask questions (see README.md)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  registerStart(program, getContext, setExit);
  registerImport(program, getContext, setExit);
  registerAsk(program, getContext, setExit);
  registerGenerate(program, getContext, setExit);
  registerIngest(program, getContext, setExit);
  registerReplay(program, getContext, setExit);
  registerListen(program, getContext, setExit);
  registerCollect(program, getContext, setExit);
  registerBot(program, getContext, setExit);
  registerRegister(program, getContext, setExit);
  registerServe(program, getContext, setExit);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof GraphStoreError) {
      io.err(`twitchgraph: ${error.message}\n`);
      return EXIT.failed;
    }
    // Anything else still ends in one line: a stack trace tells a user nothing they can act on.
    io.err(`twitchgraph: ${oneLine(error)}\n`);
    return EXIT.failed;
  }
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

/**
 * `twitchgraph ask … | head` closes the pipe early: that is the reader being done, not an error worth a stack
 * trace.
 */
function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

/**
 * The one entry path of the program, shared by `src/cli.ts` run directly and the installed
 * `bin/twitchgraph.js`, so both treat the process (closed pipes, exit code) the same way.
 */
export async function run(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  exitQuietlyOnClosedPipe();
  process.exitCode = await main(argv);
}

if (invokedDirectly()) await run();
