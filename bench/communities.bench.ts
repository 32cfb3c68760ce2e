/**
 * `/communities` (issue 15): the shared-audience graph read, Louvain, and the whole command with its map,
 * on the demo dataset and on the generated graph with one million CHATTER relationships (embedded store);
 * plus `/streamer`, which now reads the channel's community and nearest channels too. Memory: RSS and heap
 * around the first run on the big graph.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../src/commands/dispatcher.js';
import { parseCommandLine } from '../src/commands/command-line.js';
import { buildRegistry } from '../src/commands/registry.js';
import { generateDataset } from '../src/generate/synthetic-dataset.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import { BotDetector } from '../src/insights/bot-detector.js';
import { detectCommunities } from '../src/insights/communities.js';
import { drawReply } from '../src/render/draw-pictures.js';
import { demoDatasetDir } from '../test/support/demo-dataset.js';
import type { BenchRow } from './bench-kit.js';
import { measure, rssMiB } from './bench-kit.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

async function ask(graph: GraphStore, bots: BotDetector, line: string, pictures = true): Promise<void> {
  const result = await dispatch(parseCommandLine(line, definitions), registry, { graph, bots, pictures });
  if (result.outcome !== 'ok')
    throw new Error(`${line}: ${result.outcome} ${result.reply.description ?? ''}`);
  // Commands return pictures as data; the front ends that show them draw them, so the figure does too.
  if (pictures) await drawReply(result.reply);
}

const heapMiB = () => Math.round(process.memoryUsage().heapUsed / 1024 / 1024);

let written = 0;

async function rowsFor(graph: EmbeddedGraphStore, label: string, runs: number): Promise<BenchRow[]> {
  const bots = new BotDetector(graph);
  const excluded = await bots.logins();
  const input = await graph.sharedAudienceGraph({ excludeLogins: excluded });
  const result = detectCommunities(input);
  const [top] = await graph.topStreamers('followers', 1);
  const shape = `${input.channels.length.toLocaleString('en-US')} channels, ${input.pairs.length.toLocaleString('en-US')} linked pairs, ${result.communities.length} communities, modularity ${result.modularity.toFixed(3)}`;
  return [
    await measure(
      `shared-audience graph read, cached until a change (${label})`,
      () => graph.sharedAudienceGraph({ excludeLogins: excluded }),
      {
        runs,
        warmup: 1,
        note: shape,
      },
    ),
    // The store keeps the answer until a change (the /communities rows below); this is Louvain itself.
    await measure(
      `Louvain on the channel graph, not remembered (${label})`,
      () => detectCommunities(input),
      { runs, warmup: 1 },
    ),
    await measure(
      `/communities, graph unchanged (${label}, text only)`,
      () => ask(graph, bots, '/communities', false),
      {
        runs,
        warmup: 1,
      },
    ),
    await measure(
      `/communities, graph unchanged (${label}, map included)`,
      () => ask(graph, bots, '/communities'),
      {
        runs,
        warmup: 1,
      },
    ),
    // The case a live channel sees: new chat arrived since the last answer, so the channel graph is counted
    // again and Louvain runs again. The write (one new chatter in the biggest channel) is microseconds.
    await measure(
      `/communities right after a write (${label}, map included)`,
      async () => {
        written += 1;
        await graph.applyChatActivity(
          [
            {
              channelId: top?.id ?? '1',
              channelLogin: null,
              login: `bench_newcomer_${written}`,
              messages: 1,
              firstSeen: written,
              lastSeen: written,
              days: [0],
              moderator: false,
              vip: false,
              subscriber: false,
            },
          ],
          [],
        );
        await ask(graph, bots, '/communities');
      },
      { runs, warmup: 1, note: 'one chat write, then the whole answer: recount, Louvain, map' },
    ),
    await measure(
      `/streamer ${top?.login ?? 'x'} (${label}, picture included)`,
      () => ask(graph, bots, `/streamer ${top?.login ?? 'x'}`),
      {
        runs,
        warmup: 1,
      },
    ),
  ];
}

export async function benchCommunities(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const demo = EmbeddedGraphStore.inMemory();
  await importSeedDirectory(demoDatasetDir(), demo);
  rows.push(...(await rowsFor(demo, 'demo', 10)));
  await demo.close();

  const generated = join(process.cwd(), '.cache', 'bench', 'generated-1m-seed1');
  if (!existsSync(join(generated, 'chatters.csv')))
    await generateDataset(generated, { streamers: 2_000, chatterEdges: 1_000_000, seed: 1, bots: 8 });
  const big = EmbeddedGraphStore.inMemory();
  await importSeedDirectory(generated, big, { batchSize: 20_000 });
  const counts = await big.counts();
  global.gc?.();
  const rssBefore = rssMiB();
  const heapBefore = heapMiB();
  const started = performance.now();
  await ask(big, new BotDetector(big), '/communities');
  const firstMs = performance.now() - started;
  rows.push({
    name: '/communities first run (1M edges, map included)',
    median_ms: Math.round(firstMs),
    p95_ms: Math.round(firstMs),
    runs: 1,
    note: `${counts.nodes.toLocaleString('en-US')} nodes, ${counts.relationships.toLocaleString('en-US')} relationships; RSS ${rssBefore} → ${rssMiB()} MiB, heap ${heapBefore} → ${heapMiB()} MiB`,
  });
  rows.push(...(await rowsFor(big, '1M edges', 5)));
  rows.push({
    name: 'RSS after the /communities benchmarks',
    median_ms: 0,
    p95_ms: 0,
    runs: 1,
    note: `${rssMiB()} MiB`,
  });
  await big.close();
  return rows;
}
