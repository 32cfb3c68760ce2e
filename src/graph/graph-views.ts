/**
 * The pictures and tables behind `neighbourhood()` and `connections()`, assembled from plain rows that each
 * GraphStore adapter reads its own way (graphology in `embedded/`, Cypher in `bolt/`). Both adapters build
 * their views here, so node ids (`<kind>:<name>`), node order and link order cannot drift between backends.
 */
import type { RelationshipType } from '../domain/graph-records.js';
import { compareNames } from './graph-order.js';
import type {
  GraphView,
  GraphViewLink,
  GraphViewNode,
  StreamerNeighbourhood,
  StreamerSummary,
} from './graph-store.port.js';

export interface ChatterRow {
  login: string;
  /** Null for a CHATTER relationship without counts (from a CSV). */
  messages: number | null;
}

/** The order of chatters in a neighbourhood: most messages first (CSV edges, without counts, last), then by login. */
export function compareChatters(a: ChatterRow, b: ChatterRow): number {
  return (b.messages ?? -1) - (a.messages ?? -1) || compareNames(a.login, b.login);
}

/**
 * A streamer's neighbourhood from what an adapter read: the streamer, its VIPs and moderators, and its
 * chatters (all of them, or at least the top `chatterLimit` by `compareChatters`), of `chatterCount` in all.
 */
export function neighbourhoodOf(
  streamer: StreamerSummary,
  vipsIn: readonly string[],
  moderatorsIn: readonly string[],
  chattersIn: readonly ChatterRow[],
  chatterCount: number,
  chatterLimit: number,
): StreamerNeighbourhood {
  const vips = [...vipsIn].sort(compareNames);
  const moderators = [...moderatorsIn].sort(compareNames);
  const shown = [...chattersIn].sort(compareChatters).slice(0, chatterLimit);

  const center = streamer.login === '' ? `#${streamer.id}` : streamer.login;
  const nodes = new Map<string, GraphViewNode>();
  const links: GraphViewLink[] = [];
  const node = (id: string, kind: GraphViewNode['kind'], label: string, weight?: number) => {
    if (!nodes.has(id))
      nodes.set(id, weight === undefined ? { id, kind, label } : { id, kind, label, weight });
    return id;
  };
  const centerId = node(`Stream:${center}`, 'Stream', streamer.displayName, streamer.followers);
  if (streamer.game !== null)
    links.push({
      source: centerId,
      target: node(`Game:${streamer.game}`, 'Game', streamer.game),
      type: 'PLAYS',
    });
  if (streamer.language !== null)
    links.push({
      source: centerId,
      target: node(`Language:${streamer.language}`, 'Language', streamer.language),
      type: 'SPEAKS',
    });
  for (const team of streamer.teams)
    links.push({ source: centerId, target: node(`Team:${team}`, 'Team', team), type: 'IS_PART_OF' });
  for (const login of vips)
    links.push({ source: node(`User:${login}`, 'User', login), target: centerId, type: 'VIP' });
  for (const login of moderators)
    links.push({ source: node(`User:${login}`, 'User', login), target: centerId, type: 'MODERATOR' });
  for (const c of shown)
    links.push({
      source: node(`User:${c.login}`, 'User', c.login, c.messages ?? undefined),
      target: centerId,
      type: 'CHATTER',
    });
  return {
    streamer,
    vips,
    moderators,
    chatters: shown,
    chatterCount,
    view: { nodes: [...nodes.values()], links, omitted: chatterCount - shown.length },
  };
}

/** A `connections()` reference the adapter found in the graph. */
export interface ResolvedRef {
  /** The reference as given (`login` or `#<stream id>`). */
  ref: string;
  /**
   * The node's identity in the adapter, the same for every reference to that node and in `OutLink`s:
   * `u:<login>` for named users and streams, `s:<id>` for streams known only by id.
   */
  identity: string;
  isStream: boolean;
  displayName: string | null;
}

/** One out-relationship of a resolved node. */
export interface OutLink {
  sourceIdentity: string;
  type: RelationshipType;
  /** Set when the target is a user or stream. */
  targetIdentity: string | null;
  /** Set when the target is a game, language or team. */
  target: { kind: 'Game' | 'Language' | 'Team'; name: string } | null;
}

/**
 * The view of `connections()`. `refs` in the caller's order (unresolved ones left out); `outLinks` in any
 * order. Nodes: the references in the caller's order, then the games, languages and teams they link to,
 * by id; links by source, target and type. Neither depends on the order a backend returned rows in.
 */
export function connectionsView(refs: readonly ResolvedRef[], outLinks: readonly OutLink[]): GraphView {
  const nodes = new Map<string, GraphViewNode>();
  const viewIdByIdentity = new Map<string, string>();
  for (const r of refs) {
    const kind = r.isStream ? 'Stream' : 'User';
    const id = `${kind}:${r.ref}`;
    viewIdByIdentity.set(r.identity, id);
    nodes.set(id, { id, kind, label: r.isStream ? (r.displayName ?? r.ref) : r.ref });
  }
  const linked = new Map<string, GraphViewNode>();
  const links: GraphViewLink[] = [];
  for (const link of outLinks) {
    const source = viewIdByIdentity.get(link.sourceIdentity);
    if (source === undefined) continue;
    const inView = link.targetIdentity === null ? undefined : viewIdByIdentity.get(link.targetIdentity);
    if (inView !== undefined) {
      links.push({ source, target: inView, type: link.type });
      continue;
    }
    if (link.target === null) continue;
    const targetId = `${link.target.kind}:${link.target.name}`;
    if (!linked.has(targetId))
      linked.set(targetId, { id: targetId, kind: link.target.kind, label: link.target.name });
    links.push({ source, target: targetId, type: link.type });
  }
  links.sort(
    (a, b) =>
      compareNames(a.source, b.source) || compareNames(a.target, b.target) || compareNames(a.type, b.type),
  );
  const others = [...linked.values()].sort((a, b) => compareNames(a.id, b.id));
  return { nodes: [...nodes.values(), ...others], links, omitted: 0 };
}
