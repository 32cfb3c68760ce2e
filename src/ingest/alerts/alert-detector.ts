/**
 * The live-alert detector: raids and bot waves in the channels that have an `/alerts` rule, read from the
 * chat events the ingest worker takes (docs/ARCHITECTURE.md, "Live alerts"; thresholds in docs/alerts.md).
 *
 * It runs inside the worker, as its `ChatEventObserver`, for two reasons. Kafka keys chat events by channel,
 * so the worker that owns a channel's partition sees all of that channel's events in order: one detector per
 * channel across any number of replicas, with no coordination. And it sees a batch before the batch is
 * written, so it asks the graph who the newcomers are (`accountHistory`, one read per batch with
 * newcomers) before their own chat lands there: a chatter the CSV import knew is still known, not "first
 * seen just now".
 *
 * Everything slow (Helix account ages, publishing) happens after `observe` returns. Alerts are published to
 * the alerts topic keyed by alert id; an alert's later versions carry the same id (see domain/alert-event.ts).
 * Window arithmetic uses chat time (the events' `sentAt`), so a replay at any speed sees the same windows.
 */
import type { AlertAccount, AlertEvent } from '../../domain/alert-event.js';
import { ALERT_ACCOUNTS_LISTED, ALERT_EVENT_VERSION } from '../../domain/alert-event.js';
import type { ChatEvent } from '../../domain/chat-event.js';
import type {
  AccountHistory,
  AlertRule,
  AlertSensitivity,
  GraphStore,
} from '../../graph/graph-store.port.js';
import type { Logger } from '../../logging.js';
import type { TimedEvent } from '../worker/aggregate.js';
import type { ChatEventObserver } from '../worker/ingest-worker.js';

/**
 * Bot-wave thresholds per sensitivity: at least `firstTimers` first-time chatters within the window, of
 * whom at least `newShare` are new accounts. Reasons in docs/alerts.md.
 */
export const SENSITIVITY: Readonly<Record<AlertSensitivity, { firstTimers: number; newShare: number }>> = {
  low: { firstTimers: 25, newShare: 0.75 },
  normal: { firstTimers: 15, newShare: 0.6 },
  high: { firstTimers: 10, newShare: 0.5 },
};

export interface AlertDetectorOptions {
  windowMs: number;
  cooldownMs: number;
  raidWindowMs: number;
  newAccountDays: number;
  updateDelayMs: number;
  /** How often the rules are read again from the graph (they change through `/alerts` in another process). */
  rulesRefreshMs?: number;
}

/** Account creation times by login (Helix `GET /users`); absent when no Helix credentials are configured. */
export interface AccountAges {
  createdAt(accounts: readonly { login: string; id: string | null }[]): Promise<Map<string, string>>;
}

export interface AlertDetectorDeps {
  graph: GraphStore;
  publish(alert: AlertEvent): Promise<void>;
  logger: Logger;
  ages?: AccountAges;
  /** Wall clock (epoch ms), for `emittedAt` and the rules' refresh. */
  now?: () => number;
}

export interface DetectorStats {
  eventsSeen: number;
  firstTimers: number;
  raids: number;
  alertsOpened: number;
  versionsPublished: number;
  publishFailures: number;
}

interface Arrival {
  login: string;
  userId: string | null;
  at: number;
  /** Where the graph knew the account before this batch; undefined: not at all. */
  history: AccountHistory | undefined;
  createdAt: string | null;
  isNew: boolean;
}

interface OpenAlert {
  id: string;
  kind: 'raid' | 'bot-wave';
  channel: { id: string; login: string };
  version: number;
  openedAt: number;
  updatedAt: number;
  arrivals: Arrival[];
  logins: Set<string>;
  raid?: { raider: string; viewers: number };
  basis: 'graph' | 'graph+helix';
  timer: NodeJS.Timeout | undefined;
  /** Versions go out one at a time, in order. */
  publishing: Promise<void>;
}

interface ChannelState {
  channel: { id: string; login: string };
  window: Arrival[];
  /** First-time chatters already taken, by login → chat time (Twitch marks only one message, but a batch may come twice). */
  seen: Map<string, number>;
  wave: OpenAlert | undefined;
  raid: OpenAlert | undefined;
  evaluating: boolean;
  again: boolean;
  /** `seen` is pruned once it grows past this. */
  pruneAt: number;
}

const DAY_MS = 86_400_000;
/** A channel's remembered first-timers are pruned past this many (see `forget`). */
const SEEN_PRUNE_AT = 10_000;

