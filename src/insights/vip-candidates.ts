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

export function rankCandidates(audience: readonly AudienceMember[], options: RankOptions): CandidateRanking {
  let alreadyBadged = 0;
  let bots = 0;
  const pool: AudienceMember[] = [];
  for (const member of audience) {
    if (!member.chatsHere || member.login === options.channelLogin) continue;
    if (member.vipHere || member.moderatorHere) alreadyBadged += 1;
    else if (options.bots.has(member.login)) bots += 1;
    else pool.push(member);
  }
  const has = {
    messages: pool.some((m) => m.messages !== null),
    'days seen': pool.some((m) => m.daysSeen !== null),
    recency: pool.some((m) => m.lastSeen !== null),
    'badges elsewhere': true,
    'other channels': true,
    subscriber: pool.some((m) => m.subscriber !== null),
    PageRank: options.pagerank !== undefined,
  } satisfies Record<Signal, boolean>;
  const available = SIGNALS.filter((s) => has[s]);
  const missing = SIGNALS.filter((s) => !has[s]);
  const weights = WEIGHTS[options.role];
  const totalWeight = available.reduce((sum, s) => sum + weights[s], 0);

  // PageRank percentile among the candidates: 1 for the highest, 0 for the lowest (ties share a value).
  // Kept per pool index: a channel has 100k candidates, and map lookups per signal add up.
  const percentile = new Float64Array(pool.length);
  const rankOf = options.pagerank;
  if (rankOf !== undefined) {
    const scores = Float64Array.from(pool, (m) => rankOf.get(m.login) ?? 0);
    const ranks = Float64Array.from(scores).sort();
    const below = (value: number) => {
      let lo = 0;
      let hi = ranks.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((ranks[mid] as number) < value) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    if (ranks.length > 1)
      for (let i = 0; i < pool.length; i += 1)
        percentile[i] = below(scores[i] as number) / (ranks.length - 1);
  }

  const valueOf = (m: AudienceMember, i: number): Record<Signal, number> => {
    const badgesPrimary = options.role === 'vip' ? m.vipElsewhere : m.moderatorElsewhere;
    const badgesSecondary = options.role === 'vip' ? m.moderatorElsewhere : m.vipElsewhere;
    return {
      messages: m.messages === null ? 0 : Math.min(1, Math.log10(1 + m.messages) / 3),
      'days seen': m.daysSeen === null ? 0 : Math.min(1, m.daysSeen / 20),
      recency:
        m.lastSeen === null
          ? 0
          : Math.min(1, 0.5 ** (Math.max(0, options.now - m.lastSeen - 7 * DAY_MS) / (14 * DAY_MS))),
      'badges elsewhere': Math.min(1, badgesPrimary * 0.4 + badgesSecondary * 0.25),
      subscriber: m.subscriber === true ? 1 : 0,
      'other channels': Math.min(1, m.chatsElsewhere / 5),
      PageRank: percentile[i] ?? 0,
    };
  };
  const scoreOf = (m: AudienceMember, i: number) => {
    const value = valueOf(m, i);
    return totalWeight === 0 ? 0 : available.reduce((sum, s) => sum + weights[s] * value[s], 0) / totalWeight;
  };
  type Scored = { m: AudienceMember; i: number; score: number };
  const order = (a: Scored, b: Scored) =>
    b.score - a.score ||
    (b.m.messages ?? -1) - (a.m.messages ?? -1) ||
    (options.affinity?.get(b.m.login) ?? 0) - (options.affinity?.get(a.m.login) ?? 0) ||
    (a.m.login < b.m.login ? -1 : a.m.login > b.m.login ? 1 : 0);
  // Only the best `limit` are kept while scoring (a big channel has 100k chatters), and only they get
  // their reasons written out.
  const best: Scored[] = [];
  for (let i = 0; i < pool.length; i += 1) {
    const m = pool[i] as AudienceMember;
    const entry = { m, i, score: scoreOf(m, i) };
    if (
      best.length === options.limit &&
      (options.limit === 0 || order(entry, best[best.length - 1] as Scored) >= 0)
    )
      continue;
    let at = best.length;
    while (at > 0 && order(entry, best[at - 1] as Scored) < 0) at -= 1;
    best.splice(at, 0, entry);
    if (best.length > options.limit) best.pop();
  }
  const candidates = best.map(({ m, i, score }): Candidate => {
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
    const pct = rankOf === undefined ? undefined : percentile[i];
    if (pct !== undefined && pct >= 0.9 && pool.length >= 10)
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
    candidates,
    available,
    missing,
    considered: pool.length,
    alreadyBadged,
    bots,
  };
}
