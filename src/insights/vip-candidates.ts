/**
 * Who in a channel's chat deserves a VIP (or moderator) badge, ranked by a documented score with the
 * reasons spelled out. Pure: the audience comes from the GraphStore, bot flags from bot-flags.ts.
 *
 * Score = Σ weight × signal over the signals the data has, divided by the sum of those weights (so CSV-only
 * data, which has no message counts, is ranked on what it does have). Each signal is in [0, 1]:
 *
 * | signal     | value                                                    | VIP weight | moderator weight |
 * | ---------- | -------------------------------------------------------- | ---------- | ---------------- |
 * | messages   | log10(1 + messages) / 3, at most 1 (1,000 messages → 1)   | 0.25       | 0.20             |
 * | days seen  | days with messages / 20, at most 1                       | 0.15       | 0.20             |
 * | recency    | 1 if seen in the last 7 days, then halves every 14 days  | 0.10       | 0.10             |
 * | elsewhere  | VIP badges elsewhere × 0.4 + moderator badges × 0.25     | 0.20       | —                |
 * |            | moderator badges elsewhere × 0.4 + VIP badges × 0.25     | —          | 0.25             |
 * | subscriber | 1 when subscribed to this channel                        | 0.10       | 0.05             |
 * | community  | other channels chatted in / 5, at most 1                 | 0.10       | 0.10             |
 * | importance | PageRank percentile among this channel's candidates      | 0.20       | 0.20             |
 *
 * Community standing counts because someone known across several chats of the same community is
 * usually a regular; it is also the one activity signal a CSV import (chatter lists only) has.
 */

import { keepBest } from '../util/keep-best.js';
import { lowerBound } from '../util/lower-bound.js';
import { audienceColumnsOf, audienceRecordAt, memberMask } from '../graph/audience-columns.js';
import type { AudienceColumns } from '../graph/graph-store.port.js';
import { CHATS_HERE, MODERATOR_HERE, VIP_HERE } from '../graph/graph-store.port.js';

export type CandidateRole = 'vip' | 'moderator';

/** One member of a channel's audience, as the graph knows them. */
export interface AudienceMember {
  login: string;
  /** Null when the relationship came from a CSV (no counts). */
  messages: number | null;
  firstSeen: number | null;
  lastSeen: number | null;
  daysSeen: number | null;
  /** Null when unknown (CSV data). */
  subscriber: boolean | null;
  chatsHere: boolean;
  vipHere: boolean;
  moderatorHere: boolean;
  vipElsewhere: number;
  moderatorElsewhere: number;
  chatsElsewhere: number;
}

export const SIGNALS = [
  'messages',
  'days seen',
  'recency',
  'badges elsewhere',
  'subscriber',
  'other channels',
  'PageRank',
] as const;
export type Signal = (typeof SIGNALS)[number];

const WEIGHTS: Record<CandidateRole, Record<Signal, number>> = {
  vip: {
    messages: 0.25,
    'days seen': 0.15,
    recency: 0.1,
    'badges elsewhere': 0.2,
    subscriber: 0.1,
    'other channels': 0.1,
    PageRank: 0.2,
  },
  moderator: {
    messages: 0.2,
    'days seen': 0.2,
    recency: 0.1,
    'badges elsewhere': 0.25,
    subscriber: 0.05,
    'other channels': 0.1,
    PageRank: 0.2,
  },
};

const DAY_MS = 86_400_000;

export interface Candidate {
  login: string;
  score: number;
  reasons: string[];
  messages: number | null;
  daysSeen: number | null;
  vipElsewhere: number;
  moderatorElsewhere: number;
}

export interface CandidateRanking {
  candidates: Candidate[];
  /** Signals the data had (and so were scored on), and those it lacked. */
  available: Signal[];
  missing: Signal[];
  /** How many chatters were considered, and why others were left out. */
  considered: number;
  alreadyBadged: number;
  bots: number;
}

