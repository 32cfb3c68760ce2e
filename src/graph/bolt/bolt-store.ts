/**
 * GraphStore adapter for Bolt servers: Memgraph with MAGE (primary) and Neo4j 5 (also supported), picked
 * by `GRAPH_URL`. The semantics are the embedded store's (embedded-graph.ts is the spec); the contract
 * suite in test/contract/ runs unchanged against both.
 *
 * - Connecting: the driver is asked for the server's agent, retried with doubling waits (bounded by
 *   GRAPH_CONNECT_RETRIES / GRAPH_CONNECT_BACKOFF_MS) and then refused with one line naming the URL. The
 *   agent decides the dialect (dialect.ts). Schema statements run once, each in its own auto-commit
 *   transaction (Memgraph rejects DDL inside managed transactions).
 * - Every operation opens a fresh session and a managed transaction (`executeRead`/`executeWrite`), which
 *   retry transient errors with backoff. No session outlives an operation, so after the server restarts
 *   the driver's pool simply dials again; failures meanwhile surface as retryable `GraphStoreError`s.
 * - Writes are `UNWIND $rows` statements of at most GRAPH_BATCH_SIZE rows, planned by write-plan.ts so
 *   that batching never changes the result of applying rows in order. CSV writes commit per batch;
 *   `applyChatActivity` is one transaction together with its consumer offsets, whatever its size.
 * - URLs: use `bolt://` (a `neo4j://` URL asks for a routing table, which Memgraph only has as an HA
 *   coordinator), and no `database` option: each server then uses its default database.
 */
import type { Driver, ManagedTransaction, ServerInfo } from 'neo4j-driver';
import neo4j from 'neo4j-driver';
import type {
  ChatActivity,
  ChatterPresence,
  ConsumerOffset,
  OffsetUpdate,
  Role,
  RoleGrant,
  StreamerRecord,
  TeamMembership,
  WriteResult,
} from '../../domain/graph-records.js';
import { betweennessRows, pagerankRows } from '../in-process-algorithms.js';
import {
  byCountThenName,
  compareNames,
  compareStreamers,
  offsetKey,
  pickByDisplayName,
  wantedStreamName,
} from '../graph-order.js';
import type {
  AccountHistory,
  AccountPresence,
  AlertRecord,
  AlertRule,
  AlgorithmOptions,
  AudienceColumns,
  AudienceOverlap,
  AudienceRecord,
  BetweennessResult,
  GraphCounts,
  GraphProjection,
  GraphStore,
  GraphView,
  MonitoredChannel,
  NameKind,
  NodeRef,
  RankedName,
  ScoredNode,
  SharedAudienceGraph,
  StreamerNeighbourhood,
  StreamerSummary,
} from '../graph-store.port.js';
import { GraphStoreError } from '../graph-store.port.js';
import type { OutLink, ResolvedRef } from '../graph-views.js';
import { connectionsView, neighbourhoodOf } from '../graph-views.js';
import { audienceColumnsOf } from '../audience-columns.js';
import { assertNoOffsetConflict, checkOffsetUpdate } from '../offset-cas.js';
import {
  GRAPH_ERROR_CODES,
  isAuthError,
  isMemgraphRetryable,
  shortReason,
  toGraphStoreError,
} from './bolt-errors.js';
import * as Q from './cypher.js';
import type { Dialect } from './dialect.js';
import { detectDialect, MEMGRAPH_PROJECT_MAX_PAIRS } from './dialect.js';
import { ProjectionBuilder } from './projection.js';
import { SharedAudienceCounter } from './shared-audience.js';
import { AudienceBuilder } from './audience.js';
import type { RecordLike, StreamRow } from './records.js';
import {
  accountHistoryRowSchema,
  alertRecordSchema,
  alertRuleSchema,
  chatsInSchema,
  channelAudienceSchema,
  channelBadgeSchema,
  columnsOf,
  channelAudienceKeySchema,
  audienceLeftOutSchema,
  sharedAudienceSchema,
  toChannelRef,
  activityParams,
  changedSchema,
  chatterSchema,
  countSchema,
  countsSchema,
  displayNameSchema,
  holderSchema,
  identityOf,
  idSchema,
  integer,
  kindOf,
  limitParam,
  linkSchema,
  loginSchema,
  lockedOffsetSchema,
  monitoredSchema,
  nameSchema,
  offsetParams,
  offsetSchema,
  parseAll,
  parseOne,
  rankedNameSchema,
  resolvedSchema,
  rolesSchema,
  scoredSchema,
  streamerParams,
  streamIdNameSchema,
  streamRowSchema,
  toGraphCounts,
  textValue,
  toStreamerSummary,
  wholeNumber,
} from './records.js';
import type { EnsureStep, StreamState } from './write-plan.js';
import {
  chunks,
  ensureKeys,
  intoRounds,
  lastPerKey,
  planChatActivity,
  plannedEnsures,
} from './write-plan.js';

/**
 * How long a managed transaction keeps retrying transient errors and lost connections before the error
 * reaches the caller. The driver's default is 30 s; a chat command should learn sooner that the
 * database is away, and Memgraph's write conflicts clear within a few retries (1, 2, 4 s waits).
 */
const TRANSACTION_RETRY_MS = 10_000;
/** Longest single wait between connection attempts at start. */
const MAX_CONNECT_BACKOFF_MS = 8_000;
/** First and longest wait between attempts of a unit of work that Memgraph refused for now. */
const MEMGRAPH_RETRY_FIRST_MS = 50;
const MEMGRAPH_RETRY_MAX_MS = 2_000;

/**
 * Runs `attempt` again while it fails with one of Memgraph's conditions that clear by themselves (a unique
 * constraint lost to a concurrent MERGE, a conflict, a storage access timeout; bolt-errors.ts), with
 * doubling jittered waits, until `budgetMs` has passed since the first attempt. The driver's managed
 * transactions do not retry the first and last of these: they arrive as client errors.
 */
