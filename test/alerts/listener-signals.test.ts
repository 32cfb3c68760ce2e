/**
 * The two chat signals the live alerts read, at the IRC wire: `first-msg=1` on a PRIVMSG and a raid
 * `USERNOTICE` (`msg-id=raid`, `msg-param-login`, `msg-param-viewerCount`), through tmi.js and the listener.
 */
import { describe, expect, it } from 'vitest';
import { raidEventFromUsernotice } from '../../src/ingest/twitch/irc-tags.mapper.js';
import { useListenerHarness } from '../twitch/listener-harness.js';

const harness = useListenerHarness();

describe('chat listener: signals for the live alerts', () => {
  it('passes first-msg=1 on as firstMessage, and a raid notice as a raid event with its viewer count', async () => {
    const server = await harness.server({ roomIds: { alpha: '1001' } });
    const { events } = await harness.listener(server, { channels: ['alpha'] });
    await server.waitFor('JOIN', () => server.audience('alpha').length > 0);
    server.chat({ channel: 'alpha', user: { id: '11', login: 'regular' }, sentAt: 1_000 });
    server.chat({
      channel: 'alpha',
      user: { id: '12', login: 'newcomer' },
      firstMessage: true,
      sentAt: 2_000,
    });
    server.raid({
      channel: 'alpha',
      raider: { id: '77', login: 'bigraider', displayName: 'BigRaider' },
      viewers: 1234,
      sentAt: 3_000,
    });
    // A sub notice is not a raid: it makes no event.
    server.sendToChannel(
      'alpha',
      '@msg-id=sub;room-id=1001;login=someone;user-id=5;tmi-sent-ts=4000 :tmi.twitch.tv USERNOTICE #alpha :hi',
    );
    server.chat({ channel: 'alpha', user: { id: '11', login: 'regular' }, sentAt: 5_000 });
    await server.waitFor('four events', () => events.length >= 4);
    expect(events.map((e) => [e.user.login, e.firstMessage ?? false, e.raid?.viewers ?? null])).toEqual([
      ['regular', false, null],
      ['newcomer', true, null],
      ['bigraider', false, 1234],
      ['regular', false, null],
    ]);
    expect(events[2]).toMatchObject({
      channel: { id: '1001', login: 'alpha' },
      user: { id: '77', login: 'bigraider', displayName: 'BigRaider' },
      sentAt: 3_000,
    });
  });

  it('refuses a raid notice without a viewer count or a raider login, saying which tag', () => {
    const tags = {
      'msg-id': 'raid',
      'room-id': '1001',
      'msg-param-login': 'x',
      'msg-param-viewerCount': '5',
    };
    const ok = raidEventFromUsernotice({ tags, prefix: 'tmi.twitch.tv', params: ['#alpha'] });
    expect(ok.ok).toBe(true);
    const noCount = raidEventFromUsernotice({
      tags: { ...tags, 'msg-param-viewerCount': 'many' },
      prefix: 'tmi.twitch.tv',
      params: ['#alpha'],
    });
    expect(noCount).toEqual({ ok: false, reason: 'msg-param-viewerCount: not a viewer count' });
    const { 'msg-param-login': _login, ...withoutLogin } = tags;
    const noLogin = raidEventFromUsernotice({
      tags: withoutLogin,
      prefix: 'tmi.twitch.tv',
      params: ['#alpha'],
    });
    expect(noLogin.ok).toBe(false);
  });
});
