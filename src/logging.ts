/**
 * Structured logs (pino) on stderr: JSON for machines, or a readable line format for a terminal.
 * Command output (tables, JSON answers) goes to stdout and never through the logger.
 */
import { isatty } from 'node:tty';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';
import { redactSecrets } from './util/secrets.js';

export type Logger = pino.Logger;

interface LineSink {
  write(line: string): unknown;
  flush?(): unknown;
}

/** Secrets come out of each JSON line before it is written or prettified: a message, a field or an error. */
function redacting(sink: LineSink, secrets: readonly string[]): LineSink {
  if (secrets.length === 0) return sink;
  return {
    write: (line) => sink.write(redactSecrets(line, secrets)),
    flush: () => sink.flush?.(),
  };
}

/**
 * `fd` 2 is stderr. `auto` picks the readable format when that is a terminal. `secrets` (see
 * `secretValues`) are replaced by `***` wherever they would appear.
 */
export function createLogger(options: Config['log'], fd = 2, secrets: readonly string[] = []): Logger {
  const terminal = isatty(fd);
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && terminal);
  const sink: LineSink = usePretty
    ? pretty({
        destination: fd,
        sync: true,
        colorize: terminal,
        ignore: 'pid,hostname',
        translateTime: 'HH:MM:ss.l',
      })
    : pino.destination({ fd, sync: true });
  return pino({ level: options.level }, redacting(sink, secrets) as pino.DestinationStream);
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
