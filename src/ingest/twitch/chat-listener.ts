/**
 * The live ChatSource: Twitch chat → chat events, for as long as it runs.
 *
 * Channels: those given at start (TWITCH_CHANNELS, always joined), the monitored set read from the graph
 * every few seconds (`/monitor add|remove`; additions are joined, removals parted), and whatever `join()` /
 * `part()` are called with at run time. `part()` leaves a channel whatever asked for it, until something asks
 * again.
 *
 * Joining: one pacer for the account keeps JOINs within Twitch's limit (20 per 10 s for a normal account), so
 * many channels are joined in waves; progress is logged per wave.
 *
 * Connections (see tmi-connection.ts for what tmi.js does underneath):
 * - lost (closed, network gone, login timed out): a new one after a backoff (1 s, doubling to 60 s, with
 *   jitter), which joins every wanted channel again;
 * - Twitch's `RECONNECT` (before maintenance): a new connection at once, while the old one keeps delivering
 *   until the new one has joined everything (or Twitch closes it). Both deliver the same messages meanwhile;
 *   messages whose id was seen moments before are dropped, so nothing is lost or counted twice.
 * - refused login (bad OAuth token): the listener stops with `TWITCH_AUTH_FAILED`; retrying cannot help.
 *
 * Chat events go to a sink that never waits (the event forwarder), so the socket is always read.
 */
import type { ChatEvent } from '../../domain/chat-event.js';
import { isTwitchLogin } from '../../domain/login.js';
import type { Logger } from '../../logging.js';
import type { ListenerMetrics } from '../../observability/metrics.js';
import { listenerMetrics } from '../../observability/metrics.js';
import type { Clock } from '../../util/clock.js';
import { systemClock } from '../../util/clock.js';
import { TwitchgraphError } from '../../util/twitchgraph-error.js';
import type { PrivmsgMapping } from './irc-tags.mapper.js';
import { JoinPacer } from './join-pacer.js';
import { RecentIds } from './recent-ids.js';
import type { ChatConnection, ChatIdentity, IrcEndpoint, OpenConnection } from './tmi-connection.js';
import { isAnonymous, openTmiConnection } from './tmi-connection.js';

export const CHANNEL_REASON = { config: 'config', monitor: 'monitor', api: 'api' } as const;
export type ChannelReason = (typeof CHANNEL_REASON)[keyof typeof CHANNEL_REASON];

export interface ChannelStatus {
  login: string;
  /** joined: Twitch confirmed the JOIN; joining: JOIN sent; waiting: queued behind the JOIN rate limit. */
  state: 'joined' | 'joining' | 'waiting';
  reasons: ChannelReason[];
}

export interface ChatListenerOptions {
  endpoint: IrcEndpoint;
  identity: ChatIdentity;
  /** Channels always joined (TWITCH_CHANNELS). */
  channels?: readonly string[];
  /** JOINs allowed per window (Twitch: 20 per 10 s for a normal account). */
  join: { limit: number; windowMs: number; marginMs?: number };
  /** The monitored channel set and how often to read it. */
  monitored?: { read: () => Promise<readonly string[]>; pollMs: number };
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  connectTimeoutMs?: number;
  /** After a reconnect, how long to wait for JOIN confirmations before closing the old connection anyway. */
  joinConfirmTimeoutMs?: number;
  /** Recent message ids remembered to drop duplicates. */
  dedupCapacity?: number;
}

export interface ChatEventSink {
  push(event: ChatEvent): unknown;
}

export interface ChatListenerDeps {
  sink: ChatEventSink;
  logger: Logger;
  metrics?: ListenerMetrics;
  openConnection?: OpenConnection;
  /** Clock of the JOIN pacer (tests of pacing at Twitch's real numbers use a fake one). */
  clock?: Clock;
}

export interface ListenerStats {
  /** Chat messages passed on as events. */
  messages: number;
  duplicates: number;
  invalid: number;
  joinsSent: number;
  reconnects: number;
}

export const LISTENER_ERROR = {
  authFailed: 'TWITCH_AUTH_FAILED',
  invalidLogin: 'TWITCH_INVALID_LOGIN',
  state: 'TWITCH_LISTENER_STATE',
} as const;
export type ListenerErrorCode = (typeof LISTENER_ERROR)[keyof typeof LISTENER_ERROR];

