/**
 * How a batch of rows becomes a few `UNWIND` statements without changing what applying the rows one by
 * one would do (the embedded store's semantics, which are the spec).
 *
 * A Cypher statement applies each clause to all of its rows, so two rows that touch the same thing in
 * one statement do not see each other the way sequential writes would. Rows are therefore put into
 * rounds: within a round no two rows share a key (a stream id, a login, a chatter/channel pair), and a
 * row whose key appeared before goes into a later round than that earlier row.
 *
 * Chat activity needs one more cut. Placeholder streams (channels seen by id only) and then stream
 * "ensures" (giving a channel its login) run before the chat rows of a segment; that is only equivalent to the sequential order when no earlier chat row of the
 * segment names a login whose node the ensure changes (the login it takes, or the stream's old login).
 * Such a row starts a new segment. A small simulation of who holds which login, seeded from the graph at
 * the start of the transaction, decides which ensures are needed at all: in steady state (channels known
 * under their logins) there are none, and a batch is one statement per round.
 */
import type { ChatActivity } from '../../domain/graph-records.js';

export interface EnsureRow {
  id: string;
  login: string;
}

/** An ensure with the steps (cypher.ts `ENSURE_*`) it needs; a round runs the steps any row needs. */
export interface EnsureStep extends EnsureRow {
  /** Another stream holds the login and loses it. */
  release: boolean;
  /** The stream exists and a plain user holds the login: the stream absorbs the user. */
  absorb: boolean;
  /** The stream exists and takes the login. */
  rename: boolean;
  /** No stream yet, and a plain user holds the login: the user becomes the stream. */
  convert: boolean;
  /** No stream yet and no plain user: a new streamer node. */
  create: boolean;
}

/** What the graph says about the streams and logins a batch mentions, before the batch. */
export interface StreamState {
  /** Stream id → its login (null for a stream known only by id). Ids not listed have no stream. */
  nameById: Map<string, string | null>;
  /** Login → id of the stream that holds it. */
  idByLogin: Map<string, string>;
  /** Logins (of those asked about) held by a user who is not a streamer. */
  plainUsers: Set<string>;
}

/** Replays `ensureStream` of embedded-graph.ts on names only. */
export class LoginSimulation {
  private readonly nameById: Map<string, string | null>;
  private readonly idByLogin: Map<string, string>;
  private readonly plainUsers: Set<string>;

  constructor(state: StreamState) {
    this.nameById = new Map(state.nameById);
    this.idByLogin = new Map(state.idByLogin);
    this.plainUsers = new Set(state.plainUsers);
  }

  streamExists(id: string): boolean {
    return this.nameById.has(id);
  }

  /** True when stream `id` is not yet the node of `login`. */
  needsEnsure(id: string, login: string): boolean {
    return this.nameById.get(id) !== login;
  }

  /** The logins whose node changes if stream `id` takes `login` now. */
  affectedBy(id: string, login: string): string[] {
    const old = this.nameById.get(id);
    return old === undefined || old === null || old === login ? [login] : [login, old];
  }

  /** Give stream `id` the login; returns the steps that takes on the graph as it is now. */
  ensure(id: string, login: string): EnsureStep {
    const holder = this.idByLogin.get(login);
    const streamExists = this.nameById.has(id);
    const plain = this.plainUsers.has(login);
    const step: EnsureStep = {
      id,
      login,
      release: holder !== undefined && holder !== id,
      absorb: streamExists && plain,
      rename: streamExists,
      convert: !streamExists && plain,
      create: !streamExists && !plain,
    };
    if (holder !== undefined && holder !== id) this.nameById.set(holder, null);
    const old = this.nameById.get(id);
    if (old !== undefined && old !== null && old !== login) this.idByLogin.delete(old);
    this.nameById.set(id, login);
    this.idByLogin.set(login, id);
    this.plainUsers.delete(login);
    return step;
  }

  ensurePlaceholder(id: string): void {
    if (!this.nameById.has(id)) this.nameById.set(id, null);
  }

  /** A chat row merges its user: a plain user unless the login belongs to a stream. */
  touchUser(login: string): void {
    if (!this.idByLogin.has(login)) this.plainUsers.add(login);
  }
}

/**
 * Split `items` into rounds: items in one round share no key; an item goes after every earlier item it
 * shares a key with. Order within a round follows the input.
 */
export function intoRounds<T>(items: readonly T[], keys: (item: T) => readonly string[]): T[][] {
  const rounds: T[][] = [];
  const lastRound = new Map<string, number>();
  for (const item of items) {
    const itemKeys = keys(item);
    let round = 0;
    for (const key of itemKeys) {
      const last = lastRound.get(key);
      if (last !== undefined && last + 1 > round) round = last + 1;
    }
    for (const key of itemKeys) lastRound.set(key, round);
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}

/** Ensure rows conflict when they share a stream id or a login. */
export const ensureKeys = (row: EnsureRow): string[] => [`id\u0000${row.id}`, `login\u0000${row.login}`];

/** The ensures a list of (id, login) pairs needs, in order, given the graph's state. */
export function plannedEnsures(rows: readonly EnsureRow[], state: StreamState): EnsureStep[] {
  const simulation = new LoginSimulation(state);
  const needed: EnsureStep[] = [];
  for (const row of rows) {
    if (simulation.needsEnsure(row.id, row.login)) needed.push(simulation.ensure(row.id, row.login));
  }
  return needed;
}

export interface ChatSegment {
  /** Named ensures, in rounds. */
  ensureRounds: EnsureStep[][];
  /** Channels first seen by id only. */
  placeholders: string[];
  /** Chat rows, in rounds with no (login, channel) pair twice. */
  activityRounds: ChatActivity[][];
}

export function planChatActivity(rows: readonly ChatActivity[], state: StreamState): ChatSegment[] {
  const simulation = new LoginSimulation(state);
  const segments: { ensures: EnsureStep[]; placeholders: string[]; rows: ChatActivity[] }[] = [];
  let current = { ensures: [] as EnsureStep[], placeholders: [] as string[], rows: [] as ChatActivity[] };
  let chatters = new Set<string>();
  for (const row of rows) {
    if (row.channelLogin !== null) {
      if (simulation.needsEnsure(row.channelId, row.channelLogin)) {
        const affected = simulation.affectedBy(row.channelId, row.channelLogin);
        if (affected.some((login) => chatters.has(login))) {
          segments.push(current);
          current = { ensures: [], placeholders: [], rows: [] };
          chatters = new Set();
        }
        current.ensures.push(simulation.ensure(row.channelId, row.channelLogin));
      }
    } else if (!simulation.streamExists(row.channelId)) {
      current.placeholders.push(row.channelId);
      simulation.ensurePlaceholder(row.channelId);
    }
    current.rows.push(row);
    chatters.add(row.login);
    simulation.touchUser(row.login);
  }
  segments.push(current);
  return segments
    .filter((s) => s.rows.length > 0 || s.ensures.length > 0)
    .map((s) => ({
      ensureRounds: intoRounds(s.ensures, ensureKeys),
      placeholders: s.placeholders,
      activityRounds: intoRounds(s.rows, (r) => [`${r.login}\u0000${r.channelId}`]),
    }));
}

/** Keep the last row per key, in the order of those last rows (a later row replaces an earlier one). */
export function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const last = new Map<string, number>();
  rows.forEach((row, i) => last.set(key(row), i));
  return rows.filter((row, i) => last.get(key(row)) === i);
}

/** Split into chunks of at most `size`. */
export function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
