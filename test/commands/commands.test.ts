import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { helpCommand } from '../../src/commands/help.command.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { statsCommand } from '../../src/commands/stats.command.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { GraphStoreError } from '../../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

describe('commands on the demo dataset', () => {
  let graph: GraphStore;
  const run = (line: string, store: GraphStore = graph) =>
    dispatch(parseCommandLine(line, definitions), registry, { graph: store });

  beforeAll(async () => {
    graph = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), graph);
  });

  it('/top games lists League of Legends and Grand Theft Auto V first, 7 streamers each', async () => {
    const { outcome, reply } = await run('/top games 5');
    expect(outcome).toBe('ok');
    expect(reply.table?.rows).toHaveLength(5);
    expect(
      reply.table?.rows
        .slice(0, 2)
        .map((r) => [r[1], r[2]])
        .sort(),
    ).toEqual([
      ['Grand Theft Auto V', '7'],
      ['League of Legends', '7'],
    ]);
    expect(reply.table?.rows[2]).toEqual(['3', 'Just Chatting', '6']);
  });

  it('with pictures off, answers the same text without the pictures (or the reads behind them)', async () => {
    for (const line of [
      '/top games 5',
      '/streamer lck_korea',
      '/streamers en',
      '/pagerank 10',
      '/betweenness 10',
      '/overlap lck_korea',
    ]) {
      const pictured = await dispatch(parseCommandLine(line, definitions), registry, { graph });
      const text = await dispatch(parseCommandLine(line, definitions), registry, { graph, pictures: false });
      expect(pictured.reply.pictures.length, line).toBeGreaterThan(0);
      expect(text.reply.pictures, line).toEqual([]);
      const { pictures: _a, ...withPictures } = pictured.reply;
      const { pictures: _b, ...withoutPictures } = text.reply;
      expect(withoutPictures, line).toEqual(withPictures);
    }
  });

  it('clamps limits with a note instead of failing', async () => {
    const big = await run('/top teams 500');
    expect(big.outcome).toBe('ok');
    expect(big.reply.notes).toContain('limit 500 lowered to 50 (the most this command shows)');
    const small = await run('/top vips 0');
    expect(small.reply.table?.rows).toHaveLength(1);
    expect(small.reply.notes[0]).toMatch(/raised to 1/);
  });

  it('rejects a limit that is not a number, with usage', async () => {
    const { outcome, reply } = await run('/top games ten');
    expect(outcome).toBe('bad-arguments');
    expect(reply.ephemeral).toBe(true);
    expect(reply.description).toContain('limit must be a whole number');
    expect(reply.notes).toContain('Usage: /top games [limit]');
  });

  it('ranks streamers by followers and by views', async () => {
    const followers = await run('/top streamers-by-followers 3');
    const views = await run('/top streamers-by-views 1');
    const data = followers.reply.data as { followers: number }[];
    expect(data.map((s) => s.followers)).toEqual([...data.map((s) => s.followers)].sort((a, b) => b - a));
    expect((views.reply.data as { login: string; views: number }[])[0]).toMatchObject({
      login: 'fextralife',
      views: 1_568_845_490,
    });
  });

  it('/streamer shows the neighbourhood, found by display name in any case', async () => {
    const { outcome, reply } = await run('/streamer BADBOYHALO');
    expect(outcome).toBe('ok');
    expect(reply.title).toBe('BadBoyHalo (badboyhalo)');
    expect(reply.fields?.find((f) => f.name === 'Teams')?.value).toBe('dreamsmp');
    expect(reply.fields?.find((f) => f.name.startsWith('VIPs'))?.value).toContain('captainpuffy');
  });

  it('/streamer says when there is no such streamer', async () => {
    const { outcome, reply } = await run('/streamer nobody_here');
    expect(outcome).toBe('ok');
    expect(reply.status).toBe('error');
    expect(reply.ephemeral).toBe(true);
    expect(reply.description).toContain('nobody_here');
  });

  it('/streamers filters by language and game', async () => {
    const ko = await run('/streamers ko');
    expect((ko.reply.data as unknown[]).length).toBe(5);
    const lol = await run('/streamers ko "League of Legends"');
    expect(
      (lol.reply.data as { language: string; game: string }[]).every(
        (s) => s.language === 'ko' && s.game === 'League of Legends',
      ),
    ).toBe(true);
    const none = await run('/streamers xx');
    expect(none.reply.status).toBe('empty');
  });

  it('/stats counts by label and relationship type', async () => {
    const { reply } = await run('/stats');
    expect(reply.data).toMatchObject({ CHATTER: 28_950, VIP: 305, MODERATOR: 457, Stream: 57, Game: 28 });
  });

  it('/pagerank and /betweenness list users and streams with the mode', async () => {
    const pr = await run('/pagerank 5');
    expect(pr.reply.table?.rows).toHaveLength(5);
    expect(pr.reply.table?.rows[0]?.[1]).toBe('lck_korea');
    const bc = await run('/betweenness 3');
    expect(bc.reply.notes.some((n) => n.startsWith('Exact betweenness over 28,624 nodes'))).toBe(true);
  });

  it('/help lists every command as text, never as a picture', async () => {
    const { reply } = await run('/help');
    const usages = reply.fields?.map((f) => f.name) ?? [];
    for (const name of registry.keys()) expect(usages.some((u) => u.startsWith(`/${name}`))).toBe(true);
    expect(reply.table).toBeUndefined();
    expect(reply.pictures).toEqual([]);
    expect(reply.fields?.find((f) => f.name.startsWith('/communities'))?.value).toContain('shared audience');
  });

  it('/help lists the commands of the registry it is dispatched in, in order', async () => {
    const small = buildRegistry([statsCommand, helpCommand]);
    const { reply } = await dispatch({ command: 'help', options: {} }, small, { graph });
    expect(reply.fields?.map((f) => f.name)).toEqual(['/stats', '/help']);
  });

  it('says the graph is empty when it is', async () => {
    const { reply } = await run('/top games', EmbeddedGraphStore.inMemory());
    expect(reply.status).toBe('empty');
    expect(reply.description).toMatch(/graph is empty/);
  });

  it('turns a failing store into a short error reply', async () => {
    const broken = EmbeddedGraphStore.inMemory();
    broken.topGames = () =>
      Promise.reject(new GraphStoreError('connection reset', 'GRAPH_UNAVAILABLE', true));
    const { outcome, reply, error } = await run('/top games', broken);
    expect(outcome).toBe('failed');
    expect(reply.ephemeral).toBe(true);
    expect(reply.description).toMatch(/try again/);
    expect(error).toBeInstanceOf(GraphStoreError);
  });
});
