/**
 * /streamer and /vip-candidates read a channel's audience in columns (issue 19: one object per member does
 * not scale to a 1M-member channel). Their replies must not change: this compares them with the replies
 * the record-per-member implementation gave, kept in test/fixtures/commands/audience-replies.json, on the
 * demo dataset and on a small generated graph, both with live chat (message counts, days, subscribers) added
 * for some chatters so every signal is scored. `UPDATE_AUDIENCE_GOLDEN=1` rewrites the file (only when a
 * change of the replies is intended and explained).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import type { ChatActivity } from '../../src/domain/graph-records.js';
import { generateDataset } from '../../src/generate/synthetic-dataset.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/commands/audience-replies.json', import.meta.url));
const NOW = new Date(Date.UTC(2026, 0, 20));
const DAY = 86_400_000;
const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

/** Live chat for about a third of the biggest channels' chatters, from a fixed seed. */
async function addLiveChat(graph: GraphStore, channels: readonly { id: string; login: string }[]) {
  const random = seededRandom(19);
  const rows: ChatActivity[] = [];
  for (const channel of channels) {
    for (const member of (await graph.channelAudience(channel.id)) ?? []) {
      if (random() > 0.35) continue;
      const last = NOW.getTime() - Math.floor(random() * 60) * DAY;
      const days = Array.from(
        { length: 1 + Math.floor(random() * 25) },
        (_, i) => Math.floor(last / DAY) - 2 * i,
      ).reverse();
      rows.push({
        channelId: channel.id,
        channelLogin: channel.login,
        login: member.login,
        // Some equal counts, so ties are broken by the later keys.
        messages: 1 + Math.floor(random() * 40) * (random() < 0.5 ? 1 : 25),
        firstSeen: last - 30 * DAY,
        lastSeen: last,
        days,
        moderator: false,
        vip: random() < 0.02,
        subscriber: random() < 0.3,
      });
    }
  }
  await graph.applyChatActivity(rows, []);
}

async function replies(graph: GraphStore, channels: number): Promise<Record<string, unknown>> {
  const top = await graph.topStreamers('followers', channels);
  const lines = top.flatMap((s) => [
    `/streamer ${s.login}`,
    `/vip-candidates ${s.login} 25`,
    `/vip-candidates ${s.login} 7 moderator`,
  ]);
  const out: Record<string, unknown> = {};
  // Before and after live chat: CSV-only data ranks on fewer signals.
  for (const stage of ['csv', 'live']) {
    if (stage === 'live') await addLiveChat(graph, top.slice(0, 3));
    for (const line of lines) {
      const { reply } = await dispatch(parseCommandLine(line, definitions), registry, {
        graph,
        now: () => NOW,
      });
      // The view behind the picture is connections() of the nodes drawn, unchanged here: the drawn nodes
      // with their weights are what the ranking decides.
      const { view: _view, ...data } = (reply.data ?? {}) as Record<string, unknown>;
      const pictures = reply.pictures.map((p) =>
        p.kind === 'graph' ? { ...p, input: { ...p.input, links: p.input.links.length } } : p,
      );
      out[`${stage} ${line}`] = JSON.parse(JSON.stringify({ ...reply, data, pictures })) as unknown;
    }
  }
  return out;
}

describe('/streamer and /vip-candidates replies stay as they were', () => {
  let dir: string;
  const actual: Record<string, Record<string, unknown>> = {};
  beforeAll(async () => {
    const demo = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), demo);
    actual.demo = await replies(demo, 4);
    dir = await mkdtemp(join(tmpdir(), 'audience-golden-'));
    await generateDataset(dir, { streamers: 120, chatterEdges: 12_000, seed: 5, bots: 4 });
    const generated = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(dir, generated);
    actual.generated = await replies(generated, 3);
    if (process.env.UPDATE_AUDIENCE_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(actual)}\n`);
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['demo', 'generated'])('on the %s graph', (dataset) => {
    expect(existsSync(GOLDEN)).toBe(true);
    const expected = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Record<string, unknown>>)[
      dataset
    ];
    const got = actual[dataset] ?? {};
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected ?? {}).sort());
    for (const [line, reply] of Object.entries(got))
      expect({ line, reply }).toEqual({ line, reply: expected?.[line] });
  });
});
