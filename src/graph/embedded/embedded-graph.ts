/**
 * The in-process graph, compact: nodes are integers, relationships are rows of typed-array columns, and each
 * node's out- and in-relationships are linked lists threaded through those columns. A graphology multigraph
 * spent about 700 bytes per relationship (an object per edge and its string key, two adjacency maps per node);
 * this spends about 50 plus the names (docs/ARCHITECTURE.md, "The embedded store"). Every method is
 * synchronous, so a write and a snapshot never interleave (see embedded-store.ts).
 *
 * Node keys are still how the rest of the store names nodes (snapshot format 1, `connections()` identities):
 * `u:<login>` for every user, streamers included (a streamer is the same node as that person when they chat
 * elsewhere); `s:<id>` for a stream known only by id so far; `g:`, `l:`, `t:` + name for games, languages
 * and teams. There is at most one relationship of a type between two nodes, which makes every write a MERGE.
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
} from '../../domain/graph-records.js';
import { NODE_LABELS, RELATIONSHIP_TYPES } from '../../domain/graph-records.js';
import type {
  GraphCounts,
  GraphProjection,
  GraphView,
  AccountPresence,
  AudienceOverlap,
  AudienceColumns,
  AudienceRecord,
  ChannelRef,
  SharedAudience,
  SharedAudienceGraph,
  MonitoredChannel,
  AccountHistory,
  NameKind,
  NodeRef,
  RankedName,
  ScoredNode,
  StreamerNeighbourhood,
  StreamerSummary,
} from '../graph-store.port.js';
import {
  byCountThenName,
  compareNames,
  compareStreamers,
  offsetKey,
  pickByDisplayName,
  streamDisplayName,
  wantedStreamName,
} from '../graph-order.js';
import type { ChatterRow, OutLink, ResolvedRef } from '../graph-views.js';
import { compareChatters, connectionsView, neighbourhoodOf } from '../graph-views.js';
import { assertNoOffsetConflict, checkOffsetUpdate } from '../offset-cas.js';
import { emptyAudienceColumns, emptyAudienceRecord } from '../audience-columns.js';
import { CHATS_HERE, MODERATOR_HERE, VIP_HERE } from '../graph-store.port.js';
import { keepBest } from '../../util/keep-best.js';
import { lowerBound } from '../../util/lower-bound.js';
import { LoginIndex } from './login-index.js';

export interface StreamProps {
  id: string;
  displayName: string | null;
  url: string | null;
  followers: number | null;
  totalViewCount: number | null;
  createdAt: string | null;
  description: string | null;
}

export type NodeAttrs =
  | { kind: 'User'; name: string }
  /** `name` is null while the stream is known only by id (seed messages for a channel not yet imported). */
  | ({ kind: 'Stream'; name: string | null } & StreamProps)
  | { kind: 'Game' | 'Language' | 'Team'; name: string };

export interface EdgeAttrs {
  type: RelationshipType;
  /** CHATTER only; absent when the edge comes from a CSV (no counts known). */
  messages?: number;
  firstSeen?: number;
  lastSeen?: number;
  daysSeen?: number;
  subscriber?: boolean;
}

// Node kinds and relationship types as small integers: their index in NODE_LABELS / RELATIONSHIP_TYPES.
export const USER = 0;
export const STREAM = 1;
const GAME = 2;
const LANGUAGE = 3;
const TEAM = 4;
/** A node or relationship slot that was removed (a node absorbed into another, a replaced PLAYS link). */
export const GONE = 255;
export const CHATTER = 0;
const VIP = 1;
const MODERATOR = 2;
const PLAYS = 3;
const SPEAKS = 4;
const IS_PART_OF = 5;
const NONE = -1;
const TYPE_OF: Readonly<Record<RelationshipType, number>> = {
  CHATTER,
  VIP,
  MODERATOR,
  PLAYS,
  SPEAKS,
  IS_PART_OF,
};
const KIND_OF: Readonly<Record<NodeLabel, number>> = {
  User: USER,
  Stream: STREAM,
  Game: GAME,
  Language: LANGUAGE,
  Team: TEAM,
};
const isPresence = (type: number) => type === CHATTER || type === VIP || type === MODERATOR;

const DAY_MS = 86_400_000;
const emptyStreamProps = (id: string): StreamProps => ({
  id,
  displayName: null,
  url: null,
  followers: null,
  totalViewCount: null,
  createdAt: null,
  description: null,
});

/** Channels up to which shared-audience pairs are counted in a dense triangle of Int32 (8,192: 128 MiB). */
const DENSE_PAIR_CHANNELS = 8_192;

/** Channel audiences kept between writes (channelAudienceColumns). */
const AUDIENCE_CACHE_SIZE = 4;

export const userKey = (login: string) => `u:${login}`;

/**
 * A kept name as a string of its own. V8 hands out a substring of 13 or more characters as a view of the
 * string it was cut from, and the CSV reader cuts fields out of 64 KiB blocks: the kept logins would keep
 * every block (the whole 20 MiB chatters.csv of the 1M seed, issue 19). Shorter substrings are copies
 * already. The JSON round trip is the cheapest copy that keeps every code unit (lone surrogates included).
 */
const ownString = (s: string): string => (s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string));

function grow<T extends Int32Array | Uint8Array | Int8Array | Float64Array>(
  array: T,
  size: number,
  fill?: number,
): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
}

/**
 * The columns a snapshot stores and a load hands back: exactly `nodes` node slots and `relationships`
 * relationship slots, none of them gone.
 */
export interface GraphColumns {
  names: (string | null)[];
  kinds: Uint8Array<ArrayBuffer>;
  /** Stream properties by node. */
  streams: Map<number, StreamProps>;
  source: Int32Array<ArrayBuffer>;
  target: Int32Array<ArrayBuffer>;
  type: Uint8Array<ArrayBuffer>;
  /**
   * CHATTER properties; NaN (messages, first/last seen), -1 (days seen, subscriber) when absent. All five
   * empty: absent on every relationship (what a load of CSV data gets, without filling 29 bytes a row).
   */
  messages: Float64Array<ArrayBuffer>;
  firstSeen: Float64Array<ArrayBuffer>;
  lastSeen: Float64Array<ArrayBuffer>;
  daysSeen: Int32Array<ArrayBuffer>;
  subscriber: Int8Array<ArrayBuffer>;
}

export class EmbeddedGraph {
  // ---- nodes (index = node id)
  private nodeCount = 0;
  private kinds = new Uint8Array(1024);
  private names: (string | null)[] = [];
  private outHead = new Int32Array(1024).fill(NONE);
  private inHead = new Int32Array(1024).fill(NONE);
  /** CHATTER in-degree (a channel's audience) and out-degree of every node, kept on every write. */
  private chatIn = new Int32Array(1024);
  private degree = new Int32Array(1024);
  private readonly streamProps = new Map<number, StreamProps>();
  /**
   * `u:<login>`: users and streams with a login. Built on first use after a load: a snapshot lists users and
   * streams in name order (nodes 0 … `sortedPersons` − 1), so a cold `ask` finds a login by binary search
   * instead of filling a 600k-entry map first (`loginNode`).
   */
  private loginMap: LoginIndex | undefined = new LoginIndex();
  private sortedPersons = 0;
  /** `s:<id>`: streams known only by id. */
  private readonly placeholders = new Map<string, number>();
  private readonly byStreamId = new Map<string, number>();
  /** Games, languages, teams by name (index: kind − GAME). */
  private readonly named = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  private readonly liveByKind = [0, 0, 0, 0, 0];

  // ---- relationships (index = relationship id)
  private edgeSlots = 0;
  private readonly freeEdges: number[] = [];
  private eSource = new Int32Array(1024);
  private eTarget = new Int32Array(1024);
  private eType = new Uint8Array(1024).fill(GONE);
  private outNext = new Int32Array(1024);
  private inNext = new Int32Array(1024);
  /**
   * CHATTER properties, allocated on the first relationship that has one (`withProps`): a CSV import has
   * none, and these five columns are 29 of the 47 bytes a relationship slot takes. Until then they are
   * empty and a read past their end is absent (`?? NaN`, `?? -1`); once allocated they are as long as eType.
   */
  private eMessages = new Float64Array(0);
  private eFirst = new Float64Array(0);
  private eLast = new Float64Array(0);
  private eDays = new Int32Array(0);
  private eSub = new Int8Array(0);
  private readonly liveByType = [0, 0, 0, 0, 0, 0];

  private readonly offsets = new Map<string, ConsumerOffset>();
  private readonly monitored = new Map<string, MonitoredChannel>();
  private overlapScratch: Int32Array | undefined;
  private readonly audienceScoresKept = new WeakMap<
    AudienceColumns,
    { byNode: Float64Array; scores: Float64Array }
  >();
  private projectionCache:
    { version: number; exclude: string; projection: GraphProjection; index: Int32Array } | undefined;
  /** The nodes behind each `channelAudienceColumns` answer, while it lives (for its members' PageRank). */
  private readonly audienceNodes = new WeakMap<AudienceColumns, Int32Array>();
  /** The last audiences read (channelAudienceColumns), valid while `version` is unchanged. */
  private audienceColumnsCache: { version: number; stream: number; columns: AudienceColumns }[] = [];
  private presenceCache: { version: number; counts: Int32Array } | undefined;
  /** `/streamer` reads the whole shared-audience graph for the channel's community: kept until a change. */
  private sharedAudienceCache: { version: number; exclude: string; graph: SharedAudienceGraph } | undefined;
  /** Bumped by every change; lets the store know when a snapshot is due and caches when to rebuild. */
  version = 0;
  /** Bumped when a user or stream loses or changes its name (the name order is then rebuilt, not merged). */
  private namesEpoch = 0;
  /** Users and streams in name order, and each node's place in it; see `personOrder`. */
  private nameOrder: { sorted: Int32Array; rank: Int32Array; upTo: number; epoch: number } | undefined;

