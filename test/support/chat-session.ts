/** A scripted chat session for the listener's end-to-end tests (in process and through Kafka), and the graph it must give. */
import { randomUUID } from 'node:crypto';
import type { ChatLineOptions, TwitchIrcTestServer } from './twitch-irc-server.js';

export const SESSION_ROOMS = { alpha: '1001', beta: '1002', gamma: '1003' };

type Line = Omit<ChatLineOptions, 'roomId'>;

/** A short scripted chat session over three channels, with every kind of role. */
export function scriptedSession(): Line[] {
  const ann = { id: '2001', login: 'ann', displayName: 'Ann' };
  const modder = { id: '2002', login: 'modder', displayName: 'Modder' };
  const veep = { id: '2003', login: 'veep', displayName: 'Veep' };
  const subby = { id: '2004', login: 'subby', displayName: '구독자' };
  const alpha = { id: '1001', login: 'alpha', displayName: 'Alpha' };
  return [
    { channel: 'alpha', user: ann },
    { channel: 'alpha', user: modder, badges: ['moderator/1'] },
    { channel: 'alpha', user: ann },
    { channel: 'alpha', user: veep, badges: ['vip/1'], vip: true },
    { channel: 'alpha', user: alpha, badges: ['broadcaster/1'] },
    { channel: 'alpha', user: modder, badges: ['moderator/1', 'subscriber/6'], badgeInfo: ['subscriber/7'] },
    { channel: 'alpha', user: ann },
    { channel: 'beta', user: ann },
    { channel: 'beta', user: subby, badges: ['subscriber/12'], badgeInfo: ['subscriber/13'] },
    { channel: 'beta', user: subby, badges: ['subscriber/12'], badgeInfo: ['subscriber/13'] },
    { channel: 'beta', user: veep, badges: ['moderator/1'] },
    { channel: 'gamma', user: veep },
    { channel: 'gamma', user: veep },
  ];
}

/** The graph the session must produce: CHATTER `channelId login` → messages, and the role edges. */
export const SESSION_EXPECTED = {
  chatters: new Map([
    ['1001 ann', 3],
    ['1001 modder', 2],
    ['1001 veep', 1],
    // alpha's own message in #alpha (broadcaster badge) makes no CHATTER edge: no self-loop.
    ['1002 ann', 1],
    ['1002 subby', 2],
    ['1002 veep', 1],
    ['1003 veep', 2],
  ]),
  vips: { '1001': ['veep'], '1002': [], '1003': [] },
  moderators: { '1001': ['modder'], '1002': ['veep'], '1003': [] },
};

/** Play the session on the server; every line is sent once, and one line a second time (same id). */
export function playSession(server: TwitchIrcTestServer): void {
  const lines = scriptedSession();
  lines.forEach((line, i) => {
    const id = randomUUID();
    server.chat({ ...line, id, sentAt: Date.UTC(2026, 0, 10, 12, 0, i) });
    // Twitch's copy of a message around a reconnect: same id, must not be counted again.
    if (i === 2) server.chat({ ...line, id, sentAt: Date.UTC(2026, 0, 10, 12, 0, i) });
  });
}
