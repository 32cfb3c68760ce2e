/**
 * A local chat server that speaks Twitch IRC over WebSocket the way `wss://irc-ws.chat.twitch.tv` does, for
 * testing the listener at its protocol boundary:
 *
 * - capability negotiation (`CAP REQ` → `CAP * ACK`/`NAK`) for twitch.tv/tags, twitch.tv/commands and
 *   twitch.tv/membership;
 * - `PASS`/`NICK` login: anonymous `justinfan<digits>` with any password, or one OAuth account; the 001–004,
 *   375, 372, 376 welcome; `GLOBALUSERSTATE` for a logged-in account; `NOTICE * :Login authentication failed`
 *   and a close for a bad token;
 * - `JOIN` (comma lists too): the JOIN echo, `USERSTATE` for a logged-in account, `ROOMSTATE`, 353 and 366;
 *   other users' JOIN/PART only with the membership capability; `PART`;
 * - `PING`/`PONG` both ways; `RECONNECT`; abrupt closes;
 * - `PRIVMSG` lines with real-looking tags, escaped as Twitch escapes them.
 *
 * Several lines may share one WebSocket frame, separated by CRLF, as Twitch sends them. Every JOIN and PART
 * the server receives is logged with the time it arrived (`now()`, replaceable by a test clock).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';

export const KNOWN_CAPS = ['twitch.tv/tags', 'twitch.tv/commands', 'twitch.tv/membership'] as const;

/** IRCv3 tag value escaping, as Twitch does it. */
export function escapeTagValue(value: string): string {
  return value.replace(/[\\; \r\n]/g, (c) =>
    c === '\\' ? '\\\\' : c === ';' ? '\\:' : c === ' ' ? '\\s' : c === '\r' ? '\\r' : '\\n',
  );
}

export function formatTags(tags: Readonly<Record<string, string>>): string {
  return `@${Object.entries(tags)
    .map(([k, v]) => `${k}=${escapeTagValue(v)}`)
    .join(';')}`;
}

export interface ChatUser {
  id: string;
  login: string;
  displayName?: string;
}

export interface ChatLineOptions {
  channel: string;
  roomId: string;
  user: ChatUser;
  text?: string;
  /** Badges as `name/version`, e.g. `['moderator/1', 'subscriber/12']`. */
  badges?: readonly string[];
  badgeInfo?: readonly string[];
  mod?: boolean;
  subscriber?: boolean;
  /** Adds the `vip` tag, which Twitch sends only for VIPs. */
  vip?: boolean;
  id?: string;
  sentAt?: number;
  /** Replaces or adds tags after the usual ones (raw values, escaped on output). */
  extraTags?: Readonly<Record<string, string>>;
  /** `first-msg=1`: the chatter's first message ever in the channel. */
  firstMessage?: boolean;
}

export interface RaidLineOptions {
  channel: string;
  roomId: string;
  /** The raiding broadcaster. */
  raider: ChatUser;
  viewers: number;
  id?: string;
  sentAt?: number;
}

/** A raid notice as Twitch sends it: `USERNOTICE` from the server with `msg-id=raid` (tags in Twitch's order). */
export function raidLine(options: RaidLineOptions): string {
  const name = options.raider.displayName ?? options.raider.login;
  const tags: Record<string, string> = {
    'badge-info': '',
    badges: '',
    color: '#9ACD32',
    'display-name': name,
    emotes: '',
    flags: '',
    id: options.id ?? randomUUID(),
    login: options.raider.login,
    mod: '0',
    'msg-id': 'raid',
    'msg-param-displayName': name,
    'msg-param-login': options.raider.login,
    'msg-param-profileImageURL': `https://static-cdn.jtvnw.net/jtv_user_pictures/${options.raider.login}-profile_image-70x70.png`,
    'msg-param-viewerCount': String(options.viewers),
    'room-id': options.roomId,
    subscriber: '0',
    'system-msg': `${options.viewers} raiders from ${name} have joined!`,
    'tmi-sent-ts': String(options.sentAt ?? Date.now()),
    'user-id': options.raider.id,
    'user-type': '',
  };
  return `${formatTags(tags)} :tmi.twitch.tv USERNOTICE #${options.channel}`;
}