  // ------------------------------------------------------------------ storage

  private get byLogin(): LoginIndex {
    if (this.loginMap !== undefined) return this.loginMap;
    const map = new LoginIndex(this.nodeCount);
    for (let node = 0; node < this.nodeCount; node += 1) {
      const kind = this.kinds[node];
      const name = this.names[node] ?? null;
      if ((kind === USER || kind === STREAM) && name !== null) map.set(name, node);
    }
    this.loginMap = map;
    return map;
  }

  /** The user or stream of a login, without building the login map when a loaded name order can answer. */
  private loginNode(login: string): number | undefined {
    if (this.loginMap !== undefined) return this.loginMap.get(login);
    const at = lowerBound(0, this.sortedPersons, (node) => this.personName(node) < login);
    return at < this.sortedPersons && this.names[at] === login ? at : undefined;
  }

  private newNode(kind: number, name: string | null): number {
    const node = this.nodeCount;
    if (node === this.kinds.length) {
      const size = Math.ceil(node * 1.5) + 1024;
      this.kinds = grow(this.kinds, size);
      this.outHead = grow(this.outHead, size, NONE);
      this.inHead = grow(this.inHead, size, NONE);
      this.chatIn = grow(this.chatIn, size);
      this.degree = grow(this.degree, size);
    }
    this.nodeCount += 1;
    this.kinds[node] = kind;
    this.names[node] = name;
    this.liveByKind[kind] = (this.liveByKind[kind] ?? 0) + 1;
    return node;
  }

  private newEdgeSlot(): number {
    const free = this.freeEdges.pop();
    if (free !== undefined) return free;
    const edge = this.edgeSlots;
    if (edge === this.eType.length) {
      const size = Math.ceil(edge * 1.5) + 1024;
      this.eSource = grow(this.eSource, size);
      this.eTarget = grow(this.eTarget, size);
      this.eType = grow(this.eType, size, GONE);
      this.outNext = grow(this.outNext, size);
      this.inNext = grow(this.inNext, size);
      if (this.eMessages.length > 0) this.growProps(size);
    }
    this.edgeSlots += 1;
    return edge;
  }

  private growProps(size: number): void {
    this.eMessages = grow(this.eMessages, size, NaN);
    this.eFirst = grow(this.eFirst, size, NaN);
    this.eLast = grow(this.eLast, size, NaN);
    this.eDays = grow(this.eDays, size, -1);
    this.eSub = grow(this.eSub, size, -1);
  }

  /** The CHATTER property columns, allocated (all absent) before the first write of a property. */
  private withProps(): void {
    if (this.eMessages.length === 0 && this.eType.length > 0) this.growProps(this.eType.length);
  }

  /** Lets go of CHATTER property columns that hold nothing (a loaded snapshot of CSV data). */
  private dropAbsentProps(): void {
    const m = this.edgeSlots;
    for (let e = 0; e < m; e += 1)
      if (
        !Number.isNaN(this.eMessages[e] ?? NaN) ||
        !Number.isNaN(this.eFirst[e] ?? NaN) ||
        !Number.isNaN(this.eLast[e] ?? NaN) ||
        (this.eDays[e] ?? -1) !== -1 ||
        (this.eSub[e] ?? -1) !== -1
      )
        return;
    this.eMessages = new Float64Array(0);
    this.eFirst = new Float64Array(0);
    this.eLast = new Float64Array(0);
    this.eDays = new Int32Array(0);
    this.eSub = new Int8Array(0);
  }

  /**
   * Columns cut to what they hold (a bulk import leaves up to a third of them unused after the last
   * growth); the next new slot grows them again by half. Called before a save, which walks every column
   * anyway, so a store that keeps growing pays one more copy per save at most.
   */
  trimToSize(): void {
    const cut = <T extends Int32Array | Uint8Array | Int8Array | Float64Array>(array: T, size: number): T =>
      array.length > size ? (array.slice(0, size) as T) : array;
    // Only worth a copy when the unused part is large (right after a growth by half).
    if (this.eType.length - this.edgeSlots > Math.max(4096, this.edgeSlots >> 3)) {
      const m = this.edgeSlots;
      this.eSource = cut(this.eSource, m);
      this.eTarget = cut(this.eTarget, m);
      this.eType = cut(this.eType, m);
      this.outNext = cut(this.outNext, m);
      this.inNext = cut(this.inNext, m);
      if (this.eMessages.length > 0) {
        this.eMessages = cut(this.eMessages, m);
        this.eFirst = cut(this.eFirst, m);
        this.eLast = cut(this.eLast, m);
        this.eDays = cut(this.eDays, m);
        this.eSub = cut(this.eSub, m);
      }
    }
    if (this.kinds.length - this.nodeCount > Math.max(4096, this.nodeCount >> 3)) {
      const n = this.nodeCount;
      this.kinds = cut(this.kinds, n);
      this.outHead = cut(this.outHead, n);
      this.inHead = cut(this.inHead, n);
      this.chatIn = cut(this.chatIn, n);
      this.degree = cut(this.degree, n);
    }
  }

  /** A new relationship without CHATTER properties (they are set by the caller when known). */
  private addEdge(source: number, target: number, type: number): number {
    const edge = this.newEdgeSlot();
    this.eSource[edge] = source;
    this.eTarget[edge] = target;
    this.eType[edge] = type;
    if (this.eMessages.length > 0) {
      this.eMessages[edge] = NaN;
      this.eFirst[edge] = NaN;
      this.eLast[edge] = NaN;
      this.eDays[edge] = -1;
      this.eSub[edge] = -1;
    }
    this.link(edge, source, target, type);
    return edge;
  }

  /** Put a relationship at the head of its endpoints' lists and count it (a new one, or one loaded). */
  private link(edge: number, source: number, target: number, type: number): void {
    this.outNext[edge] = this.outHead[source] as number;
    this.outHead[source] = edge;
    this.inNext[edge] = this.inHead[target] as number;
    this.inHead[target] = edge;
    this.degree[source] = (this.degree[source] as number) + 1;
    this.degree[target] = (this.degree[target] as number) + 1;
    if (type === CHATTER) this.chatIn[target] = (this.chatIn[target] as number) + 1;
    this.liveByType[type] = (this.liveByType[type] ?? 0) + 1;
  }

  private dropEdge(edge: number): void {
    const source = this.eSource[edge] as number;
    const target = this.eTarget[edge] as number;
    const type = this.eType[edge] as number;
    // Unlink from both lists: removals are rare (a changed game, a stream absorbing a user), so the walk to
    // the predecessor costs less than keeping doubly linked lists for every relationship.
    if (this.outHead[source] === edge) this.outHead[source] = this.outNext[edge] as number;
    else
      for (let e = this.outHead[source] as number; e !== NONE; e = this.outNext[e] as number)
        if (this.outNext[e] === edge) {
          this.outNext[e] = this.outNext[edge] as number;
          break;
        }
    if (this.inHead[target] === edge) this.inHead[target] = this.inNext[edge] as number;
    else
      for (let e = this.inHead[target] as number; e !== NONE; e = this.inNext[e] as number)
        if (this.inNext[e] === edge) {
          this.inNext[e] = this.inNext[edge] as number;
          break;
        }
    this.degree[source] = (this.degree[source] as number) - 1;
    this.degree[target] = (this.degree[target] as number) - 1;
    if (type === CHATTER) this.chatIn[target] = (this.chatIn[target] as number) - 1;
    this.liveByType[type] = (this.liveByType[type] ?? 0) - 1;
    this.eType[edge] = GONE;
    this.freeEdges.push(edge);
  }

  /** The relationship of `type` from `source` to `target`, walking the shorter of the two lists. */
  private findEdge(source: number, target: number, type: number): number {
    if ((this.degree[source] as number) <= (this.degree[target] as number)) {
      for (let e = this.outHead[source] as number; e !== NONE; e = this.outNext[e] as number)
        if (this.eTarget[e] === target && this.eType[e] === type) return e;
    } else {
      for (let e = this.inHead[target] as number; e !== NONE; e = this.inNext[e] as number)
        if (this.eSource[e] === source && this.eType[e] === type) return e;
    }
    return NONE;
  }

  private mergeEdge(source: number, target: number, type: number): number {
    const found = this.findEdge(source, target, type);
    return found === NONE ? this.addEdge(source, target, type) : found;
  }

  /** Fold CHATTER properties into a relationship: counts add up, the seen times widen. */
  private combineChatter(edge: number, attrs: EdgeAttrs): void {
    if (
      attrs.messages === undefined &&
      attrs.firstSeen === undefined &&
      attrs.lastSeen === undefined &&
      attrs.daysSeen === undefined &&
      attrs.subscriber === undefined
    )
      return;
    this.withProps();
    if (attrs.messages !== undefined) {
      const m = this.eMessages[edge] as number;
      this.eMessages[edge] = Number.isNaN(m) ? attrs.messages : m + attrs.messages;
    }
    if (attrs.firstSeen !== undefined) {
      const f = this.eFirst[edge] as number;
      if (Number.isNaN(f) || attrs.firstSeen < f) this.eFirst[edge] = attrs.firstSeen;
    }
    if (attrs.lastSeen !== undefined) {
      const l = this.eLast[edge] as number;
      if (Number.isNaN(l) || attrs.lastSeen > l) this.eLast[edge] = attrs.lastSeen;
    }
    if (attrs.daysSeen !== undefined) {
      const d = this.eDays[edge] as number;
      this.eDays[edge] = d < 0 ? attrs.daysSeen : d + attrs.daysSeen;
    }
    if (attrs.subscriber !== undefined) {
      const s = this.eSub[edge] as number;
      this.eSub[edge] = s === 1 || attrs.subscriber ? 1 : 0;
    }
  }

