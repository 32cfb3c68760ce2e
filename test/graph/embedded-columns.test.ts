/**
 * The embedded store's columns as they grow, shrink and take CHATTER properties late (issue 19's memory
 * work): a CSV import leaves the property columns unallocated and trims the rest at its flush, so every
 * later write has to find them right.
 */
import { describe, expect, it } from 'vitest';
import type { AudienceRecord, GraphStore } from '../../src/graph/graph-store.port.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { activity, streamer } from '../contract/graph-store.contract.js';
import { useTempDirs } from '../support/temp-dir.js';

const open = (dataDir: string) =>
  EmbeddedGraphStore.open({ dataDir, command: 'test', snapshotMinIntervalMs: 0 });

/** More than the columns' first 1024 slots, so they grow before and after the flush trims them. */
const CSV_CHATTERS = 3_000;

async function csvImport(store: GraphStore): Promise<void> {
  await store.upsertStreamers([streamer('1', 'alpha'), streamer('2', 'bravo')]);
  await store.addChatters(
    Array.from({ length: CSV_CHATTERS }, (_, i) => ({
      streamerId: i % 3 === 0 ? '2' : '1',
      login: `csv${i}`,
    })),
  );
  await store.flush();
}

async function audienceOf(store: GraphStore, id: string): Promise<Map<string, AudienceRecord>> {
  const audience = (await store.channelAudience(id)) ?? [];
  return new Map(audience.map((member) => [member.login, member]));
}

/** Chat after the import: one on an existing CSV relationship, one new, then enough CSV rows to grow. */
async function laterWrites(store: GraphStore): Promise<void> {
  await store.applyChatActivity(
    [activity('1', 'csv1', { messages: 4, subscriber: true }), activity('1', 'chatty', { messages: 9 })],
    [],
  );
  await store.addChatters(Array.from({ length: 2_000 }, (_, i) => ({ streamerId: '1', login: `late${i}` })));
  await store.applyChatActivity([activity('1', 'late1999', { messages: 2 })], []);
}

function expectLaterWrites(audience: Map<string, AudienceRecord>): void {
  expect(audience.get('csv1')).toMatchObject({ messages: 4, subscriber: true, daysSeen: 1 });
  expect(audience.get('chatty')).toMatchObject({ messages: 9, subscriber: false, daysSeen: 1 });
  expect(audience.get('late1999')).toMatchObject({ messages: 2, daysSeen: 1 });
  for (const login of ['csv2', 'csv2998', 'late0', 'late1998'])
    expect(audience.get(login)).toMatchObject({
      chatsHere: true,
      messages: null,
      firstSeen: null,
      lastSeen: null,
      daysSeen: null,
      subscriber: null,
    });
  expect(audience.size).toBe((CSV_CHATTERS * 2) / 3 + 2_000 + 1);
}

describe('embedded store columns', () => {
  const tempDir = useTempDirs();

  it('takes CHATTER properties after a CSV import without any, in memory', async () => {
    const store = EmbeddedGraphStore.inMemory();
    await csvImport(store);
    await laterWrites(store);
    expectLaterWrites(await audienceOf(store, '1'));
    expect((await store.counts()).byType.CHATTER).toBe(CSV_CHATTERS + 2_000 + 1);
  });

  it('takes them after a restart on a snapshot without any, and keeps them across the next', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await csvImport(first);
    const before = await audienceOf(first, '2');
    await first.close();

    const second = await open(dir);
    expect(await audienceOf(second, '2')).toEqual(before);
    await laterWrites(second);
    expectLaterWrites(await audienceOf(second, '1'));
    await second.close();

    const third = await open(dir);
    expectLaterWrites(await audienceOf(third, '1'));
    expect(await audienceOf(third, '2')).toEqual(before);
    await third.close();
  });

  it('keeps a long login exactly as written, lone surrogates included', async () => {
    const store = EmbeddedGraphStore.inMemory();
    await store.upsertStreamers([streamer('1', 'alpha')]);
    const odd = `${'x'.repeat(14)}\ud800y`;
    const fromCsv = 'a_rather_long_login,'.repeat(3).split(',')[1] as string;
    await store.applyChatActivity([activity('1', odd)], []);
    await store.addChatters([{ streamerId: '1', login: fromCsv }]);
    const logins = [...(await audienceOf(store, '1')).keys()];
    expect(logins.sort()).toEqual([fromCsv, odd].sort());
    expect(logins.find((l) => l.startsWith('x'))?.charCodeAt(14)).toBe(0xd800);
  });
});
