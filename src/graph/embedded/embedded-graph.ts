/**
 * The in-process graph: a graphology multigraph plus the indexes the questions need. Every method is
 * synchronous, so a write and a snapshot never interleave (see embedded-store.ts).
 *
 * Node keys: `u:<login>` for every user, streamers included (a streamer is the same node as that person
 * when they chat elsewhere); `s:<id>` for a stream known only by id so far; `g:`, `l:`, `t:` + name for
 * games, languages and teams. Relationship keys are `<type>|<source>|<target>`, which makes every write a
 * MERGE.
 */
import graphology from 'graphology';
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
  AudienceRecord,
  ChannelRef,
  SharedAudience,
  SharedAudienceGraph,
  MonitoredChannel,
  AccountHistory,
  NameKind,
  NodeRef,
  RankedName,
  StreamerNeighbourhood,
  StreamerSummary,
} from '../graph-store.port.js';
import { byCountThenName, compareNames, offsetKey, streamDisplayName } from '../graph-order.js';
import type { ChatterRow, OutLink, ResolvedRef } from '../graph-views.js';
import { compareChatters, connectionsView, neighbourhoodOf } from '../graph-views.js';
import { assertNoOffsetConflict, checkOffsetUpdate } from '../offset-cas.js';

const { MultiDirectedGraph } = graphology;

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

type Graph = InstanceType<typeof MultiDirectedGraph<NodeAttrs, EdgeAttrs>>;

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

export const userKey = (login: string) => `u:${login}`;
const placeholderKey = (id: string) => `s:${id}`;
const gameKey = (name: string) => `g:${name}`;
const languageKey = (name: string) => `l:${name}`;
const teamKey = (name: string) => `t:${name}`;
const edgeKey = (type: RelationshipType, source: string, target: string) => `${type}|${source}|${target}`;
/** The relationships that put an account in a channel's audience. */
const PRESENCE_TYPES: ReadonlySet<RelationshipType> = new Set(['CHATTER', 'VIP', 'MODERATOR']);

export class EmbeddedGraph {
  readonly graph: Graph = new MultiDirectedGraph<NodeAttrs, EdgeAttrs>({ allowSelfLoops: true });
  private readonly streamKeyById = new Map<string, string>();
  private readonly nodesByKind = new Map<NodeLabel, Set<string>>(
    NODE_LABELS.map((l) => [l, new Set<string>()]),
  );
  private readonly edgesByType = new Map<RelationshipType, Set<string>>(
    RELATIONSHIP_TYPES.map((t) => [t, new Set<string>()]),
  );
  private readonly offsets = new Map<string, ConsumerOffset>();
  private readonly monitored = new Map<string, MonitoredChannel>();
  /** Chatters per stream (CHATTER in-degree), kept as relationships come and go: audience sizes. */
  private readonly chatterCount = new Map<string, number>();
  private projectionCache: { version: number; exclude: string; projection: GraphProjection } | undefined;
  /** `/streamer` reads the whole shared-audience graph for the channel's community: kept until a change. */
  private sharedAudienceCache: { version: number; exclude: string; graph: SharedAudienceGraph } | undefined;
  /** Bumped by every change; lets the store know when a snapshot is due and caches when to rebuild. */
  version = 0;

  // ------------------------------------------------------------------ low-level helpers

  private kindSet(kind: NodeLabel): Set<string> {
    return this.nodesByKind.get(kind) as Set<string>;
  }

  private typeSet(type: RelationshipType): Set<string> {
    return this.edgesByType.get(type) as Set<string>;
  }

  addNodeRaw(key: string, attrs: NodeAttrs): void {
    this.graph.addNode(key, attrs);
    this.kindSet(attrs.kind).add(key);
    if (attrs.kind === 'Stream') this.streamKeyById.set(attrs.id, key);
  }

  private dropNodeRaw(key: string): void {
    const attrs = this.graph.getNodeAttributes(key);
    this.graph.forEachEdge(key, (edge, edgeAttrs, _source, target) => {
      this.typeSet(edgeAttrs.type).delete(edge);
      if (edgeAttrs.type === 'CHATTER') this.countChatter(target, -1);
    });
    this.chatterCount.delete(key);
    this.graph.dropNode(key);
    this.kindSet(attrs.kind).delete(key);
    if (attrs.kind === 'Stream' && this.streamKeyById.get(attrs.id) === key)
      this.streamKeyById.delete(attrs.id);
  }