  private edgeAttrs(edge: number): EdgeAttrs {
    const type = RELATIONSHIP_TYPES[this.eType[edge] as number] as RelationshipType;
    if (type !== 'CHATTER') return { type };
    const attrs: EdgeAttrs = { type };
    const m = this.eMessages[edge] ?? NaN;
    const f = this.eFirst[edge] ?? NaN;
    const l = this.eLast[edge] ?? NaN;
    const d = this.eDays[edge] ?? -1;
    const s = this.eSub[edge] ?? -1;
    if (!Number.isNaN(m)) attrs.messages = m;
    if (!Number.isNaN(f)) attrs.firstSeen = f;
    if (!Number.isNaN(l)) attrs.lastSeen = l;
    if (d >= 0) attrs.daysSeen = d;
    if (s >= 0) attrs.subscriber = s === 1;
    return attrs;
  }

  private dropNode(node: number): void {
    this.namesEpoch += 1;
    while (this.outHead[node] !== NONE) this.dropEdge(this.outHead[node] as number);
    while (this.inHead[node] !== NONE) this.dropEdge(this.inHead[node] as number);
    this.unindex(node);
    const kind = this.kinds[node] as number;
    this.liveByKind[kind] = (this.liveByKind[kind] ?? 0) - 1;
    this.kinds[node] = GONE;
    this.names[node] = null;
    this.streamProps.delete(node);
  }

  /** Remove a node from the key maps (before it changes key or disappears). */
  private unindex(node: number): void {
    const kind = this.kinds[node] as number;
    const name = this.names[node] ?? null;
    if (kind === USER || kind === STREAM) {
      if (name !== null && this.byLogin.get(name) === node) this.byLogin.delete(name);
      const props = this.streamProps.get(node);
      if (kind === STREAM && props !== undefined) {
        if (name === null && this.placeholders.get(props.id) === node) this.placeholders.delete(props.id);
        if (this.byStreamId.get(props.id) === node) this.byStreamId.delete(props.id);
      }
    } else if (name !== null) {
      const map = this.named[kind - GAME];
      if (map?.get(name) === node) map.delete(name);
    }
  }

  private nodeOfKey(key: string): number | undefined {
    const body = key.slice(2);
    switch (key.slice(0, 2)) {
      case 'u:':
        return this.byLogin.get(body);
      case 's:':
        return this.placeholders.get(body);
      case 'g:':
        return this.named[0]?.get(body);
      case 'l:':
        return this.named[1]?.get(body);
      case 't:':
        return this.named[2]?.get(body);
      default:
        return undefined;
    }
  }

  /** The node's key (see the header comment): its identity in `connections()` and in format-1 snapshots. */
  keyOf(node: number): string {
    const kind = this.kinds[node] as number;
    const name = this.names[node] ?? null;
    if (kind === USER || kind === STREAM)
      return name === null ? `s:${this.streamProps.get(node)?.id ?? ''}` : userKey(name);
    return `${'glt'.charAt(kind - GAME)}:${name ?? ''}`;
  }

  private hasLogin(node: number): boolean {
    const kind = this.kinds[node];
    return (kind === USER || kind === STREAM) && this.names[node] !== null;
  }

  private personName(node: number): string {
    return this.names[node] ?? streamDisplayName(null, this.streamProps.get(node)?.id ?? '');
  }

  /**
   * Users and streams sorted by name (code units, as compareNames), and each node's rank in that order (-1
   * for other nodes). Big channels' audiences and the algorithm projection are ordered by it, so 100k logins
   * are never compared as strings per question. Kept across writes: nodes added since are sorted on their own
   * and merged in; a rename or a removal rebuilds it.
   */
  private personOrder(): { sorted: Int32Array; rank: Int32Array } {
    const cached = this.nameOrder;
    if (cached !== undefined && cached.epoch === this.namesEpoch && cached.upTo === this.nodeCount)
      return cached;
    const from = cached !== undefined && cached.epoch === this.namesEpoch ? cached.upTo : 0;
    const added: number[] = [];
    for (let node = from; node < this.nodeCount; node += 1) {
      const kind = this.kinds[node];
      if (kind === USER || kind === STREAM) added.push(node);
    }
    const fresh = this.sortPersons(added);
    let sorted: Int32Array;
    if (from === 0 || cached === undefined) sorted = fresh;
    else {
      const old = cached.sorted;
      sorted = new Int32Array(old.length + fresh.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < old.length && j < fresh.length) {
        const a = old[i] as number;
        const b = fresh[j] as number;
        if (this.personName(a) < this.personName(b)) {
          sorted[k++] = a;
          i += 1;
        } else {
          sorted[k++] = b;
          j += 1;
        }
      }
      while (i < old.length) sorted[k++] = old[i++] as number;
      while (j < fresh.length) sorted[k++] = fresh[j++] as number;
    }
    const rank = new Int32Array(this.nodeCount).fill(NONE);
    for (let r = 0; r < sorted.length; r += 1) rank[sorted[r] as number] = r;
    this.nameOrder = { sorted, rank, upTo: this.nodeCount, epoch: this.namesEpoch };
    return this.nameOrder;
  }

  /** Users and streams by name: a native sort of the names (unique among them), mapped back to nodes. */
  private sortPersons(nodes: readonly number[]): Int32Array {
    const names = nodes.map((node) => this.personName(node)).sort();
    const sorted = new Int32Array(names.length);
    const seen = new Uint8Array(this.nodeCount);
    for (let i = 0; i < names.length; i += 1) {
      const name = names[i] as string;
      const node = this.byLogin.get(name) ?? this.placeholders.get(name.slice(1));
      // Two nodes with one name (a login spelled `#<id>` beside the stream known as `#<id>`) cannot be told
      // apart by name: order those node by node instead, so every node is listed exactly once.
      if (node === undefined || seen[node] === 1) {
        return Int32Array.from(nodes).sort(
          (a, b) => compareNames(this.personName(a), this.personName(b)) || a - b,
        );
      }
      seen[node] = 1;
      sorted[i] = node;
    }
    return sorted;
  }

  // ------------------------------------------------------------------ loading (snapshots)

  /** A node as a format-1 snapshot line has it. */
  addNodeRaw(key: string, attrs: NodeAttrs): void {
    if (this.nodeOfKey(key) !== undefined) throw new Error(`node ${key} appears twice`);
    const node = this.newNode(KIND_OF[attrs.kind], attrs.name);
    if (attrs.kind === 'Stream') {
      const { kind: _kind, name: _name, ...props } = attrs;
      this.streamProps.set(node, props);
      this.byStreamId.set(props.id, node);
    }
    this.index(node, key);
  }

  private index(node: number, key: string): void {
    const kind = this.kinds[node] as number;
    const body = key.slice(2);
    if (key.startsWith('u:')) this.byLogin.set(body, node);
    else if (key.startsWith('s:')) this.placeholders.set(body, node);
    else this.named[kind - GAME]?.set(body, node);
  }

  /** A relationship as a format-1 snapshot line has it: created, or folded into the existing one. */
  mergeEdgeRaw(source: string, target: string, attrs: EdgeAttrs): void {
    const s = this.nodeOfKey(source);
    const t = this.nodeOfKey(target);
    if (s === undefined || t === undefined)
      throw new Error(`relationship ${source} → ${target}: no such node`);
    const edge = this.mergeEdge(s, t, TYPE_OF[attrs.type]);
    if (attrs.type === 'CHATTER') this.combineChatter(edge, attrs);
  }

  /** Every live node and relationship as columns, renumbered without gaps (what a snapshot stores). */
  columns(): GraphColumns {
    const renumber = new Int32Array(this.nodeCount).fill(NONE);
    const names: (string | null)[] = [];
    const kinds = new Uint8Array(this.liveByKind.reduce((a, b) => a + b, 0));
    const streams = new Map<number, StreamProps>();
    // Users and streams first, in name order (what lets a load skip the login map and the name sort), then
    // games, languages and teams.
    const { sorted } = this.personOrder();
    const others: number[] = [];
    for (let node = 0; node < this.nodeCount; node += 1) {
      const kind = this.kinds[node] as number;
      if (kind !== GONE && kind !== USER && kind !== STREAM) others.push(node);
    }
    for (const node of [...sorted, ...others]) {
      const kind = this.kinds[node] as number;
      const at = names.length;
      renumber[node] = at;
      kinds[at] = kind;
      names.push(this.names[node] ?? null);
      const props = this.streamProps.get(node);
      if (props !== undefined) streams.set(at, props);
    }
    const m = this.liveByType.reduce((a, b) => a + b, 0);
    const c: GraphColumns = {
      names,
      kinds,
      streams,
      source: new Int32Array(m),
      target: new Int32Array(m),
      type: new Uint8Array(m),
      messages: new Float64Array(m),
      firstSeen: new Float64Array(m),
      lastSeen: new Float64Array(m),
      daysSeen: new Int32Array(m),
      subscriber: new Int8Array(m),
    };
    let i = 0;
    for (let edge = 0; edge < this.edgeSlots; edge += 1) {
      const type = this.eType[edge] as number;
      if (type === GONE) continue;
      c.source[i] = renumber[this.eSource[edge] as number] as number;
      c.target[i] = renumber[this.eTarget[edge] as number] as number;
      c.type[i] = type;
      c.messages[i] = this.eMessages[edge] ?? NaN;
      c.firstSeen[i] = this.eFirst[edge] ?? NaN;
      c.lastSeen[i] = this.eLast[edge] ?? NaN;
      c.daysSeen[i] = this.eDays[edge] ?? -1;
      c.subscriber[i] = this.eSub[edge] ?? -1;
      i += 1;
    }
    return c;
  }

