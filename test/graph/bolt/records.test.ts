import { describe, expect, it } from 'vitest';
import { GraphStoreError } from '../../../src/graph/graph-store.port.js';
import { checkOffsetUpdate } from '../../../src/graph/offset-cas.js';
import {
  activityParams,
  countsSchema,
  limitParam,
  offsetParams,
  offsetSchema,
  parseAll,
  safeInteger,
  streamerParams,
  streamRowSchema,
  toGraphCounts,
  toStreamerSummary,
} from '../../../src/graph/bolt/records.js';
import { activity, streamer } from '../../contract/graph-store.contract.js';

const record = (value: object) => ({ toObject: () => value });

describe('Bolt records', () => {
  it('reads Integers as numbers only when they are exact', () => {
    expect(safeInteger.parse(9_007_199_254_740_991n)).toBe(9_007_199_254_740_991);
    expect(safeInteger.parse(4_423_916_123n)).toBe(4_423_916_123);
    expect(safeInteger.safeParse(9_007_199_254_740_993n).success).toBe(false);
    expect(safeInteger.safeParse(1.5).success).toBe(false);
  });

  it('keeps 64-bit offsets exact as strings', () => {
    expect(
      offsetSchema.parse({ group: 'g', topic: 't', partition: 0n, offset: 9_007_199_254_740_993n }),
    ).toEqual({
      group: 'g',
      topic: 't',
      partition: 0,
      offset: '9007199254740993',
    });
    expect(
      offsetParams({ group: 'g', topic: 't', partition: 2, from: '0', offset: '9007199254740993' }),
    ).toMatchObject({
      partition: 2n,
      offset: 9_007_199_254_740_993n,
    });
    expect(() => checkOffsetUpdate({ group: 'g', topic: 't', partition: 0, from: '0', offset: 'x' })).toThrow(
      GraphStoreError,
    );
    expect(() =>
      checkOffsetUpdate({ group: 'g', topic: 't', partition: 0, from: '1e3', offset: '1' }),
    ).toThrow(GraphStoreError);
  });

  it('sends counts and timestamps as Integers and ids as strings', () => {
    const params = streamerParams(streamer('123456789012', 'big', { followers: 4_423_916_123 }));
    expect(params.id).toBe('123456789012');
    expect(params.followers).toBe(4_423_916_123n);
    expect(typeof params.totalViewCount).toBe('bigint');
    const chat = activityParams(activity('1', 'kim', { messages: 3 }));
    expect(chat.messages).toBe(3n);
    expect((chat.days as unknown[]).every((d) => typeof d === 'bigint')).toBe(true);
    expect(() => streamerParams(streamer('1', 'x', { followers: 1.5 }))).toThrow(GraphStoreError);
  });

  it('turns "no limit" into the largest exact Integer', () => {
    expect(limitParam(10)).toBe(10n);
    expect(limitParam(Infinity)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(limitParam(-3)).toBe(0n);
  });

  it('rejects records of the wrong shape with a GraphStoreError that is not retryable', () => {
    const bad = () => parseAll(streamRowSchema, 'streamer', [record({ id: 7 })]);
    expect(bad).toThrow(GraphStoreError);
    expect(bad).toThrow(/Unexpected record from the graph database \(streamer\): id:/);
  });

  it('summarises a stream known only by id like the embedded store', () => {
    const [row] = parseAll(streamRowSchema, 'streamer', [
      record({
        id: '55',
        name: null,
        displayName: null,
        url: null,
        followers: null,
        totalViewCount: null,
        createdAt: null,
        description: null,
        games: [],
        languages: [],
        teams: ['b', 'a'],
      }),
    ]);
    expect(row && toStreamerSummary(row)).toEqual({
      id: '55',
      login: '',
      displayName: '#55',
      game: null,
      language: null,
      teams: ['a', 'b'],
      url: '',
      followers: 0,
      totalViewCount: 0,
      createdAt: null,
      description: '',
    });
  });

  it('counts a streamer under User and Stream, and every stream as a user', () => {
    const counts = toGraphCounts(
      countsSchema.parse({
        users: 5n, // 3 plain users + 2 streamers
        streams: 3n, // 2 streamers + 1 placeholder
        userStreams: 2n,
        games: 1n,
        languages: 1n,
        teams: 0n,
        chatter: 4n,
        vip: 1n,
        moderator: 0n,
        plays: 2n,
        speaks: 2n,
        isPartOf: 0n,
      }),
    );
    expect(counts.byLabel).toEqual({ User: 6, Stream: 3, Game: 1, Language: 1, Team: 0 });
    expect(counts.nodes).toBe(3 + 3 + 1 + 1);
    expect(counts.relationships).toBe(9);
  });
});
