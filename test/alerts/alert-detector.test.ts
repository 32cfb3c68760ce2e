/**
 * The alert detector on its own, fed batches as the ingest worker hands them over, on a real embedded
 * store; account ages from the local Helix server (test/support/helix-server.ts) through the real client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/domain/alert-event.js';
import type { ChatEvent } from '../../src/domain/chat-event.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { HelixAccountAges } from '../../src/ingest/alerts/account-ages.js';
import type { AccountAges } from '../../src/ingest/alerts/alert-detector.js';
import { AlertDetector } from '../../src/ingest/alerts/alert-detector.js';
import { HelixClient } from '../../src/ingest/collect/helix-client.js';
import type { TimedEvent } from '../../src/ingest/worker/aggregate.js';
import { silentLogger } from '../../src/logging.js';
import type { FixtureChannel } from '../support/helix-server.js';
import { HelixTestServer } from '../support/helix-server.js';

const T = Date.UTC(2026, 11, 4, 15, 0, 0);
const DAY = 86_400_000;

function chat(login: string, at: number, extra: Partial<ChatEvent> = {}): TimedEvent {
  return {
    at,
    event: {
      v: 1,
      type: 'chat',
      channel: { id: '1001', login: 'alpha' },
      user: { id: String(10_000 + Number(login.replace(/\D/g, '') || 0)), login, displayName: null },
      roles: { broadcaster: false, moderator: false, vip: false, subscriber: false },
      messageId: null,
      sentAt: at,
      firstMessage: true,
      ...extra,
    },
  };
}

const OPTIONS = {
  windowMs: 60_000,
  cooldownMs: 300_000,
  raidWindowMs: 120_000,
  newAccountDays: 7,
  updateDelayMs: 10,
};

async function detectorOn(graph: EmbeddedGraphStore, ages?: AccountAges) {
  await graph.setAlertRule({
    channel: 'alpha',
    discordChannel: '1300000000000000042',
    sensitivity: 'normal',
    requestedBy: 't',
    since: 0,
  });
  const published: AlertEvent[] = [];
  const detector = new AlertDetector(
    {
      graph,
      logger: silentLogger,
      ...(ages === undefined ? {} : { ages }),
      publish: (a) => {
        published.push(a);
        return Promise.resolve();
      },
    },
    OPTIONS,
  );
  return { detector, published };
}

let helix: HelixTestServer | undefined;
afterEach(async () => {
  await helix?.close();
  helix = undefined;
});

describe('alert detector', () => {
  it('slides the window per arrival: a burst early in a batch that holds minutes of chat is caught', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    const { detector, published } = await detectorOn(graph);
    // One batch: 20 newcomers in 20 s, then a newcomer every 30 s for ten minutes.
    const batch = [
      ...Array.from({ length: 20 }, (_, i) => chat(`burst${i}`, T + i * 1_000)),
      ...Array.from({ length: 20 }, (_, i) => chat(`late${i}`, T + 30_000 + i * 30_000)),
    ];
    await detector.observe(batch);
    await detector.stop();
    const ids = new Set(published.map((a) => a.id));
    expect(ids.size).toBe(1);
    expect(published[0]?.kind).toBe('bot-wave');
    // The whole burst, and the late newcomers while the wave stays open (cool-down 300 s).
    expect(published.at(-1)?.accountCount).toBe(40);
  });

  it('a steady trickle of first-time chatters never makes a wave', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    const { detector, published } = await detectorOn(graph);
    // One newcomer every 5 s for an hour: 12 per minute, below K = 15.
    for (let i = 0; i < 720; i += 60) {
      await detector.observe(Array.from({ length: 60 }, (_, j) => chat(`n${i + j}`, T + (i + j) * 5_000)));
    }
    await detector.stop();
    expect(published).toEqual([]);
    expect(detector.stats.firstTimers).toBe(720);
  });

  it('a second burst within the cool-down updates the same alert; one after it opens a new one', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    const { detector, published } = await detectorOn(graph);
    await detector.observe(Array.from({ length: 16 }, (_, i) => chat(`a${i}`, T + i * 500)));
    await detector.settled();
    await detector.observe(Array.from({ length: 16 }, (_, i) => chat(`b${i}`, T + 200_000 + i * 500)));
    await detector.settled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await detector.observe(Array.from({ length: 16 }, (_, i) => chat(`c${i}`, T + 900_000 + i * 500)));
    await detector.stop();
    const byId = new Map<string, AlertEvent>();
    for (const a of published) byId.set(a.id, a);
    expect([...byId.values()].map((a) => a.accountCount)).toEqual([32, 16]);
    const first = published.filter((a) => a.id === [...byId.keys()][0]).map((a) => a.version);
    expect(first).toEqual([...first].sort((x, y) => x - y));
  });

  it('accounts the graph knows are not new; with Helix, accounts made in the last days are, asked 100 ids a call and once', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    await graph.upsertStreamers([
      {
        id: '3003',
        login: 'other',
        displayName: 'other',
        game: null,
        language: null,
        url: 'https://www.twitch.tv/other',
        followers: 0,
        totalViewCount: 0,
        createdAt: null,
        description: '',
      },
    ]);
    // 150 accounts the graph knows from another channel: graph novelty alone calls none of them new.
    await graph.addChatters(
      Array.from({ length: 150 }, (_, i) => ({ streamerId: '3003', login: `acct${i}` })),
    );
    const accounts: FixtureChannel[] = Array.from({ length: 150 }, (_, i) => ({
      userId: String(10_000 + i),
      login: `acct${i}`,
      displayName: `acct${i}`,
      streamId: String(90_000 + i),
      gameName: 'x',
      language: 'en',
      viewers: 0,
      description: '',
      // Two in three made yesterday.
      createdAt: new Date(i % 3 === 0 ? T - 400 * DAY : T - DAY).toISOString(),
      viewCount: 0,
      followers: 0,
      teams: [],
    }));
    helix = await HelixTestServer.start({ clientId: 'cid', clientSecret: 'secret', channels: accounts });
    const ages = new HelixAccountAges(
      new HelixClient({
        clientId: 'cid',
        clientSecret: 'secret',
        helixUrl: helix.helixUrl,
        authUrl: helix.authUrl,
      }),
    );
    const { detector, published } = await detectorOn(graph, ages);
    await detector.observe(Array.from({ length: 150 }, (_, i) => chat(`acct${i}`, T + i * 100)));
    await detector.stop();
    const last = published.at(-1);
    expect(last?.wave).toEqual({
      firstTimers: 150,
      newAccounts: 100,
      windowMs: 60_000,
      basis: 'graph+helix',
    });
    expect(last?.facts.join(' ')).toContain('made in the last 7 days');
    expect(last?.accounts[1]).toMatchObject({
      login: 'acct1',
      isNew: true,
      seenIn: ['other'],
      seenInCount: 1,
    });
    expect(last?.accounts[0]).toMatchObject({ login: 'acct0', isNew: false });
    const userCalls = helix.log.filter((r) => r.path === '/users');
    expect(userCalls.map((r) => new URLSearchParams(r.query).getAll('id').length).sort()).toEqual(
      userCalls.length === 2
        ? [100, 50].sort()
        : userCalls.map((r) => new URLSearchParams(r.query).getAll('id').length).sort(),
    );
    expect(userCalls.every((r) => new URLSearchParams(r.query).getAll('id').length <= 100)).toBe(true);
    const calls = ages.calls;
    await ages.createdAt(accounts.map((a) => ({ login: a.login, id: a.userId })));
    expect(ages.calls).toBe(calls); // cached
  });

  it('without Helix the same accounts make no wave: the graph knows them', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    await graph.upsertStreamers([
      {
        id: '3003',
        login: 'other',
        displayName: 'other',
        game: null,
        language: null,
        url: 'https://www.twitch.tv/other',
        followers: 0,
        totalViewCount: 0,
        createdAt: null,
        description: '',
      },
    ]);
    await graph.addChatters(
      Array.from({ length: 40 }, (_, i) => ({ streamerId: '3003', login: `acct${i}` })),
    );
    const { detector, published } = await detectorOn(graph);
    await detector.observe(Array.from({ length: 40 }, (_, i) => chat(`acct${i}`, T + i * 100)));
    await detector.stop();
    expect(published).toEqual([]);
  });

  it('a raid notice delivered twice is one raid alert', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    const { detector, published } = await detectorOn(graph);
    const raid = chat('raider', T, { firstMessage: false, raid: { viewers: 50 }, messageId: 'raid-1' });
    await detector.observe([raid, chat('x1', T + 1_000)]);
    await detector.observe([raid, chat('x1', T + 1_000), chat('x2', T + 2_000)]);
    await detector.stop();
    expect(new Set(published.map((a) => a.id))).toEqual(new Set(['raid:alpha:raid-1']));
    expect(detector.stats.raids).toBe(1);
    expect(published.at(-1)?.raid).toEqual({
      raider: 'raider',
      viewers: 50,
      arrivals: 2,
      known: 0,
      fromRaider: 0,
    });
  });
});