  /**
   * A graph from snapshot columns, checked as it is built: the arrays are taken over, not copied (the first
   * write after a load copies them into bigger ones). Throws a plain Error saying what does not add up.
   */
  static fromColumns(c: GraphColumns): EmbeddedGraph {
    const g = new EmbeddedGraph();
    const n = c.kinds.length;
    const m = c.type.length;
    if (c.names.length !== n) throw new Error(`${c.names.length} names for ${n} nodes`);
    const props = [c.messages, c.firstSeen, c.lastSeen, c.daysSeen, c.subscriber];
    const noProps = props.every((column) => column.length === 0);
    for (const column of noProps ? [c.source, c.target] : [c.source, c.target, ...props])
      if (column.length !== m) throw new Error(`a relationship column has ${column.length} rows, not ${m}`);
    g.nodeCount = n;
    g.kinds = c.kinds;
    g.names = c.names;
    g.outHead = new Int32Array(n).fill(NONE);
    g.inHead = new Int32Array(n).fill(NONE);
    g.chatIn = new Int32Array(n);
    g.degree = new Int32Array(n);
    for (let node = 0; node < n; node += 1) {
      const kind = c.kinds[node] as number;
      if (kind > TEAM) throw new Error(`node ${node} has no kind (${kind})`);
      g.liveByKind[kind] = (g.liveByKind[kind] ?? 0) + 1;
      const name = c.names[node] ?? null;
      if (kind === STREAM) {
        const props = c.streams.get(node);
        if (props === undefined) throw new Error(`stream node ${node} has no properties`);
        g.streamProps.set(node, props);
        g.byStreamId.set(props.id, node);
        if (name === null) g.placeholders.set(props.id, node);
      } else if (name === null) throw new Error(`node ${node} has no name`);
      else if (kind !== USER) g.named[kind - GAME]?.set(name, node);
    }
    // Users and streams come first in strictly increasing name order (so no two share a key): then the
    // login map is built only when needed (`byLogin`) and the name order is the node order. A file in
    // another order (an early format-2 build) is read too, with the map built and checked here.
    let persons = 0;
    let personsInAll = 0;
    let ordered = true;
    for (let node = 0; node < n; node += 1) {
      if (c.kinds[node] !== USER && c.kinds[node] !== STREAM) continue;
      personsInAll += 1;
      if (!ordered || node !== persons) ordered = false;
      else if (node > 0 && !(g.personName(node - 1) < g.personName(node))) ordered = false;
      else persons += 1;
    }
    const named = g.named.reduce((a, map) => a + map.size, 0);
    if (ordered) {
      g.loginMap = undefined;
      g.sortedPersons = persons;
      // Filled by plain loops: `Int32Array.from` with a mapping function took a third of a 1M load.
      const sorted = new Int32Array(persons);
      const rank = new Int32Array(n).fill(NONE);
      for (let i = 0; i < persons; i += 1) {
        sorted[i] = i;
        rank[i] = i;
      }
      g.nameOrder = { sorted, rank, upTo: n, epoch: 0 };
    } else {
      g.loginMap = undefined;
      const logins = g.byLogin;
      if (logins.size + g.placeholders.size !== personsInAll) throw new Error('two nodes share a key');
    }
    if (named + personsInAll !== n) throw new Error('two nodes share a key');
    g.edgeSlots = m;
    g.eSource = c.source;
    g.eTarget = c.target;
    g.eType = c.type;
    g.eMessages = c.messages;
    g.eFirst = c.firstSeen;
    g.eLast = c.lastSeen;
    g.eDays = c.daysSeen;
    g.eSub = c.subscriber;
    if (!noProps) g.dropAbsentProps();
    g.outNext = new Int32Array(m);
    g.inNext = new Int32Array(m);
    // Threaded from the last relationship back, so each list walks in the order the columns hold.
    for (let edge = m - 1; edge >= 0; edge -= 1) {
      const source = c.source[edge] as number;
      const target = c.target[edge] as number;
      const type = c.type[edge] as number;
      if (source < 0 || source >= n || target < 0 || target >= n || type > IS_PART_OF)
        throw new Error(`relationship ${edge} points outside the graph`);
      g.link(edge, source, target, type);
    }
    return g;
  }

  /** Every relationship with its endpoints' keys (tests and tools that add things up). */
  forEachRelationship(visit: (source: string, target: string, attrs: EdgeAttrs) => void): void {
    for (let edge = 0; edge < this.edgeSlots; edge += 1) {
      if (this.eType[edge] === GONE) continue;
      visit(
        this.keyOf(this.eSource[edge] as number),
        this.keyOf(this.eTarget[edge] as number),
        this.edgeAttrs(edge),
      );
    }
  }

  // ------------------------------------------------------------------ writes

  private mergeNamed(kind: number, name: string): number {
    const map = this.named[kind - GAME] as Map<string, number>;
    let node = map.get(name);
    if (node === undefined) {
      node = this.newNode(kind, name);
      map.set(name, node);
    }
    return node;
  }

  private mergeUser(login: string): number {
    let node = this.byLogin.get(login);
    if (node === undefined) {
      const own = ownString(login);
      node = this.newNode(USER, own);
      this.byLogin.set(own, node);
    }
    return node;
  }

  /**
   * Fold node `from` into node `into`: its relationships move (merging with existing ones), it disappears.
   * Relationships between the two are dropped: a user who chatted in a channel known only by id, and turns
   * out to be its broadcaster, does not chat in their own channel (see `applyChatActivity`).
   */
  private absorb(from: number, into: number): void {
    const moved: [number, number, number, EdgeAttrs][] = [];
    for (let e = this.outHead[from] as number; e !== NONE; e = this.outNext[e] as number) {
      const target = this.eTarget[e] as number;
      const t = target === from ? into : target;
      if (t !== into) moved.push([into, t, this.eType[e] as number, this.edgeAttrs(e)]);
    }
    for (let e = this.inHead[from] as number; e !== NONE; e = this.inNext[e] as number) {
      const source = this.eSource[e] as number;
      if (source !== from && source !== into)
        moved.push([source, into, this.eType[e] as number, this.edgeAttrs(e)]);
    }
    this.dropNode(from);
    for (const [source, target, type, attrs] of moved) {
      const edge = this.mergeEdge(source, target, type);
      if (type === CHATTER) this.combineChatter(edge, attrs);
    }
  }

  /**
   * Find or create the stream node for `id`, making sure that when `login` is known the stream is the
   * node `u:<login>` (absorbing a plain user of that login, and taking the login from an older stream
   * that had it: Twitch logins can change hands).
   */
  private ensureStream(id: string, login: string | null): number {
    const existing = this.byStreamId.get(id);
    if (login === null) {
      if (existing !== undefined) return existing;
      const node = this.newNode(STREAM, null);
      this.streamProps.set(node, emptyStreamProps(id));
      this.byStreamId.set(id, node);
      this.placeholders.set(id, node);
      return node;
    }
    const holder = this.byLogin.get(login);
    if (existing !== undefined && existing === holder) return existing;
    if (holder !== undefined && this.kinds[holder] === STREAM) {
      // Another broadcaster held this login before; it keeps its relationships under its id.
      const props = this.streamProps.get(holder) as StreamProps;
      this.byLogin.delete(login);
      this.names[holder] = null;
      this.namesEpoch += 1;
      this.placeholders.set(props.id, holder);
    }
    const user = this.byLogin.get(login);
    if (existing === undefined) {
      if (user !== undefined) {
        this.liveByKind[USER] = (this.liveByKind[USER] ?? 0) - 1;
        this.liveByKind[STREAM] = (this.liveByKind[STREAM] ?? 0) + 1;
        this.kinds[user] = STREAM;
        this.streamProps.set(user, emptyStreamProps(id));
        this.byStreamId.set(id, user);
        return user;
      }
      const node = this.newNode(STREAM, login);
      this.streamProps.set(node, emptyStreamProps(id));
      this.byStreamId.set(id, node);
      this.byLogin.set(login, node);
      return node;
    }
    if (user !== undefined) this.absorb(user, existing);
    // The stream takes the login: off its placeholder key or its older login.
    const old = this.names[existing] ?? null;
    if (old === null) this.placeholders.delete(id);
    else if (this.byLogin.get(old) === existing) this.byLogin.delete(old);
    this.names[existing] = login;
    this.namesEpoch += 1;
    this.byLogin.set(login, existing);
    return existing;
  }

  private setSingleLink(source: number, type: number, target: number | null): void {
    const stale: number[] = [];
    for (let e = this.outHead[source] as number; e !== NONE; e = this.outNext[e] as number)
      if (this.eType[e] === type && this.eTarget[e] !== target) stale.push(e);
    for (const edge of stale) this.dropEdge(edge);
    if (target !== null) this.mergeEdge(source, target, type);
  }

  private touch(): void {
    this.version += 1;
  }

  upsertStreamers(rows: readonly StreamerRecord[]): WriteResult {
    for (const row of rows) {
      const node = this.ensureStream(row.id, row.login);
      this.names[node] = row.login;
      this.streamProps.set(node, {
        id: row.id,
        displayName: row.displayName,
        url: row.url,
        followers: row.followers,
        totalViewCount: row.totalViewCount,
        createdAt: row.createdAt,
        description: row.description,
      });
      this.setSingleLink(node, PLAYS, row.game === null ? null : this.mergeNamed(GAME, row.game));
      this.setSingleLink(
        node,
        SPEAKS,
        row.language === null ? null : this.mergeNamed(LANGUAGE, row.language),
      );
    }
    this.touch();
    return { written: rows.length, unknownStreamIds: [] };
  }

