/**
 * SIGINT/SIGTERM for long-running subcommands. The first asks for a clean stop (finish the batch in flight,
 * sync the journal, save, close connections). A second one is often not the user's: Ctrl-C reaches every
 * process of the terminal's group, and a parent such as npm passes it on again. So the second only says the
 * stop is under way; a third, which is the user insisting, exits at once — nothing acknowledged is lost
 * then either, since every write is journalled before it counts, but the next start has more to re-read.
 */
import type { CliIO } from './cli-context.js';

export const FORCED_EXIT_CODE = 130;
const FORCE_AFTER = 3;

export function onStopSignal(io: CliIO, stop: (signal: NodeJS.Signals) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received += 1;
    if (received >= FORCE_AFTER) {
      io.err(`twitchgraph: ${signal} a third time, exiting without finishing\n`);
      process.exit(FORCED_EXIT_CODE);
    }
    if (received === 1) {
      io.err(`twitchgraph: ${signal} received, finishing the batch in flight and saving\n`);
      stop(signal);
      return;
    }
    io.err(`twitchgraph: ${signal} again: still saving; once more exits at once\n`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
