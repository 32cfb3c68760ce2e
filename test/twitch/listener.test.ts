/**
 * The live listener at its protocol boundary: tmi.js talking to a local server that speaks Twitch IRC over
 * WebSocket (test/support/twitch-irc-server.ts). Assertions are on what the server saw (logins, JOIN and PART
 * times, connections) and on the chat events that came out.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { LISTENER_ERROR } from '../../src/ingest/twitch/chat-listener.js';
import { FakeClock } from '../support/fake-clock.js';
import type { TwitchIrcTestServer } from '../support/twitch-irc-server.js';
import { maxInWindow, metricValue, useListenerHarness } from './listener-harness.js';

const harness = useListenerHarness();

const ROOMS = { alpha: '1001', beta: '1002', gamma: '1003', korea: '1004' };

/** Wait until the server has seen JOINs for all `channels` from open connections. */
async function joined(server: TwitchIrcTestServer, channels: readonly string[]): Promise<void> {
  await server.waitFor(`JOIN of ${channels.join(', ')}`, () =>
    channels.every((c) => server.audience(c).length > 0),
  );
}

describe('chat listener: login and chat lines', () => {
  it('logs in anonymously with a random justinfan nick, asks for tags and commands, joins its channels', async () => {
    const server = await harness.server({ roomIds: ROOMS });
    await harness.listener(server, { channels: ['alpha', '#Beta'] });
    await harness.listener(server, { channels: ['alpha'] });
    await joined(server, ['alpha', 'beta']);
    await server.waitFor('two logins', () => server.open.length === 2);
    const [first, second] = server.open;
    expect(first?.nick).toMatch(/^justinfan\d+$/);
    expect(second?.nick).toMatch(/^justinfan\d+$/);
    expect(first?.nick).not.toBe(second?.nick);
    expect(first?.anonymous).toBe(true);
    expect([...(first?.caps ?? [])]).toEqual(
      expect.arrayContaining(['twitch.tv/tags', 'twitch.tv/commands']),
    );
    expect(first?.received.slice(0, 3)).toEqual([
      'CAP REQ :twitch.tv/tags twitch.tv/commands',
      'PASS ***',
      `NICK ${first?.nick ?? ''}`,
    ]);
    expect(server.joins.filter((j) => j.connection === first?.id).map((j) => j.channel)).toEqual([
      'alpha',
      'beta',
    ]);
  });

  it('logs in with OAuth when given a login and token, and is joined once Twitch confirms', async () => {
    const server = await harness.server({ account: { login: 'graphbot', token: 'abc123', userId: '42' } });
    const { listener } = await harness.listener(server, {
      identity: { username: 'graphbot', token: 'oauth:abc123' },
      channels: ['alpha'],
    });
    await joined(server, ['alpha']);
    expect(server.open[0]?.anonymous).toBe(false);
    expect(server.open[0]?.pass).toBe('oauth:abc123');
    await server.waitFor('joined state', () => listener.channels()[0]?.state === 'joined');
  });

  it('stops with TWITCH_AUTH_FAILED when Twitch refuses the token, without retrying', async () => {
    const server = await harness.server({ account: { login: 'graphbot', token: 'right', userId: '42' } });
    const { listener } = await harness.listener(server, {
      identity: { username: 'graphbot', token: 'wrong' },
      channels: ['alpha'],
    });
    const error = await listener.finished;
    expect(error?.code).toBe(LISTENER_ERROR.authFailed);
    expect(error?.message).toContain('TWITCH_OAUTH_TOKEN');
    await sleep(300); // several reconnect backoffs of this harness
    expect(server.connections).toHaveLength(1);
  });

  it('turns PRIVMSG tags into events for broadcaster, moderator, VIP, subscriber and plain users', async () => {
    const server = await harness.server({ roomIds: ROOMS });
    const { events } = await harness.listener(server, { channels: ['alpha'] });
    await joined(server, ['alpha']);
    const sentAt = Date.UTC(2026, 0, 10, 12, 0, 0);
    const lines = [
      {
        user: { id: '1001', login: 'alpha', displayName: 'Alpha' },
        badges: ['broadcaster/1', 'subscriber/0'],
        badgeInfo: ['subscriber/40'],
      },
      { user: { id: '2001', login: 'modder', displayName: 'Modder' }, badges: ['moderator/1'] },
      { user: { id: '2002', login: 'veep', displayName: 'Veep' }, badges: ['vip/1'], vip: true },
      {
        user: { id: '2003', login: 'subby', displayName: 'Subby' },
        badges: ['subscriber/12'],
        badgeInfo: ['subscriber/14'],
      },
      {
        user: { id: '2004', login: 'founder', displayName: 'Founder' },
        badges: ['founder/0'],
        badgeInfo: ['founder/3'],
      },
      { user: { id: '2005', login: 'plain', displayName: 'Plain' } },
      // VIP whose badge is not shown: the tag's presence alone counts, whatever its value.
      { user: { id: '2006', login: 'quietvip' }, extraTags: { vip: '' } },
    ];
    const ids = lines.map(() => randomUUID());
    lines.forEach((line, i) => server.chat({ channel: 'alpha', ...line, id: ids[i], sentAt: sentAt + i }));
    await server.waitFor('all events', () => events.length === lines.length);
    const byLogin = new Map(events.map((e) => [e.user.login, e]));
    expect(byLogin.get('alpha')).toEqual({
      v: 1,
      type: 'chat',
      channel: { id: '1001', login: 'alpha' },
      user: { id: '1001', login: 'alpha', displayName: 'Alpha' },
      roles: { broadcaster: true, moderator: false, vip: false, subscriber: true },
      messageId: ids[0],
      sentAt,
    });
    const roles = (login: string) => byLogin.get(login)?.roles;
    expect(roles('modder')).toEqual({ broadcaster: false, moderator: true, vip: false, subscriber: false });
    expect(roles('veep')).toEqual({ broadcaster: false, moderator: false, vip: true, subscriber: false });
    expect(roles('subby')).toEqual({ broadcaster: false, moderator: false, vip: false, subscriber: true });
    expect(roles('founder')).toEqual({ broadcaster: false, moderator: false, vip: false, subscriber: true });
    expect(roles('plain')).toEqual({ broadcaster: false, moderator: false, vip: false, subscriber: false });
    expect(roles('quietvip')?.vip).toBe(true);
    expect(byLogin.get('plain')?.sentAt).toBe(sentAt + 5);
  });

  it('reads escaped tag values and non-Latin display names', async () => {
    const server = await harness.server({ roomIds: ROOMS });
    const { events } = await harness.listener(server, { channels: ['korea'] });
    await joined(server, ['korea']);
    server.chat({ channel: 'korea', user: { id: '3001', login: 'hangul_fan', displayName: '한국어사용자' } });
    // Escaped on the wire as \s, \: and \\ (Twitch's display names never hold these; the escaping is the point).
    server.chat({ channel: 'korea', user: { id: '3002', login: 'odd_one', displayName: 'A B;C\\D' } });
    // An escaped badge value and a system message with CR/LF must not confuse the roles.
    server.chat({
      channel: 'korea',
      user: { id: '3003', login: 'predictor' },
      badges: ['predictions/blue-1', 'vip/1'],
      vip: true,
      extraTags: { 'system-msg': 'line one\r\nline two; done' },
    });
    await server.waitFor('three events', () => events.length === 3);
    expect(events.map((e) => e.user.displayName)).toEqual(['한국어사용자', 'A B;C\\D', 'predictor']);
    expect(events[2]?.roles.vip).toBe(true);
    expect(events.every((e) => e.channel.login === 'korea' && e.channel.id === '1004')).toBe(true);
  });

  it('never passes the message text on; lines without the needed tags are counted, not passed', async () => {
    const server = await harness.server({ roomIds: ROOMS });
    const { events, registry } = await harness.listener(server, { channels: ['alpha'] });
    await joined(server, ['alpha']);
    const secret = 'my password is hunter2';
    server.chat({ channel: 'alpha', user: { id: '9', login: 'talker' }, text: secret });
    server.sendToChannel(
      'alpha',
      `@badges=;color=;display-name=NoRoom;id=${randomUUID()} :noroom!noroom@noroom.tmi.twitch.tv PRIVMSG #alpha :${secret}`,
    );
    server.chat({ channel: 'alpha', user: { id: '10', login: 'after' }, text: secret });
    await server.waitFor('two events', () => events.length === 2);
    expect(events.map((e) => e.user.login)).toEqual(['talker', 'after']);
    expect(JSON.stringify(events)).not.toContain('hunter2');
    expect(await metricValue(registry, 'twitchgraph_listener_invalid_messages_total')).toBe(1);
    expect(await metricValue(registry, 'twitchgraph_listener_messages_total', { channel: 'alpha' })).toBe(2);
  });

  it("answers the server's PING", async () => {
    const server = await harness.server();
    await harness.listener(server, { channels: ['alpha'] });
    await joined(server, ['alpha']);
    await server.open[0]?.ping();
    expect(server.open[0]?.received.filter((line) => line.startsWith('PONG'))).toHaveLength(1);
  });

  it('drops repeated message ids', async () => {
    const server = await harness.server({ roomIds: ROOMS });
    const { events, registry } = await harness.listener(server, { channels: ['alpha'] });
    await joined(server, ['alpha']);
    const id = randomUUID();
    server.chat({ channel: 'alpha', user: { id: '9', login: 'talker' }, id });
    server.chat({ channel: 'alpha', user: { id: '9', login: 'talker' }, id });
    server.chat({ channel: 'alpha', user: { id: '9', login: 'talker' } });
    // The third line arrives after the copy on the same socket: once it is an event, the copy was handled.
    await server.waitFor('two events', () => events.length === 2);
    expect(await metricValue(registry, 'twitchgraph_listener_duplicate_messages_total')).toBe(1);
  });
});

