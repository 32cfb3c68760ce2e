import { describe, expect, it } from 'vitest';
import { AudienceBuilder, CHATTER_FLAGS } from '../../../src/graph/bolt/audience.js';
import { GraphStoreError } from '../../../src/graph/graph-store.port.js';

const F = CHATTER_FLAGS;

/** A `CHANNEL_CHATTERS` record as the driver returns it (Integers as bigint). */
function chatters(rows: { login: string; flags: number; values?: number[]; counts?: number[] }[]) {
  const column = (at: number, from: 'values' | 'counts') =>
    rows.map((r) => BigInt((r[from] ?? [0, 0, 0, 0])[at] ?? 0));
  return {
    logins: rows.map((r) => r.login),
    flags: rows.map((r) => BigInt(r.flags)),
    messages: column(0, 'values'),
    firstSeen: column(1, 'values'),
    lastSeen: column(2, 'values'),
    daysSeen: column(3, 'values'),
    vips: column(0, 'counts'),
    moderators: column(1, 'counts'),
    chats: column(2, 'counts'),
  };
}

describe('a channel audience read as lists (Bolt)', () => {
  it('turns absent values into null, whatever the list holds in their place', () => {
    const audience = new AudienceBuilder();
    audience.addChatters(
      chatters([
        { login: 'csv', flags: 0, counts: [0, 0, 1] },
        {
          login: 'live',
          flags: F.messages | F.firstSeen | F.lastSeen | F.daysSeen | F.subscriber | F.subscribed,
          values: [12, 1_700_000_000_000, 1_700_000_100_000, 3],
          counts: [0, 0, 4],
        },
        { login: 'unsubscribed', flags: F.messages | F.subscriber, values: [0, 0, 0, 0], counts: [0, 0, 1] },
      ]),
    );
    const [csv, live, unsubscribed] = audience.build();
    expect(csv).toMatchObject({
      login: 'csv',
      chatsHere: true,
      messages: null,
      daysSeen: null,
      subscriber: null,
    });
    expect(live).toMatchObject({
      messages: 12,
      firstSeen: 1_700_000_000_000,
      lastSeen: 1_700_000_100_000,
      daysSeen: 3,
      subscriber: true,
      chatsElsewhere: 3,
    });
    // A present zero stays a zero, and a present "false" stays false.
    expect(unsubscribed).toMatchObject({ messages: 0, firstSeen: null, subscriber: false });
  });

  it('joins badges to chatters by login and counts badges and chats elsewhere less those here', () => {
    const audience = new AudienceBuilder();
    audience.addChatters(chatters([{ login: 'vince', flags: 0, counts: [2, 1, 3] }]));
    audience.addBadge({ login: 'vince', vip: true, vips: 2, moderators: 1, chats: 3 });
    // A moderator who never chatted here is a member too, without chat values.
    audience.addBadge({ login: 'mia', vip: false, vips: 0, moderators: 2, chats: 5 });
    expect(audience.build()).toEqual([
      {
        login: 'mia',
        chatsHere: false,
        vipHere: false,
        moderatorHere: true,
        messages: null,
        firstSeen: null,
        lastSeen: null,
        daysSeen: null,
        subscriber: null,
        vipElsewhere: 0,
        moderatorElsewhere: 1,
        chatsElsewhere: 5,
      },
      {
        login: 'vince',
        chatsHere: true,
        vipHere: true,
        moderatorHere: false,
        messages: null,
        firstSeen: null,
        lastSeen: null,
        daysSeen: null,
        subscriber: null,
        vipElsewhere: 1,
        moderatorElsewhere: 1,
        chatsElsewhere: 2,
      },
    ]);
  });

  it('refuses lists of different lengths and values that are not whole numbers', () => {
    const short = { ...chatters([{ login: 'a', flags: 0 }]), chats: [] };
    expect(() => new AudienceBuilder().addChatters(short)).toThrow(GraphStoreError);
    const huge = { ...chatters([{ login: 'a', flags: F.messages }]), messages: [2n ** 60n] };
    expect(() => new AudienceBuilder().addChatters(huge)).toThrow(/too large/);
  });
});