  private forKnownStreams<T extends { streamerId: string }>(
    rows: readonly T[],
    apply: (row: T, stream: number) => void,
  ): WriteResult {
    const unknown = new Set<string>();
    let written = 0;
    for (const row of rows) {
      const stream = this.byStreamId.get(row.streamerId);
      if (stream === undefined) {
        unknown.add(row.streamerId);
        continue;
      }
      apply(row, stream);
      written += 1;
    }
    this.touch();
    return { written, unknownStreamIds: [...unknown] };
  }

  addTeamMemberships(rows: readonly TeamMembership[]): WriteResult {
    return this.forKnownStreams(rows, (row, stream) => {
      this.mergeEdge(stream, this.mergeNamed(TEAM, row.team), IS_PART_OF);
    });
  }

  addRoles(rows: readonly RoleGrant[]): WriteResult {
    return this.forKnownStreams(rows, (row, stream) => {
      this.mergeEdge(this.mergeUser(row.login), stream, TYPE_OF[row.role]);
    });
  }

  addChatters(rows: readonly ChatterPresence[]): WriteResult {
    return this.forKnownStreams(rows, (row, stream) => {
      this.mergeEdge(this.mergeUser(row.login), stream, CHATTER);
    });
  }

  /**
   * Checks every offset before touching anything, so a refused batch leaves the graph as it was. A
   * broadcaster's own chat in their channel is left out (the user node is the stream node): the seed's
   * chatter lists never name the broadcaster, and a self-loop would count them in their own audience.
   */
  applyChatActivity(rows: readonly ChatActivity[], offsets: readonly OffsetUpdate[]): void {
    for (const offset of offsets) checkOffsetUpdate(offset);
    assertNoOffsetConflict(offsets, (o) => {
      const stored = this.offsets.get(offsetKey(o));
      return stored === undefined ? undefined : BigInt(stored.offset);
    });
    for (const row of rows) {
      const stream = this.ensureStream(row.channelId, row.channelLogin);
      const user = this.mergeUser(row.login);
      if (user === stream) continue;
      this.addChatActivity(user, stream, row);
      if (row.moderator) this.mergeEdge(user, stream, MODERATOR);
      if (row.vip) this.mergeEdge(user, stream, VIP);
    }
    for (const { group, topic, partition, offset } of offsets)
      this.offsets.set(offsetKey({ group, topic, partition }), { group, topic, partition, offset });
    this.touch();
  }

  /** The CHATTER part of `applyChatActivity`: the row folded into the relationship's columns. */
  private addChatActivity(user: number, stream: number, row: ChatActivity): void {
    let edge = this.findEdge(user, stream, CHATTER);
    const isNew = edge === NONE;
    if (isNew) edge = this.addEdge(user, stream, CHATTER);
    this.withProps();
    const last = this.eLast[edge] as number;
    // Days after the day of the previous lastSeen are new days (rows of a batch never overlap in time with
    // what came before in a partition's order).
    const lastDay = Number.isNaN(last) ? -1 : Math.floor(last / DAY_MS);
    let newDays = 0;
    for (const day of row.days) if (day > lastDay) newDays += 1;
    if (isNew) {
      this.eMessages[edge] = row.messages;
      this.eFirst[edge] = row.firstSeen;
      this.eLast[edge] = row.lastSeen;
      this.eDays[edge] = newDays;
      this.eSub[edge] = row.subscriber ? 1 : 0;
      return;
    }
    const m = this.eMessages[edge] as number;
    this.eMessages[edge] = (Number.isNaN(m) ? 0 : m) + row.messages;
    const f = this.eFirst[edge] as number;
    if (Number.isNaN(f) || row.firstSeen < f) this.eFirst[edge] = row.firstSeen;
    if (Number.isNaN(last) || row.lastSeen > last) this.eLast[edge] = row.lastSeen;
    this.eDays[edge] = Math.max(0, this.eDays[edge] as number) + newDays;
    this.eSub[edge] = this.eSub[edge] === 1 || row.subscriber ? 1 : 0;
  }

  monitoredChannels(): MonitoredChannel[] {
    return [...this.monitored.values()].sort((a, b) => compareNames(a.login, b.login));
  }

  setMonitoredChannel(login: string, wanted: boolean, requestedBy: string, now: number): boolean {
    if (wanted === this.monitored.has(login)) return false;
    if (wanted) this.monitored.set(login, { login, requestedBy, since: now });
    else this.monitored.delete(login);
    this.touch();
    return true;
  }

  setMonitoredRaw(channel: MonitoredChannel): void {
    this.monitored.set(channel.login, channel);
  }

  readOffsets(group: string, topic: string): ConsumerOffset[] {
    return [...this.offsets.values()]
      .filter((o) => o.group === group && o.topic === topic)
      .sort((a, b) => a.partition - b.partition);
  }

  allOffsets(): ConsumerOffset[] {
    return [...this.offsets.values()];
  }

  setOffsetRaw(offset: ConsumerOffset): void {
    this.offsets.set(offsetKey(offset), offset);
  }

  // ------------------------------------------------------------------ reads

  private streamOf(node: number): StreamProps & { name: string | null } {
    const props = this.streamProps.get(node);
    if (props === undefined) throw new Error(`node ${node} is not a stream`);
    return { ...props, name: this.names[node] ?? null };
  }

  private summary(node: number): StreamerSummary {
    const s = this.streamOf(node);
    let game: string | null = null;
    let language: string | null = null;
    const teams: string[] = [];
    for (let e = this.outHead[node] as number; e !== NONE; e = this.outNext[e] as number) {
      const type = this.eType[e];
      const name = this.names[this.eTarget[e] as number] ?? '';
      if (type === PLAYS) game = name;
      else if (type === SPEAKS) language = name;
      else if (type === IS_PART_OF) teams.push(name);
    }
    return {
      id: s.id,
      login: s.name ?? '',
      displayName: s.displayName ?? streamDisplayName(s.name, s.id),
      game,
      language,
      teams: teams.sort(compareNames),
      url: s.url ?? (s.name === null ? '' : `https://www.twitch.tv/${s.name}`),
      followers: s.followers ?? 0,
      totalViewCount: s.totalViewCount ?? 0,
      createdAt: s.createdAt,
      description: s.description ?? '',
    };
  }

  private rankByInDegree(kind: number, type: number, limit: number): RankedName[] {
    const rows: RankedName[] = [];
    for (const [name, node] of this.named[kind - GAME] as Map<string, number>) {
      let count = 0;
      for (let e = this.inHead[node] as number; e !== NONE; e = this.inNext[e] as number)
        if (this.eType[e] === type) count += 1;
      rows.push({ name, count });
    }
    return rows.sort(byCountThenName).slice(0, limit);
  }

  topGames(limit: number): RankedName[] {
    return this.rankByInDegree(GAME, PLAYS, limit);
  }

  topTeams(limit: number): RankedName[] {
    return this.rankByInDegree(TEAM, IS_PART_OF, limit);
  }

  topRoleHolders(role: Role, limit: number, excludeLogins: readonly string[] = []): RankedName[] {
    const exclude = new Set(excludeLogins);
    const type = TYPE_OF[role];
    const counts = new Map<number, number>();
    for (let edge = 0; edge < this.edgeSlots; edge += 1) {
      if (this.eType[edge] !== type) continue;
      const source = this.eSource[edge] as number;
      counts.set(source, (counts.get(source) ?? 0) + 1);
    }
    const rows: RankedName[] = [];
    for (const [node, count] of counts) {
      const name = this.names[node] ?? null;
      if (name !== null && !exclude.has(name)) rows.push({ name, count });
    }
    return rows.sort(byCountThenName).slice(0, limit);
  }

  private streamsWithLogin(): number[] {
    const nodes: number[] = [];
    for (const node of this.byStreamId.values()) if (this.names[node] !== null) nodes.push(node);
    return nodes;
  }

  topStreamers(by: 'views' | 'followers', limit: number): StreamerSummary[] {
    const rows = this.streamsWithLogin().map((node) => this.summary(node));
    const measure = (s: StreamerSummary) => (by === 'views' ? s.totalViewCount : s.followers);
    return rows.sort((a, b) => measure(b) - measure(a) || compareStreamers(a, b)).slice(0, limit);
  }

  findStreamer(name: string): StreamerSummary | null {
    const wanted = wantedStreamName(name);
    const direct = this.loginNode(wanted);
    if (direct !== undefined && this.kinds[direct] === STREAM) return this.summary(direct);
    const byId = this.byStreamId.get(wanted);
    if (byId !== undefined) return this.summary(byId);
    const matches: StreamerSummary[] = [];
    for (const [node, props] of this.streamProps)
      if (props.displayName?.toLowerCase() === wanted) matches.push(this.summary(node));
    return pickByDisplayName(matches);
  }