describe('chat listener: channels', () => {
  it('joins and parts channels at run time', async () => {
    const server = await harness.server();
    const { listener } = await harness.listener(server, { channels: ['alpha'] });
    await joined(server, ['alpha']);
    expect(listener.join('#Gamma')).toBe(true);
    expect(listener.join('gamma')).toBe(false);
    await joined(server, ['gamma']);
    expect(listener.part('alpha')).toBe(true);
    await server.waitFor('PART #alpha', () => server.audience('alpha').length === 0);
    expect(server.parts.map((p) => p.channel)).toEqual(['alpha']);
    await server.waitFor('gamma joined', () => listener.channels()[0]?.state === 'joined');
    expect(listener.channels()).toEqual([{ login: 'gamma', state: 'joined', reasons: ['api'] }]);
    expect(() => listener.join('not a login')).toThrow(/not a Twitch channel login/);
  });

  it('follows the monitored channels in the graph within the poll interval', async () => {
    const server = await harness.server();
    const graph = EmbeddedGraphStore.inMemory();
    await graph.setMonitoredChannel('beta', true, 'someone#1234');
    const pollMs = 200;
    const { listener } = await harness.listener(server, {
      channels: ['alpha'],
      monitored: { read: async () => (await graph.monitoredChannels()).map((c) => c.login), pollMs },
    });
    await joined(server, ['alpha', 'beta']);

    const addedAt = Date.now();
    await graph.setMonitoredChannel('gamma', true, 'someone#1234');
    await joined(server, ['gamma']);
    const joinedAt = server.joins.find((j) => j.channel === 'gamma')?.at ?? Number.NaN;
    expect(joinedAt - addedAt).toBeLessThan(pollMs + 1_000);

    const removedAt = Date.now();
    await graph.setMonitoredChannel('beta', false, 'someone#1234');
    // A channel in TWITCH_CHANNELS stays even when /monitor removes it.
    await graph.setMonitoredChannel('alpha', true, 'someone#1234');
    await graph.setMonitoredChannel('alpha', false, 'someone#1234');
    await server.waitFor('PART #beta', () => server.audience('beta').length === 0);
    const partedAt = server.parts.find((p) => p.channel === 'beta')?.at ?? Number.NaN;
    expect(partedAt - removedAt).toBeLessThan(pollMs + 1_000);
    expect(server.audience('alpha')).toHaveLength(1);
    expect(listener.channels().map((c) => [c.login, c.reasons])).toEqual([
      ['alpha', ['config']],
      ['gamma', ['monitor']],
    ]);
    await graph.close();
  });

  it('keeps its channels while the graph cannot be read', async () => {
    const server = await harness.server();
    let failing = false;
    const { listener } = await harness.listener(server, {
      monitored: {
        read: () => (failing ? Promise.reject(new Error('store unreachable')) : Promise.resolve(['alpha'])),
        pollMs: 50,
      },
    });
    await joined(server, ['alpha']);
    failing = true;
    await sleep(300);
    expect(server.parts).toEqual([]);
    expect(listener.channels().map((c) => c.login)).toEqual(['alpha']);
  });
});

