import { describe, expect, it } from 'vitest';
import { chatEventFromSeed } from '../../src/domain/chat-event.js';
import { aggregateBatch, DAY_MS, eventTime } from '../../src/ingest/worker/aggregate.js';
import { chatEvent, T0 } from '../support/chat-events.js';

const day = (t: number) => Math.floor(t / DAY_MS);

describe('batch aggregation', () => {
  it('folds a batch into one row per channel × chatter with counts, first/last seen and distinct days', () => {
    const rows = aggregateBatch([
      { event: chatEvent('1', 'ann'), at: T0 + 5_000 },
      { event: chatEvent('1', 'bob'), at: T0 },
      { event: chatEvent('1', 'ann'), at: T0 - 3 * DAY_MS },
      { event: chatEvent('2', 'ann'), at: T0 },
      { event: chatEvent('1', 'ann'), at: T0 + 60_000 },
      { event: chatEvent('1', 'ann'), at: T0 + 61_000 },
    ]);
    expect(rows.map((r) => [r.channelId, r.login, r.messages])).toEqual([
      ['1', 'ann', 4],
      ['1', 'bob', 1],
      ['2', 'ann', 1],
    ]);
    expect(rows[0]).toMatchObject({
      firstSeen: T0 - 3 * DAY_MS,
      lastSeen: T0 + 61_000,
      days: [day(T0) - 3, day(T0)],
    });
    expect(rows[1]).toMatchObject({ firstSeen: T0, lastSeen: T0, days: [day(T0)] });
  });

  it('ORs role flags over the batch and keeps the channel login once any event carried it', () => {
    const rows = aggregateBatch([
      { event: chatEvent('1', 'mo', { roles: { moderator: true } }), at: T0 },
      { event: chatEvent('1', 'mo', { channel: { id: '1', login: 'alpha' } }), at: T0 },
      { event: chatEvent('1', 'mo', { roles: { vip: true, subscriber: true } }), at: T0 },
      { event: chatEvent('1', 'pat'), at: T0 },
    ]);
    expect(rows[0]).toMatchObject({
      channelLogin: 'alpha',
      moderator: true,
      vip: true,
      subscriber: true,
      messages: 3,
    });
    expect(rows[1]).toMatchObject({ channelLogin: null, moderator: false, vip: false, subscriber: false });
  });

  it('gives an empty batch no rows', () => {
    expect(aggregateBatch([])).toEqual([]);
  });

  it('times events by sentAt, and seed messages (no sentAt) by the bus timestamp', () => {
    const live = chatEvent('1', 'ann', { sentAt: T0 });
    const seed = chatEventFromSeed({ user_id: '1', chatter_login: 'ann' });
    expect(eventTime(live, T0 + 99)).toBe(T0);
    expect(eventTime(seed, T0 + 99)).toBe(T0 + 99);
  });

  it("leaves out a broadcaster's messages in their own channel, by badge, user id or login", () => {
    const rows = aggregateBatch([
      { event: chatEvent('1', 'alpha', { roles: { broadcaster: true } }), at: T0 },
      { event: chatEvent('1', 'alpha', { user: { id: '1', login: 'alpha', displayName: null } }), at: T0 },
      { event: chatEvent('1', 'alpha', { channel: { id: '1', login: 'alpha' } }), at: T0 },
      // The same person chatting in someone else's channel is a chatter there.
      { event: chatEvent('2', 'alpha', { user: { id: '1', login: 'alpha', displayName: null } }), at: T0 },
      { event: chatEvent('1', 'ann', { channel: { id: '1', login: 'alpha' } }), at: T0 },
    ]);
    expect(rows.map((r) => [r.channelId, r.login, r.messages])).toEqual([
      ['2', 'alpha', 1],
      ['1', 'ann', 1],
    ]);
  });
});
