/** /communities on hand-built graphs with planted communities, and on the demo dataset. */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import type { CommandPorts } from '../../src/commands/command.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { strongestLinks } from '../../src/commands/communities.command.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { BotDetector } from '../../src/insights/bot-detector.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { drawReply } from '../../src/render/draw-pictures.js';
import { streamer } from '../contract/graph-store.contract.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
const run = (line: string, ports: CommandPorts) =>
  dispatch(parseCommandLine(line, definitions), registry, ports);

/** Two planted groups: Korean League channels and English GTA channels, chatters shared within each. */
async function plantedStore() {
  const graph = EmbeddedGraphStore.inMemory();
  const ko = ['k1', 'k2', 'k3', 'k4'];
  const en = ['e1', 'e2', 'e3'];
  await graph.upsertStreamers([
    ...ko.map((login, i) => streamer(`1${i}`, login, { game: 'League of Legends', language: 'ko' })),
    ...en.map((login, i) => streamer(`2${i}`, login, { game: 'Grand Theft Auto V', language: 'en' })),
    streamer('99', 'alone', { game: 'Chess', language: 'de' }),
  ]);
  const chat = (ids: string[], people: number, prefix: string) =>
    ids.flatMap((id) =>
      Array.from({ length: people }, (_, p) => ({ streamerId: id, login: `${prefix}${p}` })),
    );
  await graph.addChatters([
    ...chat(['10', '11', '12', '13'], 8, 'kfan'),
    // k1 is the biggest channel (13 chatters), then k4 (9, with the bridge), then k2 and k3 (8).
    ...chat(['10'], 5, 'konly'),
    ...chat(['20', '21', '22'], 6, 'efan'),
    // One person in both groups: a weak bridge.
    { streamerId: '13', login: 'bridge' },
    { streamerId: '20', login: 'bridge' },
  ]);
  return graph;
}

describe('/communities', () => {
  it('finds the planted communities and describes them', async () => {
    const graph = await plantedStore();
    const { reply } = await run('/communities', { graph, pictures: false });
    expect(reply.status).toBe('ok');
    const rows = reply.table?.rows ?? [];
    expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[4]])).toEqual([
      ['1', '4', 'k1, k4, k2, k3', 'ko (4)', 'League of Legends (4)'],
      ['2', '3', 'e1, e2, e3', 'en (3)', 'Grand Theft Auto V (3)'],
    ]);
    expect(reply.notes.join(' ')).toContain('1 channels share no chatter');
    const data = reply.data as { modularity: number; communities: { modularity: number }[] };
    // Inside: 6 League pairs × 8 + 3 GTA pairs × 6 = 66 of 67 (the bridge); degrees 97 and 37.
    expect(data.modularity).toBeCloseTo(66 / 67 - (97 / 134) ** 2 - (37 / 134) ** 2, 12);
    expect(data.communities.reduce((s, c) => s + c.modularity, 0)).toBeCloseTo(data.modularity, 12);
  });

  it('limits the rows and says how many communities are left out', async () => {
    const graph = await plantedStore();
    const { reply } = await run('/communities 1', { graph, pictures: false });
    expect(reply.table?.rows).toHaveLength(1);
    expect(reply.notes).toContain('1 smaller communities not listed.');
  });

  it('asks for a map, which draws', async () => {
    const graph = await plantedStore();
    const { reply } = await run('/communities', { graph });
    expect(reply.pictures.map((p) => [p.name, p.kind])).toEqual([['communities.png', 'communityMap']]);
    const drawn = await drawReply(reply);
    expect(drawn.images.map((i) => [i.name, i.kind])).toEqual([['communities.png', 'graph']]);
    expect(drawn.notes.join(' ')).not.toContain('could not be drawn');
    expect(drawn.images[0]?.png.subarray(1, 4).toString()).toBe('PNG');
  });

  it("keeps each channel's strongest links for the map", () => {
    const pairs = [
      { a: 'a', b: 'b', shared: 9 },
      { a: 'a', b: 'c', shared: 1 },
      { a: 'a', b: 'd', shared: 5 },
      { a: 'b', b: 'c', shared: 2 },
      { a: 'c', b: 'd', shared: 3 },
    ];
    // a keeps a–b; b keeps a–b; c keeps c–d; d keeps a–d.
    expect(strongestLinks(pairs, 1)).toEqual([pairs[0], pairs[2], pairs[4]]);
    expect(strongestLinks(pairs, 5)).toEqual(pairs);
  });

  it('says so when no channel shares a chatter', async () => {
    const { reply } = await run('/communities', { graph: EmbeddedGraphStore.inMemory(), pictures: false });
    expect(reply.status).toBe('empty');
    expect(reply.notes.join(' ')).toContain('The graph is empty');
  });

  it('groups the demo channels by language and game, the same answer every time', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), graph);
    const ports = { graph, bots: new BotDetector(graph), pictures: false };
    const first = await run('/communities', ports);
    const again = await run('/communities', ports);
    expect(again.reply.table).toEqual(first.reply.table);
    const rows = first.reply.table?.rows ?? [];
    expect(rows.length).toBeGreaterThanOrEqual(3);
    // The Korean League of Legends channels end up together.
    const lck = rows.find((r) => r[2]?.includes('lck_korea'));
    expect(lck?.[2]).toContain('lck');
    expect(lck?.[3]).toMatch(/^ko/);
    expect(lck?.[4]).toMatch(/^League of Legends/);
    const data = first.reply.data as { modularity: number };
    expect(data.modularity).toBeGreaterThan(0.2);
  });
});
