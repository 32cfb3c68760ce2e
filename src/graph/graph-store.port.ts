/**
 * The GraphStore port: every read and write the product makes against the graph. Adapters: the embedded
 * store (graphology + snapshot file, `embedded/`) and Bolt (Memgraph or Neo4j, `bolt/`). The contract suite
 * in `test/contract/` runs unchanged against each of them.
 *
 * Orderings are part of the contract so that every backend answers alike: ties break by name ascending.
 */
import type {
  ChatActivity,
  ChatterPresence,
  ConsumerOffset,
  NodeLabel,
  OffsetUpdate,
  RelationshipType,
  Role,
  RoleGrant,
  StreamerRecord,
  TeamMembership,
  WriteResult,
} from '../domain/graph-records.js';
import { TwitchgraphError } from '../util/twitchgraph-error.js';

/** A name with how many of something it has (streamers playing a game, channels granting a badge…). */
export interface RankedName {
  name: string;
  count: number;
}

export interface StreamerSummary {
  id: string;
  login: string;
  displayName: string;
  game: string | null;
  language: string | null;
  teams: string[];
  url: string;
  followers: number;
  totalViewCount: number;
  createdAt: string | null;
  description: string;
}

/** A node for pictures and tables: `id` is unique within one view (`<kind>:<name>`). */
export interface GraphViewNode {
  id: string;
  kind: NodeLabel;
  label: string;
  /** The measure a picture sizes nodes by (followers, messages, rank…); absent means "no measure". */
  weight?: number;
}

export interface GraphViewLink {
  source: string;
  target: string;
  type: RelationshipType;
}

export interface GraphView {
  nodes: GraphViewNode[];
  links: GraphViewLink[];
  /** Nodes left out to keep the view small (e.g. chatters beyond the limit). */
  omitted: number;
}

export interface StreamerNeighbourhood {
  streamer: StreamerSummary;
  vips: string[];
  moderators: string[];
  /** Chatters, most messages first (then by name); at most `chatterLimit`. */
  chatters: { login: string; messages: number | null }[];
  chatterCount: number;
  view: GraphView;
}

export interface GraphCounts {
  nodes: number;
  relationships: number;
  /** Nodes per label; a streamer counts under both `User` and `Stream`. */
  byLabel: Record<NodeLabel, number>;
  byType: Record<RelationshipType, number>;
}

export interface NameKinds {
  streamer: string;
  game: string;
  language: string;
  team: string;
}
export type NameKind = keyof NameKinds;

export interface ScoredNode {
  name: string;
  kind: 'Stream' | 'User';
  score: number;
}

export interface MonitoredChannel {
  login: string;
  /** Who asked for it (e.g. a Discord user tag, or `config` for TWITCH_CHANNELS). */
  requestedBy: string;
  /** Epoch milliseconds. */
  since: number;
}

/** Where an account is known in the graph, for the live alerts (docs/ARCHITECTURE.md, "Live alerts"). */
export interface AccountHistory {
  login: string;
  /**
   * Channels where the account chats, moderates or is VIP, sorted by channel. `channel` is the channel's
   * login (its id while only the id is known); `firstSeen` is the earliest chat seen there (epoch ms), null
   * when it is known without a time (imported from CSV with no live chat since, a role). Live chat merged
   * into an imported CHATTER edge gives it that chat's time: ask before writing a batch to know who the
   * graph knew before it (docs/ARCHITECTURE.md, "Live alerts").
   */
  channels: { channel: string; firstSeen: number | null }[];
}

export const ALERT_SENSITIVITIES = ['low', 'normal', 'high'] as const;
export type AlertSensitivity = (typeof ALERT_SENSITIVITIES)[number];

/** `/alerts set`: alert the moderators of `discordChannel` about raids and bot waves in `channel`. */
export interface AlertRule {
  /** The Twitch channel's login. */
  channel: string;
  /** The Discord channel's id (a snowflake). */
  discordChannel: string;
  sensitivity: AlertSensitivity;
  requestedBy: string;
  /** Epoch ms. */
  since: number;
}

