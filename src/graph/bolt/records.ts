/**
 * The boundary between Bolt values and domain values, both ways. Records read back are validated here
 * (zod, or explicit checks on the hot projection path) and nothing of the driver's types leaks out;
 * parameters are built here so that integers go out as Integers.
 *
 * Integers: the driver is opened with `useBigInt`, so every Integer arrives as a bigint and nothing is
 * silently rounded. Counts, followers and view counts (above 2^31, the contract tests 2^53 - 1) become
 * numbers only when they are safe integers; anything larger is an error, not a wrong number. Kafka
 * offsets stay exact as decimal strings. Going out, counts and timestamps are sent as bigint (a JS number
 * would be sent as a Float); Twitch ids stay strings (they are identifiers, and exceed 2^31).
 */
import { z } from 'zod';
import type {
  ChatActivity,
  NodeLabel,
  OffsetUpdate,
  RelationshipType,
  StreamerRecord,
} from '../../domain/graph-records.js';
import { RELATIONSHIP_TYPES } from '../../domain/graph-records.js';
import { compareNames, streamDisplayName } from '../graph-order.js';
import type { ChannelRef, GraphCounts, RankedName, StreamerSummary } from '../graph-store.port.js';
import { ALERT_KINDS, ALERT_SENSITIVITIES, GraphStoreError } from '../graph-store.port.js';

/** What a driver record offers the mapper: keys and `toObject()`, values unknown until checked. */
export interface RecordLike {
  toObject(): object;
}

export function recordError(what: string, detail: string): GraphStoreError {
  return new GraphStoreError(
    `Unexpected record from the graph database (${what}): ${detail}`,
    'GRAPH_BAD_RECORD',
    false,
  );
}

function parseWith<T>(schema: z.ZodType<T>, what: string, record: RecordLike): T {
  const parsed = schema.safeParse(record.toObject());
  if (parsed.success) return parsed.data;
  throw recordError(
    what,
    parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; '),
  );
}

export function parseAll<T>(schema: z.ZodType<T>, what: string, records: readonly RecordLike[]): T[] {
  return records.map((r) => parseWith(schema, what, r));
}

export function parseOne<T>(schema: z.ZodType<T>, what: string, records: readonly RecordLike[]): T {
  const [first] = records;
  if (first === undefined || records.length !== 1)
    throw recordError(what, `expected one record, got ${records.length}`);
  return parseWith(schema, what, first);
}

/**
 * The parallel lists of a record that returns its rows as columns (cypher.ts `CHANNEL_CHATTERS`,
 * `ACCOUNT_PRESENCE`): every named list present and of one length. Their values are checked one by one
 * with `wholeNumber` and `textValue`, much cheaper than a zod schema per row at 100k rows.
 */
export function columnsOf<K extends string>(
  record: object,
  names: readonly K[],
  what: string,
): { length: number; lists: Record<K, unknown[]> } {
  const lists = {} as Record<K, unknown[]>;
  let length = -1;
  for (const name of names) {
    const list: unknown = name in record ? (record as Record<string, unknown>)[name] : undefined;
    if (!Array.isArray(list)) throw recordError(what, `${name} is not a list`);
    if (length >= 0 && list.length !== length) throw recordError(what, 'expected lists of equal length');
    length = list.length;
    lists[name] = list;
  }
  return { length: Math.max(length, 0), lists };
}

/** An Integer from a column, refusing values a double cannot hold exactly (as `safeInteger`). */
export function wholeNumber(value: unknown, what: string): number {
  if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value)))
    throw recordError(what, 'expected an Integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw recordError(what, `${String(value)} is too large for a number`);
  return n;
}

export function textValue(value: unknown, what: string): string {
  if (typeof value !== 'string') throw recordError(what, 'expected text');
  return value;
}

// ---------------------------------------------------------------------------------------- values

/** An Integer read as a number, refusing values a double cannot hold exactly. */
export const safeInteger = z.union([z.bigint(), z.number().int()]).transform((value, ctx) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || BigInt(n) !== BigInt(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `integer ${String(value)} is outside the exact range of a number`,
    });
    return z.NEVER;
  }
  return n;
});

/** A float score (MAGE yields doubles; an integral score may come back as an Integer). */
const score = z.union([z.number(), z.bigint()]).transform((v) => Number(v));
const text = z.string();
const optionalText = z.string().nullable();
const textList = z.array(z.string());

// ---------------------------------------------------------------------------------------- records

export const rankedNameSchema = z.object({ name: text, count: safeInteger });
export type RankedNameRow = RankedName;