export interface RankOptions {
  role: CandidateRole;
  limit: number;
  now: number;
  /** The channel's own login: the broadcaster is never a candidate. */
  channelLogin: string;
  bots: ReadonlySet<string>;
  /** PageRank by login; members without one count as the lowest. */
  pagerank?: ReadonlyMap<string, number>;
  /** Audience affinity by login (insights/audience-affinity.ts): breaks ties in score before the login. */
  affinity?: ReadonlyMap<string, number>;
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function ageText(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

/** Who a channel's audience offers as candidates: indexes into the columns, and why others were left out. */
export interface CandidatePool {
  members: Int32Array;
  /** 1 at the index of each member flagged as a bot (whether left out here or already badged). */
  flagged: Uint8Array;
  alreadyBadged: number;
  bots: number;
}

/** Chatters here who are neither the broadcaster, VIP or moderator here, nor flagged as bots. */
export function candidatePool(
  audience: AudienceColumns,
  channelLogin: string,
  bots: Iterable<string>,
): CandidatePool {
  let alreadyBadged = 0;
  let flagged = 0;
  const members: number[] = [];
  const n = audience.logins.length;
  const botAt = memberMask(audience, bots);
  const channelAt = memberMask(audience, [channelLogin]);
  for (let i = 0; i < n; i += 1) {
    const here = audience.here[i] as number;
    if ((here & CHATS_HERE) === 0 || channelAt[i] === 1) continue;
    if ((here & (VIP_HERE | MODERATOR_HERE)) !== 0) alreadyBadged += 1;
    else if (botAt[i] === 1) flagged += 1;
    else members.push(i);
  }
  return { members: Int32Array.from(members), flagged: botAt, alreadyBadged, bots: flagged };
}

/**
 * PageRank percentiles of the pool, kept per scores array: a caller ranking the same pool again (the
 * command keeps its input per audience read) does not sort a million scores again.
 */
const percentiles = new WeakMap<Float64Array, { values: Float64Array; filled: boolean }>();
function percentilesOf(
  scores: Float64Array | undefined,
  size: number,
): { values: Float64Array; filled: boolean } {
  if (scores === undefined) return { values: new Float64Array(size), filled: false };
  let kept = percentiles.get(scores);
  if (kept === undefined || kept.values.length !== size) {
    kept = { values: new Float64Array(size), filled: false };
    percentiles.set(scores, kept);
  }
  return kept;
}

/** Whether logins are in code-unit order, checked once per array (the stores give them so). */
const sortedLogins = new WeakMap<readonly string[], boolean>();
function loginsSorted(logins: readonly string[]): boolean {
  let sorted = sortedLogins.get(logins);
  if (sorted === undefined) {
    sorted = true;
    for (let i = 1; i < logins.length && sorted; i += 1)
      if ((logins[i - 1] as string) >= (logins[i] as string)) sorted = false;
    sortedLogins.set(logins, sorted);
  }
  return sorted;
}

/** `affinityByPosition`, kept per affinity map and pool (a caller ranking the same input again). */
const affinityKept = new WeakMap<ReadonlyMap<string, number>, { pool: Int32Array; at: Float64Array }>();
function affinityOfPool(
  logins: readonly string[],
  pool: Int32Array,
  affinity: ReadonlyMap<string, number> | undefined,
  inLoginOrder: boolean,
): Float64Array {
  if (affinity === undefined) return affinityByPosition(logins, pool, affinity, inLoginOrder);
  const kept = affinityKept.get(affinity);
  if (kept?.pool === pool) return kept.at;
  const at = affinityByPosition(logins, pool, affinity, inLoginOrder);
  affinityKept.set(affinity, { pool, at });
  return at;
}

/** Each pool member's affinity (0 without one), by pool position. */
function affinityByPosition(
  logins: readonly string[],
  pool: Int32Array,
  affinity: ReadonlyMap<string, number> | undefined,
  inLoginOrder: boolean,
): Float64Array {
  const at = new Float64Array(pool.length);
  if (affinity === undefined || affinity.size === 0) return at;
  if (!inLoginOrder) {
    for (let k = 0; k < pool.length; k += 1) at[k] = affinity.get(logins[pool[k] as number] as string) ?? 0;
    return at;
  }
  // A few thousand logins with an affinity: each found by binary search, in the logins, then in the pool.
  for (const [login, value] of affinity) {
    const i = lowerBound(0, logins.length, (mid) => (logins[mid] as string) < login);
    if (logins[i] !== login) continue;
    const k = lowerBound(0, pool.length, (mid) => (pool[mid] as number) < i);
    if (pool[k] === i) at[k] = value;
  }
  return at;
}

export function rankCandidates(audience: readonly AudienceMember[], options: RankOptions): CandidateRanking {
  const columns = audienceColumnsOf(audience);
  const pool = candidatePool(columns, options.channelLogin, options.bots);
  const rankOf = options.pagerank;
  return rankCandidateColumns(columns, pool, {
    ...options,
    pagerank:
      rankOf === undefined
        ? undefined
        : Float64Array.from(pool.members, (i) => rankOf.get(columns.logins[i] as string) ?? 0),
  });
}

/**
 * `rankCandidates` over columns (`channelAudienceColumns`) and a `candidatePool` of them; `pagerank` holds
 * the PageRank of each pool member, in pool order. No object per member: a channel has 100k-1M chatters.
 */
export function rankCandidateColumns(
  audience: AudienceColumns,
  candidates: CandidatePool,
  options: Omit<RankOptions, 'pagerank' | 'bots' | 'channelLogin'> & { pagerank?: Float64Array },
): CandidateRanking {
  const pool = candidates.members;
  const size = pool.length;
  let anyMessages = false;
  let anyDays = false;
  let anyLastSeen = false;
  let anySubscriber = false;
  for (let k = 0; k < size; k += 1) {
    const i = pool[k] as number;
    if (!Number.isNaN(audience.messages[i])) anyMessages = true;
    if ((audience.daysSeen[i] as number) >= 0) anyDays = true;
    if (!Number.isNaN(audience.lastSeen[i])) anyLastSeen = true;
    if ((audience.subscriber[i] as number) >= 0) anySubscriber = true;
  }
  const has = {
    messages: anyMessages,
    'days seen': anyDays,
    recency: anyLastSeen,
    'badges elsewhere': true,
    'other channels': true,
    subscriber: anySubscriber,
    PageRank: options.pagerank !== undefined,
  } satisfies Record<Signal, boolean>;
  const available = SIGNALS.filter((s) => has[s]);
  const missing = SIGNALS.filter((s) => !has[s]);
  const weights = WEIGHTS[options.role];
  const totalWeight = available.reduce((sum, s) => sum + weights[s], 0);

  // PageRank percentile among the candidates: 1 for the highest, 0 for the lowest (ties share a value).
  const scores = options.pagerank;
  const percentile = percentilesOf(scores, size);
  if (scores !== undefined && !percentile.filled) {
    percentile.filled = true;
    const ranks = Float64Array.from(scores).sort();
    const below = (value: number) => lowerBound(0, ranks.length, (mid) => (ranks[mid] as number) < value);
    if (ranks.length > 1)
      for (let k = 0; k < size; k += 1)
        percentile.values[k] = below(scores[k] as number) / (ranks.length - 1);
  }

  // Each signal's value in SIGNALS order, summed over the available ones in that order (as the score is
  // defined): one scratch array, not an object per member.
  const value = new Float64Array(SIGNALS.length);
  const used = available.map((s) => SIGNALS.indexOf(s));
  const usedWeights = available.map((s) => weights[s]);
  const primary = options.role === 'vip' ? audience.vipElsewhere : audience.moderatorElsewhere;
  const secondary = options.role === 'vip' ? audience.moderatorElsewhere : audience.vipElsewhere;
  const scoreOf = (k: number) => {
    const i = pool[k] as number;
    const messages = audience.messages[i] as number;
    const daysSeen = audience.daysSeen[i] as number;
    const lastSeen = audience.lastSeen[i] as number;
    value[0] = Number.isNaN(messages) ? 0 : Math.min(1, Math.log10(1 + messages) / 3);
    value[1] = daysSeen < 0 ? 0 : Math.min(1, daysSeen / 20);
    value[2] = Number.isNaN(lastSeen)
      ? 0
      : Math.min(1, 0.5 ** (Math.max(0, options.now - lastSeen - 7 * DAY_MS) / (14 * DAY_MS)));
    value[3] = Math.min(1, (primary[i] as number) * 0.4 + (secondary[i] as number) * 0.25);
    value[4] = audience.subscriber[i] === 1 ? 1 : 0;
    value[5] = Math.min(1, (audience.chatsElsewhere[i] as number) / 5);
    value[6] = percentile.values[k] as number;
    if (totalWeight === 0) return 0;
    let sum = 0;
    for (let u = 0; u < used.length; u += 1)
      sum += (usedWeights[u] as number) * (value[used[u] as number] as number);
    return sum / totalWeight;
  };
  const messagesKey = (k: number) => {
    const m = audience.messages[pool[k] as number] as number;
    return Number.isNaN(m) ? -1 : m;
  };
  // Ties in score are common (CSV-only data scores on few signals), so the tie-breaks are arrays by pool
  // position, not a map lookup and a string comparison per comparison: a 10M graph's biggest channel has
  // a million candidates.
  const inLoginOrder = loginsSorted(audience.logins);
  const affinityAt = affinityOfPool(audience.logins, pool, options.affinity, inLoginOrder);
  type Scored = { k: number; score: number };
  const order = (a: Scored, b: Scored) => {
    const tie =
      b.score - a.score ||
      messagesKey(b.k) - messagesKey(a.k) ||
      (affinityAt[b.k] as number) - (affinityAt[a.k] as number);
    if (tie !== 0) return tie;
    // Members in login order: the lower index is the lower login.
    if (inLoginOrder) return (pool[a.k] as number) - (pool[b.k] as number);
    const la = audience.logins[pool[a.k] as number] as string;
    const lb = audience.logins[pool[b.k] as number] as string;
    return la < lb ? -1 : la > lb ? 1 : 0;
  };
  // Only the best `limit` are kept while scoring (a big channel has 100k chatters), and only they get
  // their reasons written out.
  const best: Scored[] = [];
  const probe: Scored = { k: 0, score: 0 };
  for (let k = 0; k < size; k += 1) {
    probe.k = k;
    probe.score = scoreOf(k);
    if (
      best.length === options.limit &&
      (options.limit === 0 || order(probe, best[best.length - 1] as Scored) >= 0)
    )
      continue;
    keepBest(best, { k, score: probe.score }, options.limit, order);
  }
  const chosen = best.map(({ k, score }): Candidate => {
    const m = audienceRecordAt(audience, pool[k] as number);
    const reasons: string[] = [];
    if (m.vipElsewhere > 0) reasons.push(`VIP in ${plural(m.vipElsewhere, 'other channel')}`);
    if (m.moderatorElsewhere > 0)
      reasons.push(`moderator in ${plural(m.moderatorElsewhere, 'other channel')}`);
    if (m.messages !== null) {
      reasons.push(
        m.daysSeen !== null && m.daysSeen > 0
          ? `${plural(m.messages, 'message')} over ${plural(m.daysSeen, 'day')}`
          : plural(m.messages, 'message'),
      );
    }
    if (m.lastSeen !== null) reasons.push(`last seen ${ageText(options.now - m.lastSeen)}`);
    if (m.subscriber === true) reasons.push('subscriber');
    const pct = scores === undefined ? undefined : percentile.values[k];
    if (pct !== undefined && pct >= 0.9 && size >= 10)
      reasons.push(`PageRank in the top ${Math.max(1, Math.round((1 - pct) * 100))}% of this chat`);
    if (m.chatsElsewhere > 0) reasons.push(`chats in ${plural(m.chatsElsewhere, 'other channel')}`);
    if (reasons.length === 0) reasons.push('chats here');
    return {
      login: m.login,
      score,
      reasons,
      messages: m.messages,
      daysSeen: m.daysSeen,
      vipElsewhere: m.vipElsewhere,
      moderatorElsewhere: m.moderatorElsewhere,
    };
  });
  return {
    candidates: chosen,
    available,
    missing,
    considered: size,
    alreadyBadged: candidates.alreadyBadged,
    bots: candidates.bots,
  };
}
