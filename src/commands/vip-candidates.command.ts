/**
 * `/vip-candidates channel [limit] [role]`: who in this channel's chat deserves a VIP (or moderator) badge,
 * with the reasons. The score is documented in src/insights/vip-candidates.ts and the README.
 */
import { z } from 'zod';
import { emptyAudienceColumns } from '../graph/audience-columns.js';
import { CHATS_HERE, MODERATOR_HERE, VIP_HERE } from '../graph/graph-store.port.js';
import { audienceAffinityOf } from '../insights/audience-affinity.js';
import type { AudienceColumns } from '../graph/graph-store.port.js';
import type { BotFlag } from '../insights/bot-flags.js';
import type { CandidatePool, CandidateRole } from '../insights/vip-candidates.js';
import { candidatePool, rankCandidateColumns } from '../insights/vip-candidates.js';
import { formatCount, formatList } from '../reply/format.js';
import type { Reply } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import { botsOf, defineCommand, limitArg, nameArg } from './command.js';
import { streamerNotFound } from './not-found.js';

const MAX_CANDIDATES = 25;

interface RankingInput {
  pool: CandidatePool;
  /** PageRank of each pool member, in pool order. */
  pagerank: Float64Array;
  flagged: Uint8Array;
  affinity: Map<string, number>;
}

/**
 * What the ranking reads besides the members' own signals, kept per audience read and bot flags: the store
 * keeps a channel's columns (and so their `logins` array) until the next write, and a 10M graph's biggest
 * channel has a million members, so building these again per question was most of its time and garbage.
 * A store that reads afresh each time (Bolt) hands out new arrays, so nothing is reused there.
 */
const rankingInputs = new WeakMap<
  readonly string[],
  {
    flags: ReadonlyMap<string, BotFlag>;
    pagerank: Float64Array | undefined;
    login: string;
    input: RankingInput;
  }
>();

async function rankingInput(
  graph: Parameters<typeof audienceAffinityOf>[0],
  streamer: { id: string; login: string },
  audience: AudienceColumns,
  flags: ReadonlyMap<string, BotFlag>,
): Promise<RankingInput> {
  const known = rankingInputs.get(audience.logins);
  if (
    known !== undefined &&
    known.flags === flags &&
    known.pagerank === audience.pagerank &&
    known.login === streamer.login
  )
    return known.input;
  const pool = candidatePool(audience, streamer.login, flags.keys());
  const scores = audience.pagerank;
  const pagerank = new Float64Array(pool.members.length);
  if (scores !== undefined) pool.members.forEach((i, k) => (pagerank[k] = scores[i] ?? 0));
  // Affinity is read for every chatter not badged here nor flagged, the broadcaster included (as always:
  // who is among the 5,000 scored depends on it).
  const { flagged } = pool;
  const scored: number[] = [];
  for (let i = 0; i < audience.logins.length; i += 1) {
    const here = audience.here[i] as number;
    if ((here & CHATS_HERE) !== 0 && (here & (VIP_HERE | MODERATOR_HERE)) === 0 && flagged[i] === 0)
      scored.push(i);
  }
  const affinity = await audienceAffinityOf(graph, streamer.id, audience, { members: scored });
  const input = { pool, pagerank, flagged, affinity };
  rankingInputs.set(audience.logins, { flags, pagerank: audience.pagerank, login: streamer.login, input });
  return input;
}

export const vipCandidatesCommand = defineCommand({
  definition: {
    name: 'vip-candidates',
    description: 'Who in a channel’s chat deserves a VIP (or moderator) badge, and why',
    options: [
      {
        name: 'channel',
        description: 'Streamer login or display name',
        type: 'string',
        required: true,
        maxLength: 100,
        autocomplete: 'streamer',
      },
      {
        name: 'limit',
        description: `How many candidates (1–${MAX_CANDIDATES}, default 10)`,
        type: 'integer',
        minValue: 1,
        maxValue: MAX_CANDIDATES,
      },
      {
        name: 'role',
        description: 'Badge to find candidates for (default vip)',
        type: 'string',
        choices: [
          { name: 'VIP', value: 'vip' },
          { name: 'moderator', value: 'moderator' },
        ],
      },
    ],
    restricted: true,
    slow: true,
  },
  args: z.object({
    channel: nameArg('channel'),
    limit: limitArg(10, MAX_CANDIDATES),
    role: z
      .enum(['vip', 'moderator'], { error: 'role must be vip or moderator' })
      .optional()
      .transform((r): CandidateRole => r ?? 'vip'),
  }),
  async run(args, ports): Promise<Reply> {
    const { graph } = ports;
    const streamer = await graph.findStreamer(args.channel);
    if (streamer === null) {
      return streamerNotFound(graph, 'Channel not found', args.channel);
    }
    // In columns: a big channel has 100k-1M chatters, and only the candidates shown become objects.
    const audience =
      (await graph.channelAudienceColumns(streamer.id, { pagerank: true })) ?? emptyAudienceColumns(0);
    const flags = await botsOf(ports).flags();
    const { pool, pagerank, flagged, affinity } = await rankingInput(graph, streamer, audience, flags);
    const now = (ports.now?.() ?? new Date()).getTime();
    const ranking = rankCandidateColumns(audience, pool, {
      role: args.role,
      limit: args.limit.value,
      now,
      pagerank,
      affinity,
    });
    const badge = args.role === 'vip' ? 'VIP' : 'moderator';
    const botsHere = audience.logins
      .filter((_, i) => flagged[i] === 1)
      .map((login) => `${login} (${flags.get(login)?.reason ?? 'flagged'})`);
    const notes = [
      ...(args.limit.note === undefined ? [] : [args.limit.note]),
      `Scored on: ${ranking.available.join(', ')}.` +
        (ranking.missing.length === 0
          ? ''
          : ` Not in this data: ${ranking.missing.join(', ')}${ranking.missing.includes('messages') ? ' (CSV imports have no message counts; live chat adds them)' : ''}.`),
      'Equal scores are ordered by audience affinity: how much of this audience their other channels share.',
      `${formatCount(ranking.considered)} chatters considered; ${formatCount(ranking.alreadyBadged)} already VIP or moderator and ${formatCount(ranking.bots)} flagged as bots were left out.`,
    ];
    const title = `${badge} candidates for ${streamer.displayName}`;
    const data = { channel: streamer.login, role: args.role, ...ranking };
    if (ranking.candidates.length === 0) {
      return reply({
        status: 'empty',
        title,
        description: 'Nobody in this chat is a candidate yet.',
        notes,
        data,
      });
    }
    return reply({
      title,
      url: streamer.url,
      description: `Chatters of ${streamer.displayName} who are not ${badge === 'VIP' ? 'VIP or moderator' : 'moderator or VIP'} there, best first. Score from 0 to 1.`,
      fields: [
        ...ranking.candidates.map((c, i) => ({
          name: `${i + 1}. ${c.login} · ${c.score.toFixed(2)}`,
          value: c.reasons.join(' · '),
        })),
        ...(botsHere.length === 0
          ? []
          : [
              {
                name: `Flagged as bots here (${formatCount(botsHere.length)})`,
                value: formatList(botsHere, 8),
              },
            ]),
      ],
      notes,
      data,
    });
  },
});
