/**
 * SIGINT/SIGTERM for long-running subcommands: the first asks for a clean stop (finish the batch in flight,
 * record offsets, close connections); a second one exits at once for someone who cannot wait.
 */
import type { CliIO } from './cli-context.js';

export const FORCED_EXIT_CODE = 130;

export function onStopSignal(io: CliIO, stop: (signal: NodeJS.Signals) => void): () => void {
  let asked = false;
  const handler = (signal: NodeJS.Signals) => {
    if (asked) {
      io.err(`twitchgraph: ${signal} again, exiting without finishing\n`);
      process.exit(FORCED_EXIT_CODE);
    }
    asked = true;
    io.err(`twitchgraph: ${signal} received, finishing the batch in flight (again to exit at once)\n`);
    stop(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
