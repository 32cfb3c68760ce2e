/**
 * Timings of the in-process graph algorithms on prebuilt projections (building the projection from the
 * embedded graph is measured elsewhere). Run counts are small on purpose: the development machine has two
 * shared cores. Nothing here asserts a time; the numbers go to the benchmark report.
 */
import { existsSync } from 'node:fs';
import type { NodeLabel } from '../src/domain/graph-records.js';
import { betweenness } from '../src/graph/algorithms/betweenness.js';
import { seededRandom } from '../src/util/seeded-random.js';
import { pagerankRun } from '../src/graph/algorithms/pagerank.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import type { GraphProjection } from '../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../test/support/demo-dataset.js';
import type { BenchRow } from './bench-kit.js';
import { percentile } from './bench-kit.js';

/** Time `work` `runs` times after one warm-up run; `describe` turns the last result into the row's note. */
function measure<T>(name: string, runs: number, work: () => T, describe?: (result: T) => string): BenchRow {
  let result = work();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    result = work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const row: BenchRow = {
    name,
    median_ms: Math.round(percentile(times, 50) * 100) / 100,
    p95_ms: Math.round(percentile(times, 95) * 100) / 100,
    runs,
  };
  if (describe !== undefined) row.note = describe(result);
  return row;
}

/** CSR from a relationship list, targets ascending per node (as `projection()` builds it). */
function toProjection(
  kinds: readonly NodeLabel[],
  sources: Uint32Array,
  targets: Uint32Array,
): GraphProjection {
  const n = kinds.length;
  const offsets = new Uint32Array(n + 1);
  for (const s of sources) offsets[s + 1] = (offsets[s + 1] as number) + 1;
  for (let i = 0; i < n; i += 1) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  const fill = offsets.slice(0, n);
  const sorted = new Uint32Array(targets.length);
  sources.forEach((s, e) => {
    sorted[fill[s] as number] = targets[e] as number;
    fill[s] = (fill[s] as number) + 1;
  });
  for (let i = 0; i < n; i += 1) sorted.subarray(offsets[i], offsets[i + 1]).sort();
  return {
    nodes: kinds.map((kind, i) => ({ kind, name: `${kind.toLowerCase()}${i}` })),
    offsets,
    targets: sorted,
  };
}

/**
 * Chat-shaped: `users` chatters spread over `streams` channels with a few very popular ones (some users are
 * also VIP or moderator there: parallel relationships), streams chatting in each other, playing games,
 * speaking languages.
 */
export function chatShapedProjection(
  users: number,
  streams: number,
  relationships: number,
  seed = 1,
): GraphProjection {
  const random = seededRandom(seed);
  const kinds: NodeLabel[] = [];
  const games = 200;
  const languages = 30;
  for (let i = 0; i < games; i += 1) kinds.push('Game');
  for (let i = 0; i < languages; i += 1) kinds.push('Language');
  const firstStream = kinds.length;
  for (let i = 0; i < streams; i += 1) kinds.push('Stream');
  const firstUser = kinds.length;
  for (let i = 0; i < users; i += 1) kinds.push('User');
  const sources = new Uint32Array(relationships);
  const targets = new Uint32Array(relationships);
  let e = 0;
  const add = (s: number, t: number) => {
    if (e < relationships) {
      sources[e] = s;
      targets[e] = t;
      e += 1;
    }
  };
  for (let s = 0; s < streams; s += 1) {
    add(firstStream + s, Math.floor(random() ** 2 * games));
    add(firstStream + s, games + Math.floor(random() ** 3 * languages));
    add(firstStream + s, firstStream + Math.floor(random() ** 2 * streams));
  }
  while (e < relationships) {
    const user = firstUser + Math.floor(random() * users);
    add(user, firstStream + Math.floor(random() ** 3 * streams));
  }
  return toProjection(kinds, sources, targets);
}