export class AlertDetector implements ChatEventObserver {
  readonly stats: DetectorStats = {
    eventsSeen: 0,
    firstTimers: 0,
    raids: 0,
    alertsOpened: 0,
    versionsPublished: 0,
    publishFailures: 0,
  };
  private rules = new Map<string, AlertRule>();
  private rulesReadAt = -Infinity;
  private readonly channels = new Map<string, ChannelState>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private stopped = false;

  constructor(
    private readonly deps: AlertDetectorDeps,
    private readonly options: AlertDetectorOptions,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Re-read the rules now (tests, and `/alerts set` in this process). */
  async refreshRules(): Promise<void> {
    const rules = await this.deps.graph.alertRules();
    this.rules = new Map(rules.map((r) => [r.channel, r]));
    this.rulesReadAt = this.now();
  }

  async observe(events: readonly TimedEvent[]): Promise<void> {
    if (this.stopped) return;
    if (this.now() - this.rulesReadAt >= (this.options.rulesRefreshMs ?? 5_000)) {
      try {
        await this.refreshRules();
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'alerts: reading the alert rules failed; using the last ones');
      }
    }
    if (this.rules.size === 0) return;
    const mine: TimedEvent[] = [];
    const newcomers = new Set<string>();
    for (const timed of events) {
      const login = timed.event.channel.login;
      if (login === null || !this.rules.has(login)) continue;
      this.stats.eventsSeen += 1;
      if (timed.event.raid !== undefined) mine.push(timed);
      else if (timed.event.firstMessage === true) {
        if (this.channels.get(login)?.seen.has(timed.event.user.login) === true) continue;
        mine.push(timed);
        newcomers.add(timed.event.user.login);
      }
    }
    if (mine.length === 0) return;
    const histories = new Map<string, AccountHistory>();
    if (newcomers.size > 0) {
      for (const h of await this.deps.graph.accountHistory([...newcomers])) histories.set(h.login, h);
    }
    for (const { event, at } of mine) {
      const login = event.channel.login as string;
      const state = this.state(login, event.channel.id);
      if (event.raid !== undefined) this.onRaid(state, event, at);
      else {
        this.onFirstTimer(state, event, at, histories.get(event.user.login));
        // Per arrival, not per batch: one batch may hold minutes of chat, and the window slides.
        this.evaluate(state);
      }
    }
  }