  /** Create the relationship or fold `attrs` into the existing one. */
  mergeEdgeRaw(source: string, target: string, attrs: EdgeAttrs): void {
    const key = edgeKey(attrs.type, source, target);
    if (!this.graph.hasEdge(key)) {
      this.graph.addDirectedEdgeWithKey(key, source, target, { ...attrs });
      this.typeSet(attrs.type).add(key);
      if (attrs.type === 'CHATTER') this.countChatter(target, 1);
      return;
    }
    if (attrs.type !== 'CHATTER') return;
    const current = this.graph.getEdgeAttributes(key);
    this.graph.replaceEdgeAttributes(key, combineChatter(current, attrs));
  }

  private dropEdgeRaw(key: string): void {
    const type = this.graph.getEdgeAttribute(key, 'type');
    if (type === 'CHATTER') this.countChatter(this.graph.target(key), -1);
    this.graph.dropEdge(key);
    this.typeSet(type).delete(key);
  }

  private countChatter(streamKey: string, delta: number): void {
    this.chatterCount.set(streamKey, (this.chatterCount.get(streamKey) ?? 0) + delta);
  }

  private mergeNamedNode(key: string, kind: 'User' | 'Game' | 'Language' | 'Team', name: string): string {
    if (!this.graph.hasNode(key)) this.addNodeRaw(key, { kind, name });
    return key;
  }

  /** Give a node a new key, keeping its attributes and relationships (graphology keys are immutable). */
  private rekey(from: string, to: string, attrs: NodeAttrs): void {
    const edges: [string, string, EdgeAttrs][] = [];
    this.graph.forEachEdge(from, (_edge, edgeAttrs, source, target) => {
      edges.push([source === from ? to : source, target === from ? to : target, edgeAttrs]);
    });
    this.dropNodeRaw(from);
    this.addNodeRaw(to, attrs);
    for (const [source, target, edgeAttrs] of edges) this.mergeEdgeRaw(source, target, edgeAttrs);
  }

  /**
   * Fold node `from` into node `into`: its relationships move (merging with existing ones), it disappears.
   * Relationships between the two are dropped: a user who chatted in a channel known only by id, and turns
   * out to be its broadcaster, does not chat in their own channel (see `applyChatActivity`).
   */
  private absorb(from: string, into: string): void {
    const edges: [string, string, EdgeAttrs][] = [];
    this.graph.forEachEdge(from, (_edge, edgeAttrs, source, target) => {
      const moved: [string, string] = [source === from ? into : source, target === from ? into : target];
      if (moved[0] !== moved[1]) edges.push([...moved, edgeAttrs]);
    });
    this.dropNodeRaw(from);
    for (const [source, target, edgeAttrs] of edges) this.mergeEdgeRaw(source, target, edgeAttrs);
  }

  /**
   * Find or create the stream node for `id`, making sure that when `login` is known the stream is the
   * node `u:<login>` (absorbing a plain user of that login, and taking the login from an older stream
   * that had it: Twitch logins can change hands).
   */
  private ensureStream(id: string, login: string | null): string {
    let key = this.streamKeyById.get(id);
    if (login === null) {
      if (key === undefined) {
        key = placeholderKey(id);
        this.addNodeRaw(key, { kind: 'Stream', name: null, ...emptyStreamProps(id) });
      }
      return key;
    }
    const wanted = userKey(login);
    if (key === wanted) return key;
    if (this.graph.hasNode(wanted)) {
      const holder = this.graph.getNodeAttributes(wanted);
      if (holder.kind === 'Stream') {
        // Another broadcaster held this login before; it keeps its relationships under its id.
        this.rekey(wanted, placeholderKey(holder.id), { ...holder, name: null });
      }
    }
    if (key === undefined) {
      if (this.graph.hasNode(wanted)) {
        const user = this.graph.getNodeAttributes(wanted);
        this.kindSet(user.kind).delete(wanted);
        this.graph.replaceNodeAttributes(wanted, { kind: 'Stream', name: login, ...emptyStreamProps(id) });
        this.kindSet('Stream').add(wanted);
        this.streamKeyById.set(id, wanted);
      } else {
        this.addNodeRaw(wanted, { kind: 'Stream', name: login, ...emptyStreamProps(id) });
      }
      return wanted;
    }
    const stream = this.graph.getNodeAttributes(key);
    if (this.graph.hasNode(wanted)) this.absorb(wanted, key);
    this.rekey(key, wanted, { ...stream, name: login });
    return wanted;
  }

