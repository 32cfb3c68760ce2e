/**
 * What the graph holds, as plain values. Importers and the ingest worker produce these; every
 * GraphStore adapter writes and reads them. Node and relationship names follow docs/ARCHITECTURE.md.
 */

export const NODE_LABELS = ['User', 'Stream', 'Game', 'Language', 'Team'] as const;
export type NodeLabel = (typeof NODE_LABELS)[number];

export const RELATIONSHIP_TYPES = ['CHATTER', 'VIP', 'MODERATOR', 'PLAYS', 'SPEAKS', 'IS_PART_OF'] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

export const ROLES = ['VIP', 'MODERATOR'] as const;
export type Role = (typeof ROLES)[number];

/** A broadcaster: a `(:User:Stream)` node plus its PLAYS and SPEAKS links. */
export interface StreamerRecord {
  /** Broadcaster's Twitch user id (`user_id` in streamers.csv, `room-id` in chat). */
  id: string;
  /** Lower-case login; the same `User.name` as when this person chats elsewhere. */
  login: string;
  displayName: string;
  game: string | null;
  language: string | null;
  url: string;
  followers: number;
  totalViewCount: number;
  /** ISO 8601 timestamp, or null when unknown. */
  createdAt: string | null;
  description: string;
}

export interface TeamMembership {
  streamerId: string;
  team: string;
}

export interface RoleGrant {
  streamerId: string;
  login: string;
  role: Role;
}

/** Someone was seen in a channel's chat (CSV import): an edge without message counts. */
export interface ChatterPresence {
  streamerId: string;
  login: string;
}

/** Chat activity of one user in one channel, aggregated from a batch of chat events. */
export interface ChatActivity {
  channelId: string;
  /** Known for live chat; null for the seed's minimal `{user_id, chatter_login}` messages. */
  channelLogin: string | null;
  login: string;
  /** Messages in this batch. */
  messages: number;
  /** Epoch milliseconds of the first and last message in this batch. */
  firstSeen: number;
  lastSeen: number;
  /** Distinct UTC days (epoch day numbers) with messages in this batch, ascending. */
  days: number[];
  /** Role flags seen on any of this batch's messages. Badges only ever add a role edge. */
  moderator: boolean;
  vip: boolean;
  subscriber: boolean;
}

/** Where a consumer stands in one topic-partition: the next offset it will read. */
export interface ConsumerOffset {
  group: string;
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit; kept as a decimal string. */
  offset: string;
}

/**
 * An offset recorded together with a batch (`GraphStore.applyChatActivity`): compare-and-set. `from` is the
 * batch's first offset in this partition; the write goes through only while the stored offset (the next one
 * to read) is absent or at most `from`, i.e. nobody has applied any message of this batch yet.
 */
export interface OffsetUpdate extends ConsumerOffset {
  from: string;
}

export interface WriteResult {
  /** Rows applied (created or already present). */
  written: number;
  /** Stream ids that rows referred to but the graph does not hold; those rows were not applied. */
  unknownStreamIds: string[];
}
