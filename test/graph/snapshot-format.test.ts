import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedGraphStore, SNAPSHOT_FILE } from '../../src/graph/embedded/embedded-store.js';
import { readSnapshotFile, serializeSnapshot, writeSnapshotFile } from '../../src/graph/embedded/snapshot.js';
import { GraphStoreError } from '../../src/graph/graph-store.port.js';
import { activity } from '../contract/graph-store.contract.js';
import { useTempDirs } from '../support/temp-dir.js';

const open = (dataDir: string) =>
  EmbeddedGraphStore.open({ dataDir, command: 'test', snapshotMinIntervalMs: 60_000 });

/** A snapshot file: the lines given, then the end marker with their SHA-256, as every format has it. */
function snapshotText(lines: readonly string[]): string {
  const body = lines.map((l) => `${l}\n`).join('');
  return `${body}${JSON.stringify({ end: true, sha256: createHash('sha256').update(body).digest('hex') })}\n`;
}

const stream = {
  kind: 'Stream',
  name: 'alpha',
  id: '1',
  displayName: 'Alpha',
  url: 'https://www.twitch.tv/alpha',
  followers: 10,
  totalViewCount: 200,
  createdAt: '2020-01-01T00:00:00Z',
  description: 'chess all day',
};

/** What a build before the compact store wrote (format 1): one line per node and per relationship. */
const FORMAT_1 = [
  JSON.stringify({
    format: 'twitchgraph-snapshot',
    version: 1,
    savedAt: '2026-11-01T00:00:00.000Z',
    nodes: 7,
    relationships: 7,
    offsets: 1,
    monitored: 1,
    journalSeq: 0,
  }),
  JSON.stringify(['u:alpha', stream]),
  JSON.stringify(['g:Chess', { kind: 'Game', name: 'Chess' }]),
  JSON.stringify(['l:en', { kind: 'Language', name: 'en' }]),
  JSON.stringify(['t:Stars', { kind: 'Team', name: 'Stars' }]),
  JSON.stringify(['u:kim', { kind: 'User', name: 'kim' }]),
  JSON.stringify(['u:lee', { kind: 'User', name: 'lee' }]),
  JSON.stringify([
    's:99',
    {
      kind: 'Stream',
      name: null,
      id: '99',
      displayName: null,
      url: null,
      followers: null,
      totalViewCount: null,
      createdAt: null,
      description: null,
    },
  ]),
  JSON.stringify(['u:alpha', 'g:Chess', { type: 'PLAYS' }]),
  JSON.stringify(['u:alpha', 'l:en', { type: 'SPEAKS' }]),
  JSON.stringify(['u:alpha', 't:Stars', { type: 'IS_PART_OF' }]),
  JSON.stringify([
    'u:kim',
    'u:alpha',
    { type: 'CHATTER', messages: 5, firstSeen: 1_000, lastSeen: 90_000_000, daysSeen: 2, subscriber: true },
  ]),
  JSON.stringify(['u:lee', 'u:alpha', { type: 'CHATTER' }]),
  JSON.stringify(['u:lee', 'u:alpha', { type: 'VIP' }]),
  JSON.stringify(['u:kim', 's:99', { type: 'CHATTER', messages: 1 }]),
  JSON.stringify({ group: 'g', topic: 't', partition: 0, offset: '42' }),
  JSON.stringify({ login: 'alpha', requestedBy: 'config', since: 7 }),
];

async function everything(store: EmbeddedGraphStore) {
  return {
    counts: await store.counts(),
    alpha: await store.findStreamer('alpha'),
    audience: await store.channelAudience('1'),
    placeholder: await store.channelAudience('99'),
    offsets: await store.readOffsets('g', 't'),
    monitored: await store.monitoredChannels(),
    games: await store.topGames(5),
  };
}

