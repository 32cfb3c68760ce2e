/**
 * Structured logs (pino) on stderr: JSON for machines, or a readable line format for a terminal.
 * Command output (tables, JSON answers) goes to stdout and never through the logger.
 */
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { isatty } from 'node:tty';
import { pino } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { Config } from './config.js';
import { redactSecrets } from './util/secrets.js';
import { visibleC1Controls } from './util/terminal-text.js';

export type Logger = pino.Logger;

interface LineSink {
  write(line: string): unknown;
  flush?(): unknown;
}

/**
 * JSON escapes C0 controls but leaves C1 ones (U+0080–U+009F, e.g. the one-character CSI) raw, and a
 * terminal may obey them; in a JSON line they can only sit inside strings, so escaping them keeps it JSON.
 */
const escapeC1 = (line: string) =>
  line.replace(/[\u0080-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);

/** The prettified text with C1 controls visible; its own colour codes are C0 escapes and stay. */
function c1Visible(sink: LineSink): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      sink.write(visibleC1Controls(chunk.toString()));
      done();
    },
  });
}

/**
 * Each JSON line, before it is written or prettified: C1 controls escaped, secrets out of the message, the
 * fields and any error.
 */
function sanitizing(sink: LineSink, secrets: readonly string[]): LineSink {
  return {
    write: (line) => sink.write(escapeC1(secrets.length === 0 ? line : redactSecrets(line, secrets))),
    flush: () => sink.flush?.(),
  };
}

/**
 * pino-pretty is loaded only when a readable format is wanted: a one-shot `twitchgraph ask` on a pipe, and
 * every JSON logger, should not pay for it. It is a CommonJS package, so `require` loads it synchronously.
 */
function prettifier(): typeof PinoPretty {
  return (createRequire(import.meta.url)('pino-pretty') as { default: typeof PinoPretty }).default;
}

/**
 * `fd` 2 is stderr. `auto` picks the readable format when that is a terminal. `secrets` (see
 * `secretValues`) are replaced by `***` wherever they would appear.
 */
export function createLogger(options: Config['log'], fd = 2, secrets: readonly string[] = []): Logger {
  const terminal = isatty(fd);
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && terminal);
  const sink: LineSink = usePretty
    ? prettifier()({
        // pino-pretty writes field values with JSON.stringify again, which leaves C1 controls raw.
        destination: c1Visible(pino.destination({ fd, sync: true })),
        sync: true,
        colorize: terminal,
        ignore: 'pid,hostname',
        translateTime: 'HH:MM:ss.l',
      })
    : pino.destination({ fd, sync: true });
  return pino({ level: options.level }, sanitizing(sink, secrets) as pino.DestinationStream);
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