describe('chat listener: join pacing', () => {
  it('joins many channels in waves: never more than the limit in any window (scaled: 5 per second)', async () => {
    const server = await harness.server();
    const channels = Array.from({ length: 23 }, (_, i) => `chan${String(i).padStart(2, '0')}`);
    const { listener } = await harness.listener(server, { channels, join: { limit: 5, windowMs: 1_000 } });
    await server.waitFor('23 joins', () => server.joins.length === 23, 15_000);
    const times = server.joins.map((j) => j.at);
    expect(maxInWindow(times, 1_000)).toBe(5);
    // Five waves: the last one starts four windows after the first.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(4_000);
    expect(new Set(server.joins.map((j) => j.channel)).size).toBe(23);
    await server.waitFor('all joined', () => listener.channels().every((c) => c.state === 'joined'));
  });

  it("keeps to Twitch's real limit, 20 JOINs per 10 s, over a few minutes of fake time", async () => {
    const clock = new FakeClock();
    const server = await harness.server({ now: () => clock.now() });
    const channels = Array.from({ length: 45 }, (_, i) => `room${i}`);
    const { listener, registry } = await harness.listener(
      server,
      { channels, join: { limit: 20, windowMs: 10_000 } },
      clock,
    );
    await server.waitFor('first wave', () => server.joins.length === 20);
    await server.waitFor(
      'first wave confirmed',
      () => listener.channels().filter((c) => c.state === 'joined').length === 20,
    );
    expect(await metricValue(registry, 'twitchgraph_listener_joins_pending')).toBe(25);
    for (let step = 0; step < 200 && server.joins.length < 45; step += 1) {
      clock.advance(250);
      await sleep(5); // the listener sends a wave that came due before this ends
      // The server stamps each JOIN with the fake time it arrives at: time must not move on while a wave is
      // still on the wire, however slow the machine.
      const sent = listener.channels().filter((c) => c.state !== 'waiting').length;
      await server.waitFor(`${sent} joins`, () => server.joins.length >= sent);
    }
    await server.waitFor('45 joins', () => server.joins.length === 45);
    const times = server.joins.map((j) => j.at);
    expect(maxInWindow(times, 10_000)).toBe(20);
    // Waves of 20, 20 and 5: each one window (plus the 2.5% margin) after the previous.
    const waves = [...new Set(times)].sort((a, b) => a - b);
    expect(waves).toEqual([0, 10_250, 20_500]);
    expect(times.filter((t) => t === 20_500)).toHaveLength(5);
  });
});

