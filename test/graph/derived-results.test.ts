/**
 * Whole-graph results (bot flags, communities, PageRank and betweenness) are kept with the graph's version and
 * on disk beside the snapshot (derived-file.ts), so a cold `ask` reuses them (issue 19). What must hold: an
 * answer from kept results is the answer computed afresh; a write makes them stale at once, in this process
 * and on disk; a file made for another graph, or damaged, is ignored.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { generateDataset } from '../../src/generate/synthetic-dataset.js';
import { BETWEENNESS_DEFAULTS } from '../../src/graph/algorithms/betweenness.js';
import { DERIVED_FILE, readDerivedFile, writeDerivedFile } from '../../src/graph/embedded/derived-file.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { betweennessRows, pagerankRows } from '../../src/graph/in-process-algorithms.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { BOT_FLAGS_RESULT, BotDetector } from '../../src/insights/bot-detector.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
const NOW = () => new Date(Date.UTC(2026, 0, 20));

async function answers(graph: GraphStore, channel: string): Promise<Record<string, unknown>> {
  const lines = [
    '/pagerank 25',
    '/pagerank 25 exclude_bots:true',
    '/betweenness 25',
    '/communities 25',
    '/communities 25 exclude_bots:false',
    `/streamer ${channel}`,
    `/vip-candidates ${channel} 25`,
    '/top vips 10',
  ];
  const out: Record<string, unknown> = {};
  // One detector per process, as `ask` and `start` hold one.
  const bots = new BotDetector(graph);
  for (const line of lines) {
    const { reply, outcome } = await dispatch(parseCommandLine(line, definitions), registry, {
      graph,
      bots,
      now: NOW,
      pictures: false,
    });
    expect(outcome, line).toBe('ok');
    // As text: `ask --json` prints the reply's keys in their order, so the order must match too.
    out[line] = JSON.stringify(reply, null, 1);
  }
  return out;
}

const headerOf = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8').split('\n', 1)[0] ?? '{}') as { key: string };

describe('derived results kept beside the snapshot', () => {
  let csv: string;
  let dataDir: string;
  let channel: string;
  let fresh: Record<string, unknown>;

  beforeAll(async () => {
    csv = await mkdtemp(join(tmpdir(), 'derived-csv-'));
    dataDir = await mkdtemp(join(tmpdir(), 'derived-store-'));
    await generateDataset(csv, { streamers: 60, chatterEdges: 6_000, seed: 7, bots: 4 });
    const writer = await EmbeddedGraphStore.open({ dataDir });
    await importSeedDirectory(csv, writer);
    await writer.flush();
    channel = (await writer.topStreamers('followers', 1))[0]?.login ?? '';
    fresh = await answers(writer, channel);
    await writer.close();
  }, 60_000);
  afterAll(async () => {
    await rm(csv, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a new process reading the store answers from them exactly as computed afresh', async () => {
    const kept = await readDerivedFile(dataDir, headerOf(join(dataDir, DERIVED_FILE)).key);
    expect([...(kept?.keys() ?? [])]).toEqual(
      expect.arrayContaining([BOT_FLAGS_RESULT, 'communities', 'pagerank']),
    );
    const reader = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
    expect(await answers(reader, channel)).toEqual(fresh);
    await reader.close();
  });

  it('reads what the file holds for this graph, and nothing kept for another', async () => {
    const file = join(dataDir, DERIVED_FILE);
    const original = readFileSync(file);
    const { key } = headerOf(file);
    const flag = {
      login: 'kept_only_on_disk',
      signals: [{ kind: 'bot-like-name' }],
      reason: 'bot-like name',
    };
    try {
      for (const [fileKey, seen] of [
        [key, true],
        [`${key}x`, false],
      ] as const) {
        await writeDerivedFile(dataDir, fileKey, new Map([[BOT_FLAGS_RESULT, { extra: [], flags: [flag] }]]));
        const reader = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
        expect((await new BotDetector(reader).logins()).includes(flag.login)).toBe(seen);
        await reader.close();
      }
      // Kept with other configured bots, the flags are not these flags.
      await writeDerivedFile(dataDir, key, new Map([[BOT_FLAGS_RESULT, { extra: [], flags: [flag] }]]));
      const reader = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
      expect(await new BotDetector(reader, { extraLogins: ['someone'] }).logins()).not.toContain(flag.login);
      await reader.close();
    } finally {
      writeFileSync(file, original);
    }
  });

  it('ignores a damaged file and answers as computed afresh', async () => {
    const file = join(dataDir, DERIVED_FILE);
    const original = readFileSync(file);
    try {
      const damaged = Buffer.from(original);
      damaged[damaged.length - 3] = (damaged[damaged.length - 3] ?? 0) ^ 0xff;
      writeFileSync(file, damaged);
      const reader = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
      expect(await answers(reader, channel)).toEqual(fresh);
      await reader.close();
      writeFileSync(file, original.subarray(0, original.length - 100));
      const cut = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
      expect(await answers(cut, channel)).toEqual(fresh);
      await cut.close();
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a write makes them stale at once, in the writer and for the next reader', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'derived-write-'));
    try {
      const writer = await EmbeddedGraphStore.open({ dataDir: copy });
      await importSeedDirectory(csv, writer);
      await writer.flush();
      let clock = 0;
      const bots = new BotDetector(writer, { now: () => clock });
      expect(await bots.logins()).not.toContain('everywhere_now');
      const before = await writer.pagerank({ limit: 5 });
      // An account that joins every channel moves PageRank at once, and is a bot once the flags made
      // before the write are a minute old (live chat writes every second; bots change slowly).
      const streams = await writer.streamersBy({ language: null, game: null });
      await writer.addChatters(streams.map((s) => ({ login: 'everywhere_now', streamerId: s.id })));
      expect(await writer.pagerank({ limit: 5 })).not.toEqual(before);
      clock = 59_000;
      expect(await bots.logins()).not.toContain('everywhere_now');
      clock = 61_000;
      expect(await bots.logins()).toContain('everywhere_now');
      const afterWrite = await answers(writer, channel);
      await writer.close();

      // The next process sees the write at once: the flags on disk were made for the graph it reads.
      const reader = await EmbeddedGraphStore.open({ dataDir: copy, readOnly: true });
      expect(await new BotDetector(reader).logins()).toContain('everywhere_now');
      expect(await answers(reader, channel)).toEqual(afterWrite);
      await reader.close();
      // And equal to computing with no file at all.
      await rm(join(copy, DERIVED_FILE));
      const bare = await EmbeddedGraphStore.open({ dataDir: copy, readOnly: true });
      expect(await answers(bare, channel)).toEqual(afterWrite);
      await bare.close();
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }, 60_000);

  it('rows from scores by node are the rows from the projection, ties included', async () => {
    const store = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(csv, store);
    const projection = store.graph.projection([]);
    const nodes = projection.nodes.length;
    for (const limit of [1, 7, 50, 400, nodes]) {
      expect(await store.pagerank({ limit })).toEqual(pagerankRows(projection, { limit }));
      expect(await store.betweenness({ limit })).toEqual(
        betweennessRows(projection, { limit }, BETWEENNESS_DEFAULTS),
      );
    }
    // Many chatters of one channel share a score: the order among them is by name.
    const rows = await store.pagerank({ limit: nodes });
    const tied = rows.filter((r, i) => rows[i + 1]?.score === r.score).length;
    expect(tied).toBeGreaterThan(100);
  });
});