  neighbourhood(streamerId: string, chatterLimit: number): StreamerNeighbourhood | null {
    const stream = this.byStreamId.get(streamerId);
    if (stream === undefined) return null;
    const vips: string[] = [];
    const moderators: string[] = [];
    // Only the top `chatterLimit` chatters are kept (a bounded sorted list): big channels have 100k+.
    const shown: ChatterRow[] = [];
    let chatterCount = 0;
    for (let e = this.inHead[stream] as number; e !== NONE; e = this.inNext[e] as number) {
      const source = this.eSource[e] as number;
      // A stream known only by id has no login to show.
      if (!this.hasLogin(source)) continue;
      const login = this.names[source] as string;
      const type = this.eType[e];
      if (type === VIP) vips.push(login);
      else if (type === MODERATOR) moderators.push(login);
      else if (type === CHATTER) {
        chatterCount += 1;
        const m = this.eMessages[e] ?? NaN;
        const entry = { login, messages: Number.isNaN(m) ? null : m };
        if (
          shown.length === chatterLimit &&
          (chatterLimit === 0 || compareChatters(entry, shown[chatterLimit - 1] as ChatterRow) >= 0)
        )
          continue;
        let at = shown.length;
        while (at > 0 && compareChatters(entry, shown[at - 1] as ChatterRow) < 0) at -= 1;
        shown.splice(at, 0, entry);
        if (shown.length > chatterLimit) shown.pop();
      }
    }
    return neighbourhoodOf(this.summary(stream), vips, moderators, shown, chatterCount, chatterLimit);
  }

  connections(refs: readonly NodeRef[]): GraphView {
    const resolved: ResolvedRef[] = [];
    const nodes = new Set<number>();
    for (const ref of refs) {
      const node = ref.name.startsWith('#')
        ? this.byStreamId.get(ref.name.slice(1))
        : this.loginNode(ref.name);
      if (node === undefined) continue;
      nodes.add(node);
      const isStream = this.kinds[node] === STREAM;
      resolved.push({
        ref: ref.name,
        identity: this.keyOf(node),
        isStream,
        displayName: isStream ? (this.streamProps.get(node)?.displayName ?? null) : null,
      });
    }
    const links: OutLink[] = [];
    for (const node of nodes) {
      const sourceIdentity = this.keyOf(node);
      for (let e = this.outHead[node] as number; e !== NONE; e = this.outNext[e] as number) {
        const target = this.eTarget[e] as number;
        const kind = this.kinds[target] as number;
        const type = RELATIONSHIP_TYPES[this.eType[e] as number] as RelationshipType;
        links.push(
          kind === USER || kind === STREAM
            ? { sourceIdentity, type, targetIdentity: this.keyOf(target), target: null }
            : {
                sourceIdentity,
                type,
                targetIdentity: null,
                target: {
                  kind: NODE_LABELS[kind] as 'Game' | 'Language' | 'Team',
                  name: this.names[target] ?? '',
                },
              },
        );
      }
    }
    return connectionsView(resolved, links);
  }

  accountPresence(minChannels: number, logins: readonly string[]): AccountPresence[] {
    const named = new Set(logins);
    const rows: AccountPresence[] = [];
    const seen = new Int32Array(this.nodeCount).fill(NONE);
    for (let node = 0; node < this.nodeCount; node += 1) {
      if (!this.hasLogin(node) || this.outHead[node] === NONE) continue;
      let chatterIn = 0;
      let moderatorIn = 0;
      let vipIn = 0;
      let channels = 0;
      for (let e = this.outHead[node] as number; e !== NONE; e = this.outNext[e] as number) {
        const type = this.eType[e] as number;
        if (!isPresence(type)) continue;
        if (type === CHATTER) chatterIn += 1;
        else if (type === MODERATOR) moderatorIn += 1;
        else vipIn += 1;
        const target = this.eTarget[e] as number;
        if (seen[target] !== node) {
          seen[target] = node;
          channels += 1;
        }
      }
      if (chatterIn + moderatorIn + vipIn === 0) continue;
      const login = this.names[node] as string;
      if (channels >= minChannels || moderatorIn > 0 || named.has(login))
        rows.push({ login, chatterIn, moderatorIn, vipIn, channels });
    }
    return rows.sort((a, b) => compareNames(a.login, b.login));
  }

  presentIn(streamerId: string, logins: readonly string[]): string[] {
    const stream = this.byStreamId.get(streamerId);
    if (stream === undefined) return [];
    return [...new Set(logins)]
      .filter((login) => {
        const node = this.loginNode(login);
        if (node === undefined) return false;
        for (let e = this.outHead[node] as number; e !== NONE; e = this.outNext[e] as number)
          if (this.eTarget[e] === stream && isPresence(this.eType[e] as number)) return true;
        return false;
      })
      .sort(compareNames);
  }

  /** See `GraphStore.accountHistory` (the live alerts). */
  accountHistory(logins: readonly string[]): AccountHistory[] {
    const rows: AccountHistory[] = [];
    for (const login of new Set(logins)) {
      const node = this.loginNode(login);
      if (node === undefined) continue;
      const seen = new Map<string, number | null>();
      for (let e = this.outHead[node] as number; e !== NONE; e = this.outNext[e] as number) {
        const type = this.eType[e] as number;
        if (!isPresence(type)) continue;
        const target = this.eTarget[e] as number;
        if (this.kinds[target] !== STREAM) continue;
        const channel = this.names[target] ?? this.streamProps.get(target)?.id ?? '';
        const first = this.eFirst[e] ?? NaN;
        const at = type === CHATTER && !Number.isNaN(first) ? first : null;
        const before = seen.get(channel);
        // Known without a time (null) is known earliest of all.
        if (before === undefined || (before !== null && (at === null || at < before))) seen.set(channel, at);
      }
      const channels = [...seen]
        .map(([channel, firstSeen]) => ({ channel, firstSeen }))
        .sort((a, b) => compareNames(a.channel, b.channel));
      rows.push({ login, channels });
    }
    return rows.sort((a, b) => compareNames(a.login, b.login));
  }

  channelAudience(streamerId: string): AudienceRecord[] | null {
    const stream = this.byStreamId.get(streamerId);
    if (stream === undefined) return null;
    // A big channel has 100k+ members: one record per member node, found through a dense slot array
    // rather than a map, and put in login order by their ranks in the name order (numbers, not strings).
    const slot = new Int32Array(this.nodeCount).fill(NONE);
    const members: AudienceRecord[] = [];
    const nodes: number[] = [];
    for (let e = this.inHead[stream] as number; e !== NONE; e = this.inNext[e] as number) {
      const source = this.eSource[e] as number;
      if (!this.hasLogin(source)) continue;
      let at = slot[source] as number;
      if (at === NONE) {
        at = members.length;
        slot[source] = at;
        nodes.push(source);
        members.push(emptyAudienceRecord(this.names[source] as string));
      }
      const member = members[at] as AudienceRecord;
      const type = this.eType[e];
      if (type === VIP) member.vipHere = true;
      else if (type === MODERATOR) member.moderatorHere = true;
      else if (type === CHATTER) {
        member.chatsHere = true;
        const m = this.eMessages[e] ?? NaN;
        const f = this.eFirst[e] ?? NaN;
        const l = this.eLast[e] ?? NaN;
        const d = this.eDays[e] ?? -1;
        const sub = this.eSub[e] ?? -1;
        member.messages = Number.isNaN(m) ? null : m;
        member.firstSeen = Number.isNaN(f) ? null : f;
        member.lastSeen = Number.isNaN(l) ? null : l;
        member.daysSeen = d < 0 ? null : d;
        member.subscriber = sub < 0 ? null : sub === 1;
      }
    }
    for (let i = 0; i < nodes.length; i += 1) {
      const node = nodes[i] as number;
      const member = members[i] as AudienceRecord;
      for (let e = this.outHead[node] as number; e !== NONE; e = this.outNext[e] as number) {
        if (this.eTarget[e] === stream) continue;
        const type = this.eType[e];
        if (type === VIP) member.vipElsewhere += 1;
        else if (type === MODERATOR) member.moderatorElsewhere += 1;
        else if (type === CHATTER) member.chatsElsewhere += 1;
      }
    }
    const { sorted, rank } = this.personOrder();
    const ranks = Int32Array.from(nodes, (node) => rank[node] as number).sort();
    return Array.from(ranks, (r) => members[slot[sorted[r] as number] as number] as AudienceRecord);
  }

  /** `channelAudience` in columns: the same walk, no object per member (a big channel has 100k-1M). */
  channelAudienceColumns(streamerId: string): AudienceColumns | null {
    const stream = this.byStreamId.get(streamerId);
    if (stream === undefined) return null;
    // Kept until the next write: a 1M-member audience costs about a second of cache misses to gather, and
    // a read-only store (ask, a quiet night) is asked about the same big channels again and again.
    const cached = this.audienceColumnsCache.find((c) => c.version === this.version && c.stream === stream);
    if (cached !== undefined) return cached.columns;
    const columns = this.readAudienceColumns(stream);
    this.audienceColumnsCache = [
      { version: this.version, stream, columns },
      ...this.audienceColumnsCache
        .filter((c) => c.version === this.version)
        .slice(0, AUDIENCE_CACHE_SIZE - 1),
    ];
    return columns;
  }