async function retryMemgraphConditions<T>(budgetMs: number, attempt: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let delay = MEMGRAPH_RETRY_FIRST_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const wait = Math.round(delay * (0.5 + Math.random() / 2));
      if (!isMemgraphRetryable(error) || Date.now() - started + wait > budgetMs) throw error;
      await sleep(wait);
      delay = Math.min(delay * 2, MEMGRAPH_RETRY_MAX_MS);
    }
  }
}

export interface ConnectRetry {
  url: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  attempts: number;
  delayMs: number;
  reason: string;
}

export interface BoltStoreSettings {
  url: string;
  user?: string | undefined;
  password?: string | undefined;
  batchSize: number;
  connectRetries: number;
  connectBackoffMs: number;
  betweennessExactMaxNodes: number;
  betweennessSamplePivots: number;
  readOnly?: boolean;
  onConnectRetry?: (retry: ConnectRetry) => void;
  /** How long a transaction retries a lost connection or transient error (default 10 s). */
  transactionRetryMs?: number;
}

/** Opens the Bolt driver; tests pass one that records statements or plays a server's failures. */
export type OpenDriver = (settings: BoltStoreSettings) => Driver;

const openNeo4jDriver: OpenDriver = (settings) => {
  const auth =
    settings.user === undefined ? undefined : neo4j.auth.basic(settings.user, settings.password ?? '');
  return neo4j.driver(settings.url, auth, {
    useBigInt: true,
    maxTransactionRetryTime: settings.transactionRetryMs ?? TRANSACTION_RETRY_MS,
    connectionTimeout: 5_000,
    connectionAcquisitionTimeout: 15_000,
    userAgent: 'twitchgraph',
  });
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Params = Record<string, unknown>;

async function run(tx: ManagedTransaction, query: string, params: Params = {}): Promise<RecordLike[]> {
  const result = await tx.run(query, params);
  return result.records;
}

export class BoltGraphStore implements GraphStore {
  readonly backend: string;
  private closed = false;

  private constructor(
    private readonly driver: Driver,
    readonly dialect: Dialect,
    readonly serverAgent: string,
    private readonly settings: BoltStoreSettings,
  ) {
    this.backend = dialect.name;
  }

  /** Connect (with retries), detect the server, set up the schema unless read-only. */
  static async connect(
    settings: BoltStoreSettings,
    openDriver: OpenDriver = openNeo4jDriver,
  ): Promise<BoltGraphStore> {
    const driver = openDriver(settings);
    try {
      const info = await connectWithRetry(driver, settings);
      const agent = info.agent ?? '';
      const dialect = detectDialect(agent);
      if (settings.readOnly !== true) await ensureSchema(driver, dialect, settings);
      return new BoltGraphStore(driver, dialect, agent, settings);
    } catch (error) {
      await driver.close().catch(() => undefined);
      throw toGraphStoreError(error, 'setting up the schema', settings.url);
    }
  }

  // ------------------------------------------------------------------------------------ plumbing

  private checkOpen(): void {
    if (this.closed) throw new GraphStoreError('The graph store is closed', GRAPH_ERROR_CODES.closed, false);
  }

  private async read<T>(operation: string, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    this.checkOpen();
    return this.retrying(operation, async () => {
      const session = this.driver.session({ defaultAccessMode: neo4j.session.READ });
      try {
        return await session.executeRead(work);
      } finally {
        await session.close().catch(() => undefined);
      }
    });
  }

  private async retrying<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    try {
      return await retryMemgraphConditions(this.settings.transactionRetryMs ?? TRANSACTION_RETRY_MS, attempt);
    } catch (error) {
      throw toGraphStoreError(error, operation, this.settings.url);
    }
  }

  private async write<T>(operation: string, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    this.checkOpen();
    if (this.settings.readOnly === true)
      throw new GraphStoreError('This graph store was opened read-only', GRAPH_ERROR_CODES.readOnly, false);
    return this.retrying(operation, async () => {
      const session = this.driver.session({ defaultAccessMode: neo4j.session.WRITE });
      try {
        return await session.executeWrite(work);
      } finally {
        await session.close().catch(() => undefined);
      }
    });
  }

  /** Names and holders of the streams a batch mentions, read inside the batch's transaction. */
  private async streamState(
    tx: ManagedTransaction,
    ids: readonly string[],
    logins: readonly string[],
  ): Promise<StreamState> {
    const nameById = new Map<string, string | null>();
    const idByLogin = new Map<string, string>();
    const plainUsers = new Set<string>();
    if (ids.length > 0) {
      for (const row of parseAll(streamIdNameSchema, 'stream ids', await run(tx, Q.STREAMS_BY_ID, { ids })))
        nameById.set(row.id, row.name);
    }
    if (logins.length > 0) {
      for (const row of parseAll(
        holderSchema,
        'login holders',
        await run(tx, Q.HOLDERS_BY_LOGIN, { logins }),
      ))
        if (row.isStream && row.streamId !== null) idByLogin.set(row.login, row.streamId);
        else if (!row.isStream) plainUsers.add(row.login);
    }
    return { nameById, idByLogin, plainUsers };
  }

  /**
   * One round of "ensure" steps (cypher.ts), in their order: rows share no stream id and no login, so
   * the steps are independent per row. Each statement matches only the rows it applies to; steps no
   * row needs are skipped.
   */
  private async ensureRound(tx: ManagedTransaction, round: readonly EnsureStep[]): Promise<void> {
    const rows = round.map((r) => ({ id: r.id, login: r.login }));
    const any = (step: 'release' | 'absorb' | 'rename' | 'convert' | 'create') => round.some((r) => r[step]);
    const statements = [
      ...(any('release') ? [Q.ENSURE_RELEASE_LOGIN] : []),
      ...(any('absorb')
        ? [Q.ENSURE_ABSORB_CHATTER, Q.ENSURE_ABSORB_VIP, Q.ENSURE_ABSORB_MODERATOR, Q.ENSURE_DELETE_ABSORBED]
        : []),
      ...(any('rename') ? [Q.ENSURE_RENAME] : []),
      ...(any('convert') ? [Q.ENSURE_CONVERT_USER] : []),
      ...(any('create') ? [Q.ENSURE_CREATE] : []),
    ];
    for (const statement of statements) await run(tx, statement, { rows });
  }

  // ------------------------------------------------------------------------------------ writes

  async upsertStreamers(rows: readonly StreamerRecord[]): Promise<WriteResult> {
    for (const batch of chunks(rows, this.settings.batchSize)) {
      await this.write('writing streamers', async (tx) => {
        const state = await this.streamState(
          tx,
          unique(batch.map((r) => r.id)),
          unique(batch.map((r) => r.login)),
        );
        const ensures = plannedEnsures(
          batch.map((r) => ({ id: r.id, login: r.login })),
          state,
        );
        for (const round of intoRounds(ensures, ensureKeys)) await this.ensureRound(tx, round);
        // Properties and links depend only on the last row for an id: each row replaces them all.
        const latest = lastPerKey(batch, (r) => r.id).map(streamerParams);
        for (const statement of [
          Q.SET_STREAMER_PROPERTIES,
          Q.DROP_STALE_PLAYS,
          Q.MERGE_PLAYS,
          Q.DROP_STALE_SPEAKS,
          Q.MERGE_SPEAKS,
        ])
          await run(tx, statement, { rows: latest });
      });
    }
    this.checkOpen();
    return { written: rows.length, unknownStreamIds: [] };
  }

  /** Rows for streams not in the graph are reported and skipped, as the embedded store does. */
  private async writeForKnownStreams<T extends { streamerId: string }>(
    operation: string,
    rows: readonly T[],
    apply: (tx: ManagedTransaction, known: T[]) => Promise<void>,
  ): Promise<WriteResult> {
    this.checkOpen();
    const unknown = new Set<string>();
    let written = 0;
    for (const batch of chunks(rows, this.settings.batchSize)) {
      const result = await this.write(operation, async (tx) => {
        const ids = unique(batch.map((r) => r.streamerId));
        const known = new Set(
          parseAll(idSchema, 'known streams', await run(tx, Q.KNOWN_STREAM_IDS, { ids })).map((r) => r.id),
        );
        const knownRows = batch.filter((r) => known.has(r.streamerId));
        if (knownRows.length > 0) await apply(tx, knownRows);
        return { written: knownRows.length, unknown: ids.filter((id) => !known.has(id)) };
      });
      written += result.written;
      for (const id of result.unknown) unknown.add(id);
    }
    return { written, unknownStreamIds: [...unknown] };
  }

  async addTeamMemberships(rows: readonly TeamMembership[]): Promise<WriteResult> {
    return this.writeForKnownStreams('writing team memberships', rows, async (tx, known) => {
      await run(tx, Q.MERGE_TEAM_MEMBERSHIPS, {
        rows: known.map((r) => ({ streamerId: r.streamerId, team: r.team })),
      });
    });
  }

  async addRoles(rows: readonly RoleGrant[]): Promise<WriteResult> {
    return this.writeForKnownStreams('writing roles', rows, async (tx, known) => {
      const byRole = (role: Role) =>
        known.filter((r) => r.role === role).map((r) => ({ streamerId: r.streamerId, login: r.login }));
      const vips = byRole('VIP');
      const moderators = byRole('MODERATOR');
      if (vips.length > 0) await run(tx, Q.MERGE_VIPS, { rows: vips });
      if (moderators.length > 0) await run(tx, Q.MERGE_MODERATORS, { rows: moderators });
    });
  }

  async addChatters(rows: readonly ChatterPresence[]): Promise<WriteResult> {
    return this.writeForKnownStreams('writing chatters', rows, async (tx, known) => {
      await run(tx, Q.MERGE_CHATTERS, {
        rows: known.map((r) => ({ streamerId: r.streamerId, login: r.login })),
      });
    });
  }

  async applyChatActivity(rows: readonly ChatActivity[], offsets: readonly OffsetUpdate[]): Promise<void> {
    this.checkOpen();
    if (rows.length === 0 && offsets.length === 0) return;
    for (const offset of offsets) checkOffsetUpdate(offset);
    const offsetRows = offsets.map(offsetParams);
    // One transaction for the rows and the offsets: a redelivered batch is then either fully counted
    // with its offsets stored, or not at all. The compare-and-set comes first, so a batch another worker
    // already applied costs one statement; throwing rolls the transaction back.
    await this.write('applying chat activity', async (tx) => {
      if (offsetRows.length > 0) {
        const stored = new Map<string, bigint | null>();
        for (const row of parseAll(
          lockedOffsetSchema,
          'locked offsets',
          await run(tx, Q.LOCK_OFFSETS, { offsets: offsetRows }),
        ))
          stored.set(offsetKey(row), row.offset);
        assertNoOffsetConflict(offsets, (o) => stored.get(offsetKey(o)) ?? undefined);
      }
      const state = await this.streamState(
        tx,
        unique(rows.map((r) => r.channelId)),
        unique(rows.flatMap((r) => (r.channelLogin === null ? [] : [r.channelLogin]))),
      );
      for (const segment of planChatActivity(rows, state)) {
        // Placeholders first: the ensure steps were planned on a graph where they already exist.
        if (segment.placeholders.length > 0)
          await run(tx, Q.ENSURE_PLACEHOLDERS, { ids: segment.placeholders });
        for (const round of segment.ensureRounds) await this.ensureRound(tx, round);
        for (const round of segment.activityRounds)
          for (const batch of chunks(round, this.settings.batchSize))
            await run(tx, Q.APPLY_CHAT_ACTIVITY, { rows: batch.map(activityParams) });
      }
      if (offsetRows.length > 0) await run(tx, Q.SAVE_OFFSETS, { offsets: offsetRows });
    });
  }

  async readOffsets(group: string, topic: string): Promise<ConsumerOffset[]> {
    return this.read('reading consumer offsets', async (tx) =>
      parseAll(offsetSchema, 'offsets', await run(tx, Q.READ_OFFSETS, { group, topic })),
    );
  }

  async monitoredChannels(): Promise<MonitoredChannel[]> {
    const rows = await this.read('reading monitored channels', async (tx) =>
      parseAll(monitoredSchema, 'monitored channels', await run(tx, Q.MONITORED_CHANNELS)),
    );
    return rows.sort((a, b) => compareNames(a.login, b.login));
  }

  async setMonitoredChannel(login: string, wanted: boolean, requestedBy: string): Promise<boolean> {
    const since = integer(Date.now());
    const { changed } = await this.write('changing monitored channels', async (tx) =>
      parseOne(
        changedSchema,
        'monitored channel change',
        await run(tx, wanted ? Q.ADD_MONITORED_CHANNEL : Q.REMOVE_MONITORED_CHANNEL, {
          login,
          requestedBy,
          since,
        }),
      ),
    );
    return changed > 0;
  }

  // ----------------------------------------------------------------------------- live alerts

  async alertRules(): Promise<AlertRule[]> {
    const rows = await this.read('reading alert rules', async (tx) =>
      parseAll(alertRuleSchema, 'alert rules', await run(tx, Q.ALERT_RULES)),
    );
    return rows.sort((a, b) => compareNames(a.channel, b.channel));
  }

  async setAlertRule(rule: AlertRule): Promise<boolean> {
    const { changed } = await this.write('changing an alert rule', async (tx) =>
      parseOne(
        changedSchema,
        'alert rule change',
        await run(tx, Q.SET_ALERT_RULE, { ...rule, since: integer(rule.since) }),
      ),
    );
    return changed > 0;
  }

  async removeAlertRule(channel: string): Promise<boolean> {
    const { changed } = await this.write('removing an alert rule', async (tx) =>
      parseOne(changedSchema, 'alert rule removal', await run(tx, Q.REMOVE_ALERT_RULE, { channel })),
    );
    return changed > 0;
  }

  async saveAlert(record: AlertRecord): Promise<boolean> {
    const { changed } = await this.write('saving an alert', async (tx) =>
      parseOne(
        changedSchema,
        'alert save',
        await run(tx, Q.SAVE_ALERT, {
          ...record,
          version: integer(record.version),
          openedAt: integer(record.openedAt),
          updatedAt: integer(record.updatedAt),
          accounts: integer(record.accounts),
        }),
      ),
    );
    return changed > 0;
  }

  async alertRecord(id: string): Promise<AlertRecord | null> {
    const rows = await this.read('reading an alert', async (tx) =>
      parseAll(alertRecordSchema, 'alert', await run(tx, Q.ALERT_BY_ID, { id })),
    );
    return rows[0] ?? null;
  }

  async recentAlerts(limit: number): Promise<AlertRecord[]> {
    const rows = await this.read('reading recent alerts', async (tx) =>
      parseAll(alertRecordSchema, 'alerts', await run(tx, Q.RECENT_ALERTS, { limit: integer(limit) })),
    );
    return rows.sort((a, b) => b.updatedAt - a.updatedAt || compareNames(a.id, b.id));
  }

  async accountHistory(logins: readonly string[]): Promise<AccountHistory[]> {
    const rows = await this.read('reading account histories', async (tx) =>
      parseAll(
        accountHistoryRowSchema,
        'account history',
        await run(tx, Q.ACCOUNT_HISTORY, { logins: unique(logins) }),
      ),
    );
    const byLogin = new Map<string, Map<string, number | null>>();
    for (const row of rows) {
      let seen = byLogin.get(row.login);
      if (seen === undefined) {
        seen = new Map();
        byLogin.set(row.login, seen);
      }
      if (row.channel === null) continue;
      const before = seen.get(row.channel);
      // The same rule as the embedded store: known without a time (null) is known earliest of all.
      if (before === undefined || (before !== null && (row.firstSeen === null || row.firstSeen < before)))
        seen.set(row.channel, row.firstSeen);
    }
    return [...byLogin]
      .map(([login, seen]) => ({
        login,
        channels: [...seen]
          .map(([channel, firstSeen]) => ({ channel, firstSeen }))
          .sort((a, b) => compareNames(a.channel, b.channel)),
      }))
      .sort((a, b) => compareNames(a.login, b.login));
  }

  // ------------------------------------------------------------------------------------ reads

  private async ranked(operation: string, query: string, params: Params): Promise<RankedName[]> {
    const rows = await this.read(operation, async (tx) =>
      parseAll(rankedNameSchema, operation, await run(tx, query, params)),
    );
    // The server ordered and cut; the exact tie order (code units) is restored here.
    return rows.sort(byCountThenName);
  }

  async topGames(limit: number): Promise<RankedName[]> {
    return this.ranked('top games', Q.TOP_GAMES, { limit: limitParam(limit) });
  }

  async topTeams(limit: number): Promise<RankedName[]> {
    return this.ranked('top teams', Q.TOP_TEAMS, { limit: limitParam(limit) });
  }

  async topRoleHolders(
    role: Role,
    limit: number,
    options: { excludeLogins?: readonly string[] } = {},
  ): Promise<RankedName[]> {
    return this.ranked(
      role === 'VIP' ? 'top VIPs' : 'top moderators',
      role === 'VIP' ? Q.TOP_VIPS : Q.TOP_MODERATORS,
      {
        limit: limitParam(limit),
        exclude: [...(options.excludeLogins ?? [])],
      },
    );
  }

  private async streams(operation: string, query: string, params: Params): Promise<StreamerSummary[]> {
    const rows: StreamRow[] = await this.read(operation, async (tx) =>
      parseAll(streamRowSchema, operation, await run(tx, query, params)),
    );
    return rows.map(toStreamerSummary);
  }

  async topStreamers(by: 'views' | 'followers', limit: number): Promise<StreamerSummary[]> {
    const rows = await this.streams(
      `top streamers by ${by}`,
      by === 'views' ? Q.TOP_STREAMERS_BY_VIEWS : Q.TOP_STREAMERS_BY_FOLLOWERS,
      { limit: limitParam(limit) },
    );
    const measure = (s: StreamerSummary) => (by === 'views' ? s.totalViewCount : s.followers);
    return rows.sort((a, b) => measure(b) - measure(a) || compareStreamers(a, b));
  }

  async findStreamer(name: string): Promise<StreamerSummary | null> {
    const wanted = wantedStreamName(name);
    const row = await this.read('finding a streamer', async (tx): Promise<StreamRow | null> => {
      const [byLogin] = parseAll(
        streamRowSchema,
        'streamer by login',
        await run(tx, Q.STREAM_BY_LOGIN, { login: wanted }),
      );
      if (byLogin !== undefined) return byLogin;
      const [byId] = parseAll(
        streamRowSchema,
        'streamer by id',
        await run(tx, Q.STREAM_BY_ID, { id: wanted }),
      );
      if (byId !== undefined) return byId;
      // Display names are compared in JS, with the same lower-casing as the embedded store.
      const first = pickByDisplayName(
        parseAll(displayNameSchema, 'display names', await run(tx, Q.STREAM_DISPLAY_NAMES))
          .filter((s) => s.displayName.toLowerCase() === wanted)
          .map((s) => ({ login: s.name ?? '', id: s.id })),
      );
      if (first === null) return null;
      const [byDisplayName] = parseAll(
        streamRowSchema,
        'streamer',
        await run(tx, Q.STREAM_BY_ID, { id: first.id }),
      );
      return byDisplayName ?? null;
    });
    return row === null ? null : toStreamerSummary(row);
  }

  async neighbourhood(
    streamerId: string,
    options: { chatterLimit: number },
  ): Promise<StreamerNeighbourhood | null> {
    return this.read('reading a neighbourhood', async (tx) => {
      const [stream] = parseAll(
        streamRowSchema,
        'streamer',
        await run(tx, Q.STREAM_BY_ID, { id: streamerId }),
      );
      if (stream === undefined) return null;
      const roles = parseOne(rolesSchema, 'roles', await run(tx, Q.NEIGHBOURHOOD_ROLES, { id: streamerId }));
      const chatters = parseAll(
        chatterSchema,
        'chatters',
        await run(tx, Q.NEIGHBOURHOOD_CHATTERS, { id: streamerId, limit: limitParam(options.chatterLimit) }),
      );
      const { count } = parseOne(
        countSchema,
        'chatter count',
        await run(tx, Q.NEIGHBOURHOOD_CHATTER_COUNT, { id: streamerId }),
      );
      return neighbourhoodOf(
        toStreamerSummary(stream),
        roles.vips,
        roles.moderators,
        chatters,
        count,
        options.chatterLimit,
      );
    });
  }

  async streamersBy(filter: { language: string | null; game: string | null }): Promise<StreamerSummary[]> {
    // Streamers are few; filtering here keeps the embedded store's exact (JS) case-insensitivity.
    const language = filter.language?.toLowerCase() ?? null;
    const game = filter.game?.toLowerCase() ?? null;
    const all = await this.streams('listing streamers', Q.STREAMERS, {});
    return all
      .filter(
        (s) =>
          (language === null || s.language?.toLowerCase() === language) &&
          (game === null || s.game?.toLowerCase() === game),
      )
      .sort((a, b) => b.followers - a.followers || compareStreamers(a, b));
  }

  async counts(): Promise<GraphCounts> {
    return this.read('counting', async (tx) =>
      toGraphCounts(parseOne(countsSchema, 'counts', await run(tx, Q.COUNTS))),
    );
  }

  async listNames(kind: NameKind): Promise<string[]> {
    const query = {
      streamer: Q.LIST_STREAMER_NAMES,
      game: Q.LIST_GAME_NAMES,
      language: Q.LIST_LANGUAGE_NAMES,
      team: Q.LIST_TEAM_NAMES,
    }[kind];
    const rows = await this.read(`listing ${kind} names`, async (tx) =>
      parseAll(nameSchema, `${kind} names`, await run(tx, query)),
    );
    return rows.map((r) => r.name).sort(compareNames);
  }

  async connections(refs: readonly NodeRef[]): Promise<GraphView> {
    const logins = unique(refs.filter((r) => !r.name.startsWith('#')).map((r) => r.name));
    const ids = unique(refs.filter((r) => r.name.startsWith('#')).map((r) => r.name.slice(1)));
    return this.read('reading connections', async (tx) => {
      const resolved = new Map<string, ResolvedRef>();
      const found = [
        ...parseAll(resolvedSchema, 'nodes by login', await run(tx, Q.RESOLVE_BY_LOGIN, { logins })),
        ...parseAll(resolvedSchema, 'streams by id', await run(tx, Q.RESOLVE_BY_STREAM_ID, { ids })).map(
          (r) => ({
            ...r,
            ref: `#${r.ref}`,
          }),
        ),
      ];
      for (const r of found) {
        const identity = identityOf(r.name, r.id);
        if (identity !== null)
          resolved.set(r.ref, { ref: r.ref, identity, isStream: r.isStream, displayName: r.displayName });
      }
      const inView = refs.flatMap((r) => {
        const hit = resolved.get(r.name);
        return hit === undefined ? [] : [hit];
      });
      const named = unique(inView.flatMap((r) => (r.identity.startsWith('u:') ? [r.identity.slice(2)] : [])));
      const placeholders = unique(
        inView.flatMap((r) => (r.identity.startsWith('s:') ? [r.identity.slice(2)] : [])),
      );
      const inViewTargets = {
        streams: unique(
          inView.flatMap((r) => (r.isStream && r.identity.startsWith('u:') ? [r.identity.slice(2)] : [])),
        ),
        users: unique(
          inView.flatMap((r) => (!r.isStream && r.identity.startsWith('u:') ? [r.identity.slice(2)] : [])),
        ),
        placeholders,
      };
      const linkRows = [
        ...parseAll(
          linkSchema,
          'links',
          await run(tx, Q.OUT_LINKS_BY_LOGIN, { logins: named, ...inViewTargets }),
        ),
        ...parseAll(
          linkSchema,
          'links',
          await run(tx, Q.OUT_LINKS_BY_STREAM_ID, { ids: placeholders, ...inViewTargets }),
        ),
      ];
      const links = linkRows.flatMap((l): OutLink[] => {
        const sourceIdentity = identityOf(l.sourceName, l.sourceId);
        if (sourceIdentity === null) return [];
        const kind = kindOf(l.targetLabels);
        if (kind === 'User' || kind === 'Stream')
          return [
            {
              sourceIdentity,
              type: l.type,
              targetIdentity: identityOf(l.targetName, l.targetId),
              target: null,
            },
          ];
        if (kind === null || l.targetName === null) return [];
        return [{ sourceIdentity, type: l.type, targetIdentity: null, target: { kind, name: l.targetName } }];
      });
      return connectionsView(inView, links);
    });
  }

  async projection(options: { excludeLogins?: readonly string[] } = {}): Promise<GraphProjection> {
    const exclude = [...(options.excludeLogins ?? [])];
    const operation = 'reading the graph for algorithms';
    const batch = limitParam(PROJECTION_BATCH);
    const builder = new ProjectionBuilder(exclude);
    const readNodes = (tx: ManagedTransaction) => run(tx, Q.PROJECTION_NODES, { exclude, batch });
    const readRelationships = (tx: ManagedTransaction) => run(tx, Q.PROJECTION_RELATIONSHIPS, { batch });
    let nodes: RecordLike[];
    let relationships: RecordLike[];
    if (this.dialect.name === 'neo4j') {
      // Two sessions at once: Neo4j gathers the relationships while this process decodes the nodes. Each
      // statement is its own transaction, which on
      // Neo4j (read committed) sees no less consistent a graph than two statements of one transaction; a
      // relationship whose node the first read missed is left out by ProjectionBuilder either way.
      [nodes, relationships] = await Promise.all([
        this.read(operation, readNodes),
        this.read(operation, readRelationships),
      ]);
    } else {
      // Memgraph gives a transaction one snapshot: both lists from one transaction agree.
      [nodes, relationships] = await this.read(operation, async (tx) => [
        await readNodes(tx),
        await readRelationships(tx),
      ]);
    }
    for (const record of nodes) builder.addNodes(record.toObject());
    for (const record of relationships) builder.addRelationships(record.toObject());
    return builder.build();
  }

  /**
   * The algorithm input's node count, and whether MAGE may build its subgraph: `project(nodes,
   * relationships)` costs nodes × relationships on Memgraph (every relationship's ends are looked up in
   * the node list), so above MEMGRAPH_PROJECT_MAX_PAIRS the graph is read as two lists and computed in
   * process, in time linear in its size. All relationships are counted (an upper bound: excluded logins
   * only remove some), which is one pass over the edges.
   */
  private async algorithmInput(exclude: readonly string[]): Promise<{ nodes: number; mageFits: boolean }> {
    return this.read('counting algorithm nodes', async (tx) => {
      const nodes = parseOne(
        countSchema,
        'node count',
        await run(tx, Q.COUNT_ALGORITHM_NODES, { exclude: [...exclude] }),
      ).count;
      if (nodes === 0) return { nodes, mageFits: false };
      const relationships = parseOne(
        countSchema,
        'relationship count',
        await run(tx, Q.COUNT_RELATIONSHIPS),
      ).count;
      return { nodes, mageFits: nodes * relationships <= MEMGRAPH_PROJECT_MAX_PAIRS };
    });
  }

  /** Run a MAGE procedure (Memgraph); rows for users and streams, best first, like `topScored`. */
  private async mage(operation: string, query: string, exclude: readonly string[]): Promise<ScoredNode[]> {
    const rows = await this.read(operation, async (tx) =>
      parseAll(scoredSchema, operation, await run(tx, query, { exclude: [...exclude] })),
    );
    const scored: ScoredNode[] = [];
    for (const row of rows) {
      const kind = kindOf(row.labels);
      if (kind !== 'User' && kind !== 'Stream') continue;
      scored.push({ name: row.name ?? `#${row.id ?? ''}`, kind, score: row.score });
    }
    return scored.sort((a, b) => b.score - a.score || compareNames(a.name, b.name));
  }

  async accountPresence(options: {
    minChannels: number;
    logins: readonly string[];
  }): Promise<AccountPresence[]> {
    const what = 'account presence';
    const batch = limitParam(PROJECTION_BATCH);
    const logins = unique(options.logins);
    const records = await this.read('reading account presence', async (tx) => [
      ...(await run(tx, Q.ACCOUNT_PRESENCE, { minChannels: integer(options.minChannels), batch })),
      ...(logins.length === 0 ? [] : await run(tx, Q.ACCOUNT_PRESENCE_NAMED, { logins, batch })),
    ]);
    const byLogin = new Map<string, AccountPresence>();
    const count = (value: unknown) => wholeNumber(value, what);
    for (const record of records) {
      const { length, lists } = columnsOf(record.toObject(), PRESENCE_COLUMNS, what);
      for (let i = 0; i < length; i += 1) {
        const login = textValue(lists.logins[i], what);
        byLogin.set(login, {
          login,
          chatterIn: count(lists.chatterIn[i]),
          moderatorIn: count(lists.moderatorIn[i]),
          vipIn: count(lists.vipIn[i]),
          channels: count(lists.channels[i]),
        });
      }
    }
    return [...byLogin.values()].sort((a, b) => compareNames(a.login, b.login));
  }

  async channelAudience(streamerId: string): Promise<AudienceRecord[] | null> {
    return this.read('reading a channel audience', async (tx) => {
      const exists = await run(tx, Q.STREAMS_BY_ID, { ids: [streamerId] });
      if (exists.length === 0) return null;
      const audience = new AudienceBuilder();
      const batch = limitParam(PROJECTION_BATCH);
      for (const slice of await run(tx, Q.CHANNEL_CHATTERS, { id: streamerId, batch }))
        audience.addChatters(slice.toObject());
      const badges = await run(tx, Q.CHANNEL_BADGES, { id: streamerId });
      for (const badge of parseAll(channelBadgeSchema, 'channel badges', badges)) audience.addBadge(badge);
      return audience.build();
    });
  }

  async channelAudienceColumns(
    streamerId: string,
    options: { pagerank?: boolean } = {},
  ): Promise<AudienceColumns | null> {
    const records = await this.channelAudience(streamerId);
    if (records === null) return null;
    const columns = audienceColumnsOf(records);
    if (options.pagerank === true) {
      const rows = await this.pagerank({ limit: columns.logins.length, names: columns.logins });
      const score = new Map(rows.map((r) => [r.name, r.score]));
      columns.pagerank = Float64Array.from(columns.logins, (login) => score.get(login) ?? 0);
    }
    return columns;
  }

  async chatsIn(
    logins: readonly string[],
    streamerIds: readonly string[],
  ): Promise<{ login: string; streamerIds: string[] }[]> {
    if (logins.length === 0 || streamerIds.length === 0) return [];
    const rows = await this.read('reading where accounts chat', async (tx) =>
      parseAll(
        chatsInSchema,
        'chats in',
        await run(tx, Q.CHATS_IN, { logins: unique(logins), ids: unique(streamerIds) }),
      ),
    );
    const position = new Map<string, number>();
    streamerIds.forEach((id, i) => {
      if (!position.has(id)) position.set(id, i);
    });
    return rows
      .map((r) => ({
        login: r.login,
        streamerIds: unique(r.ids).sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0)),
      }))
      .sort((a, b) => compareNames(a.login, b.login));
  }

  async presentIn(streamerId: string, logins: readonly string[]): Promise<string[]> {
    const rows = await this.read('reading who is in a channel', async (tx) =>
      parseAll(
        loginSchema,
        'present logins',
        await run(tx, Q.PRESENT_IN, { id: streamerId, logins: unique(logins) }),
      ),
    );
    return rows.map((r) => r.login).sort(compareNames);
  }

  async audienceOverlap(streamerId: string): Promise<AudienceOverlap | null> {
    return this.read('reading audience overlap', async (tx) => {
      const [channel] = parseAll(
        channelAudienceSchema,
        'channel',
        await run(tx, Q.CHANNEL_WITH_AUDIENCE, { id: streamerId }),
      );
      if (channel === undefined) return null;
      const others = parseAll(
        sharedAudienceSchema,
        'shared audience',
        await run(tx, Q.SHARED_AUDIENCES, { id: streamerId }),
      )
        .map((row) => ({ channel: toChannelRef(row), shared: row.shared, audience: row.audience }))
        .sort((a, b) => b.shared - a.shared || compareNames(a.channel.login, b.channel.login));
      return { channel: toChannelRef(channel), audience: channel.audience, others };
    });
  }

  async sharedAudienceGraph(
    options: { excludeLogins?: readonly string[] } = {},
  ): Promise<SharedAudienceGraph> {
    const exclude = [...(options.excludeLogins ?? [])];
    return this.read('reading the shared-audience graph', async (tx) => {
      const rows = parseAll(channelAudienceKeySchema, 'channel', await run(tx, Q.CHANNEL_AUDIENCES));
      const leftOut = new Map<bigint, number>();
      const left = await run(tx, Q.AUDIENCE_LEFT_OUT, { exclude: unique(exclude) });
      for (const row of parseAll(audienceLeftOutSchema, 'left out', left))
        leftOut.set(row.key, (leftOut.get(row.key) ?? 0) + row.count);
      const channels = rows
        .map((row) => ({ channel: toChannelRef(row), audience: row.audience - (leftOut.get(row.key) ?? 0) }))
        .sort((x, y) => compareNames(x.channel.id, y.channel.id));
      // Pairs counted in process, ordered by the same rule as the embedded store (shared-audience.ts).
      const counter = new SharedAudienceCounter(rows);
      const batch = limitParam(PROJECTION_BATCH);
      for (const record of await run(tx, Q.MULTI_CHANNEL_CHATTERS, { exclude, batch }))
        counter.add(record.toObject());
      return { channels, pairs: counter.pairs() };
    });
  }

  async pagerank(options: AlgorithmOptions): Promise<ScoredNode[]> {
    const exclude = options.excludeLogins ?? [];
    const mage = this.dialect.algorithms;
    const input = mage === null ? null : await this.algorithmInput(exclude);
    if (input?.nodes === 0) return [];
    if (mage !== null && input?.mageFits === true) {
      const only = options.names === undefined ? undefined : new Set(options.names);
      const rows = await this.mage('PageRank (MAGE)', mage.pagerank, exclude);
      return (only === undefined ? rows : rows.filter((r) => only.has(r.name))).slice(0, options.limit);
    }
    return pagerankRows(await this.projection({ excludeLogins: exclude }), options);
  }

  async betweenness(options: AlgorithmOptions): Promise<BetweennessResult> {
    const exclude = options.excludeLogins ?? [];
    const { betweennessExactMaxNodes: exactMaxNodes, betweennessSamplePivots: samplePivots } = this.settings;
    const mage = this.dialect.algorithms;
    if (mage !== null) {
      const { nodes: nodeCount, mageFits } = await this.algorithmInput(exclude);
      if (nodeCount === 0) return { rows: [], mode: 'exact', pivots: 0, nodeCount: 0 };
      // MAGE's betweenness is exact only (no sampling variant); above the node limit the projection is
      // streamed and sampled in process, exactly as on Neo4j and in the embedded store. Within the limit
      // MAGE runs exact even where the in-process module would sample because of its work budget
      // (DEFAULT_EXACT_MAX_WORK, sized for JavaScript on 2 cores): deciding that needs the whole
      // projection, and MAGE's C++ is the reason to run it in the database. `mode` says which ran.
      if (mageFits && (nodeCount <= exactMaxNodes || samplePivots >= nodeCount)) {
        const only = options.names === undefined ? undefined : new Set(options.names);
        const rows = await this.mage('betweenness (MAGE)', mage.betweenness, exclude);
        const reported = only === undefined ? rows : rows.filter((r) => only.has(r.name));
        return { rows: reported.slice(0, options.limit), mode: 'exact', pivots: nodeCount, nodeCount };
      }
    }
    return betweennessRows(await this.projection({ excludeLogins: exclude }), options, {
      exactMaxNodes,
      samplePivots,
    });
  }

  /**
   * Delete every node and relationship, bookkeeping included, in slices so that a large graph does not
   * need one huge transaction. For tests and benchmarks, which must start from an empty graph.
   */
  async deleteEverything(): Promise<void> {
    for (;;) {
      const deleted = await this.write('deleting everything', async (tx) =>
        parseOne(
          countSchema,
          'deleted',
          await run(tx, Q.DELETE_SOME_RELATIONSHIPS, { limit: limitParam(DELETE_BATCH) }),
        ),
      );
      if (deleted.count === 0) break;
    }
    for (;;) {
      const deleted = await this.write('deleting everything', async (tx) =>
        parseOne(countSchema, 'deleted', await run(tx, Q.DELETE_SOME, { limit: limitParam(DELETE_BATCH) })),
      );
      if (deleted.count === 0) return;
    }
  }

  // ------------------------------------------------------------------------------------ lifecycle

  /** Every write is committed when its call returns: nothing to flush. */
  async flush(): Promise<void> {
    this.checkOpen();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.driver.close();
  }
}

