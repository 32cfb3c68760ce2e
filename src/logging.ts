/**
 * Structured logs (pino) on stderr: JSON for machines, or a readable line format for a terminal.
 * Command output (tables, JSON answers) goes to stdout and never through the logger.
 */
import { isatty } from 'node:tty';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

export type Logger = pino.Logger;

/** `fd` 2 is stderr. `auto` picks the readable format when that is a terminal. */
export function createLogger(options: Config['log'], fd = 2): Logger {
  const terminal = isatty(fd);
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && terminal);
  if (!usePretty) return pino({ level: options.level }, pino.destination({ fd, sync: true }));
  return pino(
    { level: options.level },
    pretty({
      destination: fd,
      sync: true,
      colorize: terminal,
      ignore: 'pid,hostname',
      translateTime: 'HH:MM:ss.l',
    }),
  );
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