/** One PRIVMSG line with the tags Twitch sends (late 2025), in Twitch's order. */
export function privmsgLine(options: ChatLineOptions): string {
  const badges = options.badges ?? [];
  const mod = options.mod ?? badges.some((b) => b.startsWith('moderator/'));
  const subscriber =
    options.subscriber ?? badges.some((b) => b.startsWith('subscriber/') || b.startsWith('founder/'));
  const isBroadcaster = badges.some((b) => b.startsWith('broadcaster/'));
  const tags: Record<string, string> = {
    'badge-info': (options.badgeInfo ?? []).join(','),
    badges: badges.join(','),
    'client-nonce': randomUUID().replace(/-/g, ''),
    color: '#1E90FF',
    'display-name': options.user.displayName ?? options.user.login,
    emotes: '',
    'first-msg': options.firstMessage === true ? '1' : '0',
    flags: '',
    id: options.id ?? randomUUID(),
    mod: mod ? '1' : '0',
    'returning-chatter': '0',
    'room-id': options.roomId,
    subscriber: subscriber ? '1' : '0',
    'tmi-sent-ts': String(options.sentAt ?? Date.now()),
    turbo: '0',
    'user-id': options.user.id,
    'user-type': mod ? 'mod' : '',
  };
  if (options.vip === true) tags.vip = '1';
  if (isBroadcaster) tags['user-type'] = '';
  Object.assign(tags, options.extraTags ?? {});
  const nick = options.user.login;
  return `${formatTags(tags)} :${nick}!${nick}@${nick}.tmi.twitch.tv PRIVMSG #${options.channel} :${options.text ?? 'hello chat'}`;
}

export interface JoinRecord {
  connection: number;
  channel: string;
  /** `now()` when the server read the JOIN. */
  at: number;
}

export interface IrcServerOptions {
  /** The one account that may log in with OAuth (any `justinfan<digits>` may log in anonymously). */
  account?: { login: string; token: string; userId: string };
  /** Clock for the JOIN log; `Date.now` by default. */
  now?: () => number;
  /** Room ids of channels; unknown channels get one made up from their name. */
  roomIds?: Readonly<Record<string, string>>;
}

export class ServerConnection {
  nick: string | undefined;
  pass: string | undefined;
  readonly caps = new Set<string>();
  readonly channels = new Set<string>();
  registered = false;
  anonymous = true;
  closed = false;
  /** Every line received, in order (PASS values masked). */
  readonly received: string[] = [];
  private pongWaiters: (() => void)[] = [];

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
  ) {}

  send(lines: readonly string[]): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(`${lines.join('\r\n')}\r\n`);
  }

  get prefix(): string {
    const nick = this.nick ?? '*';
    return `${nick}!${nick}@${nick}.tmi.twitch.tv`;
  }

  /** @internal */
  gotPong(): void {
    for (const w of this.pongWaiters.splice(0)) w();
  }

  /** Send Twitch's keepalive PING and resolve when the client answers with PONG. */
  ping(): Promise<void> {
    return new Promise((resolve) => {
      this.pongWaiters.push(resolve);
      this.send(['PING :tmi.twitch.tv']);
    });
  }
}

