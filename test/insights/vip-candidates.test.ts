import { describe, expect, it } from 'vitest';
import type { AudienceMember } from '../../src/insights/vip-candidates.js';
import { rankCandidates } from '../../src/insights/vip-candidates.js';

const NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

const member = (login: string, extra: Partial<AudienceMember> = {}): AudienceMember => ({
  login,
  messages: null,
  firstSeen: null,
  lastSeen: null,
  daysSeen: null,
  subscriber: null,
  chatsHere: true,
  vipHere: false,
  moderatorHere: false,
  vipElsewhere: 0,
  moderatorElsewhere: 0,
  chatsElsewhere: 0,
  ...extra,
});

const options = {
  role: 'vip' as const,
  limit: 10,
  now: NOW,
  channelLogin: 'streamer',
  bots: new Set<string>(),
};

describe('VIP candidates', () => {
  it('ranks a loyal, active chatter with badges elsewhere above a one-message chatter', () => {
    const ranking = rankCandidates(
      [
        member('drive_by', {
          messages: 1,
          daysSeen: 1,
          firstSeen: NOW - DAY,
          lastSeen: NOW - DAY,
          subscriber: false,
        }),
        member('regular', {
          messages: 212,
          daysSeen: 9,
          firstSeen: NOW - 40 * DAY,
          lastSeen: NOW - 2 * DAY,
          subscriber: true,
          vipElsewhere: 3,
        }),
      ],
      options,
    );
    expect(ranking.candidates.map((c) => c.login)).toEqual(['regular', 'drive_by']);
    expect(ranking.candidates[0]?.reasons).toEqual([
      'VIP in 3 other channels',
      '212 messages over 9 days',
      'last seen 2 days ago',
      'subscriber',
    ]);
    expect(ranking.candidates[0]?.score).toBeGreaterThan(2 * (ranking.candidates[1]?.score ?? 1));
    expect(ranking.missing).toEqual(['PageRank']);
  });

  it('leaves out badge holders, bots and the broadcaster, and counts them', () => {
    const ranking = rankCandidates(
      [
        member('streamer', { messages: 900 }),
        member('already_vip', { vipHere: true, messages: 50 }),
        member('a_mod', { moderatorHere: true, messages: 50 }),
        member('nightbot', { messages: 5000 }),
        member('lurker_only', { chatsHere: false, vipElsewhere: 5 }),
        member('fan', { messages: 3 }),
      ],
      { ...options, bots: new Set(['nightbot']) },
    );
    expect(ranking.candidates.map((c) => c.login)).toEqual(['fan']);
    expect(ranking).toMatchObject({ considered: 1, alreadyBadged: 2, bots: 1 });
  });

  it('falls back to the signals CSV data has, and says which', () => {
    const ranking = rankCandidates(
      [member('plain'), member('vip_elsewhere', { vipElsewhere: 2 }), member('important')],
      {
        ...options,
        pagerank: new Map([
          ['important', 0.01],
          ['plain', 0.001],
          ['vip_elsewhere', 0.001],
        ]),
      },
    );
    expect(ranking.available).toEqual(['badges elsewhere', 'other channels', 'PageRank']);
    expect(ranking.missing).toEqual(['messages', 'days seen', 'recency', 'subscriber']);
    expect(ranking.candidates.map((c) => c.login)).toEqual(['important', 'vip_elsewhere', 'plain']);
    expect(ranking.candidates[2]?.reasons).toEqual(['chats here']);
  });

  it('weighs moderator badges elsewhere more for moderator candidates', () => {
    const audience = [member('vip_type', { vipElsewhere: 2 }), member('mod_type', { moderatorElsewhere: 2 })];
    expect(rankCandidates(audience, options).candidates[0]?.login).toBe('vip_type');
    expect(rankCandidates(audience, { ...options, role: 'moderator' }).candidates[0]?.login).toBe('mod_type');
  });

  it('prefers recent activity', () => {
    const ranking = rankCandidates(
      [
        member('gone', { messages: 100, daysSeen: 10, lastSeen: NOW - 120 * DAY }),
        member('here', { messages: 100, daysSeen: 10, lastSeen: NOW - DAY }),
      ],
      options,
    );
    expect(ranking.candidates.map((c) => c.login)).toEqual(['here', 'gone']);
    expect(ranking.candidates[1]?.reasons).toContain('last seen 120 days ago');
  });
});