describe('embedded snapshot formats', () => {
  const tempDir = useTempDirs();

  it('reads a format-1 snapshot (older builds) and saves it as format 2 on the next write, losing nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, SNAPSHOT_FILE), snapshotText(FORMAT_1));
    const store = await open(dir);
    const before = await everything(store);
    expect(before.counts).toMatchObject({ nodes: 7, relationships: 7 });
    expect(before.counts.byType).toMatchObject({ CHATTER: 3, VIP: 1, PLAYS: 1, SPEAKS: 1, IS_PART_OF: 1 });
    expect(before.alpha).toMatchObject({
      id: '1',
      login: 'alpha',
      game: 'Chess',
      language: 'en',
      teams: ['Stars'],
      followers: 10,
    });
    expect(before.audience).toEqual([
      expect.objectContaining({
        login: 'kim',
        messages: 5,
        firstSeen: 1_000,
        lastSeen: 90_000_000,
        daysSeen: 2,
        subscriber: true,
        chatsElsewhere: 1,
      }),
      expect.objectContaining({
        login: 'lee',
        messages: null,
        subscriber: null,
        vipHere: true,
        chatsHere: true,
      }),
    ]);
    expect(before.placeholder).toEqual([expect.objectContaining({ login: 'kim', messages: 1 })]);
    expect(before.offsets).toEqual([{ group: 'g', topic: 't', partition: 0, offset: '42' }]);
    expect(before.monitored).toEqual([{ login: 'alpha', requestedBy: 'config', since: 7 }]);

    await store.addChatters([{ streamerId: '1', login: 'new' }]);
    await store.close();
    const header = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8').split('\n')[0] ?? '{}') as {
      version: number;
    };
    expect(header.version).toBe(2);
    const again = await open(dir);
    const after = await everything(again);
    await again.close();
    expect(after.counts.relationships).toBe(8);
    expect(after.audience?.map((a) => a.login)).toEqual(['kim', 'lee', 'new']);
    expect({ ...after, counts: undefined, audience: undefined }).toEqual({
      ...before,
      counts: undefined,
      audience: undefined,
    });
  });

  it('keeps a graph whose relationships were removed and re-added (slots reused) exactly across a save', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const streamer = (game: string) => ({
      id: '1',
      login: 'alpha',
      displayName: 'Alpha',
      url: '',
      followers: 1,
      totalViewCount: 1,
      createdAt: null,
      description: '',
      language: 'en',
      game,
    });
    await store.upsertStreamers([streamer('Chess')]);
    await store.upsertStreamers([streamer('Go')]);
    await store.addChatters([{ streamerId: '1', login: 'kim' }]);
    await store.upsertStreamers([streamer('Chess')]);
    const before = await everything(store);
    await store.close();
    const again = await open(dir);
    expect(await everything(again)).toEqual(before);
    expect(before.games).toEqual([
      { name: 'Chess', count: 1 },
      { name: 'Go', count: 0 },
    ]);
    await again.close();
  });

  it('refuses a format-2 file whose relationships point outside the graph, even with a matching checksum', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.upsertStreamers([
      {
        id: '1',
        login: 'alpha',
        displayName: 'Alpha',
        url: '',
        followers: 1,
        totalViewCount: 1,
        createdAt: null,
        description: '',
        language: null,
        game: 'Chess',
      },
    ]);
    await store.close();
    const file = join(dir, SNAPSHOT_FILE);
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -2);
    const at = lines.findIndex((l) => l.startsWith('["target"'));
    lines[at] = `["target","${Buffer.from(new Int32Array([1234]).buffer).toString('base64')}"]`;
    writeFileSync(file, snapshotText(lines));
    writeFileSync(`${file}.prev`, '');
    const error = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphStoreError);
    expect((error as GraphStoreError).code).toBe('SNAPSHOT_CORRUPT');
    expect((error as GraphStoreError).message).toMatch(/points outside the graph/);
  });

  it('saves and reloads a login spelled like a stream known only by id (`#5`), each node once', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.upsertStreamers([
      {
        id: '1',
        login: 'alpha',
        displayName: 'Alpha',
        url: '',
        followers: 1,
        totalViewCount: 1,
        createdAt: null,
        description: '',
        language: null,
        game: null,
      },
    ]);
    await store.addChatters([{ streamerId: '1', login: '#5' }]);
    await store.applyChatActivity(
      [
        {
          channelId: '5',
          channelLogin: null,
          login: 'kim',
          messages: 2,
          firstSeen: 1,
          lastSeen: 2,
          days: [0],
          moderator: false,
          vip: false,
          subscriber: false,
        },
      ],
      [],
    );
    const before = {
      counts: await store.counts(),
      one: await store.channelAudience('1'),
      five: await store.channelAudience('5'),
    };
    await store.close();
    const again = await open(dir);
    expect({
      counts: await again.counts(),
      one: await again.channelAudience('1'),
      five: await again.channelAudience('5'),
    }).toEqual(before);
    expect(before.one?.map((a) => a.login)).toEqual(['#5']);
    await again.addChatters([{ streamerId: '1', login: 'late' }]);
    expect((await again.counts()).relationships).toBe(before.counts.relationships + 1);
    await again.close();
  });

  it('writes a big graph in bounded chunks (a 10M-relationship snapshot passed the string limit) that read back whole', async () => {
    const source = EmbeddedGraphStore.inMemory();
    await source.upsertStreamers([
      {
        id: '1',
        login: 'alpha',
        displayName: 'Alpha',
        url: '',
        followers: 1,
        totalViewCount: 1,
        createdAt: null,
        description: '',
        language: 'en',
        game: 'Chess',
      },
    ]);
    await source.addChatters(Array.from({ length: 3_000 }, (_, i) => ({ streamerId: '1', login: `u${i}` })));
    const chunks = serializeSnapshot(source.graph, 0, 1_000);
    const longest = Math.max(
      ...chunks
        .join('')
        .split('\n')
        .map((l) => l.length),
    );
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(1_000 + longest + 1);
    const dir = tempDir();
    await writeSnapshotFile(join(dir, SNAPSHOT_FILE), chunks);
    const again = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    expect(await again.counts()).toEqual(await source.counts());
    expect((await again.channelAudience('1'))?.length).toBe(3_000);
    await again.close();
  });

  it('reads the same graph whatever size the file is read in, and refuses a bad file at the same line', async () => {
    const source = EmbeddedGraphStore.inMemory();
    await source.upsertStreamers([
      {
        id: '1',
        login: 'alpha',
        displayName: 'Alpha',
        url: '',
        followers: 1,
        totalViewCount: 1,
        createdAt: null,
        description: '',
        language: 'en',
        game: 'Chess',
      },
    ]);
    await source.addChatters(Array.from({ length: 500 }, (_, i) => ({ streamerId: '1', login: `ü${i}` })));
    await source.applyChatActivity([], [{ group: 'g', topic: 't', partition: 0, offset: '7', from: '0' }]);
    const dir = tempDir();
    const file = join(dir, SNAPSHOT_FILE);
    await writeSnapshotFile(file, serializeSnapshot(source.graph, 3));
    const whole = await readSnapshotFile(file);
    expect(whole?.journalSeq).toBe(3);
    expect(whole?.model.allOffsets()).toEqual(source.graph.allOffsets());
    for (const chunkBytes of [7, 64, 4096]) {
      const loaded = await readSnapshotFile(file, chunkBytes);
      expect(loaded?.journalSeq).toBe(3);
      expect(loaded?.model.columns()).toEqual(whole?.model.columns());
      expect(loaded?.model.allOffsets()).toEqual(source.graph.allOffsets());
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    const names = lines.findIndex((l) => l.startsWith('["names"'));
    lines[names] = (lines[names] ?? '').replace('ü1', 'ü2');
    writeFileSync(file, lines.join('\n'));
    for (const chunkBytes of [7, undefined])
      await expect(readSnapshotFile(file, chunkBytes)).rejects.toThrow(
        new RegExp(`snapshot ${file}.* unreadable at line ${lines.length - 1}: the checksum does not match`),
      );
  });

  it('reads chat properties back exactly, whether none, one or a few relationships have them, in lines of any size', async () => {
    const streamer = {
      id: '1',
      login: 'alpha',
      displayName: 'Alpha',
      url: '',
      followers: 1,
      totalViewCount: 1,
      createdAt: null,
      description: '',
      language: 'en',
      game: 'Chess',
    };
    const logins = Array.from({ length: 40 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    const cases: [string, string[]][] = [
      ['none', []],
      ['one in the middle', ['v17']],
      ['first and last', ['v00', 'v39']],
    ];
    for (const [what, chatting] of cases) {
      const source = EmbeddedGraphStore.inMemory();
      await source.upsertStreamers([streamer]);
      await source.addChatters(logins.map((login) => ({ streamerId: '1', login })));
      if (chatting.length > 0)
        await source.applyChatActivity(
          chatting.map((login, i) => activity('1', login, { messages: 5 + i, subscriber: i % 2 === 0 })),
          [],
        );
      for (const bytesPerLine of [3, 16, 24, 1 << 20]) {
        const dir = tempDir();
        const file = join(dir, SNAPSHOT_FILE);
        await writeSnapshotFile(file, serializeSnapshot(source.graph, 0, undefined, bytesPerLine));
        const loaded = await readSnapshotFile(file);
        expect([what, bytesPerLine, loaded?.model.columns()]).toEqual([
          what,
          bytesPerLine,
          source.graph.columns(),
        ]);
        const again = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
        const audience = (await again.channelAudience('1')) ?? [];
        expect(
          audience.filter((a) => a.messages !== undefined && a.messages !== null).map((a) => a.login),
        ).toEqual(chatting);
        await again.close();
      }
    }
  });

  it('refuses a changed byte in a column line of absent chat properties (checksum)', async () => {
    const source = EmbeddedGraphStore.inMemory();
    await source.upsertStreamers([
      {
        id: '1',
        login: 'alpha',
        displayName: 'Alpha',
        url: '',
        followers: 1,
        totalViewCount: 1,
        createdAt: null,
        description: '',
        language: 'en',
        game: 'Chess',
      },
    ]);
    await source.addChatters(Array.from({ length: 30 }, (_, i) => ({ streamerId: '1', login: `u${i}` })));
    const dir = tempDir();
    const file = join(dir, SNAPSHOT_FILE);
    await writeSnapshotFile(file, serializeSnapshot(source.graph));
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('["messages"'));
    expect(lines[at]).toMatch(/^\["messages","AAAAAAAA\+H8/);
    lines[at] = (lines[at] ?? '').replace('["messages","AAAAAAAA+H8', '["messages","AAAAAAAA+H9');
    writeFileSync(file, lines.join('\n'));
    await expect(readSnapshotFile(file)).rejects.toThrow(
      /unreadable at line \d+: the checksum does not match/,
    );
  });

  it('reads names with quotes, backslashes and `","` in them as they were saved', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const games = ['Say "hi" \\ back', 'a","b', 'Chess'];
    await store.upsertStreamers(
      games.map((game, i) => ({
        id: String(i + 1),
        login: `s${i}`,
        displayName: `S${i}`,
        url: '',
        followers: i,
        totalViewCount: i,
        createdAt: null,
        description: '',
        language: 'en',
        game,
      })),
    );
    await store.addChatters([
      { streamerId: '1', login: 'kim' },
      { streamerId: '2', login: 'lee' },
    ]);
    const before = { ...(await everything(store)), topGames: await store.topGames(10) };
    await store.close();
    const again = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    expect({ ...(await everything(again)), topGames: await again.topGames(10) }).toEqual(before);
    expect(before.topGames.map((g) => g.name).sort()).toEqual([...games].sort());
    await again.close();
  });

  it('refuses a format-2 column line whose bytes do not fill whole rows, even with a matching checksum', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.upsertStreamers([
      {
        id: '1',
        login: 'alpha',
        displayName: 'Alpha',
        url: '',
        followers: 1,
        totalViewCount: 1,
        createdAt: null,
        description: '',
        language: null,
        game: 'Chess',
      },
    ]);
    await store.addChatters([{ streamerId: '1', login: 'kim' }]);
    await store.close();
    const file = join(dir, SNAPSHOT_FILE);
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -2);
    const at = lines.findIndex((l) => l.startsWith('["messages"'));
    expect(at).toBeGreaterThan(0);
    lines[at] = `["messages","${Buffer.from([1, 2, 3]).toString('base64')}"]`;
    writeFileSync(file, snapshotText(lines));
    writeFileSync(`${file}.prev`, '');
    const error = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphStoreError);
    expect((error as GraphStoreError).message).toMatch(/line \d+: the messages column does not add up/);
  });
});