export class TwitchIrcTestServer {
  readonly connections: ServerConnection[] = [];
  readonly joins: JoinRecord[] = [];
  readonly parts: JoinRecord[] = [];
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly options: IrcServerOptions,
  ) {
    wss.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: IrcServerOptions = {}): Promise<TwitchIrcTestServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    return new TwitchIrcTestServer(wss, options);
  }

  get url(): string {
    const { port } = this.wss.address() as AddressInfo;
    return `ws://127.0.0.1:${port}`;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  roomId(channel: string): string {
    const known = this.options.roomIds?.[channel];
    if (known !== undefined) return known;
    let hash = 7;
    for (const c of channel) hash = (hash * 31 + c.charCodeAt(0)) % 1_000_000_007;
    return String(100_000_000 + hash);
  }

  /** Connections that are open and logged in. */
  get open(): ServerConnection[] {
    return this.connections.filter((c) => !c.closed && c.registered);
  }

  /** Open connections that have joined `channel`. */
  audience(channel: string): ServerConnection[] {
    return this.open.filter((c) => c.channels.has(channel));
  }

  /**
   * Deliver a chat line to everyone in the channel, as Twitch does (nobody there: nobody gets it). Returns how
   * many connections it was sent to.
   */
  chat(options: Omit<ChatLineOptions, 'roomId'> & { roomId?: string }): number {
    const line = privmsgLine({ ...options, roomId: options.roomId ?? this.roomId(options.channel) });
    return this.sendToChannel(options.channel, line);
  }

  /** A raid arrives in the channel (the `USERNOTICE` everyone in it gets). */
  raid(options: Omit<RaidLineOptions, 'roomId'> & { roomId?: string }): number {
    const line = raidLine({ ...options, roomId: options.roomId ?? this.roomId(options.channel) });
    return this.sendToChannel(options.channel, line);
  }

  /** Send a raw line to everyone in the channel. */
  sendToChannel(channel: string, line: string): number {
    const audience = this.audience(channel);
    for (const c of audience) c.send([line]);
    return audience.length;
  }

  /** Another user joins a channel: only connections with the membership capability hear of it. */
  userJoins(channel: string, login: string): void {
    for (const c of this.audience(channel)) {
      if (c.caps.has('twitch.tv/membership'))
        c.send([`:${login}!${login}@${login}.tmi.twitch.tv JOIN #${channel}`]);
    }
  }

  /** Twitch's maintenance notice: the client should reconnect (the server closes later, if ever). */
  requestReconnect(connection?: ServerConnection): void {
    for (const c of connection === undefined ? this.open : [connection]) c.send([':tmi.twitch.tv RECONNECT']);
  }

  /** Close connections without a word, as a network failure does. */
  drop(connection?: ServerConnection): void {
    for (const c of connection === undefined ? this.open : [connection]) {
      c.closed = true;
      c.socket.terminate();
    }
  }

  /** Resolve once `check` holds, re-checking whenever the server reads a line (and every 50 ms). */
  async waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(() => listener(), 50);
      const listener = () => {
        if (!check()) return;
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) {
      c.closed = true;
      c.socket.terminate();
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const connection = new ServerConnection(this.nextId++, socket);
    this.connections.push(connection);
    socket.on('message', (data: Buffer) => {
      for (const line of data.toString('utf8').split(/\r?\n/)) {
        if (line.trim() !== '') this.handle(connection, line.trim());
      }
      for (const l of [...this.listeners]) l();
    });
    socket.on('close', () => {
      connection.closed = true;
      for (const l of [...this.listeners]) l();
    });
  }

  private handle(c: ServerConnection, line: string): void {
    c.received.push(line.startsWith('PASS ') ? 'PASS ***' : line);
    const space = line.indexOf(' ');
    const command = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : line.slice(space + 1);
    switch (command) {
      case 'CAP': {
        const match = /^REQ :?(.*)$/.exec(rest);
        if (match === null) return;
        const wanted = (match[1] ?? '').split(' ').filter((s) => s !== '');
        const known = wanted.every((cap) => (KNOWN_CAPS as readonly string[]).includes(cap));
        if (known) for (const cap of wanted) c.caps.add(cap);
        c.send([`:tmi.twitch.tv CAP * ${known ? 'ACK' : 'NAK'} :${wanted.join(' ')}`]);
        return;
      }
      case 'PASS':
        c.pass = rest.replace(/^:/, '');
        return;
      case 'NICK':
        c.nick = rest.replace(/^:/, '').toLowerCase();
        this.login(c);
        return;
      case 'PING':
        // Twitch answers a client's PING with its own name as the source.
        c.send([`:tmi.twitch.tv PONG tmi.twitch.tv :${rest.replace(/^:/, '') || 'tmi.twitch.tv'}`]);
        return;
      case 'PONG':
        c.gotPong();
        return;
      case 'JOIN':
        if (!c.registered) return;
        for (const raw of rest.replace(/^:/, '').split(',')) {
          const channel = raw.trim().replace(/^#/, '').toLowerCase();
          if (channel === '') continue;
          this.joins.push({ connection: c.id, channel, at: this.now() });
          this.join(c, channel);
        }
        return;
      case 'PART':
        if (!c.registered) return;
        for (const raw of rest.replace(/^:/, '').split(',')) {
          const channel = raw.trim().replace(/^#/, '').toLowerCase();
          this.parts.push({ connection: c.id, channel, at: this.now() });
          if (c.channels.delete(channel)) c.send([`:${c.prefix} PART #${channel}`]);
        }
        return;
      default:
        return; // Twitch ignores what it does not know
    }
  }

  private login(c: ServerConnection): void {
    const nick = c.nick ?? '';
    const account = this.options.account;
    if (/^justinfan\d+$/.test(nick)) {
      c.anonymous = true;
    } else if (account !== undefined && nick === account.login && c.pass === `oauth:${account.token}`) {
      c.anonymous = false;
    } else {
      c.send([':tmi.twitch.tv NOTICE * :Login authentication failed']);
      c.closed = true;
      c.socket.close();
      return;
    }
    c.registered = true;
    const lines = [
      `:tmi.twitch.tv 001 ${nick} :Welcome, GLHF!`,
      `:tmi.twitch.tv 002 ${nick} :Your host is tmi.twitch.tv`,
      `:tmi.twitch.tv 003 ${nick} :This server is rather new`,
      `:tmi.twitch.tv 004 ${nick} :-`,
      `:tmi.twitch.tv 375 ${nick} :-`,
      `:tmi.twitch.tv 372 ${nick} :You are in a maze of twisty passages, all alike.`,
      `:tmi.twitch.tv 376 ${nick} :>`,
    ];
    if (!c.anonymous && account !== undefined && c.caps.has('twitch.tv/commands')) {
      lines.push(
        `${formatTags({ 'badge-info': '', badges: '', color: '', 'display-name': account.login, 'emote-sets': '0', 'user-id': account.userId, 'user-type': '' })} :tmi.twitch.tv GLOBALUSERSTATE`,
      );
    }
    c.send(lines);
  }

  private join(c: ServerConnection, channel: string): void {
    c.channels.add(channel);
    const nick = c.nick ?? '';
    const lines = [
      `:${c.prefix} JOIN #${channel}`,
      `:${nick}.tmi.twitch.tv 353 ${nick} = #${channel} :${nick}`,
      `:${nick}.tmi.twitch.tv 366 ${nick} #${channel} :End of /NAMES list`,
    ];
    if (c.caps.has('twitch.tv/commands')) {
      if (!c.anonymous) {
        lines.push(
          `${formatTags({ 'badge-info': '', badges: '', color: '', 'display-name': nick, 'emote-sets': '0', mod: '0', subscriber: '0', 'user-type': '' })} :tmi.twitch.tv USERSTATE #${channel}`,
        );
      }
      lines.push(
        `${formatTags({ 'emote-only': '0', 'followers-only': '-1', r9k: '0', 'room-id': this.roomId(channel), slow: '0', 'subs-only': '0' })} :tmi.twitch.tv ROOMSTATE #${channel}`,
      );
    }
    c.send(lines);
  }
}
