/**
 * The `twitchgraph` binary: one program, one subcommand per role (see `twitchgraph --help`).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command as Program, CommanderError } from 'commander';
import type { Command } from 'commander';
import type { CliContext, CliIO } from './cli/cli-context.js';
import { createCliContext, EXIT, processIO } from './cli/cli-context.js';
import { ConfigError } from './config.js';
import { GraphStoreError } from './graph/graph-store.port.js';

type Register = (program: Command, context: () => CliContext, setExit: (code: number) => void) => void;

/** Each subcommand's module, imported when that subcommand is the one run; in the order `--help` lists. */
const SUBCOMMANDS = {
  start: async () => (await import('./cli/start.cli.js')).registerStart,
  import: async () => (await import('./cli/import.cli.js')).registerImport,
  ask: async () => (await import('./cli/ask.cli.js')).registerAsk,
  generate: async () => (await import('./cli/generate.cli.js')).registerGenerate,
  ingest: async () => (await import('./cli/ingest.cli.js')).registerIngest,
  replay: async () => (await import('./cli/replay.cli.js')).registerReplay,
  listen: async () => (await import('./cli/listen.cli.js')).registerListen,
  collect: async () => (await import('./cli/collect.cli.js')).registerCollect,
  bot: async () => (await import('./cli/bot.cli.js')).registerBot,
  register: async () => (await import('./cli/register.cli.js')).registerRegister,
  serve: async () => (await import('./cli/serve.cli.js')).registerServe,
} satisfies Record<string, () => Promise<Register>>;
type Subcommand = keyof typeof SUBCOMMANDS;

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
  const program = new Program()
    .name('twitchgraph')
    .description('Twitch chat as a graph: import, ingest, and ask questions (see README.md)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  // Only the subcommand asked for is loaded: a cold `twitchgraph ask` must not pay for Kafka, Twitch chat,
  // HTTP servers or CSV parsing it never uses (docs/ARCHITECTURE.md, "A cold `ask`"). Help, a typo or no
  // subcommand at all loads every one, so the usage lists them all.
  const asked = argv[0] !== undefined && Object.hasOwn(SUBCOMMANDS, argv[0]) ? argv[0] : undefined;
  const names = asked === undefined ? Object.keys(SUBCOMMANDS) : [asked];
  const registers = await Promise.all(names.map((name) => SUBCOMMANDS[name as Subcommand]()));
  for (const register of registers) register(program, getContext, setExit);

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
