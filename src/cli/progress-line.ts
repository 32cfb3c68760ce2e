/**
 * One progress line on stderr: redrawn in place on a terminal, printed every few seconds otherwise
 * (so CI logs show progress without thousands of lines).
 */
import type { CliIO } from './cli-context.js';

export interface ProgressLine {
  update(text: string): void;
  done(): void;
}

export function progressLine(io: CliIO, plainIntervalMs = 5_000): ProgressLine {
  let last = 0;
  let drawn = false;
  return {
    update(text) {
      if (io.errIsTTY) {
        io.err(`\r\u001b[2K${text}`);
        drawn = true;
        return;
      }
      const now = performance.now();
      if (now - last >= plainIntervalMs) {
        last = now;
        io.err(`${text}\n`);
      }
    },
    done() {
      if (drawn) io.err('\r\u001b[2K');
      drawn = false;
    },
  };
}