export class ListenerError extends TwitchgraphError<ListenerErrorCode> {
  readonly canRetry = false;
  constructor(
    message: string,
    readonly code: ListenerErrorCode,
  ) {
    super(message);
    this.name = 'ListenerError';
  }
}

/** `#Foo` / `Foo` → `foo`. */
export function channelLogin(value: string): string {
  return value.trim().replace(/^#/, '').toLowerCase();
}

/** One chat connection and what it has joined. */
interface Link {
  connection: ChatConnection;
  ready: boolean;
  joined: Set<string>;
  /** JOIN sent, not confirmed yet → when it was sent (clock ms). */
  sent: Map<string, number>;
  /** PART sent before the JOIN was confirmed: the confirmation still comes, and needs no second PART. */
  parting: Set<string>;
  /** Channels to JOIN, in order (entries no longer wanted are skipped). */
  queue: string[];
  readyAt: number;
  /** Logged "joined everything" for this connection. */
  complete: boolean;
}

export class ChatListener {
  private readonly wanted = new Map<string, Set<ChannelReason>>();
  private monitoredNow = new Set<string>();
  private current: Link | undefined;
  /** The connection being replaced after a RECONNECT; delivers until the current one has joined everything. */
  private draining: Link | undefined;
  private readonly pacer: JoinPacer;
  private readonly recent: RecentIds;
  private readonly metrics: ListenerMetrics;
  private readonly clock: Clock;
  private readonly open: OpenConnection;
  private readonly abort = new AbortController();
  private pumping = false;
  private polling = false;
  private pollFailing = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private confirmTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private started = false;
  private stopped = false;
  private settle!: (error: ListenerError | undefined) => void;
  /** Resolves when the listener has stopped: with the error that stopped it, or undefined after `stop()`. */
  readonly finished: Promise<ListenerError | undefined>;
  readonly stats: ListenerStats = { messages: 0, duplicates: 0, invalid: 0, joinsSent: 0, reconnects: 0 };

  constructor(
    private readonly options: ChatListenerOptions,
    private readonly deps: ChatListenerDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.pacer = new JoinPacer(options.join, this.clock);
    this.recent = new RecentIds(options.dedupCapacity ?? 10_000);
    this.metrics = deps.metrics ?? listenerMetrics();
    this.open = deps.openConnection ?? openTmiConnection;
    this.finished = new Promise((resolve) => (this.settle = resolve));
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  /** Read the monitored set once, then connect (logging in and joining go on in the background). */
  async start(): Promise<void> {
    if (this.started) throw new ListenerError('the listener was started already', LISTENER_ERROR.state);
    this.started = true;
    for (const login of this.options.channels ?? [])
      this.addReason(this.validLogin(login), CHANNEL_REASON.config);
    const monitored = this.options.monitored;
    if (monitored !== undefined) {
      // The first read decides the first wave of JOINs, but a store that is slow to answer must not keep the
      // listener from connecting: whatever the read brings later is joined then.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.poll(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(monitored.pollMs, 5_000));
        }),
      ]);
      clearTimeout(timer);
      this.pollTimer = setInterval(() => void this.poll(), monitored.pollMs);
      this.pollTimer.unref();
    }
    if (this.stopped) return;
    this.connect();
  }

  /** Close the connections and stop polling; `finished` resolves. */
  stop(): Promise<void> {
    this.shutdown(undefined);
    return this.finished.then(() => undefined);
  }

  /** Join a channel at run time; false when it was wanted already. */
  join(login: string): boolean {
    this.assertRunning();
    return this.addReason(this.validLogin(login), CHANNEL_REASON.api);
  }

  /** Leave a channel at run time, whatever asked for it; false when it was not wanted. */
  part(login: string): boolean {
    this.assertRunning();
    return this.leave(this.validLogin(login));
  }

  /** Wanted channels and how far joining them has got, by login. */
  channels(): ChannelStatus[] {
    return [...this.wanted.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([login, reasons]) => ({
        login,
        state:
          this.current?.joined.has(login) === true || this.draining?.joined.has(login) === true
            ? 'joined'
            : this.current?.sent.has(login) === true
              ? 'joining'
              : 'waiting',
        reasons: [...reasons].sort(),
      }));
  }

  /** Whether a connection is logged in. */
  get connected(): boolean {
    return this.current?.ready === true || this.draining?.ready === true;
  }

  // ------------------------------------------------------------------ channels

  private validLogin(value: string): string {
    const login = channelLogin(value);
    if (!isTwitchLogin(login))
      throw new ListenerError(
        `not a Twitch channel login: ${JSON.stringify(value)}`,
        LISTENER_ERROR.invalidLogin,
      );
    return login;
  }

  private assertRunning(): void {
    if (this.stopped) throw new ListenerError('the listener has stopped', LISTENER_ERROR.state);
  }

  private addReason(login: string, reason: ChannelReason): boolean {
    const reasons = this.wanted.get(login);
    if (reasons !== undefined) {
      reasons.add(reason);
      return false;
    }
    this.wanted.set(login, new Set([reason]));
    const link = this.current;
    if (link?.ready === true) {
      link.queue.push(login);
      link.complete = false;
      void this.pump();
    }
    this.updateGauges();
    return true;
  }

  private removeReason(login: string, reason: ChannelReason): void {
    const reasons = this.wanted.get(login);
    if (reasons === undefined || !reasons.delete(reason)) return;
    if (reasons.size === 0) this.leave(login);
  }

  private leave(login: string): boolean {
    if (!this.wanted.delete(login)) return false;
    for (const link of [this.current, this.draining]) {
      if (link === undefined) continue;
      if (link.sent.delete(login)) link.parting.add(login);
      else if (!link.joined.delete(login)) continue;
      link.connection.part(login);
    }
    this.updateGauges();
    return true;
  }

  private async poll(): Promise<void> {
    const monitored = this.options.monitored;
    if (monitored === undefined || this.polling || this.stopped) return;
    this.polling = true;
    try {
      const now = new Set<string>();
      for (const value of await monitored.read()) {
        const login = channelLogin(value);
        if (isTwitchLogin(login)) now.add(login);
      }
      if (this.stopped) return;
      const added = [...now].filter((l) => !this.monitoredNow.has(l));
      const removed = [...this.monitoredNow].filter((l) => !now.has(l));
      this.monitoredNow = now;
      for (const login of added) this.addReason(login, CHANNEL_REASON.monitor);
      for (const login of removed) this.removeReason(login, CHANNEL_REASON.monitor);
      if (added.length > 0 || removed.length > 0) {
        this.logger.info({ added, removed, monitored: now.size }, 'monitored channels changed');
      }
      if (this.pollFailing) this.logger.info('reading the monitored channels works again');
      this.pollFailing = false;
    } catch (error) {
      // Keep the channels as they were: a store that is briefly unreachable should not make us part them.
      if (!this.pollFailing)
        this.logger.warn({ err: error }, 'cannot read the monitored channels; keeping the current set');
      this.pollFailing = true;
    } finally {
      this.polling = false;
    }
  }

  // ------------------------------------------------------------------ connections

  private connect(): void {
    if (this.stopped) return;
    const handlers = {
      onReady: () => this.onReady(link),
      onClosed: (reason: string, authFailed: boolean) => this.onClosed(link, reason, authFailed),
      onReconnectRequested: () => this.onReconnectRequested(link),
      onJoined: (channel: string) => this.onJoined(link, channel),
      onParted: (channel: string) => {
        link.joined.delete(channel);
        this.updateGauges();
      },
      onChat: (mapping: PrivmsgMapping) => this.onChat(mapping),
    };
    const connection = this.open(
      {
        endpoint: this.options.endpoint,
        identity: this.options.identity,
        logger: this.logger,
        connectTimeoutMs: this.options.connectTimeoutMs ?? 20_000,
      },
      handlers,
    );
    const link: Link = {
      connection,
      ready: false,
      joined: new Set(),
      sent: new Map(),
      parting: new Set(),
      queue: [],
      readyAt: 0,
      complete: false,
    };
    this.current = link;
    this.logger.debug(
      { connection: connection.id, server: this.options.endpoint.server },
      'connecting to Twitch chat',
    );
  }

  private onReady(link: Link): void {
    link.ready = true;
    link.readyAt = this.clock.now();
    this.attempts = 0;
    if (link !== this.current) return;
    link.queue = [...this.wanted.keys()];
    const { limit, windowMs } = this.options.join;
    this.logger.info(
      {
        connection: link.connection.id,
        as: isAnonymous(this.options.identity) ? 'anonymous' : link.connection.username,
        channels: link.queue.length,
        joinLimit: `${limit} per ${windowMs / 1000} s`,
      },
      `connected to Twitch chat; joining ${link.queue.length} channels`,
    );
    this.updateGauges();
    void this.pump();
  }

  private onClosed(link: Link, reason: string, authFailed: boolean): void {
    link.ready = false;
    const wasCurrent = link === this.current;
    if (wasCurrent) this.current = undefined;
    if (link === this.draining) {
      this.draining = undefined;
      this.logger.info({ connection: link.connection.id }, 'the replaced connection closed');
    }
    this.updateGauges();
    if (this.stopped) return;
    if (authFailed) {
      this.shutdown(
        new ListenerError(
          `Twitch refused the chat login as ${this.options.identity.username} (${reason}); check TWITCH_USERNAME and TWITCH_OAUTH_TOKEN`,
          LISTENER_ERROR.authFailed,
        ),
      );
      return;
    }
    if (!wasCurrent) return;
    this.stats.reconnects += 1;
    this.metrics.reconnects.inc({ reason: 'lost' });
    const delay = this.backoffMs();
    this.logger.warn(
      { connection: link.connection.id, reason, retryInMs: Math.round(delay), attempt: this.attempts },
      'chat connection lost; reconnecting',
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      // A RECONNECT may have opened a connection meanwhile.
      if (this.current === undefined) this.connect();
    }, delay);
  }

  /** 1 s doubling to the maximum, times 0.5–1 so that many listeners do not come back in step. */
  private backoffMs(): number {
    const initial = this.options.reconnectInitialMs ?? 1_000;
    const max = this.options.reconnectMaxMs ?? 60_000;
    const base = Math.min(max, initial * 2 ** Math.min(this.attempts, 20));
    this.attempts += 1;
    return base * (0.5 + Math.random() / 2);
  }

  private onReconnectRequested(link: Link): void {
    if (link !== this.current || this.stopped) return;
    // Should Twitch ask again before a previous handover finished, the oldest connection goes.
    this.draining?.connection.close();
    this.draining = link;
    this.current = undefined;
    this.stats.reconnects += 1;
    this.metrics.reconnects.inc({ reason: 'requested' });
    this.logger.info(
      { connection: link.connection.id },
      'Twitch asked to reconnect: opening a new connection, keeping this one until the new one has joined',
    );
    this.connect();
  }

  private onJoined(link: Link, channel: string): void {
    link.sent.delete(channel);
    if (link.parting.delete(channel)) return; // left while the JOIN was on its way; the PART follows it
    if (!this.wanted.has(channel)) {
      link.connection.part(channel);
      return;
    }
    link.joined.add(channel);
    this.logger.debug({ connection: link.connection.id, channel }, 'joined');
    this.updateGauges();
    if (link === this.current) this.checkComplete(link, false);
  }

  /** All JOINs sent and confirmed (or given up on): log it, and let a replaced connection go. */
  private checkComplete(link: Link, timedOut: boolean): void {
    if (link.complete || link.queue.length > 0 || !link.ready) return;
    if (link.sent.size > 0 && !timedOut) return;
    link.complete = true;
    if (link.sent.size > 0) {
      this.logger.warn(
        {
          connection: link.connection.id,
          channels: [...link.sent.keys()].slice(0, 20),
          unconfirmed: link.sent.size,
        },
        'Twitch did not confirm some JOINs (channel renamed, suspended or banned?); still waiting for them',
      );
    }
    const seconds = ((this.clock.now() - link.readyAt) / 1000).toFixed(1);
    this.logger.info(
      { connection: link.connection.id, joined: link.joined.size, wanted: this.wanted.size },
      `joined ${link.joined.size} of ${this.wanted.size} channels in ${seconds} s`,
    );
    if (this.draining !== undefined) {
      this.logger.info({ connection: this.draining.connection.id }, 'closing the replaced connection');
      this.draining.connection.close();
      this.draining = undefined;
      this.updateGauges();
    }
  }

  // ------------------------------------------------------------------ joining

  /** The next wanted channel the link has not joined or asked for; drops stale queue entries. */
  private nextToJoin(link: Link): string | undefined {
    while (link.queue.length > 0) {
      const login = link.queue[0] as string;
      if (this.wanted.has(login) && !link.joined.has(login) && !link.sent.has(login)) return login;
      link.queue.shift();
    }
    return undefined;
  }

  /** Send JOINs for the current connection's queue as fast as the pacer allows; one loop at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const link = this.current;
        if (this.stopped || link === undefined || !link.ready) return;
        const login = this.nextToJoin(link);
        if (login === undefined) {
          this.queueDrained(link);
          return;
        }
        const wait = this.pacer.delay();
        if (wait > 0) {
          this.logWave(link, wait);
          try {
            await this.pacer.ready(this.abort.signal);
          } catch {
            return; // stopped
          }
          continue; // the connection or the queue may have changed meanwhile
        }
        link.queue.shift();
        link.sent.set(login, this.clock.now());
        this.pacer.record();
        link.connection.join(login);
        this.stats.joinsSent += 1;
        this.metrics.joinsSent.inc();
      }
    } finally {
      this.pumping = false;
      this.updateGauges();
    }
  }

  private queueDrained(link: Link): void {
    if (link.sent.size === 0) {
      this.checkComplete(link, false);
      return;
    }
    clearTimeout(this.confirmTimer);
    this.confirmTimer = setTimeout(() => {
      this.confirmTimer = undefined;
      if (link === this.current) this.checkComplete(link, true);
    }, this.options.joinConfirmTimeoutMs ?? 10_000);
    this.confirmTimer.unref();
  }

  private logWave(link: Link, waitMs: number): void {
    const waiting = link.queue.filter((l) => this.wanted.has(l) && !link.joined.has(l)).length;
    this.logger.info(
      {
        connection: link.connection.id,
        joined: link.joined.size,
        joining: link.sent.size,
        waiting,
        nextWaveInMs: Math.round(waitMs),
      },
      `joining channels: ${link.joined.size} joined, ${waiting} waiting for the JOIN limit (${this.pacer.limit} per ${
        this.pacer.windowMs / 1000
      } s); next wave in ${(waitMs / 1000).toFixed(1)} s`,
    );
  }

  // ------------------------------------------------------------------ chat

  private onChat(mapping: PrivmsgMapping): void {
    if (!mapping.ok) {
      this.stats.invalid += 1;
      this.metrics.invalid.inc();
      this.logger.debug({ reason: mapping.reason }, 'PRIVMSG is not a chat event');
      return;
    }
    const { event } = mapping;
    if (event.messageId !== null && this.recent.seen(event.messageId)) {
      this.stats.duplicates += 1;
      this.metrics.duplicates.inc();
      return;
    }
    try {
      this.deps.sink.push(event);
    } catch (error) {
      // This runs inside the socket's message handler: nothing may escape into tmi.js or ws from here.
      this.stats.invalid += 1;
      this.metrics.invalid.inc();
      this.logger.warn({ err: error, channel: event.channel.login }, 'a chat event could not be passed on');
      return;
    }
    this.stats.messages += 1;
    this.metrics.messages.inc({ channel: event.channel.login ?? event.channel.id });
  }

  // ------------------------------------------------------------------ lifecycle

  private updateGauges(): void {
    const link = this.current;
    this.metrics.connected.set(this.connected ? 1 : 0);
    this.metrics.channelsJoined.set(link?.joined.size ?? 0);
    let pending = 0;
    for (const login of this.wanted.keys()) if (link?.joined.has(login) !== true) pending += 1;
    this.metrics.joinsPending.set(pending);
  }

  private shutdown(error: ListenerError | undefined): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.confirmTimer);
    this.abort.abort();
    this.current?.connection.close();
    this.draining?.connection.close();
    this.current = undefined;
    this.draining = undefined;
    this.updateGauges();
    if (error !== undefined) this.logger.error({ code: error.code }, error.message);
    this.settle(error);
  }
}