  private setSingleLink(source: string, type: 'PLAYS' | 'SPEAKS', target: string | null): void {
    const stale: string[] = [];
    this.graph.forEachOutEdge(source, (edge, attrs, _s, t) => {
      if (attrs.type === type && t !== target) stale.push(edge);
    });
    for (const edge of stale) this.dropEdgeRaw(edge);
    if (target !== null) this.mergeEdgeRaw(source, target, { type });
  }

  private touch(): void {
    this.version += 1;
  }

  // ------------------------------------------------------------------ writes

  upsertStreamers(rows: readonly StreamerRecord[]): WriteResult {
    for (const row of rows) {
      const key = this.ensureStream(row.id, row.login);
      this.graph.replaceNodeAttributes(key, {
        kind: 'Stream',
        name: row.login,
        id: row.id,
        displayName: row.displayName,
        url: row.url,
        followers: row.followers,
        totalViewCount: row.totalViewCount,
        createdAt: row.createdAt,
        description: row.description,
      });
      const game = row.game === null ? null : this.mergeNamedNode(gameKey(row.game), 'Game', row.game);
      this.setSingleLink(key, 'PLAYS', game);
      const language =
        row.language === null
          ? null
          : this.mergeNamedNode(languageKey(row.language), 'Language', row.language);
      this.setSingleLink(key, 'SPEAKS', language);
    }
    this.touch();
    return { written: rows.length, unknownStreamIds: [] };
  }

  private forKnownStreams<T extends { streamerId: string }>(
    rows: readonly T[],
    apply: (row: T, streamKey: string) => void,
  ): WriteResult {
    const unknown = new Set<string>();
    let written = 0;
    for (const row of rows) {
      const streamKey = this.streamKeyById.get(row.streamerId);
      if (streamKey === undefined) {
        unknown.add(row.streamerId);
        continue;
      }
      apply(row, streamKey);
      written += 1;
    }
    this.touch();
    return { written, unknownStreamIds: [...unknown] };
  }

  addTeamMemberships(rows: readonly TeamMembership[]): WriteResult {
    return this.forKnownStreams(rows, (row, streamKey) => {
      this.mergeEdgeRaw(streamKey, this.mergeNamedNode(teamKey(row.team), 'Team', row.team), {
        type: 'IS_PART_OF',
      });
    });
  }

  private mergeUser(login: string): string {
    const key = userKey(login);
    if (!this.graph.hasNode(key)) this.addNodeRaw(key, { kind: 'User', name: login });
    return key;
  }

  addRoles(rows: readonly RoleGrant[]): WriteResult {
    return this.forKnownStreams(rows, (row, streamKey) => {
      this.mergeEdgeRaw(this.mergeUser(row.login), streamKey, { type: row.role });
    });
  }

