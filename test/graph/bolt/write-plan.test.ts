import { describe, expect, it } from 'vitest';
import type { ChatActivity } from '../../../src/domain/graph-records.js';
import type { StreamState } from '../../../src/graph/bolt/write-plan.js';
import {
  chunks,
  intoRounds,
  lastPerKey,
  planChatActivity,
  plannedEnsures,
} from '../../../src/graph/bolt/write-plan.js';

const state = (streams: Record<string, string | null> = {}, plainUsers: string[] = []): StreamState => ({
  nameById: new Map(Object.entries(streams)),
  idByLogin: new Map(
    Object.entries(streams).flatMap(([id, name]) => (name === null ? [] : [[name, id] as [string, string]])),
  ),
  plainUsers: new Set(plainUsers),
});

const chat = (channelId: string, login: string, channelLogin: string | null = null): ChatActivity => ({
  channelId,
  channelLogin,
  login,
  messages: 1,
  firstSeen: 0,
  lastSeen: 0,
  days: [0],
  moderator: false,
  vip: false,
  subscriber: false,
});

describe('intoRounds', () => {
  it('puts rows that share a key into later rounds, keeping their order', () => {
    const rounds = intoRounds(['a1', 'b1', 'a2', 'c1', 'a3', 'b2'], (s) => [s[0] ?? '']);
    expect(rounds).toEqual([['a1', 'b1', 'c1'], ['a2', 'b2'], ['a3']]);
  });

  it('respects every key of a row', () => {
    const rounds = intoRounds(
      [
        { id: '1', login: 'x' },
        { id: '2', login: 'y' },
        { id: '3', login: 'x' },
        { id: '2', login: 'z' },
        { id: '4', login: 'w' },
      ],
      (r) => [`id:${r.id}`, `login:${r.login}`],
    );
    expect(rounds.map((r) => r.map((x) => x.id))).toEqual([
      ['1', '2', '4'],
      ['3', '2'],
    ]);
  });
});

describe('plannedEnsures', () => {
  it('skips streams that already have their login', () => {
    expect(plannedEnsures([{ id: '1', login: 'alpha' }], state({ 1: 'alpha' }))).toEqual([]);
  });

  it('says which steps each ensure takes', () => {
    const steps = plannedEnsures(
      [
        { id: '1', login: 'new' }, // nothing yet: create
        { id: '2', login: 'kim' }, // kim chatted before: convert the user
        { id: '3', login: 'dora' }, // placeholder 3 takes dora, a plain user: absorb + rename
        { id: '4', login: 'alpha' }, // alpha belonged to stream 5: release it, create 4
      ],
      state({ 3: null, 5: 'alpha' }, ['kim', 'dora']),
    );
    expect(steps.map((s) => [s.id, s.release, s.absorb, s.rename, s.convert, s.create])).toEqual([
      ['1', false, false, false, false, true],
      ['2', false, false, false, true, false],
      ['3', false, true, true, false, false],
      ['4', true, false, false, false, true],
    ]);
  });

  it('follows a login that moves twice within one batch', () => {
    const steps = plannedEnsures(
      [
        { id: '1', login: 'x' },
        { id: '2', login: 'x' },
        { id: '1', login: 'x' },
      ],
      state({ 1: 'x', 2: null }),
    );
    // The first row is a no-op; then 2 takes x from 1, and 1 takes it back.
    expect(steps.map((s) => [s.id, s.release, s.rename])).toEqual([
      ['2', true, true],
      ['1', true, true],
    ]);
  });
});

describe('planChatActivity', () => {
  it('is one segment with one round per repeated pair when the channels are known', () => {
    const plan = planChatActivity(
      [chat('1', 'a'), chat('1', 'b'), chat('1', 'a'), chat('2', 'a', 'bravo')],
      state({ 1: 'alpha', 2: 'bravo' }),
    );
    expect(plan).toHaveLength(1);
    expect(plan[0]?.ensureRounds).toEqual([]);
    expect(plan[0]?.activityRounds.map((r) => r.map((c) => `${c.login}@${c.channelId}`))).toEqual([
      ['a@1', 'b@1', 'a@2'],
      ['a@1'],
    ]);
  });

  it('creates placeholders for channels seen by id only, once', () => {
    const plan = planChatActivity([chat('9', 'a'), chat('9', 'b')], state());
    expect(plan[0]?.placeholders).toEqual(['9']);
  });

  it('starts a new segment when a channel takes the login of an earlier chatter of the segment', () => {
    const plan = planChatActivity(
      [chat('1', 'dora'), chat('9', 'sam', 'dora'), chat('1', 'dora')],
      state({ 1: 'alpha', 5: 'dora' }),
    );
    expect(plan).toHaveLength(2);
    expect(plan[0]?.ensureRounds).toEqual([]);
    expect(plan[0]?.activityRounds.flat().map((c) => c.login)).toEqual(['dora']);
    expect(plan[1]?.ensureRounds.flat().map((e) => [e.id, e.login, e.release, e.create])).toEqual([
      ['9', 'dora', true, true],
    ]);
    expect(plan[1]?.activityRounds.flat().map((c) => c.login)).toEqual(['sam', 'dora']);
  });

  it('does not cut when the channel owner chats only after taking the login', () => {
    const plan = planChatActivity(
      [chat('9', 'lee'), chat('9', 'dora', 'dora'), chat('1', 'dora')],
      state({ 1: 'alpha' }),
    );
    expect(plan).toHaveLength(1);
    expect(plan[0]?.placeholders).toEqual(['9']);
    expect(plan[0]?.ensureRounds.flat().map((e) => [e.id, e.rename, e.create])).toEqual([['9', true, false]]);
  });
});

describe('lastPerKey and chunks', () => {
  it('keeps the last row per key', () => {
    expect(lastPerKey(['a1', 'b1', 'a2'], (s) => s[0] ?? '')).toEqual(['b1', 'a2']);
  });

  it('splits into chunks', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
  });
});
