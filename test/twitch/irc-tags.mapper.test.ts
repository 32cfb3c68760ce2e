/** The IRC tag mapper on its own: escaping rules and the lines it refuses (the listener tests cover the wire). */
import { describe, expect, it } from 'vitest';
import {
  badgeNames,
  chatEventFromPrivmsg,
  unescapeTagValue,
} from '../../src/ingest/twitch/irc-tags.mapper.js';

const base = {
  tags: {
    'room-id': '1001',
    'user-id': '7',
    id: 'b34ccfc7-4977-403a-8a94-33c6bac34fb8',
    'tmi-sent-ts': '1700000000000',
  },
  prefix: 'ann!ann@ann.tmi.twitch.tv',
  params: ['#Alpha', 'the text'],
};

describe('IRC tag mapper', () => {
  it('unescapes IRCv3 tag values', () => {
    expect(unescapeTagValue('a\\sb\\:c\\\\d\\re\\nf')).toBe('a b;c\\d\re\nf');
    expect(unescapeTagValue('plain')).toBe('plain');
    expect(unescapeTagValue('\\x')).toBe('x'); // unknown escape: the backslash goes
    expect(unescapeTagValue('end\\')).toBe('end'); // trailing lone backslash goes
    expect(unescapeTagValue('한국어\\s이름')).toBe('한국어 이름');
  });

  it('reads badge names with or without versions', () => {
    expect([...badgeNames('broadcaster/1,subscriber/3012,glhf-pledge/1')]).toEqual([
      'broadcaster',
      'subscriber',
      'glhf-pledge',
    ]);
    expect([...badgeNames('')]).toEqual([]);
  });

  it('maps a minimal line; the channel login comes from the parameter, lower-cased', () => {
    const result = chatEventFromPrivmsg(base);
    expect(result).toEqual({
      ok: true,
      event: {
        v: 1,
        type: 'chat',
        channel: { id: '1001', login: 'alpha' },
        user: { id: '7', login: 'ann', displayName: null },
        roles: { broadcaster: false, moderator: false, vip: false, subscriber: false },
        messageId: 'b34ccfc7-4977-403a-8a94-33c6bac34fb8',
        sentAt: 1_700_000_000_000,
      },
    });
  });

  it('takes a valueless vip tag (tmi.js gives true) as a VIP, and mod=0 as not a moderator', () => {
    const result = chatEventFromPrivmsg({ ...base, tags: { ...base.tags, vip: true, mod: '0' } });
    expect(result.ok && result.event.roles).toEqual({
      broadcaster: false,
      moderator: false,
      vip: true,
      subscriber: false,
    });
  });

  it('refuses lines without a room-id or sender, naming the problem and not the text', () => {
    const noRoom = chatEventFromPrivmsg({ ...base, tags: { 'user-id': '7' } });
    expect(noRoom).toEqual({ ok: false, reason: expect.stringContaining('room-id') as string });
    const noSender = chatEventFromPrivmsg({ ...base, prefix: null });
    expect(noSender).toEqual({ ok: false, reason: expect.stringContaining('prefix') as string });
    const badRoom = chatEventFromPrivmsg({ ...base, tags: { ...base.tags, 'room-id': 'abc' } });
    expect(badRoom.ok).toBe(false);
    for (const r of [noRoom, noSender, badRoom]) expect(JSON.stringify(r)).not.toContain('the text');
  });

  it('leaves out fields Twitch would never send rather than losing the event', () => {
    const result = chatEventFromPrivmsg({
      ...base,
      tags: { ...base.tags, id: 'not an id!', 'tmi-sent-ts': 'soon', 'display-name': 'x'.repeat(101) },
    });
    expect(result.ok && [result.event.messageId, result.event.sentAt, result.event.user.displayName]).toEqual(
      [null, null, null],
    );
  });
});
