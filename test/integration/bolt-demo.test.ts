/**
 * The real demo dataset imported over Bolt (Neo4j) answers every seed question exactly as the embedded
 * store does: top lists, every streamer's neighbourhood, streamers by language and game, counts, lists,
 * the pictures behind top lists, PageRank and betweenness; and the commands reply alike.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { replyJson } from '../../src/cli/reply-text.js';
import { parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import type { BoltGraphStore } from '../../src/graph/bolt/bolt-store.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore, ScoredNode } from '../../src/graph/graph-store.port.js';
import type { ImportSummary } from '../../src/ingest/csv/seed-importer.js';
import { BotDetector } from '../../src/insights/bot-detector.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { emptyBoltStore } from '../support/bolt.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

const TOLERANCE = 1e-6;

let bolt: BoltGraphStore;
let embedded: EmbeddedGraphStore;
let boltImport: ImportSummary;
let embeddedImport: ImportSummary;

beforeAll(async () => {
  bolt = await emptyBoltStore(inject('neo4jUrl'));
  embedded = EmbeddedGraphStore.inMemory();
  boltImport = await importSeedDirectory(demoDatasetDir(), bolt);
  embeddedImport = await importSeedDirectory(demoDatasetDir(), embedded);
});

afterAll(async () => {
  await bolt.close();
  await embedded.close();
});

/** Ask both stores the same thing. */
async function both<T>(question: (store: GraphStore) => Promise<T>): Promise<[T, T]> {
  return [await question(bolt), await question(embedded)];
}

function expectScoresClose(actual: readonly ScoredNode[], expected: readonly ScoredNode[]): void {
  expect(actual.map((r) => [r.name, r.kind])).toEqual(expected.map((r) => [r.name, r.kind]));
  actual.forEach((row, i) =>
    expect(Math.abs(row.score - (expected[i]?.score ?? NaN))).toBeLessThan(TOLERANCE),
  );
}

describe('demo dataset over Bolt (Neo4j) vs embedded', () => {
  it('imports the same rows', () => {
    const files = (s: ImportSummary) => s.files.map((f) => [f.read, f.written, f.rejected, f.oddLogins]);
    expect(files(boltImport)).toEqual(files(embeddedImport));
    expect(boltImport.written).toBeGreaterThan(29_000);
  });

  it('counts the same nodes and relationships', async () => {
    const [actual, expected] = await both((s) => s.counts());
    expect(actual).toEqual(expected);
    expect(actual.byType.CHATTER).toBeGreaterThan(28_000);
  });

  it('gives the same top lists', async () => {
    const questions: ((s: GraphStore) => Promise<unknown[]>)[] = [
      (s: GraphStore) => s.topGames(50),
      (s: GraphStore) => s.topTeams(50),
      (s: GraphStore) => s.topRoleHolders('VIP', 50),
      (s: GraphStore) => s.topRoleHolders('MODERATOR', 50),
      (s: GraphStore) => s.topRoleHolders('MODERATOR', 50, { excludeLogins: ['nightbot', 'streamelements'] }),
      (s: GraphStore) => s.topStreamers('views', 50),
      (s: GraphStore) => s.topStreamers('followers', 50),
    ];
    for (const question of questions) {
      const [actual, expected] = await both(question);
      expect(actual).toEqual(expected);
      expect(actual.length).toBeGreaterThan(0);
    }
  });

  it('lists the same names', async () => {
    for (const kind of ['streamer', 'game', 'language', 'team'] as const) {
      const [actual, expected] = await both((s) => s.listNames(kind));
      expect(actual).toEqual(expected);
    }
  });

  it("describes every streamer's neighbourhood the same way", async () => {
    const logins = await embedded.listNames('streamer');
    expect(logins.length).toBeGreaterThan(50);
    for (const login of logins) {
      const [found, expectedFound] = await both((s) => s.findStreamer(login));
      expect(found).toEqual(expectedFound);
      const id = found?.id ?? '';
      const [actual, expected] = await both((s) => s.neighbourhood(id, { chatterLimit: 25 }));
      expect(actual, login).toEqual(expected);
    }
  });

  it("finds the same flagged accounts in every channel's audience", async () => {
    const flagged = await new BotDetector(embedded).logins();
    for (const login of await embedded.listNames('streamer')) {
      const id = (await embedded.findStreamer(login))?.id ?? '';
      const [actual, expected] = await both((s) => s.presentIn(id, flagged));
      expect(actual, login).toEqual(expected);
    }
    expect(await bolt.presentIn((await bolt.findStreamer('lck_korea'))?.id ?? '', flagged)).toEqual([
      '2020',
      'aten',
      'moobot',
    ]);
  });

  it('lists the same streamers by language and by game', async () => {
    const languages = await embedded.listNames('language');
    const games = await embedded.listNames('game');
    const filters = [
      { language: null, game: null },
      ...languages.map((language) => ({ language: language.toUpperCase(), game: null })),
      ...games.map((game) => ({ language: null, game: game.toLowerCase() })),
      { language: 'en', game: 'Just Chatting' },
    ];
    for (const filter of filters) {
      const [actual, expected] = await both((s) => s.streamersBy(filter));
      expect(actual, JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('draws the same picture behind a top list', async () => {
    const vips = (await embedded.topRoleHolders('VIP', 10)).map((r) => ({
      kind: 'User' as const,
      name: r.name,
    }));
    const streamers = (await embedded.topStreamers('followers', 10)).map((s) => ({
      kind: 'Stream' as const,
      name: s.login,
    }));
    const [actual, expected] = await both((s) => s.connections([...streamers, ...vips]));
    // Same nodes in the same order: both adapters build the view in graph-views.ts.
    expect(actual.nodes).toEqual(expected.nodes);
    expect(actual.links).toEqual(expected.links);
    expect(actual.links.length).toBeGreaterThan(10);
  });

  it('ranks the same users and streams by PageRank', async () => {
    const [actual, expected] = await both((s) => s.pagerank({ limit: 50 }));
    expect(actual).toHaveLength(50);
    expectScoresClose(actual, expected);
  });

  it('ranks the same users and streams by betweenness', async () => {
    const [actual, expected] = await both((s) => s.betweenness({ limit: 50 }));
    expect({ ...actual, rows: [] }).toEqual({ ...expected, rows: [] });
    expect(actual.rows).toHaveLength(50);
    expectScoresClose(actual.rows, expected.rows);
  });

  it('answers every seed command with the same reply', async () => {
    const registry = buildRegistry();
    const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
    const lines = [
      '/top games 10',
      '/top teams 10',
      '/top vips 10',
      '/top moderators 10',
      '/top streamers-by-views 10',
      '/top streamers-by-followers 10',
      '/streamer lck_korea',
      // The audience in columns, its PageRank column and chatsIn (audience affinity) on both backends.
      '/vip-candidates lck_korea 25',
      '/streamers en',
      '/streamers ko "League of Legends"',
      '/pagerank 10',
      '/betweenness 10',
      '/stats',
    ];
    for (const line of lines) {
      const invocation = parseCommandLine(line, definitions);
      const [actual, expected] = await both((graph) => dispatch(invocation, registry, { graph }));
      expect(actual.outcome, line).toBe('ok');
      // `/stats` names the backend; everything else must be identical, the pictures' names and alt texts included.
      const normal = (json: string) => json.replace(/\b(neo4j|embedded)\b/g, '<backend>');
      expect(normal(replyJson(actual.reply)), line).toEqual(normal(replyJson(expected.reply)));
    }
  });
});