describe('chat listener: reconnects', () => {
  /** Send chat lines every few ms, recording the ids the server delivered to at least one connection. */
  function stream(server: TwitchIrcTestServer, channels: readonly string[]) {
    const delivered = new Set<string>();
    let i = 0;
    const timer = setInterval(() => {
      for (const channel of channels) {
        const id = randomUUID();
        i += 1;
        const reached = server.chat({
          channel,
          user: { id: String(5_000 + (i % 40)), login: `viewer${i % 40}` },
          id,
        });
        if (reached > 0) delivered.add(id);
      }
    }, 4);
    return { delivered, stop: () => clearInterval(timer) };
  }

  it('on RECONNECT opens a new connection before closing the old one: nothing lost, nothing twice', async () => {
    const server = await harness.server();
    const channels = ['alpha', 'beta', 'gamma'];
    const { listener, events, registry } = await harness.listener(server, {
      channels,
      join: { limit: 2, windowMs: 300 },
    });
    await joined(server, channels);
    const chat = stream(server, channels);
    await sleep(150);
    const old = server.open[0];
    server.requestReconnect();
    await server.waitFor('a second connection joined everything', () =>
      server.open.some((c) => c !== old && channels.every((ch) => c.channels.has(ch))),
    );
    await server.waitFor('the old connection closed by the client', () => old?.closed === true);
    await sleep(150);
    chat.stop();
    await server.waitFor('every delivered message', () => events.length >= chat.delivered.size);
    const ids = events.map((e) => e.messageId);
    expect(new Set(ids).size).toBe(ids.length); // no duplicates passed on
    expect(new Set(ids)).toEqual(chat.delivered); // nothing delivered was lost
    // The two connections overlapped, so Twitch's copies were there to drop.
    expect(await metricValue(registry, 'twitchgraph_listener_duplicate_messages_total')).toBeGreaterThan(0);
    expect(
      await metricValue(registry, 'twitchgraph_listener_reconnects_total', { reason: 'requested' }),
    ).toBe(1);
    expect(server.connections).toHaveLength(2);
    expect(listener.connected).toBe(true);
  });

  it('after an abrupt close reconnects with backoff, joins again, and counts nothing twice', async () => {
    const server = await harness.server();
    const channels = ['alpha', 'beta'];
    const { events, registry } = await harness.listener(server, { channels });
    await joined(server, channels);
    const chat = stream(server, channels);
    await sleep(100);
    server.drop();
    await server.waitFor(
      'back and joined',
      () => server.open.length === 1 && channels.every((c) => server.audience(c).length === 1),
    );
    await sleep(100);
    chat.stop();
    await server.waitFor('every delivered message', () => events.length >= chat.delivered.size);
    const ids = events.map((e) => e.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(chat.delivered);
    expect(server.connections).toHaveLength(2);
    expect(
      server.joins
        .filter((j) => j.connection === 2)
        .map((j) => j.channel)
        .sort(),
    ).toEqual(channels);
    expect(await metricValue(registry, 'twitchgraph_listener_reconnects_total', { reason: 'lost' })).toBe(1);
    expect(await metricValue(registry, 'twitchgraph_listener_connected')).toBe(1);
  });

  it('keeps trying while the server is down, backing off between attempts', async () => {
    const server = await harness.server();
    const { registry } = await harness.listener(server, {
      channels: ['alpha'],
      reconnectInitialMs: 100,
      reconnectMaxMs: 400,
    });
    await joined(server, ['alpha']);
    await server.close();
    await sleep(1_500);
    expect(await metricValue(registry, 'twitchgraph_listener_connected')).toBe(0);
    // Attempts 100, 200, 400, 400… ms apart (times 0.5–1): a handful in 1.5 s, not hundreds.
    const lost = await metricValue(registry, 'twitchgraph_listener_reconnects_total', { reason: 'lost' });
    expect(lost).toBeGreaterThanOrEqual(3);
    expect(lost).toBeLessThan(15);
  });
});

describe('chat listener: a failing sink', () => {
  it('counts an event its sink refuses and keeps reading the socket', async () => {
    const server = await harness.server();
    const seen: string[] = [];
    const { registry } = await harness.listener(server, { channels: ['alpha'] }, undefined, {
      push: (event) => {
        if (event.user.login === 'bad') throw new Error('cannot encode');
        seen.push(event.user.login);
      },
    });
    await joined(server, ['alpha']);
    server.chat({ channel: 'alpha', user: { id: '1', login: 'bad' } });
    server.chat({ channel: 'alpha', user: { id: '2', login: 'good' } });
    await server.waitFor('the next event', () => seen.length === 1);
    expect(seen).toEqual(['good']);
    expect(await metricValue(registry, 'twitchgraph_listener_invalid_messages_total')).toBe(1);
  });
});

describe('chat listener: a slow graph at start', () => {
  it('connects without waiting for a monitored-set read that does not answer, and joins what it brings later', async () => {
    const server = await harness.server();
    let answer: (logins: string[]) => void = () => undefined;
    const { listener } = await harness.listener(server, {
      channels: ['alpha'],
      monitored: {
        read: () => new Promise<string[]>((resolve) => (answer = resolve)),
        pollMs: 100,
      },
    });
    await joined(server, ['alpha']);
    answer(['beta']);
    await joined(server, ['beta']);
    expect(listener.channels().map((c) => c.login)).toEqual(['alpha', 'beta']);
  }, 15_000);
});
