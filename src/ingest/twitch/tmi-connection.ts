/**
 * One connection to Twitch chat through tmi.js (1.8.5): login, capabilities, keepalive, JOIN/PART. tmi.js and
 * its types stay in this file; the listener sees `ChatConnection` and chat events.
 *
 * What this adapter takes over from tmi.js, and why:
 * - Reconnecting. tmi.js reconnects by itself and, on Twitch's `RECONNECT`, closes first and connects again
 *   later, losing what is said meanwhile; then it re-joins every channel through its own queue (at least one
 *   JOIN per 300 ms, which is above Twitch's 20 per 10 s). Here every connection is opened with
 *   `reconnect: false` and `RECONNECT` is handed to the listener, which opens a new connection, joins at its
 *   own pace, and only then closes the old one (make before break).
 * - PRIVMSG. tmi.js unescapes, parses emotes and logs each message's text before emitting it; chat lines
 *   go straight from the IRC parser to `chatEventFromPrivmsg` instead (the raw tags, no text kept).
 * - USERNOTICE with `msg-id=raid` goes to `raidEventFromUsernotice` the same way (for the live alerts);
 *   other notices are left to tmi.js.
 * - PONG. tmi.js only recognises a PONG without a source, and times the connection out after 10 s otherwise;
 *   Twitch answers a PING as `:tmi.twitch.tv PONG tmi.twitch.tv :…`, so the source is dropped first.
 * Both hooks are on tmi.js's `handleMessage`, which every parsed line goes through.
 */
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import tmi from 'tmi.js';
import type { Logger } from '../../logging.js';
import type { PrivmsgMapping, RawPrivmsg } from './irc-tags.mapper.js';
import { chatEventFromPrivmsg, raidEventFromUsernotice } from './irc-tags.mapper.js';

export interface IrcEndpoint {
  server: string;
  port: number;
  secure: boolean;
}

/** Twitch's chat endpoint for WebSocket clients (https://dev.twitch.tv/docs/chat/irc/). */
export const TWITCH_IRC_URL = 'wss://irc-ws.chat.twitch.tv:443';

export function ircEndpoint(url: string = TWITCH_IRC_URL): IrcEndpoint {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'wss:';
  return {
    server: parsed.hostname,
    port: parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port),
    secure,
  };
}

export interface ChatIdentity {
  /** Lower-case login, or `justinfan<digits>` for an anonymous read-only login. */
  username: string;
  /** OAuth token (with or without `oauth:`); absent for anonymous logins. */
  token?: string;
}

/**
 * A read-only anonymous login. Twitch accepts `justinfan` with any digits and any password; a random suffix
 * keeps two listeners (or another client using a well-known number) from sharing a nick.
 */
export function anonymousIdentity(): ChatIdentity {
  return { username: `justinfan${randomInt(10_000, 1_000_000_000)}` };
}

export function isAnonymous(identity: ChatIdentity): boolean {
  return /^justinfan\d+$/.test(identity.username);
}

export interface ChatConnectionHandlers {
  /** Logged in (the 376 end of the welcome): JOINs may be sent. */
  onReady(): void;
  /** The connection is gone (never after `close()`). `authFailed`: Twitch refused the login. */
  onClosed(reason: string, authFailed: boolean): void;
  /** Twitch asked to reconnect (`RECONNECT`, before maintenance); this connection still works meanwhile. */
  onReconnectRequested(): void;
  /** Twitch confirmed one of our JOINs (the JOIN echo, or USERSTATE for a logged-in account). */
  onJoined(channel: string): void;
  onParted(channel: string): void;
  /** A chat message, already mapped (or the reason it could not be). */
  onChat(mapping: PrivmsgMapping): void;
}

export interface ChatConnection {
  readonly id: number;
  readonly username: string;
  join(channel: string): void;
  part(channel: string): void;
  /** Close on purpose; no handler is called afterwards. */
  close(): void;
}

export interface OpenConnectionOptions {
  endpoint: IrcEndpoint;
  identity: ChatIdentity;
  logger: Logger;
  /** Give up on a connection that has not finished logging in after this long. */
  connectTimeoutMs: number;
}

export type OpenConnection = (
  options: OpenConnectionOptions,
  handlers: ChatConnectionHandlers,
) => ChatConnection;

/** tmi.js's parsed line (lib/parser.js `msg`); not part of its published types. */
interface ParsedLine {
  raw: string;
  tags: Record<string, string | true>;
  prefix: string | null;
  command: string | null;
  params: string[];
}

interface TmiInternals {
  handleMessage(message: ParsedLine | null): void;
}

/** tmi.js's IRC line parser, the one every received line goes through (not in its published types). */
const tmiParser = createRequire(import.meta.url)('tmi.js/lib/parser.js') as {
  msg(line: string): ParsedLine | null;
};

/**
 * Parse one IRC line with tmi.js's own parser: the command, and for PRIVMSG the parts the mapper takes. For
 * measuring the receive path without a socket (bench/twitch.bench.ts).
 */