  private readAudienceColumns(stream: number): AudienceColumns {
    // The channel's in-relationships: a big channel's are found by one sequential pass over the target
    // column (a few MB, read in order), a small one's by walking its list (a cache miss per step).
    const mine = new Int32Array(this.degree[stream] as number);
    let edges = 0;
    if ((this.degree[stream] as number) * 64 > this.edgeSlots) {
      for (let e = 0; e < this.edgeSlots; e += 1)
        if (this.eTarget[e] === stream && this.eType[e] !== GONE) mine[edges++] = e;
    } else {
      for (let e = this.inHead[stream] as number; e !== NONE; e = this.inNext[e] as number) mine[edges++] = e;
    }
    const slot = new Int32Array(this.nodeCount).fill(NONE);
    const nodes = new Int32Array(edges);
    // By slot (first seen), then copied into login order.
    const here = new Uint8Array(edges);
    const chatEdge = new Int32Array(edges).fill(NONE);
    let n = 0;
    for (let k = 0; k < edges; k += 1) {
      const e = mine[k] as number;
      const source = this.eSource[e] as number;
      if (!this.hasLogin(source)) continue;
      let at = slot[source] as number;
      if (at === NONE) {
        at = n;
        n += 1;
        slot[source] = at;
        nodes[at] = source;
      }
      const type = this.eType[e];
      if (type === VIP) here[at] = (here[at] as number) | VIP_HERE;
      else if (type === MODERATOR) here[at] = (here[at] as number) | MODERATOR_HERE;
      else if (type === CHATTER) {
        here[at] = (here[at] as number) | CHATS_HERE;
        chatEdge[at] = e;
      }
    }
    // Login order by a scan of the kept name order (the members marked), not a sort of the members.
    const { sorted, rank } = this.personOrder();
    const marked = new Uint8Array(sorted.length);
    for (let i = 0; i < n; i += 1) marked[rank[nodes[i] as number] as number] = 1;
    const ordered = new Int32Array(n);
    for (let r = 0, i = 0; i < n; r += 1) if (marked[r] === 1) ordered[i++] = sorted[r] as number;
    const counts = this.presenceCounts();
    const c = emptyAudienceColumns(n);
    this.audienceNodes.set(c, ordered);
    const position = new Int32Array(n);
    for (let i = 0; i < n; i += 1) {
      const node = ordered[i] as number;
      const at = slot[node] as number;
      position[at] = i;
      c.logins[i] = this.names[node] as string;
      c.here[i] = here[at] as number;
      // Elsewhere = everywhere but here: at most one relationship of a type links two nodes.
      const h = here[at] as number;
      c.chatsElsewhere[i] = (counts[3 * node] as number) - ((h & CHATS_HERE) === 0 ? 0 : 1);
      c.vipElsewhere[i] = (counts[3 * node + 1] as number) - ((h & VIP_HERE) === 0 ? 0 : 1);
      c.moderatorElsewhere[i] = (counts[3 * node + 2] as number) - ((h & MODERATOR_HERE) === 0 ? 0 : 1);
    }
    // The CHATTER properties in the order the relationships were found (ascending after the sequential
    // pass), so the five property columns are read front to back rather than at random.
    for (let at = 0; at < n; at += 1) {
      const e = chatEdge[at] as number;
      if (e === NONE) continue;
      const i = position[at] as number;
      // Past the end of a property column means absent (the columns are allocated on the first property).
      c.messages[i] = this.eMessages[e] ?? NaN;
      c.firstSeen[i] = this.eFirst[e] ?? NaN;
      c.lastSeen[i] = this.eLast[e] ?? NaN;
      c.daysSeen[i] = Math.max(-1, this.eDays[e] ?? -1);
      c.subscriber[i] = Math.max(-1, this.eSub[e] ?? -1);
    }
    return c;
  }

  /**
   * Every node's CHATTER, VIP and MODERATOR out-relationships, counted in one pass over the relationship
   * columns and kept until the next write: walking each member's own list of a 100k-1M channel audience
   * costs a cache miss per relationship.
   */
  private presenceCounts(): Int32Array {
    const cached = this.presenceCache;
    if (
      cached !== undefined &&
      cached.version === this.version &&
      cached.counts.length === 3 * this.nodeCount
    )
      return cached.counts;
    // Interleaved per node (chats, VIP, moderator): one cache line per member read, not three.
    const counts = new Int32Array(3 * this.nodeCount);
    for (let edge = 0; edge < this.edgeSlots; edge += 1) {
      const type = this.eType[edge] as number;
      if (type !== CHATTER && type !== VIP && type !== MODERATOR) continue;
      const at = 3 * (this.eSource[edge] as number) + type;
      counts[at] = (counts[at] as number) + 1;
    }
    this.presenceCache = { version: this.version, counts };
    return counts;
  }

  /** See `GraphStore.chatsIn`: each login's few out-relationships, checked against the channels asked. */
  chatsIn(
    logins: readonly string[],
    streamerIds: readonly string[],
  ): { login: string; streamerIds: string[] }[] {
    const position = new Map<number, number>();
    streamerIds.forEach((id, i) => {
      const node = this.byStreamId.get(id);
      if (node !== undefined && !position.has(node)) position.set(node, i);
    });
    const rows: { login: string; streamerIds: string[] }[] = [];
    if (position.size === 0) return rows;
    const found: number[] = [];
    for (const login of new Set(logins)) {
      const node = this.loginNode(login);
      if (node === undefined) continue;
      found.length = 0;
      for (let e = this.outHead[node] as number; e !== NONE; e = this.outNext[e] as number) {
        if (this.eType[e] !== CHATTER) continue;
        const at = position.get(this.eTarget[e] as number);
        if (at !== undefined) found.push(at);
      }
      if (found.length === 0) continue;
      found.sort((a, b) => a - b);
      rows.push({ login, streamerIds: found.map((at) => streamerIds[at] as string) });
    }
    return rows.sort((a, b) => compareNames(a.login, b.login));
  }

  private channelRef(node: number): ChannelRef {
    const s = this.streamOf(node);
    return { id: s.id, login: s.name ?? '', displayName: s.displayName ?? streamDisplayName(s.name, s.id) };
  }

  audienceOverlap(streamerId: string): AudienceOverlap | null {
    const stream = this.byStreamId.get(streamerId);
    if (stream === undefined) return null;
    // Counted per stream node in a dense array: one pass over the chatters' other channels. The array is
    // kept and cleared through `touched` after use: a fresh one per question is 24 MiB at 10M relationships,
    // and allocating that much outside the heap sets off a full garbage collection.
    const shared = this.overlapCounts();
    const touched: number[] = [];
    for (let e = this.inHead[stream] as number; e !== NONE; e = this.inNext[e] as number) {
      if (this.eType[e] !== CHATTER) continue;
      const source = this.eSource[e] as number;
      for (let o = this.outHead[source] as number; o !== NONE; o = this.outNext[o] as number) {
        const target = this.eTarget[o] as number;
        if (this.eType[o] !== CHATTER || target === stream) continue;
        if (shared[target] === 0) touched.push(target);
        shared[target] = (shared[target] as number) + 1;
      }
    }
    const others: SharedAudience[] = touched.map((node) => ({
      channel: this.channelRef(node),
      shared: shared[node] as number,
      audience: this.chatIn[node] as number,
    }));
    for (const node of touched) shared[node] = 0;
    others.sort((a, b) => b.shared - a.shared || compareNames(a.channel.login, b.channel.login));
    return { channel: this.channelRef(stream), audience: this.chatIn[stream] as number, others };
  }

  /** All zeros, one per node: `audienceOverlap`'s counters, zeroed again after each use. */
  private overlapCounts(): Int32Array {
    if (this.overlapScratch === undefined || this.overlapScratch.length < this.nodeCount)
      this.overlapScratch = new Int32Array(Math.max(this.nodeCount, 16));
    return this.overlapScratch;
  }

  sharedAudienceGraph(excludeLogins: readonly string[] = []): SharedAudienceGraph {
    const excludeKey = [...excludeLogins].sort().join('\n');
    const cached = this.sharedAudienceCache;
    if (cached !== undefined && cached.version === this.version && cached.exclude === excludeKey)
      return cached.graph;
    const graph = this.readSharedAudienceGraph(excludeLogins);
    this.sharedAudienceCache = { version: this.version, exclude: excludeKey, graph };
    return graph;
  }

  private readSharedAudienceGraph(excludeLogins: readonly string[]): SharedAudienceGraph {
    const excluded = new Set<number>();
    for (const login of excludeLogins) {
      const node = this.loginNode(login);
      if (node !== undefined) excluded.add(node);
    }
    const streams = [...this.byStreamId.entries()]
      .sort(([x], [y]) => compareNames(x, y))
      .map(([, node]) => node);
    const n = streams.length;
    const index = new Int32Array(this.nodeCount).fill(NONE);
    streams.forEach((node, i) => (index[node] = i));
    const audience = new Float64Array(n);
    // Pair counts in a dense upper triangle while it stays at most 128 MiB (2,000 channels: 2M cells, 8 MB;
    // 5,000 channels, as at 10M relationships: 12.5M cells, 50 MB); a map of the pairs that occur beyond that
    // (a map took 9.6 s of a first /streamer at 10M, the triangle a fraction of it).
    const dense = n <= DENSE_PAIR_CHANNELS ? new Int32Array((n * (n - 1)) / 2) : undefined;
    const sparse = dense === undefined ? new Map<number, number>() : undefined;
    const cell = (i: number, j: number) => (i * (2 * n - i - 1)) / 2 + (j - i - 1);
    const mine: number[] = [];
    for (let node = 0; node < this.nodeCount; node += 1) {
      if (this.outHead[node] === NONE || excluded.has(node)) continue;
      mine.length = 0;
      for (let e = this.outHead[node] as number; e !== NONE; e = this.outNext[e] as number) {
        if (this.eType[e] !== CHATTER) continue;
        const at = index[this.eTarget[e] as number] as number;
        if (at !== NONE) mine.push(at);
      }
      if (mine.length === 0) continue;
      if (mine.length > 1) mine.sort((x, y) => x - y);
      for (let i = 0; i < mine.length; i += 1) {
        const a = mine[i] as number;
        audience[a] = (audience[a] as number) + 1;
        for (let j = i + 1; j < mine.length; j += 1) {
          const b = mine[j] as number;
          if (dense !== undefined) {
            const c = cell(a, b);
            dense[c] = (dense[c] as number) + 1;
          } else if (sparse !== undefined) {
            const pair = a * n + b;
            sparse.set(pair, (sparse.get(pair) ?? 0) + 1);
          }
        }
      }
    }
    const ids = streams.map((node) => this.streamProps.get(node)?.id ?? '');
    const pairs: SharedAudienceGraph['pairs'] = [];
    if (dense !== undefined) {
      let c = 0;
      for (let a = 0; a < n; a += 1)
        for (let b = a + 1; b < n; b += 1, c += 1) {
          const shared = dense[c] as number;
          if (shared > 0) pairs.push({ a: ids[a] as string, b: ids[b] as string, shared });
        }
    } else if (sparse !== undefined) {
      for (const pair of [...sparse.keys()].sort((x, y) => x - y))
        pairs.push({
          a: ids[Math.floor(pair / n)] as string,
          b: ids[pair % n] as string,
          shared: sparse.get(pair) as number,
        });
    }
    return {
      channels: streams.map((node, i) => ({
        channel: this.channelRef(node),
        audience: audience[i] as number,
      })),
      pairs,
    };
  }

