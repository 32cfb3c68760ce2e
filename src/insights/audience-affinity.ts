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
import { audienceColumnsOf, memberMask } from '../graph/audience-columns.js';
import { keepBest } from '../util/keep-best.js';
import type {
  AudienceColumns,
  AudienceOverlap,
  AudienceQueries,
  AudienceRecord,
} from '../graph/graph-store.port.js';
import { CHATS_HERE } from '../graph/graph-store.port.js';

/** Other channels counted: the ones sharing most of the audience. */
export const AFFINITY_CHANNELS = 25;
/** Chatters scored at most (those chatting in most other channels first); the rest count as 0. */
export const AFFINITY_MAX_CHATTERS = 5_000;

export interface AffinityInput {
  login: string;
  chatsElsewhere: number;
}

type AffinityGraph = Pick<AudienceQueries, 'audienceOverlap' | 'chatsIn'>;

export async function audienceAffinity(
  graph: AffinityGraph,
  streamerId: string,
  chatters: readonly AffinityInput[],
): Promise<Map<string, number>> {
  return audienceAffinityOf(
    graph,
    streamerId,
    { logins: chatters.map((c) => c.login), chatsElsewhere: chatters.map((c) => c.chatsElsewhere) },
    { sortedByLogin: false },
  );
}

/**
 * `audienceAffinity` over columns (a channel's audience as `channelAudienceColumns` gives it): `members`
 * are the indexes scored (all when absent); `overlap`, when the caller has read it already.
 */
export async function audienceAffinityOf(
  graph: AffinityGraph,
  streamerId: string,
  chatters: { logins: readonly string[]; chatsElsewhere: ArrayLike<number> },
  options: { members?: ArrayLike<number>; overlap?: AudienceOverlap | null; sortedByLogin?: boolean } = {},
): Promise<Map<string, number>> {
  const affinity = new Map<string, number>();
  const scored = mostElsewhere(
    chatters,
    options.members,
    AFFINITY_MAX_CHATTERS,
    options.sortedByLogin ?? true,
  );
  if (scored.length === 0) return affinity;
  const overlap = options.overlap === undefined ? await graph.audienceOverlap(streamerId) : options.overlap;
  if (overlap === null || overlap.audience === 0) return affinity;
  // Summed in the order of the channels' names (login, or `#<id>` while a stream has none), as the scores
  // always were: a different order of the same additions can differ in the last bit and flip a tie.
  const channels = overlap.others
    .slice(0, AFFINITY_CHANNELS)
    .map((other) => ({
      id: other.channel.id,
      ref: other.channel.login === '' ? `#${other.channel.id}` : other.channel.login,
      share: other.shared / overlap.audience,
    }))
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  const share = new Map(channels.map((c) => [c.id, c.share]));
  const rows = await graph.chatsIn(
    scored.map((i) => chatters.logins[i] as string),
    channels.map((c) => c.id),
  );
  for (const row of rows) {
    let sum = 0;
    for (const id of row.streamerIds) sum += share.get(id) ?? 0;
    affinity.set(row.login, sum);
  }
  return affinity;
}

/**
 * The indexes of the `max` chatters chatting in most other channels (then by login), without sorting a big
 * channel's 100k chatters: whole groups of equal counts are taken, most first, and only the group cut at
 * `max` is ordered by login (already so when `sortedByLogin`).
 */
function mostElsewhere(
  chatters: { logins: readonly string[]; chatsElsewhere: ArrayLike<number> },
  members: ArrayLike<number> | undefined,
  max: number,
  sortedByLogin: boolean,
): number[] {
  const size = members?.length ?? chatters.logins.length;
  const at = (k: number) => (members === undefined ? k : (members[k] as number));
  // How many chatters chat in each number of other channels (at most the number of channels).
  let most = 0;
  for (let k = 0; k < size; k += 1) most = Math.max(most, chatters.chatsElsewhere[at(k)] as number);
  const groups = new Int32Array(most + 1);
  for (let k = 0; k < size; k += 1) {
    const count = chatters.chatsElsewhere[at(k)] as number;
    if (count > 0) groups[count] = (groups[count] as number) + 1;
  }
  // The smallest count taken whole, and how many of the next group (the cut one) fit.
  let taken = 0;
  let cut = 0;
  let room = 0;
  for (let count = most; count > 0; count -= 1) {
    const n = groups[count] as number;
    if (taken + n <= max) {
      taken += n;
      continue;
    }
    cut = count;
    room = max - taken;
    break;
  }
  const whole: number[] = [];
  const edge: number[] = [];
  for (let k = 0; k < size; k += 1) {
    const i = at(k);
    const count = chatters.chatsElsewhere[i] as number;
    if (count <= 0) continue;
    if (count > cut) whole.push(i);
    else if (count === cut) edge.push(i);
  }
  if (room > 0) {
    if (!sortedByLogin) {
      const login = (i: number) => chatters.logins[i] as string;
      edge.sort((a, b) => (login(a) < login(b) ? -1 : login(a) > login(b) ? 1 : 0));
    }
    whole.push(...edge.slice(0, room));
  }
  return whole;
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
  return rankChatterColumns(audienceColumnsOf(audience), affinity, exclude, limit);
}

/** `rankChatters` over columns: an object only for the chatters kept. */
export function rankChatterColumns(
  audience: AudienceColumns,
  affinity: ReadonlyMap<string, number>,
  exclude: ReadonlySet<string>,
  limit = Infinity,
): RankedChatter[] {
  const best: RankedChatter[] = [];
  const n = audience.logins.length;
  const excluded = memberMask(audience, exclude);
  for (let i = 0; i < n; i += 1) {
    if (((audience.here[i] as number) & CHATS_HERE) === 0 || excluded[i] === 1) continue;
    const login = audience.logins[i] as string;
    const m = audience.messages[i] as number;
    const messages = Number.isNaN(m) ? null : m;
    const badgesElsewhere = (audience.vipElsewhere[i] as number) + (audience.moderatorElsewhere[i] as number);
    const chatsElsewhere = audience.chatsElsewhere[i] as number;
    if (limit !== Infinity && best.length === limit) {
      if (limit === 0) continue;
      // Most members lose to the last kept on messages or badges alone: no object for them.
      const last = best[limit - 1] as RankedChatter;
      const first = (last.messages ?? -1) - (messages ?? -1) || last.badgesElsewhere - badgesElsewhere;
      if (first > 0) continue;
    }
    const entry: RankedChatter = {
      login,
      messages,
      badgesElsewhere,
      chatsElsewhere,
      affinity: affinity.get(login) ?? 0,
    };
    if (limit === Infinity) {
      best.push(entry);
      continue;
    }
    keepBest(best, entry, limit, compareRanked);
  }
  return limit === Infinity ? best.sort(compareRanked) : best;
}