/** Relationships, then nodes, deleted per transaction by `deleteEverything` (a bounded transaction size). */
export const DELETE_BATCH = 10_000;

/**
 * Most entries in one record of the algorithm input and the other reads that return lists in slices of
 * internal ids (cypher.ts `PROJECTION_NODES`): a slice of 2,000 nodes (~40 KiB) fits one 64 KiB Bolt
 * chunk, which neo4j-driver decodes fastest; 10,000 (two to three chunks) cost a third more of this
 * process's time for the 616k nodes at 1M relationships, and one record for the whole graph 9 s.
 */
export const PROJECTION_BATCH = 2_000;

/** The lists of cypher.ts `ACCOUNT_PRESENCE`. */
const PRESENCE_COLUMNS = ['logins', 'chatterIn', 'moderatorIn', 'vipIn', 'channels'] as const;

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Ask for the server's agent until it answers; auth and URL errors are not worth retrying. */
async function connectWithRetry(driver: Driver, settings: BoltStoreSettings): Promise<ServerInfo> {
  const attempts = settings.connectRetries + 1;
  const started = Date.now();
  let delay = settings.connectBackoffMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await driver.getServerInfo();
    } catch (error) {
      if (isAuthError(error)) throw toGraphStoreError(error, 'connecting', settings.url);
      const reason = shortReason(error);
      if (attempt >= attempts) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        throw new GraphStoreError(
          `Cannot reach the graph database at ${settings.url} after ${attempts} ${attempts === 1 ? 'try' : 'tries'} over ${seconds} s (${reason}). Is it running? Check GRAPH_URL.`,
          GRAPH_ERROR_CODES.unavailable,
          true,
          { cause: error },
        );
      }
      settings.onConnectRetry?.({ url: settings.url, attempt, attempts, delayMs: delay, reason });
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_CONNECT_BACKOFF_MS);
    }
  }
}

/**
 * Idempotent schema set-up, one auto-commit statement at a time: Memgraph refuses index and constraint
 * DDL inside a managed transaction. A statement refused for want of storage access is run again. An "already exists" answer (some server versions say so instead of
 * a notification) means the statement's work is done.
 */
async function ensureSchema(driver: Driver, dialect: Dialect, settings: BoltStoreSettings): Promise<void> {
  const { url } = settings;
  const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
  try {
    for (const statement of dialect.schema) {
      try {
        // Index and constraint DDL needs unique access to Memgraph's storage, which waits for running
        // transactions (1 s by default) and then refuses: retried like a conflict.
        await retryMemgraphConditions(settings.transactionRetryMs ?? TRANSACTION_RETRY_MS, async () => {
          await session.run(statement);
        });
      } catch (error) {
        if (/already exists/i.test(shortReason(error))) continue;
        throw toGraphStoreError(error, `setting up the schema (${statement})`, url);
      }
    }
  } finally {
    await session.close().catch(() => undefined);
  }
}