/** Random multigraph in which nearly every node reaches every other: exact betweenness at its worst. */
export function tangledProjection(nodes: number, relationships: number, seed = 2): GraphProjection {
  const random = seededRandom(seed);
  const sources = Uint32Array.from({ length: relationships }, () => Math.floor(random() * nodes));
  const targets = Uint32Array.from({ length: relationships }, () => Math.floor(random() ** 2 * nodes));
  return toProjection(
    Array.from({ length: nodes }, () => 'User' as const),
    sources,
    targets,
  );
}

const betweennessDefaults = { exactMaxNodes: 50_000, samplePivots: 256 };

export async function benchAlgorithms(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  const demoDir = demoDatasetDir();
  if (existsSync(demoDir)) {
    const store = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDir, store);
    const demo = await store.projection();
    const size = `${demo.nodes.length} nodes, ${demo.targets.length} relationships`;
    rows.push(
      measure(
        'pagerank: twitch-demo, MAGE defaults',
        10,
        () => pagerankRun(demo),
        (r) => `${size}; ${r.iterations} iterations`,
      ),
    );
    rows.push(
      measure(
        'betweenness: twitch-demo, exact',
        5,
        () => betweenness(demo, betweennessDefaults),
        (r) => `${size}; ${r.mode}, work bound ${r.exactWorkBound?.toExponential(2) ?? 'not needed'}`,
      ),
    );
  } else {
    rows.push({
      name: 'twitch-demo algorithms',
      median_ms: Number.NaN,
      p95_ms: Number.NaN,
      runs: 0,
      note: `no dataset at ${demoDir}`,
    });
  }

  const big = chatShapedProjection(298_000, 2_000, 1_000_000);
  const bigSize = `${big.nodes.length} nodes, ${big.targets.length} relationships`;
  rows.push(
    measure(
      'pagerank: 300k nodes / 1M relationships, MAGE defaults',
      5,
      () => pagerankRun(big),
      (r) => `${bigSize}; ${r.iterations} iterations`,
    ),
  );
  // A random graph converges geometrically, so with ε = 0 all 100 iterations run (the chat-shaped graph
  // above reaches an exact fixed point sooner).
  const random = tangledProjection(300_000, 1_000_000, 3);
  rows.push(
    measure(
      'pagerank: 300k nodes / 1M relationships (random), 100 iterations',
      3,
      () => pagerankRun(random, { stopEpsilon: 0 }),
      (r) => `${r.iterations} iterations: the worst case, the stop test never met`,
    ),
  );
  rows.push(
    measure(
      'pagerank: 300k nodes / 1M relationships (random), MAGE defaults',
      3,
      () => pagerankRun(random),
      (r) => `${r.iterations} iterations`,
    ),
  );
  const mid = chatShapedProjection(48_000, 1_000, 150_000, 4);
  rows.push(
    measure(
      'betweenness: 49k-node chat-shaped graph, default limits',
      3,
      () => betweenness(mid, betweennessDefaults),
      (r) =>
        `${mid.nodes.length} nodes, ${mid.targets.length} relationships; ${r.mode}, work bound ${r.exactWorkBound?.toExponential(2) ?? 'not needed'}`,
    ),
  );
  rows.push(
    measure(
      'betweenness: 300k nodes / 1M relationships, sampled',
      3,
      () => betweenness(big, betweennessDefaults),
      (r) => `${bigSize}; ${r.mode}, ${r.pivots} pivots`,
    ),
  );

  const tangled = tangledProjection(2_000, 8_000);
  rows.push(
    measure(
      'betweenness: tangled 2k nodes / 8k relationships, exact',
      3,
      () => betweenness(tangled, { ...betweennessDefaults, exactMaxWork: Number.POSITIVE_INFINITY }),
      (r) =>
        `work bound ${r.exactWorkBound?.toExponential(2) ?? 'not needed'} (tight here): bound / time = work units per second`,
    ),
  );
  return rows;
}
