/**
 * `/vip-candidates channel [limit] [role]`: who in this channel's chat deserves a VIP (or moderator) badge,
 * with the reasons. The score is documented in src/insights/vip-candidates.ts and the README.
 */
import { z } from 'zod';
import { audienceAffinity } from '../insights/audience-affinity.js';
import type { CandidateRole } from '../insights/vip-candidates.js';
import { rankCandidates } from '../insights/vip-candidates.js';
import { formatCount, formatList } from '../reply/format.js';
import type { Reply } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import { botsOf, defineCommand, limitArg, nameArg } from './command.js';
import { streamerNotFound } from './not-found.js';

const MAX_CANDIDATES = 25;

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
    const audience = (await graph.channelAudience(streamer.id)) ?? [];
    const flags = await botsOf(ports).flags();
    const pool = audience.filter((m) => m.chatsHere && !m.vipHere && !m.moderatorHere && !flags.has(m.login));
    const ranks = await graph.pagerank({ limit: pool.length, names: pool.map((m) => m.login) });
    const affinity = await audienceAffinity(graph, streamer.id, pool);
    const now = (ports.now?.() ?? new Date()).getTime();
    const ranking = rankCandidates(audience, {
      role: args.role,
      limit: args.limit.value,
      now,
      channelLogin: streamer.login,
      bots: new Set(flags.keys()),
      pagerank: new Map(ranks.map((r) => [r.name, r.score])),
      affinity,
    });
    const badge = args.role === 'vip' ? 'VIP' : 'moderator';
    const botsHere = audience
      .filter((m) => flags.has(m.login))
      .map((m) => `${m.login} (${flags.get(m.login)?.reason ?? 'flagged'})`);
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
