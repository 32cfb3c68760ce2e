/**
 * How much of a channel's audience a chatter's other channels share: the tie-break that makes rankings
 * mean something on CSV data, where every chatter has no message count and most chat in one or two other
 * channels.
 *
 * affinity(u) = Σ over the channels c where u also chats: shared(channel, c) / audience(channel).
 *
 * A chatter who also chats where much of this audience chats belongs to this channel's community; one who
 * chats in an unrelated channel does not. Only the channels sharing most of the audience are counted (the
 * rest add almost nothing), so the read stays bounded.
 */
import type { AudienceQueries, AudienceRecord, GraphQueries, NodeRef } from '../graph/graph-store.port.js';

/** Other channels counted: the ones sharing most of the audience. */
export const AFFINITY_CHANNELS = 25;
/** Chatters scored at most (those chatting in most other channels first); the rest count as 0. */
export const AFFINITY_MAX_CHATTERS = 5_000;

export interface AffinityInput {
  login: string;
  chatsElsewhere: number;
}

export async function audienceAffinity(
  graph: Pick<AudienceQueries, 'audienceOverlap'> & Pick<GraphQueries, 'connections'>,
  streamerId: string,
  chatters: readonly AffinityInput[],
): Promise<Map<string, number>> {
  const affinity = new Map<string, number>();
  const scored = mostElsewhere(chatters, AFFINITY_MAX_CHATTERS);
  if (scored.length === 0) return affinity;
  const overlap = await graph.audienceOverlap(streamerId);
  if (overlap === null || overlap.audience === 0) return affinity;
  const channels = overlap.others.slice(0, AFFINITY_CHANNELS);
  // connections() names a stream by login, or by `#<id>` while it has none; its view id is `Stream:<ref>`.
  const share = new Map<string, number>();
  const refs: NodeRef[] = scored.map((c) => ({ kind: 'User', name: c.login }));
  for (const other of channels) {
    const ref = other.channel.login === '' ? `#${other.channel.id}` : other.channel.login;
    share.set(`Stream:${ref}`, other.shared / overlap.audience);
    refs.push({ kind: 'Stream', name: ref });
  }
  const view = await graph.connections(refs);
  // A chatter who is also a broadcaster is one node with both labels, shown as `Stream:<login>`.
  const wanted = new Set(scored.map((c) => c.login));
  for (const link of view.links) {
    if (link.type !== 'CHATTER') continue;
    const weight = share.get(link.target);
    const login = link.source.slice(link.source.indexOf(':') + 1);
    if (weight === undefined || !wanted.has(login)) continue;
    affinity.set(login, (affinity.get(login) ?? 0) + weight);
  }
  return affinity;
}

/**
 * The `max` chatters chatting in most other channels (then by login), without sorting a big channel's
 * 100k chatters: whole groups of equal counts are taken, most first, and only the group cut at `max` is
 * ordered by login.
 */
function mostElsewhere(chatters: readonly AffinityInput[], max: number): AffinityInput[] {
  const groups = new Map<number, AffinityInput[]>();
  for (const c of chatters) {
    if (c.chatsElsewhere <= 0) continue;
    const group = groups.get(c.chatsElsewhere);
    if (group === undefined) groups.set(c.chatsElsewhere, [c]);
    else group.push(c);
  }
  const taken: AffinityInput[] = [];
  for (const count of [...groups.keys()].sort((a, b) => b - a)) {
    const group = groups.get(count) as AffinityInput[];
    if (taken.length + group.length <= max) {
      taken.push(...group.sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0)));
      continue;
    }
    group.sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0));
    taken.push(...group.slice(0, max - taken.length));
    break;
  }
  return taken;
}

export interface RankedChatter {
  login: string;
  messages: number | null;
  /** VIP and moderator badges in other channels. */
  badgesElsewhere: number;
  chatsElsewhere: number;
  affinity: number;
}

/** The order of `rankChatters`: messages, badges elsewhere, affinity, other channels, then login. */
function compareRanked(a: RankedChatter, b: RankedChatter): number {
  return (
    (b.messages ?? -1) - (a.messages ?? -1) ||
    b.badgesElsewhere - a.badgesElsewhere ||
    b.affinity - a.affinity ||
    b.chatsElsewhere - a.chatsElsewhere ||
    (a.login < b.login ? -1 : a.login > b.login ? 1 : 0)
  );
}

/**
 * A channel's chatters, most telling first: messages here (when live chat counted them), then badges
 * elsewhere (people other channels trust), then audience affinity, then other channels chatted in, then
 * login. Accounts in `exclude` (flagged bots) are left out. With `limit`, only the first `limit` (a big
 * channel has 100k chatters; `/streamer` shows 60): kept while scanning instead of sorting them all.
 */
export function rankChatters(
  audience: readonly AudienceRecord[],
  affinity: ReadonlyMap<string, number>,
  exclude: ReadonlySet<string>,
  limit = Infinity,
): RankedChatter[] {
  const best: RankedChatter[] = [];
  for (const m of audience) {
    if (!m.chatsHere || exclude.has(m.login)) continue;
    const entry: RankedChatter = {
      login: m.login,
      messages: m.messages,
      badgesElsewhere: m.vipElsewhere + m.moderatorElsewhere,
      chatsElsewhere: m.chatsElsewhere,
      affinity: affinity.get(m.login) ?? 0,
    };
    if (limit === Infinity) {
      best.push(entry);
      continue;
    }
    if (best.length === limit && (limit === 0 || compareRanked(entry, best[limit - 1] as RankedChatter) >= 0))
      continue;
    let at = best.length;
    while (at > 0 && compareRanked(entry, best[at - 1] as RankedChatter) < 0) at -= 1;
    best.splice(at, 0, entry);
    if (best.length > limit) best.pop();
  }
  return limit === Infinity ? best.sort(compareRanked) : best;
}