  /** Publish pending updates and stop; resolves when everything started has finished. */
  async stop(): Promise<void> {
    // Checks under way (Helix lookups) finish first: an alert they open is still published.
    await this.settled();
    this.stopped = true;
    for (const state of this.channels.values()) {
      for (const alert of [state.wave, state.raid]) {
        if (alert?.timer !== undefined) {
          clearTimeout(alert.timer);
          alert.timer = undefined;
          this.publish(alert);
        }
      }
    }
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Resolves once every lookup and publish started so far has finished (tests, benchmarks). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  // ------------------------------------------------------------------ events

  private state(login: string, id: string): ChannelState {
    let state = this.channels.get(login);
    if (state === undefined) {
      state = {
        channel: { id, login },
        window: [],
        seen: new Map(),
        wave: undefined,
        raid: undefined,
        evaluating: false,
        again: false,
        pruneAt: SEEN_PRUNE_AT,
      };
      this.channels.set(login, state);
    }
    return state;
  }

  private onRaid(state: ChannelState, event: ChatEvent, at: number): void {
    const channel = state.channel;
    const id = `raid:${channel.login}:${event.messageId ?? `${event.user.login}:${at}`}`;
    // The same notice again (a batch delivered twice): the open alert already has it.
    if (state.raid?.id === id) return;
    this.stats.raids += 1;
    const alert = this.open('raid', channel, id, at);
    alert.raid = { raider: event.user.login, viewers: event.raid?.viewers ?? 0 };
    if (state.raid?.timer !== undefined) {
      clearTimeout(state.raid.timer);
      this.publish(state.raid);
    }
    state.raid = alert;
    this.publish(alert);
  }

  private onFirstTimer(
    state: ChannelState,
    event: ChatEvent,
    at: number,
    history: AccountHistory | undefined,
  ): void {
    this.stats.firstTimers += 1;
    const arrival: Arrival = {
      login: event.user.login,
      userId: event.user.id,
      at,
      history,
      createdAt: null,
      isNew: isNewToGraph(history, at - this.options.windowMs),
    };
    state.seen.set(arrival.login, at);
    state.window.push(arrival);
    const raid = state.raid;
    if (raid !== undefined && at >= raid.openedAt && at <= raid.openedAt + this.options.raidWindowMs) {
      this.join(raid, arrival);
    }
    const wave = state.wave;
    if (wave !== undefined) {
      if (at <= wave.updatedAt + this.options.cooldownMs) this.join(wave, arrival);
      else state.wave = undefined;
    }
  }

  private join(alert: OpenAlert, arrival: Arrival): void {
    if (alert.logins.has(arrival.login)) return;
    alert.logins.add(arrival.login);
    alert.arrivals.push(arrival);
    if (arrival.at > alert.updatedAt) alert.updatedAt = arrival.at;
    this.schedule(alert);
  }

  /** The bot-wave rule over the channel's window; Helix lookups make it asynchronous. */
  private evaluate(state: ChannelState): void {
    const login = state.channel.login;
    const latest = state.window.at(-1)?.at;
    if (latest === undefined) return;
    const from = latest - this.options.windowMs;
    // Chat times come nearly in order: drop from the front while the oldest is out of the window.
    let out = 0;
    while (out < state.window.length && (state.window[out] as Arrival).at <= from) out += 1;
    if (out > 0) state.window.splice(0, out);
    if (state.seen.size > state.pruneAt) {
      this.forget(state, latest);
      // Doubling keeps a flood of first-timers from pruning on every arrival.
      state.pruneAt = Math.max(SEEN_PRUNE_AT, state.seen.size * 2);
    }
    const rule = this.rules.get(login);
    if (rule === undefined || state.wave !== undefined) return;
    const thresholds = SENSITIVITY[rule.sensitivity];
    if (state.window.length < thresholds.firstTimers) return;
    if (this.deps.ages === undefined) {
      // Graph novelty alone is known already: judge now, so the rest of this batch joins an open wave.
      this.openWave(state, [...state.window], thresholds, 'graph');
      return;
    }
    if (state.evaluating) {
      state.again = true;
      return;
    }
    state.evaluating = true;
    const run = this.judgeWave(state, [...state.window], thresholds)
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, channel: login }, 'alerts: bot-wave check failed'),
      )
      .finally(() => {
        state.evaluating = false;
        if (state.again) {
          state.again = false;
          this.evaluate(state);
        }
      });
    this.track(run);
  }

  /** Forget first-timers long gone (a login is "first" only once per channel): bounds memory. */
  private forget(state: ChannelState, latest: number): void {
    const { windowMs, cooldownMs, raidWindowMs } = this.options;
    const keep = latest - Math.max(windowMs, cooldownMs, raidWindowMs) * 2;
    for (const [l, at] of state.seen) if (at < keep) state.seen.delete(l);
  }

  private async judgeWave(
    state: ChannelState,
    window: Arrival[],
    thresholds: { firstTimers: number; newShare: number },
  ): Promise<void> {
    const basis = await this.addAges(window);
    this.openWave(state, window, thresholds, basis);
  }

  private openWave(
    state: ChannelState,
    window: Arrival[],
    thresholds: { firstTimers: number; newShare: number },
    basis: 'graph' | 'graph+helix',
  ): void {
    const fresh = window.filter((a) => a.isNew).length;
    if (fresh < thresholds.newShare * window.length || state.wave !== undefined || this.stopped) return;
    const first = window[0] as Arrival;
    const alert = this.open(
      'bot-wave',
      state.channel,
      `bot-wave:${state.channel.login}:${first.at}`,
      first.at,
    );
    alert.basis = basis;
    for (const arrival of window) this.joinQuietly(alert, arrival);
    // Arrivals taken while the ages were looked up.
    for (const arrival of state.window) this.joinQuietly(alert, arrival);
    state.wave = alert;
    this.publish(alert);
  }

  private joinQuietly(alert: OpenAlert, arrival: Arrival): void {
    if (alert.logins.has(arrival.login)) return;
    alert.logins.add(arrival.login);
    alert.arrivals.push(arrival);
    if (arrival.at > alert.updatedAt) alert.updatedAt = arrival.at;
  }

  /** Helix creation times for arrivals not looked up yet; a young account counts as new. */
  private async addAges(arrivals: Arrival[]): Promise<'graph' | 'graph+helix'> {
    const { ages } = this.deps;
    if (ages === undefined) return 'graph';
    const missing = arrivals.filter((a) => a.createdAt === null);
    if (missing.length > 0) {
      try {
        const found = await ages.createdAt(missing.map((a) => ({ login: a.login, id: a.userId })));
        for (const a of missing) {
          a.createdAt = found.get(a.login) ?? null;
          const made = a.createdAt === null ? NaN : Date.parse(a.createdAt);
          if (made >= a.at - this.options.newAccountDays * DAY_MS) a.isNew = true;
        }
      } catch (error) {
        this.deps.logger.warn(
          { err: error },
          'alerts: Helix account ages unavailable; judging on graph novelty',
        );
        return 'graph';
      }
    }
    return 'graph+helix';
  }

  // ------------------------------------------------------------------ alerts out

  private open(kind: OpenAlert['kind'], channel: OpenAlert['channel'], id: string, at: number): OpenAlert {
    this.stats.alertsOpened += 1;
    return {
      id,
      kind,
      channel,
      version: 0,
      openedAt: at,
      updatedAt: at,
      arrivals: [],
      logins: new Set(),
      basis: this.deps.ages === undefined ? 'graph' : 'graph+helix',
      timer: undefined,
      publishing: Promise.resolve(),
    };
  }

  private schedule(alert: OpenAlert): void {
    if (alert.timer !== undefined || this.stopped) return;
    alert.timer = setTimeout(() => {
      alert.timer = undefined;
      this.publish(alert);
    }, this.options.updateDelayMs);
  }

  private publish(alert: OpenAlert): void {
    alert.version += 1;
    const version = alert.version;
    const arrivals = [...alert.arrivals];
    alert.publishing = alert.publishing.then(async () => {
      try {
        // Accounts that joined since the last version get their ages too (cached: asked once each).
        if (this.deps.ages !== undefined) await this.addAges(arrivals);
        const event = this.toEvent(alert, version, arrivals);
        await this.deps.publish(event);
        this.stats.versionsPublished += 1;
      } catch (error) {
        this.stats.publishFailures += 1;
        this.deps.logger.error({ err: error, alert: alert.id }, 'alerts: publishing an alert failed');
      }
    });
    this.track(alert.publishing);
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private toEvent(alert: OpenAlert, version: number, arrivals: readonly Arrival[]): AlertEvent {
    const channel = alert.channel.login;
    const known = arrivals.filter((a) => a.history !== undefined).length;
    const fresh = arrivals.filter((a) => a.isNew).length;
    const accounts: AlertAccount[] = arrivals.slice(0, ALERT_ACCOUNTS_LISTED).map((a) => {
      const elsewhere = (a.history?.channels ?? []).map((c) => c.channel).filter((c) => c !== channel);
      return {
        login: a.login,
        createdAt: a.createdAt,
        seenIn: elsewhere.slice(0, 5),
        seenInCount: elsewhere.length,
        isNew: a.isNew,
      };
    });
    const base = {
      v: ALERT_EVENT_VERSION,
      id: alert.id,
      kind: alert.kind,
      version,
      channel: alert.channel,
      openedAt: alert.openedAt,
      updatedAt: alert.updatedAt,
      emittedAt: this.now(),
      accounts,
      accountCount: arrivals.length,
    } as const;
    if (alert.kind === 'raid' && alert.raid !== undefined) {
      const { raider, viewers } = alert.raid;
      const fromRaider = arrivals.filter((a) =>
        a.history?.channels.some(
          (c) => c.channel === raider && (c.firstSeen === null || c.firstSeen < alert.openedAt),
        ),
      ).length;
      const share = arrivals.length === 0 ? 0 : Math.round((100 * fromRaider) / arrivals.length);
      return {
        ...base,
        title: `Raid on #${channel} by ${raider} with ${viewers} viewers`,
        facts: [
          `${arrivals.length} first-time chatters since the raid (within ${Math.round(this.options.raidWindowMs / 1000)} s)`,
          `${known} already known to the graph, ${arrivals.length - known} never seen before`,
          `${fromRaider} (${share}%) known from ${raider}'s chat: the raid explains them`,
        ],
        raid: { raider, viewers, arrivals: arrivals.length, known, fromRaider },
      };
    }
    const windowS = Math.round(this.options.windowMs / 1000);
    return {
      ...base,
      title: `Bot wave in #${channel}: ${arrivals.length} first-time chatters, ${fresh} new accounts`,
      facts: [
        `${arrivals.length} first-time chatters, first burst within ${windowS} s`,
        `${fresh} new accounts (${arrivals.length === 0 ? 0 : Math.round((100 * fresh) / arrivals.length)}%): ${
          alert.basis === 'graph'
            ? 'never seen by the graph (no Helix credentials: account ages not checked)'
            : `never seen by the graph or made in the last ${this.options.newAccountDays} days`
        }`,
        'No action was taken on Twitch.',
      ],
      wave: {
        firstTimers: arrivals.length,
        newAccounts: fresh,
        windowMs: this.options.windowMs,
        basis: alert.basis,
      },
    };
  }
}

/**
 * New to the graph: known nowhere, or only through chat that began inside the window (the same wave
 * reaching several channels at once). Known without a time (CSV import, a role) is known.
 */
export function isNewToGraph(history: AccountHistory | undefined, windowStart: number): boolean {
  if (history === undefined) return true;
  return history.channels.every((c) => c.firstSeen !== null && c.firstSeen >= windowStart);
}
