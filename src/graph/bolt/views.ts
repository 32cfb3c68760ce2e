/**
 * Pictures and tables assembled from rows read over Bolt, node ids and link order as the embedded store
 * makes them (embedded-graph.ts `neighbourhood` and `connections`), so every backend draws the same view.
 */
import type { RelationshipType } from '../../domain/graph-records.js';
import { compareNames } from '../graph-order.js';
import type {
  GraphView,
  GraphViewLink,
  GraphViewNode,
  StreamerNeighbourhood,
  StreamerSummary,
} from '../graph-store.port.js';

export function neighbourhoodOf(
  streamer: StreamerSummary,
  vipsIn: readonly string[],
  moderatorsIn: readonly string[],
  chattersIn: readonly { login: string; messages: number | null }[],
  chatterCount: number,
  chatterLimit: number,
): StreamerNeighbourhood {
  const vips = [...vipsIn].sort(compareNames);
  const moderators = [...moderatorsIn].sort(compareNames);
  const shown = [...chattersIn]
    .sort((a, b) => (b.messages ?? -1) - (a.messages ?? -1) || compareNames(a.login, b.login))
    .slice(0, chatterLimit);

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

export interface ResolvedRef {
  /** The reference as given (`login` or `#<stream id>`). */
  ref: string;
  /** Identity of the node (see records.ts `identityOf`). */
  identity: string;
  isStream: boolean;
  displayName: string | null;
}

export interface OutLink {
  sourceIdentity: string;
  type: RelationshipType;
  /** Set when the target is a user or stream. */
  targetIdentity: string | null;
  /** Set when the target is a game, language or team. */
  target: { kind: 'Game' | 'Language' | 'Team'; name: string } | null;
}

/** `refs` in the caller's order; unresolved ones were left out by the caller. */
export function connectionsView(refs: readonly ResolvedRef[], outLinks: readonly OutLink[]): GraphView {
  const nodes = new Map<string, GraphViewNode>();
  const viewIdByIdentity = new Map<string, string>();
  for (const r of refs) {
    const kind = r.isStream ? 'Stream' : 'User';
    const id = `${kind}:${r.ref}`;
    viewIdByIdentity.set(r.identity, id);
    nodes.set(id, { id, kind, label: r.isStream ? (r.displayName ?? r.ref) : r.ref });
  }
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
    if (!nodes.has(targetId))
      nodes.set(targetId, { id: targetId, kind: link.target.kind, label: link.target.name });
    links.push({ source, target: targetId, type: link.type });
  }
  links.sort(
    (a, b) =>
      compareNames(a.source, b.source) || compareNames(a.target, b.target) || compareNames(a.type, b.type),
  );
  return { nodes: [...nodes.values()], links, omitted: 0 };
}