export const ALERT_KINDS = ['raid', 'bot-wave'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** An alert as it was last posted: what `/alerts recent` lists and what makes a post an update. */
export interface AlertRecord {
  id: string;
  channel: string;
  kind: AlertKind;
  /** Grows with each update of the alert; a record is only replaced by a higher version. */
  version: number;
  /** Epoch ms: when it began, and its latest update. */
  openedAt: number;
  updatedAt: number;
  /** One line: what happened. */
  title: string;
  /** Accounts the alert names. */
  accounts: number;
  /** Where it was posted; null when no Discord channel took it (no bot, or no rule). */
  discordChannel: string | null;
  discordMessageId: string | null;
}

export interface NodeRef {
  kind: 'Stream' | 'User';
  name: string;
}

export interface AlgorithmOptions {
  limit: number;
  /** Logins left out of the computation (e.g. flagged bots). */
  excludeLogins?: readonly string[];
  /** Report only these users and streams (by name); the computation still covers the whole graph. */
  names?: readonly string[];
}

/** One account's presence across channels, for bot detection. */
export interface AccountPresence {
  login: string;
  /** Distinct channels where the account chats, moderates, is VIP, and any of the three. */
  chatterIn: number;
  moderatorIn: number;
  vipIn: number;
  channels: number;
}

/** One person in a channel's audience (chatter, VIP or moderator there), with their standing elsewhere. */
export interface AudienceRecord {
  login: string;
  chatsHere: boolean;
  vipHere: boolean;
  moderatorHere: boolean;
  /** The CHATTER relationship's properties; null when absent (no chat here, or a CSV edge without counts). */
  messages: number | null;
  firstSeen: number | null;
  lastSeen: number | null;
  daysSeen: number | null;
  subscriber: boolean | null;
  /** Other channels where they are VIP, moderator, or chat. */
  vipElsewhere: number;
  moderatorElsewhere: number;
  chatsElsewhere: number;
}

/**
 * A channel's audience in columns: the members of `channelAudience`, in the same (login) order, one array
 * per field. A big channel has 100k-1M members; commands rank them without an object per member
 * (docs/ARCHITECTURE.md, "The embedded store").
 */
export interface AudienceColumns {
  logins: string[];
  /** Bits: 1 chats here, 2 VIP here, 4 moderator here. */
  here: Uint8Array;
  /** The CHATTER relationship's properties: NaN (messages, first and last seen) or -1 when absent. */
  messages: Float64Array;
  firstSeen: Float64Array;
  lastSeen: Float64Array;
  daysSeen: Int32Array;
  /** 1 subscriber, 0 not, -1 unknown. */
  subscriber: Int8Array;
  vipElsewhere: Int32Array;
  moderatorElsewhere: Int32Array;
  chatsElsewhere: Int32Array;
  /** Each member's PageRank, when asked for (`channelAudienceColumns`). */
  pagerank?: Float64Array;
}

export const CHATS_HERE = 1;
export const VIP_HERE = 2;
export const MODERATOR_HERE = 4;

export interface ChannelRef {
  id: string;
  login: string;
  displayName: string;
}

export interface SharedAudience {
  channel: ChannelRef;
  /** Chatters of both channels. */
  shared: number;
  /** Chatters of this other channel. */
  audience: number;
}

export interface AudienceOverlap {
  channel: ChannelRef;
  /** Chatters of the channel asked about. */
  audience: number;
  /** Every other channel sharing at least one chatter, most shared first (then by login). */
  others: SharedAudience[];
}

/** One channel in the shared-audience graph. */
export interface ChannelAudience {
  channel: ChannelRef;
  /** Distinct chatters of the channel (excluded logins left out). */
  audience: number;
}

/**
 * Channels linked by the chatters they share: the input of `/communities`. Channels sorted by id; pairs
 * have `a < b` (ids, by code unit) and are sorted by `a` then `b`, so every backend gives the same input.
 */
export interface SharedAudienceGraph {
  channels: ChannelAudience[];
  pairs: { a: string; b: string; shared: number }[];
}

export interface BetweennessResult {
  rows: ScoredNode[];
  mode: 'exact' | 'sampled';
  /** Number of BFS sources used (all nodes when exact). */
  pivots: number;
  nodeCount: number;
}

/**
 * The whole graph as adjacency, for algorithms computed in process. Indexes into `nodes` are node ids;
 * `targets[offsets[i] .. offsets[i+1])` are the targets of node i's out-edges, one entry per
 * relationship (parallel relationships repeat the target).
 */
export interface GraphProjection {
  nodes: { name: string; kind: NodeLabel }[];
  offsets: Uint32Array;
  targets: Uint32Array;
}

/*
 * The port in roles: each consumer names the role it uses (the ingest worker `GraphWrites`, the commands
 * `CommandGraph` in src/commands/command.ts, the listener `MonitorSettings`…), and `GraphStore`, what an
 * adapter implements, is their union. The contract suite (test/contract/graph-store.contract.ts) specifies
 * all of it.
 */

/** Writes: the seed import and the ingest worker (idempotent where the input is; all values are parameters). */
export interface GraphWrites {
  /** Create or update streamers with their PLAYS/SPEAKS links (a changed game replaces the old link). */
  upsertStreamers(rows: readonly StreamerRecord[]): Promise<WriteResult>;
  addTeamMemberships(rows: readonly TeamMembership[]): Promise<WriteResult>;
  addRoles(rows: readonly RoleGrant[]): Promise<WriteResult>;
  addChatters(rows: readonly ChatterPresence[]): Promise<WriteResult>;
  /**
   * Apply aggregated chat activity and record consumer offsets in one atomic write, so a batch is counted
   * exactly once even if the events are delivered again after a crash. Channels not yet in the graph are
   * created from `channelId` (and `channelLogin` when known).
   *
   * Offsets are compare-and-set, checked in the same atomic write: for every `OffsetUpdate`, the offset
   * stored for its (group, topic, partition) must be absent or at most `from` (the batch's first offset
   * there). Stored offsets are the next offset to read, so a stored offset above `from` means that some
   * message of this batch was already applied — by another worker that held the partition before a
   * consumer-group rebalance, or by this one before a lost acknowledgement. Then nothing is written (no row,
   * no offset) and the write fails with `OffsetConflictError` (code `OFFSET_CONFLICT`, not retryable: the
   * same write would fail again); the caller re-reads the offsets and drops what they cover. A stored offset
   * below `from` is accepted: Kafka offsets may have gaps (transaction markers, compaction).
   */
  applyChatActivity(rows: readonly ChatActivity[], offsets: readonly OffsetUpdate[]): Promise<void>;
  /** Offsets recorded by `applyChatActivity` for a consumer group and topic. */
  readOffsets(group: string, topic: string): Promise<ConsumerOffset[]>;
  /** Make every completed write durable (the embedded store writes its snapshot). */
  flush(): Promise<void>;
}

/** The `/monitor` set: bookkeeping the live listener polls and `/monitor` edits. */
export interface MonitorSettings {
  /**
   * The Twitch channels the live listener should watch (`/monitor`). Kept in the graph as bookkeeping (never
   * counted or listed with the data) so a listener in another process picks changes up by polling.
   */
  monitoredChannels(): Promise<MonitoredChannel[]>;
  /** Add (`wanted: true`) or remove a channel; returns whether anything changed. */
  setMonitoredChannel(login: string, wanted: boolean, requestedBy: string): Promise<boolean>;
}

/** Reads behind the seed's questions and the commands' pictures. */
export interface GraphQueries {
  topGames(limit: number): Promise<RankedName[]>;
  topTeams(limit: number): Promise<RankedName[]>;
  /** Users by number of channels granting them the role. */
  topRoleHolders(
    role: Role,
    limit: number,
    options?: { excludeLogins?: readonly string[] },
  ): Promise<RankedName[]>;
  topStreamers(by: 'views' | 'followers', limit: number): Promise<StreamerSummary[]>;
  /** By login or display name, case-insensitively; null when there is none. */
  findStreamer(name: string): Promise<StreamerSummary | null>;
  neighbourhood(streamerId: string, options: { chatterLimit: number }): Promise<StreamerNeighbourhood | null>;
  /** Both filters case-insensitive; null means "any". Ordered by followers descending. */
  streamersBy(filter: { language: string | null; game: string | null }): Promise<StreamerSummary[]>;
  counts(): Promise<GraphCounts>;
  /** Every name of one kind, sorted; for lists and autocomplete. */
  listNames(kind: NameKind): Promise<string[]>;
  /**
   * The given users and streams, the relationships among them, and the games, languages and teams they
   * link to: the picture behind a top list. Unknown names are left out. View node ids are `<kind>:<name>`.
   */
  connections(nodes: readonly NodeRef[]): Promise<GraphView>;
}

/** Live alerts (`/alerts`): bookkeeping like the monitored channels, outside the graph model. */
export interface AlertSettings {
  /** Every alert rule, sorted by channel. */
  alertRules(): Promise<AlertRule[]>;
  /** Adds or replaces the channel's rule; false when the same rule (but for who and when) was there. */
  setAlertRule(rule: AlertRule): Promise<boolean>;
  /** False when the channel had no rule. */
  removeAlertRule(channel: string): Promise<boolean>;
  /**
   * Stores the alert unless a record of the same id with a version at least as high is there (redelivered
   * alert events change nothing); true when it was stored.
   */
  saveAlert(record: AlertRecord): Promise<boolean>;
  alertRecord(id: string): Promise<AlertRecord | null>;
  /** The latest alerts, most recently updated first (then by id); at most `limit`. */
  recentAlerts(limit: number): Promise<AlertRecord[]>;
}

/** Moderators' reads: bots, VIP candidates, audience overlap and communities. */
export interface AudienceQueries {
  /**
   * Accounts that could be bots: present in at least `minChannels` channels, or moderating anywhere, or
   * named in `logins`. Sorted by login.
   */
  accountPresence(options: { minChannels: number; logins: readonly string[] }): Promise<AccountPresence[]>;
  /** Everyone who chats, moderates or is VIP in the channel, sorted by login; null for an unknown channel. */
  channelAudience(streamerId: string): Promise<AudienceRecord[] | null>;
  /**
   * `channelAudience` in columns (same members, same order); null for an unknown channel. With `pagerank`,
   * each member's PageRank too (as `pagerank` scores it over the whole graph).
   */
  channelAudienceColumns(
    streamerId: string,
    options?: { pagerank?: boolean },
  ): Promise<AudienceColumns | null>;
  /**
   * Which of the channels `streamerIds` each of `logins` chats in (CHATTER): one entry per login that chats
   * in at least one of them, sorted by login, its channels in the order asked. Unknown logins and channels
   * are left out.
   */
  chatsIn(
    logins: readonly string[],
    streamerIds: readonly string[],
  ): Promise<{ login: string; streamerIds: string[] }[]>;
  /**
   * Which of `logins` chat, moderate or are VIP in the channel, sorted; none for an unknown channel. For a
   * few named accounts (the flagged bots) without reading a big channel's whole audience.
   */
  presentIn(streamerId: string, logins: readonly string[]): Promise<string[]>;
  /** Where each of `logins` is known; logins the graph does not have are left out. Sorted by login. */
  accountHistory(logins: readonly string[]): Promise<AccountHistory[]>;
  /** Which channels share the channel's chatters; null for an unknown channel. */
  audienceOverlap(streamerId: string): Promise<AudienceOverlap | null>;
  /**
   * Every channel with its audience, and every pair of channels sharing at least one chatter, with how
   * many; chatters in `excludeLogins` (flagged bots) are left out of both.
   */
  sharedAudienceGraph(options?: { excludeLogins?: readonly string[] }): Promise<SharedAudienceGraph>;
}

/** Whole-graph algorithms, and their input for computing in process. */
export interface GraphAlgorithms {
  pagerank(options: AlgorithmOptions): Promise<ScoredNode[]>;
  betweenness(options: AlgorithmOptions): Promise<BetweennessResult>;
  /** The algorithm input: all graph nodes and relationships, bookkeeping excluded. */
  projection(options?: { excludeLogins?: readonly string[] }): Promise<GraphProjection>;
}

/**
 * A result kept for the graph as it was when the slot was taken: `value` is what was kept before (JSON as it
 * was kept, or a `Float64Array`; callers validate it), `keep` keeps a new one unless the graph changed since.
 */
export interface DerivedSlot {
  value: unknown;
  keep(value: unknown): void;
}

/**
 * Whole-graph results (bot flags, communities) kept until the graph changes, for a store that can tell: the
 * embedded store keeps them with its version and on disk beside its snapshot, so the next process opening
 * the same graph reuses them (docs/ARCHITECTURE.md, "Derived results"). Optional: a Bolt database changes
 * under other writers, so its callers recompute on a timer instead.
 */
export interface DerivedResults {
  derived(name: string): Promise<DerivedSlot>;
}

/** What a graph backend implements: every role, its name, and closing. */
export interface GraphStore
  extends GraphWrites, MonitorSettings, AlertSettings, GraphQueries, AudienceQueries, GraphAlgorithms {
  readonly backend: string;
  close(): Promise<void>;
}

/** Every code a `GraphStoreError` carries, whichever adapter threw it. */
export type GraphErrorCode =
  | 'GRAPH_UNAVAILABLE'
  | 'GRAPH_TRANSIENT'
  | 'GRAPH_AUTH'
  | 'GRAPH_CONSTRAINT'
  | 'GRAPH_QUERY_FAILED'
  | 'GRAPH_BAD_INPUT'
  | 'GRAPH_BAD_RECORD'
  | 'GRAPH_URL_MISSING'
  | 'STORE_CLOSED'
  | 'STORE_READ_ONLY'
  | 'STORE_LOCKED'
  | 'SNAPSHOT_CORRUPT'
  | 'SNAPSHOT_UNREADABLE'
  | 'SNAPSHOT_WRITE_FAILED'
  | 'JOURNAL_CORRUPT'
  | 'JOURNAL_WRITE_FAILED'
  | 'ALERTS_READ_FAILED'
  | 'ALERTS_FILE_INVALID'
  | 'ALERTS_WRITE_FAILED'
  | typeof OFFSET_CONFLICT;

/** Errors carry a code and whether retrying can help (docs/ARCHITECTURE.md, "Errors"). */
export class GraphStoreError extends TwitchgraphError<GraphErrorCode> {
  constructor(
    message: string,
    readonly code: GraphErrorCode,
    readonly canRetry: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GraphStoreError';
  }
}

export const OFFSET_CONFLICT = 'OFFSET_CONFLICT';

/** Where `applyChatActivity`'s compare-and-set failed: the stored offset was above the batch's first. */
export interface OffsetConflict {
  group: string;
  topic: string;
  partition: number;
  stored: string;
  from: string;
}

/** Part of a batch was already applied (see `applyChatActivity`); nothing of this write was applied. */
export class OffsetConflictError extends GraphStoreError {
  constructor(readonly conflicts: readonly OffsetConflict[]) {
    super(
      `consumer offsets moved on meanwhile: ${conflicts
        .map((c) => `${c.topic}/${c.partition} stored ${c.stored} > batch start ${c.from}`)
        .join(', ')}`,
      OFFSET_CONFLICT,
      false,
    );
    this.name = 'OffsetConflictError';
  }
}

export function isOffsetConflict(error: unknown): error is OffsetConflictError {
  return error instanceof OffsetConflictError;
}