  addChatters(rows: readonly ChatterPresence[]): WriteResult {
    return this.forKnownStreams(rows, (row, streamKey) => {
      this.mergeEdgeRaw(this.mergeUser(row.login), streamKey, { type: 'CHATTER' });
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
      const streamKey = this.ensureStream(row.channelId, row.channelLogin);
      if (streamKey === userKey(row.login)) continue;
      const user = userKey(row.login);
      const isNewUser = !this.graph.hasNode(user);
      if (isNewUser) this.addNodeRaw(user, { kind: 'User', name: row.login });
      this.addChatActivity(user, streamKey, row, isNewUser);
      if (row.moderator) this.mergeEdgeRaw(user, streamKey, { type: 'MODERATOR' });
      if (row.vip) this.mergeEdgeRaw(user, streamKey, { type: 'VIP' });
    }
    for (const { group, topic, partition, offset } of offsets)
      this.offsets.set(offsetKey({ group, topic, partition }), { group, topic, partition, offset });
    this.touch();
  }

  /**
   * The CHATTER part of `applyChatActivity`: `combineChatter` of the edge with the row, done in place on
   * the edge's attributes. This runs once per row of every batch; building the key once, not looking up
   * edges of a new user and not copying the attributes spares most of the hashing and garbage of
   * `mergeEdgeRaw`.
   */
  private addChatActivity(user: string, stream: string, row: ChatActivity, isNewUser: boolean): void {
    const key = edgeKey('CHATTER', user, stream);
    // A user created just now has no edge yet (a replay of new chatters: every row).
    const edge = !isNewUser && this.graph.hasEdge(key) ? this.graph.getEdgeAttributes(key) : undefined;
    // Days after the day of the previous lastSeen are new days (rows of a batch never overlap in time with
    // what came before in a partition's order).
    const lastDay = edge?.lastSeen === undefined ? -1 : Math.floor(edge.lastSeen / DAY_MS);
    let newDays = 0;
    for (const day of row.days) if (day > lastDay) newDays += 1;
    if (edge === undefined) {
      this.graph.addDirectedEdgeWithKey(key, user, stream, {
        type: 'CHATTER',
        messages: row.messages,
        firstSeen: row.firstSeen,
        lastSeen: row.lastSeen,
        daysSeen: newDays,
        subscriber: row.subscriber,
      });
      this.typeSet('CHATTER').add(key);
      this.countChatter(stream, 1);
      return;
    }
    edge.messages = (edge.messages ?? 0) + row.messages;
    if (edge.firstSeen === undefined || row.firstSeen < edge.firstSeen) edge.firstSeen = row.firstSeen;
    if (edge.lastSeen === undefined || row.lastSeen > edge.lastSeen) edge.lastSeen = row.lastSeen;
    edge.daysSeen = (edge.daysSeen ?? 0) + newDays;
    edge.subscriber = edge.subscriber === true || row.subscriber;
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

  private streamAttrs(key: string): Extract<NodeAttrs, { kind: 'Stream' }> {
    const attrs = this.graph.getNodeAttributes(key);
    if (attrs.kind !== 'Stream') throw new Error(`node ${key} is not a stream`);
    return attrs;
  }

  private summary(key: string): StreamerSummary {
    const s = this.streamAttrs(key);
    let game: string | null = null;
    let language: string | null = null;
    const teams: string[] = [];
    this.graph.forEachOutEdge(key, (_edge, attrs, _source, target) => {
      const name = this.graph.getNodeAttribute(target, 'name') ?? '';
      if (attrs.type === 'PLAYS') game = name;
      else if (attrs.type === 'SPEAKS') language = name;
      else if (attrs.type === 'IS_PART_OF') teams.push(name);
    });
    const login = s.name ?? '';
    return {
      id: s.id,
      login,
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

  private rankByInDegree(kind: 'Game' | 'Team', type: RelationshipType, limit: number): RankedName[] {
    const rows: RankedName[] = [];
    for (const key of this.kindSet(kind)) {
      let count = 0;
      this.graph.forEachInEdge(key, (_edge, attrs) => {
        if (attrs.type === type) count += 1;
      });
      rows.push({ name: this.graph.getNodeAttribute(key, 'name') ?? '', count });
    }
    return rows.sort(byCountThenName).slice(0, limit);
  }

  topGames(limit: number): RankedName[] {
    return this.rankByInDegree('Game', 'PLAYS', limit);
  }

  topTeams(limit: number): RankedName[] {
    return this.rankByInDegree('Team', 'IS_PART_OF', limit);
  }

  topRoleHolders(role: Role, limit: number, excludeLogins: readonly string[] = []): RankedName[] {
    const exclude = new Set(excludeLogins);
    const counts = new Map<string, number>();
    for (const edge of this.typeSet(role)) {
      const name = this.graph.getNodeAttribute(this.graph.source(edge), 'name');
      if (name === null || exclude.has(name)) continue;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return [...counts]
      .map(([name, count]) => ({ name, count }))
      .sort(byCountThenName)
      .slice(0, limit);
  }

  private streamsWithLogin(): string[] {
    return [...this.kindSet('Stream')].filter((key) => this.graph.getNodeAttribute(key, 'name') !== null);
  }

  topStreamers(by: 'views' | 'followers', limit: number): StreamerSummary[] {
    const rows = this.streamsWithLogin().map((key) => this.summary(key));
    const measure = (s: StreamerSummary) => (by === 'views' ? s.totalViewCount : s.followers);
    return rows.sort((a, b) => measure(b) - measure(a) || compareNames(a.login, b.login)).slice(0, limit);
  }

  findStreamer(name: string): StreamerSummary | null {
    const wanted = name.trim().replace(/^[@#]/, '').toLowerCase();
    const direct = userKey(wanted);
    if (this.graph.hasNode(direct) && this.graph.getNodeAttribute(direct, 'kind') === 'Stream') {
      return this.summary(direct);
    }
    const byId = this.streamKeyById.get(wanted);
    if (byId !== undefined) return this.summary(byId);
    for (const key of this.kindSet('Stream')) {
      const attrs = this.streamAttrs(key);
      if (attrs.displayName?.toLowerCase() === wanted) return this.summary(key);
    }
    return null;
  }

  neighbourhood(streamerId: string, chatterLimit: number): StreamerNeighbourhood | null {
    const key = this.streamKeyById.get(streamerId);
    if (key === undefined) return null;
    const vips: string[] = [];
    const moderators: string[] = [];
    // Only the top `chatterLimit` chatters are kept (a bounded sorted list): big channels have 100k+.
    const shown: ChatterRow[] = [];
    let chatterCount = 0;
    this.graph.forEachInEdge(key, (_edge, attrs, source) => {
      // User keys are `u:<login>`; a stream known only by id (`s:<id>`) has no login to show.
      if (!source.startsWith('u:')) return;
      const login = source.slice(2);
      if (attrs.type === 'VIP') vips.push(login);
      else if (attrs.type === 'MODERATOR') moderators.push(login);
      else if (attrs.type === 'CHATTER') {
        chatterCount += 1;
        const entry = { login, messages: attrs.messages ?? null };
        if (
          shown.length === chatterLimit &&
          (chatterLimit === 0 || compareChatters(entry, shown[chatterLimit - 1] as ChatterRow) >= 0)
        )
          return;
        let at = shown.length;
        while (at > 0 && compareChatters(entry, shown[at - 1] as ChatterRow) < 0) at -= 1;
        shown.splice(at, 0, entry);
        if (shown.length > chatterLimit) shown.pop();
      }
    });
    return neighbourhoodOf(this.summary(key), vips, moderators, shown, chatterCount, chatterLimit);
  }

  connections(refs: readonly NodeRef[]): GraphView {
    // Identities are node keys: `u:<login>` and `s:<id>`, as graph-views.ts expects.
    const resolved: ResolvedRef[] = [];
    for (const ref of refs) {
      const key = ref.name.startsWith('#') ? this.streamKeyById.get(ref.name.slice(1)) : userKey(ref.name);
      if (key === undefined || !this.graph.hasNode(key)) continue;
      const attrs = this.graph.getNodeAttributes(key);
      resolved.push({
        ref: ref.name,
        identity: key,
        isStream: attrs.kind === 'Stream',
        displayName: attrs.kind === 'Stream' ? attrs.displayName : null,
      });
    }
    const links: OutLink[] = [];
    for (const key of new Set(resolved.map((r) => r.identity))) {
      this.graph.forEachOutEdge(key, (_edge, attrs, _source, target) => {
        const t = this.graph.getNodeAttributes(target);
        links.push(
          t.kind === 'User' || t.kind === 'Stream'
            ? { sourceIdentity: key, type: attrs.type, targetIdentity: target, target: null }
            : {
                sourceIdentity: key,
                type: attrs.type,
                targetIdentity: null,
                target: { kind: t.kind, name: t.name },
              },
        );
      });
    }
    return connectionsView(resolved, links);
  }

  accountPresence(minChannels: number, logins: readonly string[]): AccountPresence[] {
    const named = new Set(logins);
    // One pass over every relationship counts badges and chats per account; only accounts that could
    // qualify get their distinct channels counted.
    const tally = new Map<string, number[]>();
    this.graph.forEachEdge((_edge, attrs, source) => {
      const slot =
        attrs.type === 'CHATTER' ? 0 : attrs.type === 'MODERATOR' ? 1 : attrs.type === 'VIP' ? 2 : -1;
      if (slot < 0 || !source.startsWith('u:')) return;
      let counts = tally.get(source);
      if (counts === undefined) {
        counts = [0, 0, 0];
        tally.set(source, counts);
      }
      counts[slot] = (counts[slot] ?? 0) + 1;
    });
    const rows: AccountPresence[] = [];
    for (const [key, [chatterIn = 0, moderatorIn = 0, vipIn = 0]] of tally) {
      const login = key.slice(2);
      if (chatterIn + moderatorIn + vipIn < minChannels && moderatorIn === 0 && !named.has(login)) continue;
      const channels = new Set<string>();
      this.graph.forEachOutEdge(key, (_edge, attrs, _source, target) => {
        if (attrs.type === 'CHATTER' || attrs.type === 'MODERATOR' || attrs.type === 'VIP')
          channels.add(target);
      });
      if (channels.size >= minChannels || moderatorIn > 0 || named.has(login)) {
        rows.push({ login, chatterIn, moderatorIn, vipIn, channels: channels.size });
      }
    }
    return rows.sort((a, b) => compareNames(a.login, b.login));
  }

  presentIn(streamerId: string, logins: readonly string[]): string[] {
    const stream = this.streamKeyById.get(streamerId);
    if (stream === undefined) return [];
    return [...new Set(logins)]
      .filter((login) => {
        const key = userKey(login);
        return (
          this.graph.hasNode(key) &&
          this.graph.someOutEdge(key, stream, (_edge, attrs) => PRESENCE_TYPES.has(attrs.type))
        );
      })
      .sort(compareNames);
  }

  /** See `GraphStore.accountHistory` (the live alerts). */
  accountHistory(logins: readonly string[]): AccountHistory[] {
    const rows: AccountHistory[] = [];
    for (const login of new Set(logins)) {
      const key = userKey(login);
      if (!this.graph.hasNode(key)) continue;
      const seen = new Map<string, number | null>();
      this.graph.forEachOutEdge(key, (_edge, attrs, _source, target) => {
        if (!PRESENCE_TYPES.has(attrs.type)) return;
        const stream = this.graph.getNodeAttributes(target);
        if (stream.kind !== 'Stream') return;
        const channel = stream.name ?? stream.id;
        const at = attrs.type === 'CHATTER' ? (attrs.firstSeen ?? null) : null;
        const before = seen.get(channel);
        // Known without a time (null) is known earliest of all.
        if (before === undefined || (before !== null && (at === null || at < before))) seen.set(channel, at);
      });
      const channels = [...seen]
        .map(([channel, firstSeen]) => ({ channel, firstSeen }))
        .sort((a, b) => compareNames(a.channel, b.channel));
      rows.push({ login, channels });
    }
    return rows.sort((a, b) => compareNames(a.login, b.login));
  }

  channelAudience(streamerId: string): AudienceRecord[] | null {
    const stream = this.streamKeyById.get(streamerId);
    if (stream === undefined) return null;
    const members = new Map<string, AudienceRecord>();
    this.graph.forEachInEdge(stream, (_edge, attrs, source) => {
      if (!source.startsWith('u:')) return;
      let member = members.get(source);
      if (member === undefined) {
        member = {
          login: source.slice(2),
          chatsHere: false,
          vipHere: false,
          moderatorHere: false,
          messages: null,
          firstSeen: null,
          lastSeen: null,
          daysSeen: null,
          subscriber: null,
          vipElsewhere: 0,
          moderatorElsewhere: 0,
          chatsElsewhere: 0,
        };
        members.set(source, member);
      }
      if (attrs.type === 'VIP') member.vipHere = true;
      else if (attrs.type === 'MODERATOR') member.moderatorHere = true;
      else if (attrs.type === 'CHATTER') {
        member.chatsHere = true;
        member.messages = attrs.messages ?? null;
        member.firstSeen = attrs.firstSeen ?? null;
        member.lastSeen = attrs.lastSeen ?? null;
        member.daysSeen = attrs.daysSeen ?? null;
        member.subscriber = attrs.subscriber ?? null;
      }
    });
    for (const [key, member] of members) {
      this.graph.forEachOutEdge(key, (_edge, attrs, _source, target) => {
        if (target === stream) return;
        if (attrs.type === 'VIP') member.vipElsewhere += 1;
        else if (attrs.type === 'MODERATOR') member.moderatorElsewhere += 1;
        else if (attrs.type === 'CHATTER') member.chatsElsewhere += 1;
      });
    }
    return [...members.values()].sort((a, b) => compareNames(a.login, b.login));
  }

  private channelRef(key: string): ChannelRef {
    const s = this.streamAttrs(key);
    return { id: s.id, login: s.name ?? '', displayName: s.displayName ?? streamDisplayName(s.name, s.id) };
  }

  audienceOverlap(streamerId: string): AudienceOverlap | null {
    const stream = this.streamKeyById.get(streamerId);
    if (stream === undefined) return null;
    const shared = new Map<string, number>();
    this.graph.forEachInEdge(stream, (_edge, attrs, source) => {
      if (attrs.type !== 'CHATTER') return;
      this.graph.forEachOutEdge(source, (_e, other, _s, target) => {
        if (other.type === 'CHATTER' && target !== stream) shared.set(target, (shared.get(target) ?? 0) + 1);
      });
    });
    const others: SharedAudience[] = [...shared].map(([key, count]) => ({
      channel: this.channelRef(key),
      shared: count,
      audience: this.chatterCount.get(key) ?? 0,
    }));
    others.sort((a, b) => b.shared - a.shared || compareNames(a.channel.login, b.channel.login));
    return { channel: this.channelRef(stream), audience: this.chatterCount.get(stream) ?? 0, others };
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
    const exclude = new Set(excludeLogins);
    const streams = [...this.kindSet('Stream')].sort((x, y) =>
      compareNames(this.streamAttrs(x).id, this.streamAttrs(y).id),
    );
    const index = new Map(streams.map((key, i) => [key, i]));
    const audience = new Array<number>(streams.length).fill(0);
    // Pair counts keyed by `i * n + j` (i < j): a number key keeps the map small for big graphs.
    const n = streams.length;
    const shared = new Map<number, number>();
    const mine: number[] = [];
    this.graph.forEachNode((key, attrs) => {
      if (attrs.name !== undefined && attrs.name !== null && exclude.has(attrs.name)) return;
      mine.length = 0;
      this.graph.forEachOutEdge(key, (_edge, edge, _source, target) => {
        if (edge.type !== 'CHATTER') return;
        const at = index.get(target);
        if (at !== undefined) mine.push(at);
      });
      if (mine.length === 0) return;
      mine.sort((x, y) => x - y);
      for (let i = 0; i < mine.length; i += 1) {
        const a = mine[i] as number;
        audience[a] = (audience[a] ?? 0) + 1;
        for (let j = i + 1; j < mine.length; j += 1) {
          const pair = a * n + (mine[j] as number);
          shared.set(pair, (shared.get(pair) ?? 0) + 1);
        }
      }
    });
    const ids = streams.map((key) => this.streamAttrs(key).id);
    const pairs = [...shared.keys()]
      .sort((x, y) => x - y)
      .map((pair) => ({
        a: ids[Math.floor(pair / n)] as string,
        b: ids[pair % n] as string,
        shared: shared.get(pair) as number,
      }));
    return {
      channels: streams.map((key, i) => ({ channel: this.channelRef(key), audience: audience[i] ?? 0 })),
      pairs,
    };
  }

  streamersBy(filter: { language: string | null; game: string | null }): StreamerSummary[] {
    const language = filter.language?.toLowerCase() ?? null;
    const game = filter.game?.toLowerCase() ?? null;
    return this.streamsWithLogin()
      .map((key) => this.summary(key))
      .filter(
        (s) =>
          (language === null || s.language?.toLowerCase() === language) &&
          (game === null || s.game?.toLowerCase() === game),
      )
      .sort((a, b) => b.followers - a.followers || compareNames(a.login, b.login));
  }

  counts(): GraphCounts {
    const byLabel = Object.fromEntries(NODE_LABELS.map((l) => [l, this.kindSet(l).size])) as Record<
      NodeLabel,
      number
    >;
    // A streamer is a User too (both labels on one node), as in the graph model.
    byLabel.User += byLabel.Stream;
    const byType = Object.fromEntries(RELATIONSHIP_TYPES.map((t) => [t, this.typeSet(t).size])) as Record<
      RelationshipType,
      number
    >;
    return { nodes: this.graph.order, relationships: this.graph.size, byLabel, byType };
  }

  listNames(kind: NameKind): string[] {
    const label: NodeLabel =
      kind === 'streamer' ? 'Stream' : kind === 'game' ? 'Game' : kind === 'language' ? 'Language' : 'Team';
    const names: string[] = [];
    for (const key of this.kindSet(label)) {
      const name = this.graph.getNodeAttribute(key, 'name');
      if (name !== null) names.push(name);
    }
    return names.sort(compareNames);
  }

  /** Nodes ordered by (kind, name) so that every backend builds the same projection. */
  projection(excludeLogins: readonly string[] = []): GraphProjection {
    const excludeKey = [...excludeLogins].sort().join('\n');
    const cached = this.projectionCache;
    if (cached !== undefined && cached.version === this.version && cached.exclude === excludeKey)
      return cached.projection;
    const exclude = new Set(excludeLogins);
    const keys: string[] = [];
    const nodes: GraphProjection['nodes'] = [];
    this.graph.forEachNode((key, attrs) => {
      const name = attrs.name ?? streamDisplayName(null, attrs.kind === 'Stream' ? attrs.id : key);
      if ((attrs.kind === 'User' || attrs.kind === 'Stream') && exclude.has(name)) return;
      keys.push(key);
      nodes.push({ name, kind: attrs.kind });
    });
    const order = nodes
      .map((_, i) => i)
      .sort((a, b) => {
        const na = nodes[a] as GraphProjection['nodes'][number];
        const nb = nodes[b] as GraphProjection['nodes'][number];
        return compareNames(na.kind, nb.kind) || compareNames(na.name, nb.name);
      });
    const index = new Map<string, number>();
    order.forEach((original, position) => index.set(keys[original] as string, position));
    const sortedNodes = order.map((i) => nodes[i] as GraphProjection['nodes'][number]);
    const offsets = new Uint32Array(sortedNodes.length + 1);
    const counts = new Uint32Array(sortedNodes.length);
    const edges: number[] = [];
    this.graph.forEachEdge((_edge, _attrs, source, target) => {
      const s = index.get(source);
      const t = index.get(target);
      if (s === undefined || t === undefined) return;
      edges.push(s, t);
      counts[s] = (counts[s] ?? 0) + 1;
    });
    for (let i = 0; i < counts.length; i += 1) offsets[i + 1] = (offsets[i] ?? 0) + (counts[i] ?? 0);
    const targets = new Uint32Array(edges.length / 2);
    const fill = offsets.slice(0, -1);
    for (let i = 0; i < edges.length; i += 2) {
      const s = edges[i] as number;
      targets[fill[s] as number] = edges[i + 1] as number;
      fill[s] = (fill[s] as number) + 1;
    }
    // Targets in a fixed order per node so results never depend on insertion order.
    for (let i = 0; i < sortedNodes.length; i += 1) {
      targets.subarray(offsets[i], offsets[i + 1]).sort();
    }
    const projection: GraphProjection = { nodes: sortedNodes, offsets, targets };
    this.projectionCache = { version: this.version, exclude: excludeKey, projection };
    return projection;
  }
}

function combineChatter(current: EdgeAttrs, next: EdgeAttrs): EdgeAttrs {
  const sum = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : a + b);
  const pick = (a: number | undefined, b: number | undefined, f: (x: number, y: number) => number) =>
    a === undefined ? b : b === undefined ? a : f(a, b);
  const merged: EdgeAttrs = { type: 'CHATTER' };
  const messages = sum(current.messages, next.messages);
  const firstSeen = pick(current.firstSeen, next.firstSeen, Math.min);
  const lastSeen = pick(current.lastSeen, next.lastSeen, Math.max);
  const daysSeen = sum(current.daysSeen, next.daysSeen);
  if (messages !== undefined) merged.messages = messages;
  if (firstSeen !== undefined) merged.firstSeen = firstSeen;
  if (lastSeen !== undefined) merged.lastSeen = lastSeen;
  if (daysSeen !== undefined) merged.daysSeen = daysSeen;
  if (current.subscriber === true || next.subscriber === true) merged.subscriber = true;
  else if (current.subscriber === false || next.subscriber === false) merged.subscriber = false;
  return merged;
}