export function parseIrcLine(line: string): { command: string | null; privmsg: RawPrivmsg | null } | null {
  const message = tmiParser.msg(line);
  if (message === null) return null;
  return {
    command: message.command,
    privmsg:
      message.command === 'PRIVMSG'
        ? { tags: message.tags, prefix: message.prefix, params: message.params }
        : null,
  };
}

/** Twitch sends these on a refused login, without a msg-id (https://dev.twitch.tv/docs/chat/irc/#notice-reference). */
const LOGIN_FAILURES = [
  'Login authentication failed',
  'Login unsuccessful',
  'Improperly formatted auth',
  'Invalid NICK',
];

let connectionCount = 0;

export const openTmiConnection: OpenConnection = (options, handlers) => {
  const { endpoint, identity, logger } = options;
  const id = (connectionCount += 1);
  const log = logger.child({ connection: id });
  // tmi.js's own log lines can quote chat notices: kept below the default level.
  const tmiLogger = {
    info: (message: string) => log.trace({ tmi: true }, message),
    warn: (message: string) => log.debug({ tmi: true }, message),
    error: (message: string) => log.debug({ tmi: true }, message),
  };
  const client = new tmi.Client({
    options: {
      // Emote sets are fetched from the retired Kraken API otherwise.
      skipUpdatingEmotesets: true,
      // Other users' JOIN/PART: not used (message authors are the signal), and silent above 1,000 viewers.
      skipMembership: true,
    },
    connection: {
      server: endpoint.server,
      port: endpoint.port,
      secure: endpoint.secure,
      reconnect: false,
    },
    identity:
      identity.token === undefined
        ? { username: identity.username }
        : { username: identity.username, password: identity.token },
    channels: [],
    logger: tmiLogger,
  });

  let closed = false;
  let ready = false;
  let authFailed = false;
  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    clearTimeout(connectTimer);
    handlers.onClosed(reason, authFailed);
  };
  const connectTimer = setTimeout(() => {
    if (ready || closed) return;
    log.warn({ timeoutMs: options.connectTimeoutMs }, 'chat login did not complete in time; closing');
    void client.disconnect().catch(() => undefined);
    finish('login timed out');
  }, options.connectTimeoutMs);
  connectTimer.unref();

  const internals = client as unknown as TmiInternals;
  const handleMessage = internals.handleMessage.bind(client);
  internals.handleMessage = (message) => {
    if (closed || message === null) return;
    switch (message.command) {
      case 'PRIVMSG': {
        // `jtv` sends host notices as PRIVMSG; they are not chat.
        if (message.prefix?.startsWith('jtv!') === true) return;
        const raw: RawPrivmsg = { tags: message.tags, prefix: message.prefix, params: message.params };
        handlers.onChat(chatEventFromPrivmsg(raw));
        return;
      }
      case 'USERNOTICE':
        // Raids feed the live alerts; other notices (subs, announcements…) are tmi.js's as before.
        if (message.tags['msg-id'] === 'raid') {
          handlers.onChat(
            raidEventFromUsernotice({ tags: message.tags, prefix: message.prefix, params: message.params }),
          );
          return;
        }
        handleMessage(message);
        return;
      case 'RECONNECT':
        log.info('Twitch asked to reconnect (RECONNECT)');
        handlers.onReconnectRequested();
        return;
      case 'PONG':
        handleMessage({ ...message, prefix: null });
        return;
      case 'NOTICE':
        if (
          message.params[0] === '*' &&
          LOGIN_FAILURES.some((text) => message.params[1]?.includes(text) === true)
        ) {
          authFailed = true;
        }
        handleMessage(message);
        return;
      default:
        handleMessage(message);
    }
  };

  client.on('connected', () => {
    if (closed) return;
    ready = true;
    clearTimeout(connectTimer);
    handlers.onReady();
  });
  client.on('disconnected', (reason: string) => finish(reason === '' ? 'connection closed' : reason));
  client.on('join', (channel: string, _username: string, self: boolean) => {
    if (self && !closed) handlers.onJoined(channel.replace(/^#/, ''));
  });
  client.on('part', (channel: string, _username: string, self: boolean) => {
    if (self && !closed) handlers.onParted(channel.replace(/^#/, ''));
  });

  client.connect().catch((error: unknown) => {
    log.debug({ err: error }, 'tmi.js connect() rejected');
    finish(typeof error === 'string' ? error : 'connection failed');
  });

  return {
    id,
    username: identity.username,
    join(channel) {
      if (closed) return;
      // Confirmation comes as `onJoined`; tmi.js's promise only races Twitch's answer against 600 ms.
      client
        .join(channel)
        .catch((error: unknown) => log.debug({ channel, err: error }, 'JOIN not confirmed yet'));
    },
    part(channel) {
      if (closed) return;
      client
        .part(channel)
        .catch((error: unknown) => log.debug({ channel, err: error }, 'PART not confirmed'));
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(connectTimer);
      // tmi.js refuses to disconnect a socket that is not open; then there is nothing to close.
      client.disconnect().catch(() => undefined);
    },
  };
};
