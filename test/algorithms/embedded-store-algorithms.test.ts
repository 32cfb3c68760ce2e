/**
 * The algorithms as the embedded store runs them: what reaches them through `projection()`, and what must not.
 */
import { describe, expect, it } from 'vitest';
import type { ChatActivity, StreamerRecord } from '../../src/domain/graph-records.js';
import { betweenness } from '../../src/graph/algorithms/betweenness.js';
import { pagerank } from '../../src/graph/algorithms/pagerank.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { nodeKey } from './reference-fixtures.js';

const streamer = (
  id: string,
  login: string,
  game: string | null,
  language: string | null,
): StreamerRecord => ({
  id,
  login,
  displayName: login,
  game,
  language,
  url: `https://www.twitch.tv/${login}`,
  followers: 0,
  totalViewCount: 0,
  createdAt: null,
  description: '',
});

const chat = (
  channelId: string,
  channelLogin: string,
  login: string,
  roles: { moderator?: boolean } = {},
): ChatActivity => ({
  channelId,
  channelLogin,
  login,
  messages: 1,
  firstSeen: 1_700_000_000_000,
  lastSeen: 1_700_000_000_000,
  days: [19_675],
  moderator: roles.moderator ?? false,
  vip: false,
  subscriber: false,
});

describe('algorithms in the embedded store', () => {
  it('consumer offsets (bookkeeping) change neither the projection nor any score', async () => {
    const store = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), store);
    const before = await store.projection();
    const ranks = pagerank(before);
    const centrality = betweenness(before, { exactMaxNodes: 50_000, samplePivots: 256 }).scores;
    const topRanks = await store.pagerank({ limit: 50 });
    const topCentrality = await store.betweenness({ limit: 50 });

    const offset = { group: 'twitchgraph-ingest', topic: 'chatters', partition: 0, offset: '41' };
    await store.applyChatActivity([], [{ ...offset, from: '40' }]);
    expect(await store.readOffsets('twitchgraph-ingest', 'chatters')).toEqual([offset]);

    const after = await store.projection();
    expect(after).not.toBe(before); // rebuilt after the write, not served from the cache
    expect(after.nodes).toEqual(before.nodes);
    expect(after.targets).toEqual(before.targets);
    expect(pagerank(after)).toEqual(ranks);
    expect(betweenness(after, { exactMaxNodes: 50_000, samplePivots: 256 }).scores).toEqual(centrality);
    expect(await store.pagerank({ limit: 50 })).toEqual(topRanks);
    expect(await store.betweenness({ limit: 50 })).toEqual(topCentrality);
  });

  it('parallel relationships and a streamer listed among their own chatters reach PageRank as MAGE counts them', async () => {
    const store = EmbeddedGraphStore.inMemory();
    await store.upsertStreamers([streamer('1', 'alice', 'Chess', 'en'), streamer('2', 'carol', null, null)]);
    // bob chats in alice's channel (CSV), is her VIP (CSV) and shows a moderator badge there (live): three
    // relationships bob→alice. He also chats at carol's. A chatters.csv naming alice in her own channel makes a
    // self-loop (live chat never does: a broadcaster's own chat is left out).
    await store.addChatters([
      { streamerId: '1', login: 'bob' },
      { streamerId: '1', login: 'alice' },
    ]);
    await store.addRoles([{ streamerId: '1', login: 'bob', role: 'VIP' }]);
    await store.applyChatActivity(
      [chat('1', 'alice', 'bob', { moderator: true }), chat('2', 'carol', 'bob')],
      [],
    );

    const projection = await store.projection();
    expect(projection.nodes.map(nodeKey)).toEqual([
      'Game:Chess',
      'Language:en',
      'Stream:alice',
      'Stream:carol',
      'User:bob',
    ]);
    const targetsOf = (i: number) => [
      ...projection.targets.subarray(projection.offsets[i], projection.offsets[i + 1]),
    ];
    expect(targetsOf(2)).toEqual([0, 1, 2]);
    expect(targetsOf(4)).toEqual([2, 2, 2, 3]);

    // N = 5, base 0.03. bob = 0.03 and hands 3/4 of d·bob to alice, 1/4 to carol. alice keeps 1/3 of d·alice
    // through the self-loop and passes 1/3 to Chess and to en. Fixed point:
    const bob = 0.03;
    const alice = (0.03 + 0.85 * 0.75 * bob) / (1 - 0.85 / 3);
    const carol = 0.03 + 0.85 * 0.25 * bob;
    const chess = 0.03 + (0.85 * alice) / 3;
    const total = bob + alice + carol + 2 * chess;
    const ranks = pagerank(projection, { stopEpsilon: 1e-15, maxIterations: 1_000 });
    [chess, chess, alice, carol, bob].forEach((value, i) => expect(ranks[i]).toBeCloseTo(value / total, 12));
  });
});