export const streamRowSchema = z.object({
  id: text,
  name: optionalText,
  displayName: optionalText,
  url: optionalText,
  followers: safeInteger.nullable(),
  totalViewCount: safeInteger.nullable(),
  createdAt: optionalText,
  description: optionalText,
  games: textList,
  languages: textList,
  teams: textList,
});
export type StreamRow = z.infer<typeof streamRowSchema>;

/** The same defaults as the embedded store's summary, for streams known only by id or with gaps. */
export function toStreamerSummary(row: StreamRow): StreamerSummary {
  return {
    id: row.id,
    login: row.name ?? '',
    displayName: row.displayName ?? streamDisplayName(row.name, row.id),
    // One PLAYS and one SPEAKS link per stream (a changed game replaces the link).
    game: row.games[0] ?? null,
    language: row.languages[0] ?? null,
    teams: [...row.teams].sort(compareNames),
    url: row.url ?? (row.name === null ? '' : `https://www.twitch.tv/${row.name}`),
    followers: row.followers ?? 0,
    totalViewCount: row.totalViewCount ?? 0,
    createdAt: row.createdAt,
    description: row.description ?? '',
  };
}

export const streamIdNameSchema = z.object({ id: text, name: optionalText });
export const holderSchema = z.object({ login: text, streamId: optionalText, isStream: z.boolean() });
export const idSchema = z.object({ id: text });
export const nameSchema = z.object({ name: text });
export const loginSchema = z.object({ login: text });
export const chatsInSchema = z.object({ login: text, ids: z.array(text) });
export const countSchema = z.object({ count: safeInteger });
export const displayNameSchema = z.object({ id: text, name: optionalText, displayName: text });

export const rolesSchema = z.object({ vips: textList, moderators: textList });

/** A VIP or moderator badge into a channel (cypher.ts `CHANNEL_BADGES`). */
export const channelBadgeSchema = z.object({
  login: text,
  vip: z.boolean(),
  vips: safeInteger,
  moderators: safeInteger,
  chats: safeInteger,
});

const channelRefFields = { id: text, login: optionalText, displayName: optionalText };
export const channelAudienceSchema = z.object({ ...channelRefFields, audience: safeInteger });
/** A channel of the shared-audience graph with its internal id (cypher.ts `CHANNEL_AUDIENCES`). */
export const channelAudienceKeySchema = channelAudienceSchema.extend({ key: z.bigint() });
export const audienceLeftOutSchema = z.object({ key: z.bigint(), count: safeInteger });
export const sharedAudienceSchema = z.object({
  ...channelRefFields,
  shared: safeInteger,
  audience: safeInteger,
});

/** The same naming as the embedded store's `channelRef` (a stream known only by id has no login). */
export function toChannelRef(row: {
  id: string;
  login: string | null;
  displayName: string | null;
}): ChannelRef {
  return {
    id: row.id,
    login: row.login ?? '',
    displayName: row.displayName ?? streamDisplayName(row.login, row.id),
  };
}
export const chatterSchema = z.object({ login: text, messages: safeInteger.nullable() });

export const offsetSchema = z.object({
  group: text,
  topic: text,
  partition: safeInteger,
  // Offsets are 64-bit; kept exact as a decimal string (the port's type).
  offset: z.union([z.bigint(), z.number().int()]).transform((v) => BigInt(v).toString()),
});

/** A stored offset read under the write lock of `LOCK_OFFSETS`; null for an offset node just created. */
export const lockedOffsetSchema = z.object({
  group: text,
  topic: text,
  partition: safeInteger,
  offset: z
    .union([z.bigint(), z.number().int()])
    .nullable()
    .transform((v) => (v === null ? null : BigInt(v))),
});

export const alertRuleSchema = z.object({
  channel: text,
  discordChannel: text,
  sensitivity: z.enum(ALERT_SENSITIVITIES),
  requestedBy: text,
  since: safeInteger,
});
export const alertRecordSchema = z.object({
  id: text,
  channel: text,
  kind: z.enum(ALERT_KINDS),
  version: safeInteger,
  openedAt: safeInteger,
  updatedAt: safeInteger,
  title: text,
  accounts: safeInteger,
  discordChannel: optionalText,
  discordMessageId: optionalText,
});
export const accountHistoryRowSchema = z.object({
  login: text,
  channel: optionalText,
  firstSeen: safeInteger.nullable(),
});

export const monitoredSchema = z.object({ login: text, requestedBy: text, since: safeInteger });
export const changedSchema = z.object({ changed: safeInteger });