  streamersBy(filter: { language: string | null; game: string | null }): StreamerSummary[] {
    const language = filter.language?.toLowerCase() ?? null;
    const game = filter.game?.toLowerCase() ?? null;
    return this.streamsWithLogin()
      .map((node) => this.summary(node))
      .filter(
        (s) =>
          (language === null || s.language?.toLowerCase() === language) &&
          (game === null || s.game?.toLowerCase() === game),
      )
      .sort((a, b) => b.followers - a.followers || compareStreamers(a, b));
  }

  counts(): GraphCounts {
    const byLabel = Object.fromEntries(NODE_LABELS.map((l, i) => [l, this.liveByKind[i] ?? 0])) as Record<
      NodeLabel,
      number
    >;
    const nodes = this.liveByKind.reduce((a, b) => a + b, 0);
    // A streamer is a User too (both labels on one node), as in the graph model.
    byLabel.User += byLabel.Stream;
    const byType = Object.fromEntries(
      RELATIONSHIP_TYPES.map((t, i) => [t, this.liveByType[i] ?? 0]),
    ) as Record<RelationshipType, number>;
    return { nodes, relationships: this.liveByType.reduce((a, b) => a + b, 0), byLabel, byType };
  }

  listNames(kind: NameKind): string[] {
    if (kind === 'streamer')
      return [...this.streamsWithLogin()].map((node) => this.names[node] as string).sort(compareNames);
    const map = this.named[kind === 'game' ? 0 : kind === 'language' ? 1 : 2] as Map<string, number>;
    return [...map.keys()].sort(compareNames);
  }

  /** Nodes ordered by (kind, name) so that every backend builds the same projection. */
  projection(excludeLogins: readonly string[] = []): GraphProjection {
    const excludeKey = [...excludeLogins].sort().join('\n');
    const cached = this.projectionCache;
    if (cached !== undefined && cached.version === this.version && cached.exclude === excludeKey)
      return cached.projection;
    const exclude = new Set(excludeLogins);
    // Kinds in label order (compareNames of the labels), then names within each kind.
    const kindOrder = [...NODE_LABELS.keys()].sort((a, b) =>
      compareNames(NODE_LABELS[a] as string, NODE_LABELS[b] as string),
    );
    // Users and streams come in the kept name order; games, languages and teams are few.
    const byKind: number[][] = NODE_LABELS.map(() => []);
    for (const node of this.personOrder().sorted) {
      if (!exclude.has(this.personName(node))) byKind[this.kinds[node] as number]?.push(node);
    }
    for (const kind of [GAME, LANGUAGE, TEAM]) {
      const map = this.named[kind - GAME] as Map<string, number>;
      byKind[kind] = [...map.keys()].sort().map((name) => map.get(name) as number);
    }
    const order: number[] = [];
    const nodes: GraphProjection['nodes'] = [];
    for (const kind of kindOrder) {
      const label = NODE_LABELS[kind] as NodeLabel;
      for (const node of byKind[kind] as number[]) {
        order.push(node);
        nodes.push({ name: this.personName(node), kind: label });
      }
    }
    const index = new Int32Array(this.nodeCount).fill(NONE);
    order.forEach((node, position) => (index[node] = position));
    const offsets = new Uint32Array(nodes.length + 1);
    let m = 0;
    for (let edge = 0; edge < this.edgeSlots; edge += 1) {
      if (this.eType[edge] === GONE) continue;
      const s = index[this.eSource[edge] as number] as number;
      if (s === NONE || index[this.eTarget[edge] as number] === NONE) continue;
      offsets[s + 1] = (offsets[s + 1] as number) + 1;
      m += 1;
    }
    for (let i = 0; i < nodes.length; i += 1)
      offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
    const targets = new Uint32Array(m);
    const fill = offsets.slice(0, -1);
    for (let edge = 0; edge < this.edgeSlots; edge += 1) {
      if (this.eType[edge] === GONE) continue;
      const s = index[this.eSource[edge] as number] as number;
      const t = index[this.eTarget[edge] as number] as number;
      if (s === NONE || t === NONE) continue;
      targets[fill[s] as number] = t;
      fill[s] = (fill[s] as number) + 1;
    }
    // Targets in a fixed order per node so results never depend on insertion order.
    for (let i = 0; i < nodes.length; i += 1) {
      if ((offsets[i + 1] as number) - (offsets[i] as number) > 1)
        targets.subarray(offsets[i], offsets[i + 1]).sort();
    }
    const projection: GraphProjection = { nodes, offsets, targets };
    this.projectionCache = { version: this.version, exclude: excludeKey, projection, index };
    return projection;
  }

  /**
   * `scores` of `projection([])` for its users and streams, in name order: the order every process holding
   * the same graph agrees on (node ids are renumbered when a snapshot is written), so they can be kept beside
   * the snapshot (docs/ARCHITECTURE.md, "Derived results").
   */
  personScores(scores: Float64Array): Float64Array {
    this.projection([]);
    const { index } = this.projectionCache as { index: Int32Array };
    const { sorted } = this.personOrder();
    const byPerson = new Float64Array(sorted.length);
    for (let r = 0; r < sorted.length; r += 1) {
      const position = index[sorted[r] as number] as number;
      byPerson[r] = position === NONE ? 0 : (scores[position] ?? 0);
    }
    return byPerson;
  }

  /** Scores by node from `personScores` (0 for other nodes); undefined when they are not this graph's. */
  scoresByNode(byPerson: Float64Array): Float64Array | undefined {
    const { sorted } = this.personOrder();
    if (byPerson.length !== sorted.length) return undefined;
    const byNode = new Float64Array(this.nodeCount);
    for (let r = 0; r < sorted.length; r += 1) byNode[sorted[r] as number] = byPerson[r] as number;
    return byNode;
  }

  /** Each member's score of the last `channelAudienceColumns` answer, from scores by node. */
  audienceScores(columns: AudienceColumns, byNode: Float64Array): Float64Array {
    const known = this.audienceScoresKept.get(columns);
    if (known?.byNode === byNode) return known.scores;
    const nodes = this.audienceNodes.get(columns);
    if (nodes === undefined) throw new Error('columns not read from this graph');
    const scores = new Float64Array(nodes.length);
    for (let i = 0; i < nodes.length; i += 1) scores[i] = byNode[nodes[i] as number] ?? 0;
    // Kept with the columns (themselves kept until the next write): a million members' scores again per
    // question would be 8 MiB more garbage each time.
    this.audienceScoresKept.set(columns, { byNode, scores });
    return scores;
  }

  /**
   * The `limit` users and streams with the highest scores by node, in the order rows from `projection([])`
   * take (in-process-algorithms.ts): score, then name, then kind (the projection's kind order).
   */
  topByNode(byNode: Float64Array, limit: number): ScoredNode[] {
    // Every user and stream is in `projection([])`, so its kind says whether a node is listed.
    const label = (node: number) => NODE_LABELS[this.kinds[node] as number] as string;
    const best: number[] = [];
    const before = (x: number, y: number) =>
      (byNode[y] ?? 0) - (byNode[x] ?? 0) ||
      compareNames(this.personName(x), this.personName(y)) ||
      compareNames(label(x), label(y));
    for (let node = 0; node < this.nodeCount; node += 1) {
      const kind = this.kinds[node];
      if (kind !== USER && kind !== STREAM) continue;
      // Most nodes score below the last kept row: skipped before comparing names.
      const last = best[limit - 1];
      if (last !== undefined && (byNode[node] ?? 0) < (byNode[last] ?? 0)) continue;
      keepBest(best, node, limit, before);
    }
    return best.map((node) => ({
      name: this.personName(node),
      kind: NODE_LABELS[this.kinds[node] as number] as ScoredNode['kind'],
      score: byNode[node] ?? 0,
    }));
  }

  /**
   * Where these users and streams sit in `projection(excludeLogins)`, in name order (unknown and excluded
   * names left out): `/vip-candidates` asks PageRank for a channel's 100k chatters by name.
   */
  projectionPositions(excludeLogins: readonly string[], names: readonly string[]): number[] {
    this.projection(excludeLogins);
    const { index } = this.projectionCache as { index: Int32Array };
    const { rank, sorted } = this.personOrder();
    const ranks: number[] = [];
    for (const name of new Set(names)) {
      const node =
        this.loginNode(name) ?? (name.startsWith('#') ? this.placeholders.get(name.slice(1)) : undefined);
      if (node !== undefined && index[node] !== NONE) ranks.push(rank[node] as number);
    }
    return Array.from(Int32Array.from(ranks).sort(), (r) => index[sorted[r] as number] as number);
  }
}
