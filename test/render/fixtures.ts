/** Graphs for render tests, built deterministically. */
import type { GraphImageInput, GraphImageLink, GraphImageNode } from '../../src/reply/picture.js';

/**
 * A streamer's ego network: game, language, team, VIPs, moderators, two flagged bots, and `chatters`
 * chatters whose message counts fall with their rank.
 */
export function egoGraph(chatters: number, extra: Partial<GraphImageInput> = {}): GraphImageInput {
  const nodes: GraphImageNode[] = [
    { id: 'Stream:lck_korea', kind: 'Stream', label: 'LCK_Korea', weight: 972_515 },
    { id: 'Game:League of Legends', kind: 'Game', label: 'League of Legends' },
    { id: 'Language:ko', kind: 'Language', label: 'ko' },
    { id: 'Team:t1', kind: 'Team', label: 'T1' },
  ];
  const links: GraphImageLink[] = [
    { source: 'Stream:lck_korea', target: 'Game:League of Legends', type: 'PLAYS' },
    { source: 'Stream:lck_korea', target: 'Language:ko', type: 'SPEAKS' },
    { source: 'Stream:lck_korea', target: 'Team:t1', type: 'IS_PART_OF' },
  ];
  for (const [role, names] of [
    ['VIP', ['울프', 'vip_two', 'vip_three']],
    ['MODERATOR', ['moobot', 'ssakdook', 'nightbot']],
  ] as const) {
    for (const name of names) {
      const bot = name.endsWith('bot');
      nodes.push({ id: `User:${name}`, kind: 'User', label: name, ...(bot ? { bot: true } : {}) });
      links.push({ source: `User:${name}`, target: 'Stream:lck_korea', type: role });
    }
  }
  for (let i = 0; i < chatters; i++) {
    const login = `chatter_${String(i).padStart(5, '0')}`;
    nodes.push({ id: `User:${login}`, kind: 'User', label: login, weight: Math.max(1, 5000 - i * 7) });
    links.push({ source: `User:${login}`, target: 'Stream:lck_korea', type: 'CHATTER' });
  }
  return {
    title: 'LCK_Korea (lck_korea)',
    nodes,
    links,
    centerId: 'Stream:lck_korea',
    measure: 'messages',
    caption: 'ego network',
    ...extra,
  };
}

/** Fisher–Yates with a fixed sequence, so "another order" is the same other order every run. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let state = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