export const countsSchema = z.object({
  users: safeInteger,
  streams: safeInteger,
  userStreams: safeInteger,
  games: safeInteger,
  languages: safeInteger,
  teams: safeInteger,
  chatter: safeInteger,
  vip: safeInteger,
  moderator: safeInteger,
  plays: safeInteger,
  speaks: safeInteger,
  isPartOf: safeInteger,
});

export function toGraphCounts(c: z.infer<typeof countsSchema>): GraphCounts {
  // Every stream is counted as a user too (embedded-graph.ts `counts`), placeholders included; a node is
  // a User, a Stream or both, and the total is over the model's labels (never `:IngestOffset`).
  const plainUsers = c.users - c.userStreams;
  const byLabel: Record<NodeLabel, number> = {
    User: plainUsers + c.streams,
    Stream: c.streams,
    Game: c.games,
    Language: c.languages,
    Team: c.teams,
  };
  const byType: Record<RelationshipType, number> = {
    CHATTER: c.chatter,
    VIP: c.vip,
    MODERATOR: c.moderator,
    PLAYS: c.plays,
    SPEAKS: c.speaks,
    IS_PART_OF: c.isPartOf,
  };
  return {
    nodes: plainUsers + c.streams + c.games + c.languages + c.teams,
    relationships: Object.values(byType).reduce((a, b) => a + b, 0),
    byLabel,
    byType,
  };
}

export const resolvedSchema = z.object({
  ref: text,
  name: optionalText,
  id: optionalText,
  isStream: z.boolean(),
  displayName: optionalText,
});

export const linkSchema = z.object({
  sourceName: optionalText,
  sourceId: optionalText,
  type: z.enum(RELATIONSHIP_TYPES),
  targetLabels: textList,
  targetName: optionalText,
  targetId: optionalText,
});

export const scoredSchema = z.object({ labels: textList, name: optionalText, id: optionalText, score });

/**
 * The kind a node has in views and projections: a stream wins over user (a streamer carries both
 * labels); null for nodes outside the model.
 */
export function kindOf(labels: readonly string[]): NodeLabel | null {
  if (labels.includes('Stream')) return 'Stream';
  if (labels.includes('User')) return 'User';
  if (labels.includes('Game')) return 'Game';
  if (labels.includes('Language')) return 'Language';
  if (labels.includes('Team')) return 'Team';
  return null;
}

/** A node's identity across queries: `u:<login>` for named users and streams, `s:<id>` for placeholders. */
export function identityOf(name: string | null, id: string | null): string | null {
  if (name !== null) return `u:${name}`;
  return id === null ? null : `s:${id}`;
}

// ---------------------------------------------------------------------------------------- parameters

/** A whole number as an Integer parameter (LIMIT, counts, timestamps). */
export function integer(value: number): bigint {
  if (!Number.isSafeInteger(value))
    throw new GraphStoreError(`Expected a whole number, got ${value}`, 'GRAPH_BAD_INPUT', false);
  return BigInt(value);
}

/** A LIMIT: non-negative, and "no limit" (Infinity) as the largest Integer a double holds exactly. */
export function limitParam(limit: number): bigint {
  if (Number.isNaN(limit)) throw new GraphStoreError('A limit must be a number', 'GRAPH_BAD_INPUT', false);
  if (limit === Infinity) return BigInt(Number.MAX_SAFE_INTEGER);
  return BigInt(Math.max(0, Math.floor(limit)));
}

export function streamerParams(row: StreamerRecord): Record<string, unknown> {
  return {
    id: row.id,
    login: row.login,
    displayName: row.displayName,
    game: row.game,
    language: row.language,
    url: row.url,
    followers: integer(row.followers),
    totalViewCount: integer(row.totalViewCount),
    createdAt: row.createdAt,
    description: row.description,
  };
}

export function activityParams(row: ChatActivity): Record<string, unknown> {
  return {
    channelId: row.channelId,
    login: row.login,
    messages: integer(row.messages),
    firstSeen: integer(row.firstSeen),
    lastSeen: integer(row.lastSeen),
    days: row.days.map(integer),
    moderator: row.moderator,
    vip: row.vip,
    subscriber: row.subscriber,
  };
}

/** Checked by `checkOffsetUpdate` first: both offsets are whole numbers. */
export function offsetParams(offset: OffsetUpdate): Record<string, unknown> {
  return {
    group: offset.group,
    topic: offset.topic,
    partition: integer(offset.partition),
    offset: BigInt(offset.offset),
  };
}
