/**
 * Foundation figures: CSV import and query latency on the demo dataset and on a generated graph with
 * one million CHATTER relationships (embedded store).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../src/commands/dispatcher.js';
import { parseCommandLine } from '../src/commands/command-line.js';
import { buildRegistry } from '../src/commands/registry.js';
import { generateDataset } from '../src/generate/synthetic-dataset.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import { drawReply } from '../src/render/draw-pictures.js';
import { demoDatasetDir } from '../test/support/demo-dataset.js';
import type { BenchRow } from './bench-kit.js';
import { measure, round, rssMiB } from './bench-kit.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

async function ask(graph: GraphStore, line: string, pictures = true): Promise<void> {
  const result = await dispatch(parseCommandLine(line, definitions), registry, { graph, pictures });
  if (result.outcome !== 'ok')
    throw new Error(`${line}: ${result.outcome} ${result.reply.description ?? ''}`);
  // Commands return pictures as data; the front ends that show them draw them, so the figure does too.
  if (pictures) await drawReply(result.reply);
}

async function commandRows(
  graph: GraphStore,
  label: string,
  lines: readonly string[],
  runs: number,
  pictures = true,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const what = pictures ? label : `${label}, text only`;
  for (const line of lines)
    rows.push(
      await measure(`${line} (${what})`, () => ask(graph, line, pictures), {
        runs,
        warmup: 2,
        ...(pictures ? {} : { note: 'the reply without drawing its pictures (what a text front end needs)' }),
      }),
    );
  return rows;
}

export async function benchFoundation(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const demo = demoDatasetDir();

  rows.push(
    await measure(
      'import demo dataset (embedded, in memory)',
      () => importSeedDirectory(demo, EmbeddedGraphStore.inMemory()),
      {
        runs: 10,
        warmup: 1,
        note: '57 streamers, 29,819 rows',
      },
    ),
  );
  const dir = await mkdtemp(join(tmpdir(), 'twitchgraph-bench-'));
  let n = 0;
  rows.push(
    await measure(
      'import demo dataset (embedded, with snapshot written)',
      async () => {
        n += 1;
        const store = await EmbeddedGraphStore.open({ dataDir: join(dir, String(n)), command: 'bench' });
        await importSeedDirectory(demo, store);
        await store.close();
      },
      { runs: 5, warmup: 1 },
    ),
  );

  const demoStore = EmbeddedGraphStore.inMemory();
  await importSeedDirectory(demo, demoStore);
  // The commands that draw pictures are measured twice: as sent (pictures drawn) and text only.
  const demoPictured = [
    '/top games 10',
    '/top vips 10',
    '/top streamers-by-views 10',
    '/streamer lck_korea',
    '/streamers en',
  ];
  rows.push(
    ...(await commandRows(demoStore, 'demo', [...demoPictured, '/stats'], 50)),
    ...(await commandRows(demoStore, 'demo', demoPictured, 50, false)),
    ...(await commandRows(demoStore, 'demo', ['/pagerank 50', '/betweenness 50'], 5)),
    ...(await commandRows(
      demoStore,
      'demo',
      ['/vip-candidates lck_korea', '/overlap lck_korea', '/overlap badboyhalo boxbox'],
      20,
    )),
  );

  // One million CHATTER relationships, generated once and kept in .cache/ between runs.
  const generated = join(process.cwd(), '.cache', 'bench', 'generated-1m-seed1');
  if (!existsSync(join(generated, 'chatters.csv'))) {
    await generateDataset(generated, { streamers: 2_000, chatterEdges: 1_000_000, seed: 1, bots: 8 });
  }
  const big = EmbeddedGraphStore.inMemory();
  const rssBefore = rssMiB();
  const started = performance.now();
  const summary = await importSeedDirectory(generated, big, { batchSize: 20_000 });
  const importMs = performance.now() - started;
  const counts = await big.counts();
  rows.push({
    name: 'import generated graph (embedded, in memory)',
    median_ms: round(importMs),
    p95_ms: round(importMs),
    runs: 1,
    note: `${summary.read.toLocaleString('en-US')} rows → ${counts.nodes.toLocaleString('en-US')} nodes, ${counts.relationships.toLocaleString('en-US')} relationships; RSS ${rssBefore} → ${rssMiB()} MiB`,
  });
  const [topStreamer] = await big.topStreamers('followers', 1);
  const bigPictured = [
    '/top games 10',
    '/top vips 10',
    '/top moderators 10',
    '/top streamers-by-followers 10',
    `/streamer ${topStreamer?.login ?? 'x'}`,
    '/streamers en',
  ];
  rows.push(
    ...(await commandRows(big, '1M edges', [...bigPictured, '/stats'], 20)),
    ...(await commandRows(
      big,
      '1M edges',
      [...bigPictured, `/overlap ${topStreamer?.login ?? 'x'}`],
      20,
      false,
    )),
  );
  rows.push(
    await measure('/pagerank 50 (1M edges, projection cached)', () => ask(big, '/pagerank 50'), {
      runs: 3,
      warmup: 1,
    }),
  );
  rows.push(
    ...(await commandRows(
      big,
      '1M edges',
      [`/vip-candidates ${topStreamer?.login ?? 'x'}`, `/overlap ${topStreamer?.login ?? 'x'}`],
      20,
    )),
  );
  rows.push({
    name: 'RSS after the 1M-edge benchmarks',
    median_ms: 0,
    p95_ms: 0,
    runs: 1,
    note: `${rssMiB()} MiB`,
  });
  await rm(dir, { recursive: true, force: true });
  return rows;
}
